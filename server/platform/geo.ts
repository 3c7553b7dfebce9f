import type { GeoJsonGeometry } from '../db/schema.ts';

/**
 * Point-in-polygon for GeoJSON Polygon and MultiPolygon ([lng, lat] rings, the first ring of a
 * polygon is its outline, the others are holes). A point exactly on an edge or a vertex counts as
 * inside, so a point on a border shared by two grids is inside both and callers break the tie
 * deterministically (pickRegion: the smaller code wins).
 */
export function pointInGeometry(lng: number, lat: number, g: GeoJsonGeometry): boolean {
  const polygons = g.type === 'Polygon' ? [g.coordinates as number[][][]] : (g.coordinates as number[][][][]);
  return polygons.some((rings) => {
    if (!rings.length) return false;
    const outer = ringPosition(lng, lat, rings[0]);
    if (outer === 'outside') return false;
    if (outer === 'edge') return true;
    // inside a hole is outside the polygon; on a hole's edge is on the polygon's edge
    return rings.slice(1).every((hole) => ringPosition(lng, lat, hole) !== 'inside');
  });
}

type Position = 'inside' | 'outside' | 'edge';

/** Ray casting to the east, with an exact on-segment test first. */
export function ringPosition(x: number, y: number, ring: number[][]): Position {
  let inside = false;
  const n = ring.length;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (onSegment(x, y, xi, yi, xj, yj)) return 'edge';
    if (yi > y !== yj > y) {
      const cross = ((xj - xi) * (y - yi)) / (yj - yi) + xi;
      if (x < cross) inside = !inside;
    }
  }
  return inside ? 'inside' : 'outside';
}

function onSegment(x: number, y: number, x1: number, y1: number, x2: number, y2: number): boolean {
  const cross = (x2 - x1) * (y - y1) - (y2 - y1) * (x - x1);
  // relative tolerance: coordinates are degrees with ~6 decimals
  if (Math.abs(cross) > 1e-12 * Math.max(1, Math.abs(x2 - x1) + Math.abs(y2 - y1))) return false;
  return x >= Math.min(x1, x2) && x <= Math.max(x1, x2) && y >= Math.min(y1, y2) && y <= Math.max(y1, y2);
}

/** Of the candidate regions (already filtered by bounding box), the one containing the point; ties → smaller code. */
export function pickRegion<R extends { code: string; geometry: GeoJsonGeometry | null }>(lng: number, lat: number, candidates: R[]): R | null {
  let best: R | null = null;
  for (const r of candidates) {
    if (!r.geometry || !pointInGeometry(lng, lat, r.geometry)) continue;
    if (!best || r.code < best.code) best = r;
  }
  return best;
}
