import { sql, type Expression, type Insertable, type SqlBool, type Updateable } from 'kysely';
import type { Executor } from '../../../db/index.ts';
import type { RegionLevel, RegionTable } from '../../../db/schema.ts';
import { inScope, regionColumn, type Scope } from '../../../platform/access/index.ts';

export const regionColumns = [
  'rg.id', 'rg.parent_id', 'rg.level', 'rg.code', 'rg.name', 'rg.city_id', 'rg.district_id', 'rg.street_id', 'rg.community_id', 'rg.grid_id',
  'rg.households', 'rg.chief_user_id', 'rg.sort_order', 'rg.min_lng', 'rg.min_lat', 'rg.max_lng', 'rg.max_lat',
] as const;

/** The region a principal looks from: its scope's region, or for organisations the region the org sits in. */
export interface Anchor { level: RegionLevel; regionId: string }

/** Visible regions: the anchor's subtree and its ancestors (for context); everything without an anchor. */
function visible(anchor: Anchor | null): Expression<SqlBool> {
  if (!anchor) return sql<boolean>`true`;
  return sql<boolean>`(${sql.ref(`rg.${regionColumn[anchor.level]}`)} = ${anchor.regionId} OR rg.id IN (
    SELECT unnest(ARRAY[a.city_id, a.district_id, a.street_id, a.community_id, a.grid_id]) FROM region a WHERE a.id = ${anchor.regionId}))`;
}

export async function listRegions(db: Executor, anchor: Anchor | null, filter: { parentId?: string; level?: RegionLevel }, withGeometry: boolean) {
  let q = db
    .selectFrom('region as rg')
    .select(regionColumns)
    .$if(withGeometry, (qb) => qb.select('rg.geometry'))
    .where(visible(anchor))
    .orderBy(sql`array_position(ARRAY['city','district','street','community','grid']::text[], rg.level)`)
    .orderBy('rg.code');
  if (filter.parentId) q = q.where('rg.parent_id', '=', filter.parentId);
  if (filter.level) q = q.where('rg.level', '=', filter.level);
  return q.limit(20_000).execute();
}

export async function findVisibleRegion(db: Executor, anchor: Anchor | null, id: string) {
  return db.selectFrom('region as rg').select(regionColumns).select('rg.geometry').where('rg.id', '=', id).where(visible(anchor)).executeTakeFirst();
}

/** A region the caller may change: inside their scope's subtree. */
export async function findRegionInScope(db: Executor, scope: Scope, id: string) {
  return db.selectFrom('region as rg').select(regionColumns).select('rg.geometry').where('rg.id', '=', id).where((eb) => inScope(eb, scope, { regionOf: 'rg' })).executeTakeFirst();
}

export async function codeTaken(db: Executor, code: string) {
  return !!(await db.selectFrom('region').select('id').where('code', '=', code).executeTakeFirst());
}

export async function childCodes(db: Executor, parentId: string) {
  return (await db.selectFrom('region').select(['code', 'sort_order']).where('parent_id', '=', parentId).execute());
}

export async function insertRegion(db: Executor, row: Insertable<RegionTable>) {
  await db.insertInto('region').values(row).execute();
}

export async function updateRegion(db: Executor, id: string, set: Updateable<RegionTable>) {
  await db.updateTable('region').set(set).where('id', '=', id).execute();
}

/** Grid staff: the chief and the grid workers (accounts placed on the grid). */
export async function gridStaff(db: Executor, gridIds: string[]) {
  if (gridIds.length === 0) return [];
  return db
    .selectFrom('app_user as u')
    .select(['u.id', 'u.display_name', 'u.grid_id'])
    .where('u.grid_id', 'in', gridIds)
    .where('u.active', '=', true)
    .orderBy('u.display_name')
    .execute();
}

export async function userNames(db: Executor, ids: string[]) {
  if (ids.length === 0) return new Map<string, string>();
  const rows = await db.selectFrom('app_user').select(['id', 'display_name']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.display_name]));
}

/** A staff account in the caller's scope (its organisation's region is), for naming a grid chief. */
export async function findUserInScope(db: Executor, scope: Scope, id: string) {
  return db
    .selectFrom('app_user as u')
    .innerJoin('org as o', 'o.id', 'u.org_id')
    .leftJoin('region as rg', 'rg.id', 'o.region_id')
    .select(['u.id', 'u.active'])
    .where('u.id', '=', id)
    .where((eb) => inScope(eb, scope, { regionOf: 'rg' }))
    .executeTakeFirst();
}

/** Household and resident counts per region from the registry, at the region's own level. */
export async function registryCounts(db: Executor, level: RegionLevel, ids: string[]) {
  if (ids.length === 0 || level === 'city') return new Map<string, { households: number; residents: number }>();
  const col = regionColumn[level];
  const hh = await db.selectFrom('household').select([sql.ref<string>(col).as('rid'), sql<number>`count(*)::int`.as('n')]).where(sql.ref(col), 'in', ids).groupBy(sql.ref(col)).execute();
  const rs = await db
    .selectFrom('resident')
    .select([sql.ref<string>(col).as('rid'), sql<number>`count(*)::int`.as('n')])
    .where(sql.ref(col), 'in', ids)
    .where('status', '=', 'active')
    .groupBy(sql.ref(col))
    .execute();
  const out = new Map<string, { households: number; residents: number }>(ids.map((id) => [id, { households: 0, residents: 0 }]));
  for (const r of hh) out.get(r.rid)!.households = r.n;
  for (const r of rs) out.get(r.rid)!.residents = r.n;
  return out;
}

/** Grids whose bounding box holds the point, in code order (the tie-break for shared edges). */
export async function gridsAround(db: Executor, lng: number, lat: number) {
  return db
    .selectFrom('region as rg')
    .select(['rg.id', 'rg.code', 'rg.name', 'rg.geometry', 'rg.community_id', 'rg.street_id', 'rg.district_id', 'rg.city_id'])
    .where('rg.level', '=', 'grid')
    .where('rg.min_lng', '<=', lng)
    .where('rg.max_lng', '>=', lng)
    .where('rg.min_lat', '<=', lat)
    .where('rg.max_lat', '>=', lat)
    .orderBy('rg.code')
    .execute();
}

export async function regionsByIds(db: Executor, ids: string[]) {
  if (ids.length === 0) return [];
  return db.selectFrom('region').select(['id', 'level', 'code', 'name']).where('id', 'in', ids).execute();
}

export async function communityGrids(db: Executor, communityId: string) {
  return db.selectFrom('region').select(['id', 'code', 'name', 'geometry', 'households']).where('parent_id', '=', communityId).where('level', '=', 'grid').orderBy('code').execute();
}

export async function getSetting<T>(db: Executor, key: string): Promise<T | undefined> {
  const r = await db.selectFrom('setting').select('value').where('key', '=', key).executeTakeFirst();
  return r?.value as T | undefined;
}

export async function putSetting(db: Executor, key: string, value: unknown, by: string | null, at: Date) {
  await sql`INSERT INTO setting (key, value, updated_by, updated_at) VALUES (${key}, ${JSON.stringify(value)}::jsonb, ${by}, ${at})
    ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at`.execute(db);
}
