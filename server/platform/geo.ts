import { orient2d } from 'robust-predicates';
import polygonClipping from 'polygon-clipping';

/**
 * Plane geometry on [lng, lat] coordinates for jurisdiction polygons (GeoJSON Polygon and
 * MultiPolygon). Point location is exact: orientations are computed with Shewchuk's adaptive
 * predicates (robust-predicates), so a point on an edge or a vertex is recognised as such whatever
 * the floating-point values, and ties between neighbouring grids can be broken deterministically.
 * Areas (overlaps, gaps) use polygon-clipping and a local equirectangular projection: city-sized
 * polygons, metres-level precision.
 */
export type Position = [number, number];
export type Ring = Position[];
export interface PolygonGeometry { type: 'Polygon'; coordinates: Ring[] }
export interface MultiPolygonGeometry { type: 'MultiPolygon'; coordinates: Ring[][] }
export type AreaGeometry = PolygonGeometry | MultiPolygonGeometry;

export type PointLocation = 'inside' | 'boundary' | 'outside';

/** Where a point lies relative to one closed ring (first position repeated at the end). */
export function locateInRing(p: Position, ring: Ring): PointLocation {
  const [x, y] = p;
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    const o = orient2d(xj, yj, xi, yi, x, y);
    if (o === 0 && x >= Math.min(xi, xj) && x <= Math.max(xi, xj) && y >= Math.min(yi, yj) && y <= Math.max(yi, yj)) return 'boundary';
    // Half-open rule on y (one endpoint counts, the other not) so a ray through a vertex is counted once.
    if ((yi > y) !== (yj > y)) {
      // The edge crosses the horizontal line through p; it lies to the right of p when p is on the
      // left of the upward-directed edge.
      const upward = yi > yj ? o : -o;
      if (upward > 0) inside = !inside;
    }
  }
  return inside ? 'inside' : 'outside';
}

/** Polygon with holes: inside the outer ring and in no hole; the boundary of a hole is boundary. */
function locateInPolygon(p: Position, rings: Ring[]): PointLocation {
  const outer = locateInRing(p, rings[0]);
  if (outer !== 'inside') return outer;
  for (let h = 1; h < rings.length; h++) {
    const inHole = locateInRing(p, rings[h]);
    if (inHole === 'boundary') return 'boundary';
    if (inHole === 'inside') return 'outside';
  }
  return 'inside';
}

export function locatePoint(p: Position, g: AreaGeometry): PointLocation {
  const polygons = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  let result: PointLocation = 'outside';
  for (const rings of polygons) {
    const r = locateInPolygon(p, rings);
    if (r === 'inside') return 'inside';
    if (r === 'boundary') result = 'boundary';
  }
  return result;
}

export interface BBox { minLng: number; minLat: number; maxLng: number; maxLat: number }

export function bboxOf(g: AreaGeometry): BBox {
  const polygons = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  let minLng = Infinity, minLat = Infinity, maxLng = -Infinity, maxLat = -Infinity;
  for (const rings of polygons) for (const ring of rings) for (const [x, y] of ring) {
    if (x < minLng) minLng = x;
    if (x > maxLng) maxLng = x;
    if (y < minLat) minLat = y;
    if (y > maxLat) maxLat = y;
  }
  return { minLng, minLat, maxLng, maxLat };
}

export type GeometryProblem = 'type' | 'ring_open' | 'ring_short' | 'coordinates' | 'self_intersecting';

function segmentsCross(a: Position, b: Position, c: Position, d: Position): boolean {
  const o1 = orient2d(a[0], a[1], b[0], b[1], c[0], c[1]);
  const o2 = orient2d(a[0], a[1], b[0], b[1], d[0], d[1]);
  const o3 = orient2d(c[0], c[1], d[0], d[1], a[0], a[1]);
  const o4 = orient2d(c[0], c[1], d[0], d[1], b[0], b[1]);
  return o1 * o2 < 0 && o3 * o4 < 0;
}

/**
 * Checks a value is a usable GeoJSON Polygon or MultiPolygon: closed rings of at least four
 * positions, finite longitudes and latitudes in range, and no ring crossing itself (proper
 * crossings; O(n²) per ring, fine for the few hundred vertices a hand-drawn grid has).
 */
export function validateAreaGeometry(value: unknown): { ok: true; geometry: AreaGeometry } | { ok: false; problem: GeometryProblem } {
  const v = value as { type?: unknown; coordinates?: unknown };
  if (!v || typeof v !== 'object' || (v.type !== 'Polygon' && v.type !== 'MultiPolygon') || !Array.isArray(v.coordinates)) return { ok: false, problem: 'type' };
  const polygons = (v.type === 'Polygon' ? [v.coordinates] : v.coordinates) as unknown[];
  if (polygons.length === 0) return { ok: false, problem: 'type' };
  for (const rings of polygons) {
    if (!Array.isArray(rings) || rings.length === 0) return { ok: false, problem: 'type' };
    for (const ring of rings as unknown[]) {
      if (!Array.isArray(ring)) return { ok: false, problem: 'type' };
      for (const pos of ring as unknown[]) {
        if (!Array.isArray(pos) || pos.length < 2 || pos.length > 3) return { ok: false, problem: 'coordinates' };
        const [x, y] = pos as number[];
        if (typeof x !== 'number' || typeof y !== 'number' || !Number.isFinite(x) || !Number.isFinite(y) || x < -180 || x > 180 || y < -90 || y > 90) {
          return { ok: false, problem: 'coordinates' };
        }
      }
      const r = ring as Position[];
      if (r.length < 4) return { ok: false, problem: 'ring_short' };
      if (r[0][0] !== r[r.length - 1][0] || r[0][1] !== r[r.length - 1][1]) return { ok: false, problem: 'ring_open' };
      for (let i = 0; i + 1 < r.length; i++) {
        for (let j = i + 2; j + 1 < r.length; j++) {
          if (i === 0 && j + 1 === r.length - 1) continue; // first and last edges share the closing vertex
          if (segmentsCross(r[i], r[i + 1], r[j], r[j + 1])) return { ok: false, problem: 'self_intersecting' };
        }
      }
    }
  }
  // Positions are kept as [lng, lat] only (an altitude has no meaning for a jurisdiction).
  const strip = (rings: Position[][]) => rings.map((ring) => ring.map(([x, y]) => [x, y] as Position));
  const geometry: AreaGeometry = v.type === 'Polygon'
    ? { type: 'Polygon', coordinates: strip(v.coordinates as Position[][]) }
    : { type: 'MultiPolygon', coordinates: (v.coordinates as Position[][][]).map(strip) };
  return { ok: true, geometry };
}

type Multi = Ring[][];
const asMulti = (g: AreaGeometry): Multi => (g.type === 'Polygon' ? [g.coordinates] : g.coordinates);

const M_PER_DEG_LAT = 110_574;
const M_PER_DEG_LNG_EQUATOR = 111_320;

/** Area in square metres (equirectangular projection around the given latitude). */
export function areaM2(multi: Multi, refLat: number): number {
  const kx = M_PER_DEG_LNG_EQUATOR * Math.cos((refLat * Math.PI) / 180);
  let total = 0;
  for (const rings of multi) {
    rings.forEach((ring, k) => {
      let a = 0;
      for (let i = 0; i + 1 < ring.length; i++) a += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
      const m2 = Math.abs(a / 2) * kx * M_PER_DEG_LAT;
      total += k === 0 ? m2 : -m2;
    });
  }
  return total;
}

export const intersectionOf = (a: AreaGeometry, b: AreaGeometry): Multi => polygonClipping.intersection(asMulti(a), asMulti(b)) as Multi;
export const unionOf = (gs: AreaGeometry[]): Multi => (gs.length === 0 ? [] : (polygonClipping.union(asMulti(gs[0]), ...gs.slice(1).map(asMulti)) as Multi));
export const differenceOf = (a: AreaGeometry, b: Multi): Multi => (b.length === 0 ? asMulti(a) : (polygonClipping.difference(asMulti(a), b) as Multi));

export function bboxesOverlap(a: BBox, b: BBox): boolean {
  return a.minLng < b.maxLng && b.minLng < a.maxLng && a.minLat < b.maxLat && b.minLat < a.maxLat;
}
