import { describe, expect, it } from 'vitest';
import { pickRegion, pointInGeometry } from './geo.ts';
import type { GeoJsonGeometry } from '../db/schema.ts';

const square = (w: number, s: number, e: number, n: number): GeoJsonGeometry => ({
  type: 'Polygon',
  coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]],
});

describe('pointInGeometry', () => {
  const g = square(117, 36, 117.01, 36.01);
  it('inside, outside', () => {
    expect(pointInGeometry(117.005, 36.005, g)).toBe(true);
    expect(pointInGeometry(117.02, 36.005, g)).toBe(false);
    expect(pointInGeometry(117.005, 35.99, g)).toBe(false);
  });
  it('on an edge or a vertex counts as inside', () => {
    expect(pointInGeometry(117, 36.005, g)).toBe(true);
    expect(pointInGeometry(117.01, 36.005, g)).toBe(true);
    expect(pointInGeometry(117.005, 36.01, g)).toBe(true);
    expect(pointInGeometry(117, 36, g)).toBe(true);
    expect(pointInGeometry(117.01, 36.01, g)).toBe(true);
  });
  it('holes are outside, their edges inside; multipolygons', () => {
    const holed: GeoJsonGeometry = {
      type: 'Polygon',
      coordinates: [square(0, 0, 10, 10).coordinates[0] as number[][], [[4, 4], [6, 4], [6, 6], [4, 6], [4, 4]]],
    };
    expect(pointInGeometry(5, 5, holed)).toBe(false);
    expect(pointInGeometry(4, 5, holed)).toBe(true);
    expect(pointInGeometry(2, 2, holed)).toBe(true);
    const multi: GeoJsonGeometry = { type: 'MultiPolygon', coordinates: [square(0, 0, 1, 1).coordinates as number[][][], square(5, 5, 6, 6).coordinates as number[][][]] };
    expect(pointInGeometry(5.5, 5.5, multi)).toBe(true);
    expect(pointInGeometry(3, 3, multi)).toBe(false);
  });
  it('concave polygons', () => {
    const u: GeoJsonGeometry = { type: 'Polygon', coordinates: [[[0, 0], [3, 0], [3, 3], [2, 3], [2, 1], [1, 1], [1, 3], [0, 3], [0, 0]]] };
    expect(pointInGeometry(1.5, 2, u)).toBe(false);
    expect(pointInGeometry(0.5, 2, u)).toBe(true);
    expect(pointInGeometry(2.5, 2, u)).toBe(true);
    expect(pointInGeometry(1.5, 1, u)).toBe(true);
  });
});

describe('pickRegion', () => {
  const a = { code: '370102001001002', geometry: square(0, 0, 1, 1) };
  const b = { code: '370102001001001', geometry: square(1, 0, 2, 1) };
  it('a point on the shared edge of two grids goes to the smaller code, whatever the order', () => {
    expect(pickRegion(1, 0.5, [a, b])?.code).toBe('370102001001001');
    expect(pickRegion(1, 0.5, [b, a])?.code).toBe('370102001001001');
  });
  it('inside one only; none', () => {
    expect(pickRegion(0.5, 0.5, [a, b])?.code).toBe(a.code);
    expect(pickRegion(5, 5, [a, b])).toBeNull();
  });
});
