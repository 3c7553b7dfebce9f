import { sql } from 'kysely';
import { requirePermission } from '../../platform/access/index.ts';
import type { Ctx } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import type { CaseRow } from '../cases/events.ts';
import { caseVisible, findCase } from '../cases/store.ts';
import { caseScope } from '../cases/workflow.ts';
import { loadedClassifier } from './service.ts';
import { readSettings, type DispatchSettings } from './settings.ts';
import { cosine, distanceMeters, vectoriserFor } from './similarity.ts';

/** States in which a case is still being worked on: a duplicate of one of these can be merged into it. */
export const OPEN_STATES = ['reported', 'registered', 'dispatched', 'accepted', 'handled', 'verified', 'parked'] as const;
/** Most nearby cases compared per request (the newest first); enough for a building or a few hundred metres over days. */
const MAX_CANDIDATES = 500;

/** The words of a report: its title when that is not just the description's first sentence, and the description. */
export function reportText(row: Pick<CaseRow, 'title' | 'description'>): string {
  return row.description.includes(row.title) ? row.description : `${row.title}\n${row.description}`;
}

export interface SimilarQuery {
  limit?: number;
  distanceMeters?: number;
  windowHours?: number;
  minScore?: number;
}

/**
 * `GET /api/cases/{id}/similar`: open cases the caller may see that are near this one (same
 * building, within the distance of its point, or — for a case without a point or building — in the
 * same grid, else community), reported within the window before or after it, whose text is similar.
 * Best first, each with its similarity score (0..1), distance and time apart.
 */
export async function similarCases(ctx: Ctx, caseId: string, q: SimilarQuery) {
  requirePermission(ctx, 'case.read');
  const scope = caseScope(ctx);
  const base = await findCase(ctx.db, ctx.principal, scope, caseId);
  if (!base) throw notFound();
  const defaults: DispatchSettings['duplicates'] = (await readSettings(ctx.db)).duplicates;
  const distance = q.distanceMeters ?? defaults.distanceMeters;
  const windowHours = q.windowHours ?? defaults.windowHours;
  const minScore = q.minScore ?? defaults.minScore;
  const limit = q.limit ?? 10;
  const at = new Date(base.reported_at).getTime();
  const from = new Date(at - windowHours * 3_600_000);
  const to = new Date(at + windowHours * 3_600_000);
  const point = base.lat !== null && base.lng !== null ? { lat: base.lat, lng: base.lng } : null;
  // a bounding box in SQL, the exact distance below
  const dLat = distance / 111_320;
  const dLng = point ? distance / (111_320 * Math.max(0.01, Math.cos((point.lat * Math.PI) / 180))) : 0;

  const candidates = await ctx.db
    .selectFrom('cases as c')
    .select(['c.id', 'c.case_no', 'c.status', 'c.title', 'c.description', 'c.category', 'c.category_top', 'c.address', 'c.building_id', 'c.grid_id', 'c.lat', 'c.lng', 'c.reported_at'])
    .where((eb) => caseVisible(eb, scope))
    .where('c.id', '<>', base.id)
    .where('c.status', 'in', [...OPEN_STATES])
    .where('c.reported_at', '>=', from)
    .where('c.reported_at', '<=', to)
    .where((eb) => {
      const near = [];
      if (base.building_id) near.push(eb('c.building_id', '=', base.building_id));
      if (point) {
        near.push(eb.and([eb('c.lat', '>=', point.lat - dLat), eb('c.lat', '<=', point.lat + dLat), eb('c.lng', '>=', point.lng - dLng), eb('c.lng', '<=', point.lng + dLng)]));
      } else if (!base.building_id) {
        near.push(base.grid_id ? eb('c.grid_id', '=', base.grid_id) : eb('c.community_id', '=', base.community_id));
      }
      return eb.or(near);
    })
    .orderBy(sql`abs(extract(epoch FROM c.reported_at - ${new Date(at)}::timestamptz))`)
    .limit(MAX_CANDIDATES)
    .execute();

  const vector = vectoriserFor(loadedClassifier(ctx.platform)?.classifier ?? null);
  const mine = vector(reportText(base));
  const items = [];
  for (const c of candidates) {
    const sameBuilding = !!base.building_id && c.building_id === base.building_id;
    const meters = point && c.lat !== null && c.lng !== null ? distanceMeters(point, { lat: c.lat, lng: c.lng }) : null;
    if (!sameBuilding && meters !== null && meters > distance) continue;
    const score = cosine(mine, vector(reportText(c)));
    if (score < minScore) continue;
    items.push({
      id: c.id, caseNo: c.case_no, status: c.status, title: c.title, category: c.category, categoryTop: c.category_top, address: c.address,
      reportedAt: new Date(c.reported_at).toISOString(),
      score: Math.round(score * 1000) / 1000,
      sameBuilding,
      sameCategory: c.category_top === base.category_top,
      distanceMeters: meters === null ? null : Math.round(meters),
      hoursApart: Math.round((Math.abs(new Date(c.reported_at).getTime() - at) / 3_600_000) * 10) / 10,
    });
  }
  items.sort((a, b) => b.score - a.score || a.hoursApart - b.hoursApart || a.id.localeCompare(b.id));
  return { caseId: base.id, distanceMeters: distance, windowHours, minScore, items: items.slice(0, limit) };
}
