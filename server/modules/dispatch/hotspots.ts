import { sql, type ExpressionBuilder } from 'kysely';
import type { WriteBatch } from '../../db/batch.ts';
import type { DB, Executor } from '../../db/index.ts';
import { PREPARE } from '../../db/prepared.ts';
import { inScope, requirePermission, scopeOf, type Scope } from '../../platform/access/index.ts';
import { audit } from '../../platform/audit/index.ts';
import { inTransaction, type Ctx } from '../../platform/context.ts';
import { conflict, invalid, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { getConfig, type CasesConfig } from '../cases/config.ts';
import type { CaseRow } from '../cases/events.ts';
import { notify } from '../notifications/service.ts';
import { SETTINGS_KEY, withDefaults } from './settings.ts';

/**
 * Hot spots: the same kind of problem reported again and again at one place — five noise complaints
 * about one bar in a week. Checked at every intake, inside its transaction: the reports of the new
 * case's top-level category at its building (and, separately, in its grid) within the window are
 * counted; reaching the threshold raises a hot spot, stored and announced to the community committee
 * and the street office. Later reports of the same category there join the open hot spot. Once
 * acknowledged, a hot spot is done; counting starts afresh from the acknowledgement.
 * Rejected reports (not a real problem) do not count; duplicates do — each is one more person
 * troubled by the same thing.
 */

type PlaceKind = 'building' | 'grid';
const COLUMN = { building: 'building_id', grid: 'grid_id' } as const;
/** Cases linked when a hot spot is raised (the window's reports; a threshold is far below this). */
const MAX_LINKED = 1000;

export async function detectHotSpots(w: WriteBatch, ctx: Ctx, cfg: CasesConfig, row: CaseRow): Promise<void> {
  const db = w.db;
  // from the cached configuration: intake is the hot path, and the thresholds change rarely
  const { hotSpots: h } = withDefaults(cfg.settings.get(SETTINGS_KEY));
  const now = ctx.platform.clock.now();
  const windowStart = new Date(now.getTime() - h.windowDays * 86_400_000);
  const places = ([['building', row.building_id, h.buildingThreshold], ['grid', row.grid_id, h.gridThreshold]] as const)
    .flatMap(([kind, placeId, threshold]) => (placeId ? [{ kind, placeId, threshold }] : []));
  const found = await joinOrCount(db, places, row, windowStart);
  for (const [i, { kind, placeId, threshold }] of places.entries()) {
    if (found[i].joined || found[i].counted < threshold) continue;
    const cases = await windowCases(db, kind, placeId, row, windowStart).select(['id', 'reported_at']).orderBy('reported_at').limit(MAX_LINKED).execute();
    const id = newId();
    const inserted = await db
      .insertInto('hot_spot')
      .values({
        id, district_id: row.district_id, city_id: row.city_id, street_id: row.street_id, community_id: row.community_id,
        grid_id: row.grid_id, place_kind: kind, place_id: placeId, category: row.category_top, window_days: h.windowDays, threshold,
        case_count: cases.length, first_reported_at: cases[0].reported_at, last_reported_at: cases[cases.length - 1].reported_at, raised_at: now,
      })
      .onConflict((oc) => oc.columns(['place_kind', 'place_id', 'category', 'district_id']).where('status', '=', 'open').doNothing())
      .returning('id')
      .executeTakeFirst();
    // another intake raised it a moment ago: this report joins that one
    if (!inserted) {
      await joinOrCount(db, [{ kind, placeId, threshold }], row, windowStart);
      continue;
    }
    await db.insertInto('hot_spot_case').values(cases.map((c) => ({ hot_spot_id: id, case_id: c.id, district_id: row.district_id }))).execute();
    const place = kind === 'building'
      ? (await db.selectFrom('building').select('address').where('id', '=', placeId).executeTakeFirst())?.address
      : (await db.selectFrom('region').select('name').where('id', '=', placeId).executeTakeFirst())?.name;
    const params = { category: cfg.categories.get(row.category_top)?.names['zh-CN'] ?? row.category_top, place: place ?? '', count: cases.length, days: h.windowDays };
    const to = [cfg.regionOrg.get(row.community_id), cfg.regionOrg.get(row.street_id)].filter((o): o is string => !!o);
    await notify(w, now, to.map((orgId) => ({ to: { orgId }, caseId: row.id, kind: 'hotspot.raised', key: 'notify.hotspot_raised', params })));
    await audit(ctx, { action: 'hotspot.raise', entityType: 'hot_spot', entityId: id, details: { placeKind: kind, placeId, category: row.category_top, count: cases.length, caseId: row.id } }, w);
  }
}

/**
 * The reports of the case's top-level category at a place that count toward raising a hot spot now.
 * Exported for server/db/queue-plans.test.ts, which checks the plan PostgreSQL keeps for it.
 */
export function windowCases(db: Executor, kind: PlaceKind, placeId: string, row: CaseRow, windowStart: Date) {
  // what was reported by the time of an acknowledgement was seen by whoever acknowledged it
  const lastAck = db
    .selectFrom('hot_spot')
    .select((eb) => eb.fn.max('acknowledged_at').as('at'))
    .where('place_kind', '=', kind).where('place_id', '=', placeId).where('category', '=', row.category_top);
  return db
    .selectFrom('cases')
    .where(COLUMN[kind], '=', placeId)
    .where('category_top', '=', row.category_top)
    .where('reported_at', '>=', windowStart)
    .where((eb) => eb('reported_at', '>', eb.fn.coalesce(lastAck, sql<Date>`'-infinity'::timestamptz`)))
    // a literal, not a parameter: the partial indexes of 0991 are for status <> 'rejected', and only a
    // literal lets a prepared statement's generic plan use them (so PostgreSQL stops re-planning it)
    .where('status', '<>', sql.lit('rejected'));
}

/**
 * For each place, in one statement (one round trip on every intake): adds the case to the open hot
 * spot of this place and category if there is one (linking and counting it), and counts the window's
 * reports up to the threshold, for the places where none is open.
 */
async function joinOrCount(db: Executor, places: { kind: PlaceKind; placeId: string; threshold: number }[], row: CaseRow, windowStart: Date) {
  if (!places.length) return [];
  const ctes = places.map(({ kind, placeId }, i) => sql`
    ${sql.id(`open${i}`)} AS (SELECT id FROM hot_spot
      WHERE place_kind = ${kind} AND place_id = ${placeId} AND category = ${row.category_top} AND status = 'open'),
    ${sql.id(`linked${i}`)} AS (INSERT INTO hot_spot_case (hot_spot_id, case_id, district_id)
      SELECT id, ${row.id}::uuid, ${row.district_id}::uuid FROM ${sql.id(`open${i}`)} ON CONFLICT DO NOTHING RETURNING hot_spot_id),
    ${sql.id(`bumped${i}`)} AS (UPDATE hot_spot SET case_count = case_count + 1, last_reported_at = greatest(last_reported_at, ${row.reported_at})
      WHERE id IN (SELECT hot_spot_id FROM ${sql.id(`linked${i}`)}))`);
  const columns = places.map(({ kind, placeId, threshold }, i) => sql`
    EXISTS (SELECT 1 FROM ${sql.id(`open${i}`)}) AS ${sql.id(`joined${i}`)},
    (SELECT count(*) FROM (${windowCases(db, kind, placeId, row, windowStart).select(sql.lit(1).as('one')).limit(threshold)}) AS w)::int AS ${sql.id(`counted${i}`)}`);
  const r = await sql<Record<string, boolean | number>>`${PREPARE} WITH ${sql.join(ctes)} SELECT ${sql.join(columns)}`.execute(db);
  const out = r.rows[0];
  return places.map((_, i) => ({ joined: out[`joined${i}`] as boolean, counted: out[`counted${i}`] as number }));
}

// ---- reading and acknowledging ----

// a hot spot belongs to a place: region-bound callers see their region's; departments and companies none
const visible = (scope: Scope) => (eb: ExpressionBuilder<DB & { h: DB['hot_spot'] }, 'h'>) => inScope(eb, scope, { regionOf: 'h' });

export interface HotSpotQuery {
  status?: 'open' | 'acknowledged';
  category?: string;
  communityId?: string;
  limit?: number;
}

export async function listHotSpots(ctx: Ctx, q: HotSpotQuery) {
  requirePermission(ctx, 'case.read');
  const rows = await ctx.db
    .selectFrom('hot_spot as h')
    .selectAll('h')
    .where(visible(scopeOf(ctx)))
    .$if(!!q.status, (qb) => qb.where('h.status', '=', q.status!))
    .$if(!!q.category, (qb) => qb.where('h.category', '=', q.category!))
    .$if(!!q.communityId, (qb) => qb.where('h.community_id', '=', q.communityId!))
    .orderBy('h.last_reported_at', 'desc')
    .orderBy('h.id')
    .limit(q.limit ?? 50)
    .execute();
  const cfg = await getConfig(ctx.platform, ctx.db);
  const names = await placeNames(ctx.db, rows);
  return { items: rows.map((r) => present(cfg, ctx, r, names)) };
}

export async function getHotSpot(ctx: Ctx, id: string) {
  requirePermission(ctx, 'case.read');
  const row = await findVisible(ctx.db, scopeOf(ctx), id);
  if (!row) throw notFound();
  const cfg = await getConfig(ctx.platform, ctx.db);
  const cases = await ctx.db
    .selectFrom('hot_spot_case as hc')
    .innerJoin('cases as c', 'c.id', 'hc.case_id')
    .select(['c.id', 'c.case_no', 'c.title', 'c.status', 'c.category', 'c.reported_at'])
    .where('hc.hot_spot_id', '=', id)
    .orderBy('c.reported_at')
    .execute();
  return {
    ...present(cfg, ctx, row, await placeNames(ctx.db, [row])),
    cases: cases.map((c) => ({ id: c.id, caseNo: c.case_no, title: c.title, status: c.status, category: c.category, reportedAt: new Date(c.reported_at).toISOString() })),
  };
}

export async function acknowledgeHotSpot(ctx: Ctx, id: string, note: string) {
  requirePermission(ctx, 'hotspot.manage');
  if (!note.trim()) throw invalid('note', 'validation.required');
  return inTransaction(ctx, async (trx, c) => {
    const row = await findVisible(trx, scopeOf(c), id, true);
    if (!row) throw notFound();
    if (row.status !== 'open') throw conflict('ILLEGAL_TRANSITION', 'hotspot.already_acknowledged');
    const now = c.platform.clock.now();
    await trx
      .updateTable('hot_spot')
      .set({ status: 'acknowledged', acknowledged_at: now, acknowledged_by: c.principal.kind === 'user' ? c.principal.id : null, acknowledge_note: note.trim() })
      .where('id', '=', id)
      .execute();
    await audit(c, { action: 'hotspot.acknowledge', entityType: 'hot_spot', entityId: id, details: { note: note.trim().slice(0, 200) } });
    return getHotSpot(c, id);
  });
}

async function findVisible(db: Executor, scope: Scope, id: string, lock = false) {
  const q = db.selectFrom('hot_spot as h').selectAll('h').where('h.id', '=', id).where(visible(scope));
  return (lock ? q.forUpdate() : q).executeTakeFirst();
}

type HotSpotRow = NonNullable<Awaited<ReturnType<typeof findVisible>>>;

async function placeNames(db: Executor, rows: HotSpotRow[]) {
  const buildings = rows.filter((r) => r.place_kind === 'building').map((r) => r.place_id);
  const grids = rows.filter((r) => r.place_kind === 'grid').map((r) => r.place_id);
  const [b, g] = await Promise.all([
    buildings.length ? db.selectFrom('building').select(['id', 'address as name']).where('id', 'in', buildings).execute() : [],
    grids.length ? db.selectFrom('region').select(['id', 'name']).where('id', 'in', grids).execute() : [],
  ]);
  return new Map([...b, ...g].map((x) => [x.id, x.name]));
}

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

function present(cfg: CasesConfig, ctx: Ctx, r: HotSpotRow, names: Map<string, string>) {
  return {
    id: r.id, status: r.status, category: r.category, categoryName: cfg.categories.get(r.category)?.names[ctx.lang] ?? r.category,
    placeKind: r.place_kind, placeId: r.place_id, placeName: names.get(r.place_id) ?? null,
    districtId: r.district_id, streetId: r.street_id, communityId: r.community_id, gridId: r.grid_id,
    caseCount: r.case_count, threshold: r.threshold, windowDays: r.window_days,
    firstReportedAt: iso(r.first_reported_at)!, lastReportedAt: iso(r.last_reported_at)!, raisedAt: iso(r.raised_at)!,
    acknowledgedAt: iso(r.acknowledged_at), acknowledgeNote: r.acknowledge_note,
  };
}
