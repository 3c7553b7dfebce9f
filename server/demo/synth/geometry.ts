/** Axis-aligned rectangles in degrees and their GeoJSON form. */
import type { Polygon } from './types.ts';

export interface Rect { west: number; south: number; east: number; north: number }

/** Kilometres per degree around Jinan (36.7°N): latitude is nearly constant, longitude shrinks by cos(lat). */
export const KM_PER_DEG_LAT = 110.95;
export const KM_PER_DEG_LNG = 111.32 * Math.cos((36.7 * Math.PI) / 180);

/** Six decimals is about 0.1 m; every coordinate is rounded once so shared edges compare equal. */
export const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

/** Counter-clockwise closed ring: SW, SE, NE, NW, SW. */
export function rectPolygon(r: Rect): Polygon {
  return {
    type: 'Polygon',
    coordinates: [[[r.west, r.south], [r.east, r.south], [r.east, r.north], [r.west, r.north], [r.west, r.south]]],
  };
}

export function rectOfPolygon(p: Polygon): Rect {
  let west = Infinity, south = Infinity, east = -Infinity, north = -Infinity;
  for (const [x, y] of p.coordinates[0]) {
    if (x < west) west = x;
    if (x > east) east = x;
    if (y < south) south = y;
    if (y > north) north = y;
  }
  return { west, south, east, north };
}

/** Shoelace area in square degrees (positive for counter-clockwise rings). */
export function ringArea(ring: number[][]): number {
  let a = 0;
  for (let i = 0; i + 1 < ring.length; i++) a += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
  return a / 2;
}

export function rectsOverlap(a: Rect, b: Rect): boolean {
  return a.west < b.east && b.west < a.east && a.south < b.north && b.south < a.north;
}

export function rectContains(outer: Rect, inner: Rect): boolean {
  return inner.west >= outer.west && inner.east <= outer.east && inner.south >= outer.south && inner.north <= outer.north;
}

export function pointStrictlyInside(r: Rect, [x, y]: [number, number] | number[]): boolean {
  return x > r.west && x < r.east && y > r.south && y < r.north;
}
