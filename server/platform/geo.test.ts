import { describe, expect, it } from 'vitest';
import { areaM2, bboxOf, differenceOf, intersectionOf, locatePoint, unionOf, validateAreaGeometry, type AreaGeometry, type Position } from './geo.ts';

const rect = (w: number, s: number, e: number, n: number): AreaGeometry => ({ type: 'Polygon', coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] });

describe('point location', () => {
  const square = rect(117, 36, 117.01, 36.01);

  it('inside, outside, on an edge and on a vertex', () => {
    expect(locatePoint([117.005, 36.005], square)).toBe('inside');
    expect(locatePoint([117.02, 36.005], square)).toBe('outside');
    expect(locatePoint([117.005, 36.01], square)).toBe('boundary');
    expect(locatePoint([117, 36.003], square)).toBe('boundary');
    expect(locatePoint([117.01, 36.01], square)).toBe('boundary');
    expect(locatePoint([117, 36], square)).toBe('boundary');
    // on the line of an edge but beyond its end
    expect(locatePoint([117.02, 36.01], square)).toBe('outside');
  });

  it('a ray through a vertex is counted once (half-open rule)', () => {
    const diamond: AreaGeometry = { type: 'Polygon', coordinates: [[[0, -1], [1, 0], [0, 1], [-1, 0], [0, -1]]] };
    expect(locatePoint([0, 0], diamond)).toBe('inside');
    expect(locatePoint([-2, 0], diamond)).toBe('outside');
    expect(locatePoint([0.5, 0.5], diamond)).toBe('boundary');
    expect(locatePoint([0.5, 0.49], diamond)).toBe('inside');
    expect(locatePoint([0.5, 0.51], diamond)).toBe('outside');
  });

  it('is exact on slanted edges: a point exactly on the edge is boundary, one ulp off is not', () => {
    const tri: AreaGeometry = { type: 'Polygon', coordinates: [[[0, 0], [3, 1], [3, -2], [0, 0]]] };
    expect(locatePoint([1.5, 0.5], tri)).toBe('boundary');
    expect(locatePoint([1.5, 0.5 + Number.EPSILON / 2], tri)).toBe('outside');
    expect(locatePoint([1.5, 0.5 - Number.EPSILON / 2], tri)).toBe('inside');
    // realistic coordinates: the vertices themselves are boundary
    const a: Position = [116.123456, 36.654321];
    const b: Position = [116.223456, 36.754321];
    const t2: AreaGeometry = { type: 'Polygon', coordinates: [[a, b, [116.3, 36.6], a]] };
    expect(locatePoint(a, t2)).toBe('boundary');
    expect(locatePoint(b, t2)).toBe('boundary');
  });

  it('holes and multipolygons', () => {
    const withHole: AreaGeometry = { type: 'Polygon', coordinates: [rect(0, 0, 10, 10).coordinates[0] as Position[], [[4, 4], [4, 6], [6, 6], [6, 4], [4, 4]]] };
    expect(locatePoint([5, 5], withHole)).toBe('outside');
    expect(locatePoint([4, 5], withHole)).toBe('boundary');
    expect(locatePoint([2, 2], withHole)).toBe('inside');
    const multi: AreaGeometry = { type: 'MultiPolygon', coordinates: [rect(0, 0, 1, 1).coordinates as Position[][], rect(2, 0, 3, 1).coordinates as Position[][]] };
    expect(locatePoint([2.5, 0.5], multi)).toBe('inside');
    expect(locatePoint([1.5, 0.5], multi)).toBe('outside');
    expect(locatePoint([1, 0.5], multi)).toBe('boundary');
  });
});

describe('validation', () => {
  it('accepts closed rings and rejects open, short, out-of-range and self-crossing ones', () => {
    expect(validateAreaGeometry(rect(117, 36, 117.01, 36.01)).ok).toBe(true);
    expect(validateAreaGeometry({ type: 'Point', coordinates: [1, 2] })).toEqual({ ok: false, problem: 'type' });
    expect(validateAreaGeometry({ type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1]]] })).toEqual({ ok: false, problem: 'ring_open' });
    expect(validateAreaGeometry({ type: 'Polygon', coordinates: [[[0, 0], [1, 0], [0, 0]]] })).toEqual({ ok: false, problem: 'ring_short' });
    expect(validateAreaGeometry({ type: 'Polygon', coordinates: [[[0, 0], [200, 0], [1, 1], [0, 0]]] })).toEqual({ ok: false, problem: 'coordinates' });
    expect(validateAreaGeometry({ type: 'Polygon', coordinates: [[[0, 0], ['1', 0], [1, 1], [0, 0]]] })).toEqual({ ok: false, problem: 'coordinates' });
    // a bow tie
    expect(validateAreaGeometry({ type: 'Polygon', coordinates: [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]] })).toEqual({ ok: false, problem: 'self_intersecting' });
  });

  it('drops altitudes', () => {
    const r = validateAreaGeometry({ type: 'Polygon', coordinates: [[[0, 0, 5], [1, 0, 5], [1, 1, 5], [0, 0, 5]]] });
    expect(r.ok && r.geometry.coordinates[0]).toEqual([[0, 0], [1, 0], [1, 1], [0, 0]]);
  });
});

describe('areas', () => {
  it('measures overlaps and gaps in square metres', () => {
    // 0.001° × 0.001° at 36.7°N is about 89 m × 111 m
    const a = rect(117, 36.7, 117.001, 36.701);
    const b = rect(117.0005, 36.7, 117.0015, 36.701);
    const overlap = areaM2(intersectionOf(a, b), 36.7);
    expect(overlap).toBeGreaterThan(0.5 * 89 * 110);
    expect(overlap).toBeLessThan(0.5 * 90 * 111);
    const touching = rect(117.001, 36.7, 117.002, 36.701);
    expect(areaM2(intersectionOf(a, touching), 36.7)).toBe(0);
    const whole = rect(117, 36.7, 117.003, 36.701);
    const gap = areaM2(differenceOf(whole, unionOf([a, touching])), 36.7);
    expect(gap).toBeGreaterThan(88 * 110);
    expect(gap).toBeLessThan(90 * 111);
    expect(bboxOf(whole)).toEqual({ minLng: 117, minLat: 36.7, maxLng: 117.003, maxLat: 36.701 });
  });
});
