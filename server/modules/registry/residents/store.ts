import { sql, type Expression, type Insertable, type SqlBool, type Updateable } from 'kysely';
import type { Executor } from '../../../db/index.ts';
import { updateRecords } from '../../../db/bulk.ts';
import { inScope, type Scope } from '../../../platform/access/index.ts';
import type { HouseholdMemberTable, ResidentChangeTable, ResidentTable, ResidentTagTable, VisitTable } from '../tables.ts';

/** Many ids as one array parameter, not one bound parameter each. */
const anyUuid = (ids: string[]) => sql<string>`any(${ids}::uuid[])`;

/**
 * Residents are located by the five region ids copied from their current household (or where a
 * newcomer was registered). Only region-bound staff reach them: organisation-bound callers
 * (departments, property companies) get no assignedTo condition, so inScope is false for them.
 */
const residentTarget = { regionOf: 'r' } as const;

export const residentColumns = [
  'r.id', 'r.name', 'r.name_key', 'r.gender', 'r.birth_date', 'r.id_enc', 'r.id_tail', 'r.phone_enc', 'r.ethnicity', 'r.political_status',
  'r.registered_address', 'r.registered_region_code', 'r.separated', 'r.status', 'r.household_id', 'r.relation', 'r.building_id', 'r.compound_id',
  'r.city_id', 'r.district_id', 'r.street_id', 'r.community_id', 'r.grid_id', 'r.created_at', 'r.updated_at',
  'h.unit_no', 'h.room_no', 'b.number as building_number', 'c.name as compound_name',
] as const;

/** Care tags in force on a day: started, and not ended by then. */
const activeTags = (today: string) =>
  sql<string[] | null>`(SELECT array_agg(t.tag ORDER BY t.tag) FROM resident_tag t
    WHERE t.resident_id = r.id AND t.valid_from <= ${today}::date AND (t.valid_to IS NULL OR t.valid_to > ${today}::date))`;

/** The list filters a caller sets directly (the API's query string and the export's). */
export interface ResidentListFilter {
  tag?: string;
  gridId?: string;
  communityId?: string;
  compoundId?: string;
  buildingId?: string;
  householdId?: string;
  separated?: boolean;
  status?: 'active' | 'moved_out' | 'deceased' | 'all';
}

export interface SearchFilter extends ResidentListFilter {
  nameKeyPrefix?: string;
  idHashes?: string[];
  phoneHashes?: string[];
  tail?: string;
  flats?: string[]; // household ids matching an address query
  after?: { nameKey: string; id: string };
}

function base(db: Executor, scope: Scope, today: string) {
  return db
    .selectFrom('resident as r')
    .leftJoin('household as h', 'h.id', 'r.household_id')
    .leftJoin('building as b', 'b.id', 'r.building_id')
    .leftJoin('compound as c', 'c.id', 'r.compound_id')
    .select(residentColumns)
    .select(activeTags(today).as('tags'))
    .where((eb) => inScope(eb, scope, residentTarget));
}

export async function searchResidents(db: Executor, scope: Scope, today: string, f: SearchFilter, limit: number) {
  let q = base(db, scope, today);
  if (f.nameKeyPrefix !== undefined) q = q.where('r.name_key', 'like', `${f.nameKeyPrefix.replace(/[\\%_]/g, (m) => `\\${m}`)}%`);
  if (f.idHashes) q = q.where('r.id_hash', 'in', f.idHashes);
  if (f.phoneHashes) q = q.where('r.phone_hash', 'in', f.phoneHashes);
  if (f.tail) q = q.where((eb) => eb.or([eb('r.id_tail', '=', f.tail!), eb('r.phone_tail', '=', f.tail!)]));
  if (f.flats) q = f.flats.length ? q.where('r.household_id', 'in', f.flats) : q.where(sql<boolean>`false`);
  if (f.tag) {
    const tag = f.tag;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('resident_tag as t')
          .select('t.id')
          .whereRef('t.resident_id', '=', 'r.id')
          .where('t.tag', '=', tag)
          .where('t.valid_from', '<=', today)
          .where((w) => w.or([w('t.valid_to', 'is', null), w('t.valid_to', '>', today)])),
      ),
    );
  }
  if (f.gridId) q = q.where('r.grid_id', '=', f.gridId);
  if (f.communityId) q = q.where('r.community_id', '=', f.communityId);
  if (f.compoundId) q = q.where('r.compound_id', '=', f.compoundId);
  if (f.buildingId) q = q.where('r.building_id', '=', f.buildingId);
  if (f.householdId) q = q.where('r.household_id', '=', f.householdId);
  if (f.separated !== undefined) q = q.where('r.separated', '=', f.separated);
  if (f.status !== 'all') q = q.where('r.status', '=', f.status ?? 'active');
  if (f.after) {
    const { nameKey, id } = f.after;
    q = q.where((eb) => eb.or([eb('r.name_key', '>', nameKey), eb.and([eb('r.name_key', '=', nameKey), eb('r.id', '>', id)])]) as Expression<SqlBool>);
  }
  return q.orderBy('r.name_key').orderBy('r.id').limit(limit).execute();
}

export type ResidentRow = Awaited<ReturnType<typeof searchResidents>>[number];

export async function findResident(db: Executor, scope: Scope, today: string, id: string) {
  return base(db, scope, today).where('r.id', '=', id).executeTakeFirst();
}

/** Serialises changes to one resident (moves, tags, edits) within a transaction. */
export async function lockResident(db: Executor, id: string) {
  await db.selectFrom('resident').select('id').where('id', '=', id).forUpdate().execute();
}

/**
 * Serialises registrations of one ID number across the city until the transaction ends. The unique
 * index on id_hash includes the district (Citus), so it no longer stops the same person being
 * registered in two districts at once; this lock does (registration, a change of ID number, an
 * import's confirm). It locks the number's row in resident_id_claim (made on first use): a row lock
 * is kept in the row, so a confirm may hold one for each of its 100,000 people, where advisory locks
 * ran out of the shared lock table (migration 0993).
 */
export async function lockIdNumbers(db: Executor, idHashes: string[]) {
  // in one order, so two transactions locking overlapping numbers queue instead of deadlocking within a call;
  // the no-op update takes the row lock, and waits for a transaction that claimed the number first
  const hashes = [...new Set(idHashes)].sort();
  if (hashes.length === 0) return;
  await sql`INSERT INTO resident_id_claim (id_hash) SELECT h FROM unnest(${hashes}::text[]) AS h ORDER BY h
    ON CONFLICT (id_hash) DO UPDATE SET id_hash = excluded.id_hash`.execute(db);
}

/** By ID number (blind index), anywhere in the city: for duplicates and re-registration. */
export async function residentByIdHash(db: Executor, hashes: string[]) {
  return db.selectFrom('resident').select(['id', 'status', 'city_id', 'district_id', 'street_id', 'community_id', 'grid_id']).where('id_hash', 'in', hashes).executeTakeFirst();
}

/** Many people by ID number (blind index), in one query whatever their number: an import's batch. */
export async function residentsByIdHash(db: Executor, hashes: string[]) {
  if (hashes.length === 0) return [];
  // one array parameter, not one bound parameter per hash
  return db.selectFrom('resident').selectAll().where('id_hash', '=', sql<string>`any(${hashes}::text[])`).execute();
}

export async function insertResident(db: Executor, row: Insertable<ResidentTable>) {
  await db.insertInto('resident').values(row).execute();
}

/** Updates a resident; a move to another district takes their care tags along (tagsFollowResidents). */
export async function updateResident(db: Executor, id: string, set: Updateable<ResidentTable>) {
  await db.updateTable('resident').set(set).where('id', '=', id).execute();
  if (set.district_id) await tagsFollowResidents(db, [id]);
}

/** Updates many residents at once (an import's batch), like updateResident: tags follow a move to another district. */
export async function updateResidents(db: Executor, rows: readonly ({ id: string } & Updateable<ResidentTable>)[]) {
  await updateRecords(db, 'resident', rows);
  await tagsFollowResidents(db, rows.filter((r) => r.district_id).map((r) => r.id));
}

/** Care tags live in their resident's district (distribution key): after a move, they are put where the resident now is. */
async function tagsFollowResidents(db: Executor, ids: string[]) {
  if (ids.length === 0) return;
  await sql`UPDATE resident_tag t SET district_id = r.district_id FROM resident r
    WHERE r.id = ANY(${ids}::uuid[]) AND t.resident_id = r.id AND t.district_id <> r.district_id`.execute(db);
}

export async function secretsOf(db: Executor, id: string) {
  return db.selectFrom('resident').select(['id_enc', 'id_hash', 'phone_enc', 'phone_hash']).where('id', '=', id).executeTakeFirstOrThrow();
}

export async function openMembership(db: Executor, residentId: string) {
  return db.selectFrom('household_member').selectAll().where('resident_id', '=', residentId).where('valid_to', 'is', null).forUpdate().executeTakeFirst();
}

/** The open memberships of many residents (an import's batch), in one query. */
export async function openMemberships(db: Executor, residentIds: string[]) {
  if (residentIds.length === 0) return [];
  return db.selectFrom('household_member').selectAll().where('resident_id', '=', anyUuid(residentIds)).where('valid_to', 'is', null).execute();
}

export async function closeMembership(db: Executor, id: string, on: string, reason: string | null, by: string | null) {
  await db.updateTable('household_member').set({ valid_to: on, reason_out: reason, closed_by: by }).where('id', '=', id).execute();
}

export async function insertMembership(db: Executor, row: Insertable<HouseholdMemberTable>) {
  await db.insertInto('household_member').values(row).execute();
}

export async function memberships(db: Executor, residentId: string) {
  return db
    .selectFrom('household_member as m')
    .innerJoin('household as h', 'h.id', 'm.household_id')
    .innerJoin('building as b', 'b.id', 'h.building_id')
    .leftJoin('compound as c', 'c.id', 'h.compound_id')
    .select(['m.id', 'm.household_id', 'm.relation', 'm.valid_from', 'm.valid_to', 'm.reason_in', 'm.reason_out', 'h.unit_no', 'h.room_no', 'b.number as building_number', 'c.name as compound_name'])
    .where('m.resident_id', '=', residentId)
    .orderBy('m.valid_from')
    .orderBy('m.created_at')
    .execute();
}

export async function tagsOf(db: Executor, residentId: string) {
  return db
    .selectFrom('resident_tag as t')
    .innerJoin('care_tag as ct', 'ct.code', 't.tag')
    .select(['t.id', 't.tag', 'ct.name_zh', 'ct.name_en', 't.valid_from', 't.valid_to', 't.note'])
    .where('t.resident_id', '=', residentId)
    .orderBy('t.valid_from')
    .orderBy('t.id')
    .execute();
}

export async function openTag(db: Executor, residentId: string, tag: string) {
  return db.selectFrom('resident_tag').selectAll().where('resident_id', '=', residentId).where('tag', '=', tag).where('valid_to', 'is', null).executeTakeFirst();
}

/** The care tags in force (not ended) of many residents (an import's batch), in one query. */
export async function openTags(db: Executor, residentIds: string[]) {
  if (residentIds.length === 0) return [];
  return db.selectFrom('resident_tag').select(['resident_id', 'tag']).where('resident_id', '=', anyUuid(residentIds)).where('valid_to', 'is', null).execute();
}

export async function findTag(db: Executor, residentId: string, tagId: string) {
  return db.selectFrom('resident_tag').selectAll().where('resident_id', '=', residentId).where('id', '=', tagId).executeTakeFirst();
}

export async function insertTags(db: Executor, rows: Insertable<ResidentTagTable>[]) {
  if (rows.length) await db.insertInto('resident_tag').values(rows).execute();
}

export async function endTag(db: Executor, id: string, on: string, by: string | null) {
  await db.updateTable('resident_tag').set({ valid_to: on, ended_by: by }).where('id', '=', id).execute();
}

export async function careTags(db: Executor) {
  return db.selectFrom('care_tag').selectAll().where('active', '=', true).orderBy('sort_order').execute();
}

export async function insertChange(db: Executor, row: Insertable<ResidentChangeTable>) {
  await db.insertInto('resident_change').values(row).execute();
}

export async function changesOf(db: Executor, residentId: string) {
  return db.selectFrom('resident_change').selectAll().where('resident_id', '=', residentId).orderBy('at').execute();
}

export async function insertVisit(db: Executor, row: Insertable<VisitTable>) {
  await db.insertInto('visit').values(row).execute();
}

export async function visitsOf(db: Executor, residentId: string) {
  return db
    .selectFrom('visit as v')
    .innerJoin('app_user as u', 'u.id', 'v.visitor_id')
    .select(['v.id', 'v.visited_at', 'v.method', 'v.notes', 'v.next_visit_on', 'v.visitor_id', 'u.display_name as visitor_name'])
    .where('v.resident_id', '=', residentId)
    .orderBy('v.visited_at', 'desc')
    .limit(500)
    .execute();
}

/** Residents whose latest visit asked for another one by `day`, in scope. */
export async function visitsDue(db: Executor, scope: Scope, day: string, gridId: string | undefined) {
  let q = db
    .selectFrom('visit as v')
    .innerJoin('resident as r', 'r.id', 'v.resident_id')
    .select(['r.id as resident_id', 'r.name', 'r.grid_id', 'v.id as visit_id', 'v.visited_at', 'v.next_visit_on'])
    .where('v.next_visit_on', '<=', day)
    .where('r.status', '=', 'active')
    .where((eb) => eb.not(eb.exists(eb.selectFrom('visit as later').select('later.id').whereRef('later.resident_id', '=', 'v.resident_id').whereRef('later.visited_at', '>', 'v.visited_at'))))
    .where((eb) => inScope(eb, scope, residentTarget))
    .orderBy('v.next_visit_on')
    .limit(1000);
  if (gridId) q = q.where('r.grid_id', '=', gridId);
  return q.execute();
}

export async function accountByPhoneHashes(db: Executor, hashes: string[]) {
  return db.selectFrom('resident_account').select(['id', 'resident_id']).where('phone_hash', 'in', hashes).executeTakeFirst();
}

export async function accountOfResident(db: Executor, residentId: string) {
  return db.selectFrom('resident_account').select(['id']).where('resident_id', '=', residentId).executeTakeFirst();
}

export async function setAccountResident(db: Executor, accountId: string, residentId: string | null) {
  await db.updateTable('resident_account').set({ resident_id: residentId }).where('id', '=', accountId).execute();
}
