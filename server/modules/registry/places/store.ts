import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { Executor } from '../../../db/index.ts';
import { inScope, type Scope, type ScopeTarget } from '../../../platform/access/index.ts';
import type { BuildingTable, CompoundTable, HouseholdTable } from '../tables.ts';

/**
 * Places are located by their five region ids. Organisation-bound callers (a property company, an
 * owners' committee) reach the compounds they manage and their buildings and households — places
 * only; residents stay out of their reach (see residents/store.ts).
 */
export const placeTarget = (alias: string, compoundAlias = 'c'): ScopeTarget => ({
  regionOf: alias,
  assignedTo: (orgId) => sql<boolean>`(${sql.ref(`${compoundAlias}.property_company_org_id`)} = ${orgId} OR ${sql.ref(`${compoundAlias}.owners_committee_org_id`)} = ${orgId})`,
});

const compoundColumns = [
  'c.id', 'c.name', 'c.type', 'c.management', 'c.property_company_org_id', 'c.owners_committee_org_id', 'c.work_unit', 'c.address', 'c.lng', 'c.lat',
  'c.built_year', 'c.city_id', 'c.district_id', 'c.street_id', 'c.community_id', 'c.created_at',
] as const;

export async function listCompounds(db: Executor, scope: Scope, f: { communityId?: string; q?: string }) {
  let q = db
    .selectFrom('compound as c')
    .leftJoin('org as pc', 'pc.id', 'c.property_company_org_id')
    .select(compoundColumns)
    .select('pc.name as property_company_name')
    .where((eb) => inScope(eb, scope, placeTarget('c')))
    .orderBy('c.name');
  if (f.communityId) q = q.where('c.community_id', '=', f.communityId);
  if (f.q) q = q.where('c.name', 'like', `%${f.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`);
  return q.limit(2000).execute();
}

export async function findCompound(db: Executor, scope: Scope, id: string) {
  return db
    .selectFrom('compound as c')
    .leftJoin('org as pc', 'pc.id', 'c.property_company_org_id')
    .select(compoundColumns)
    .select('pc.name as property_company_name')
    .where('c.id', '=', id)
    .where((eb) => inScope(eb, scope, placeTarget('c')))
    .executeTakeFirst();
}

export async function compoundByName(db: Executor, communityId: string, name: string) {
  return db.selectFrom('compound').select('id').where('community_id', '=', communityId).where('name', '=', name).executeTakeFirst();
}

export async function insertCompound(db: Executor, row: Insertable<CompoundTable>) {
  await db.insertInto('compound').values(row).execute();
}

export async function updateCompound(db: Executor, id: string, set: Updateable<CompoundTable>) {
  await db.updateTable('compound').set(set).where('id', '=', id).execute();
}

export async function orgKind(db: Executor, id: string) {
  return (await db.selectFrom('org').select('kind').where('id', '=', id).executeTakeFirst())?.kind;
}

const buildingColumns = [
  'b.id', 'b.compound_id', 'b.number', 'b.number_key', 'b.address', 'b.floors', 'b.unit_count', 'b.lng', 'b.lat',
  'b.city_id', 'b.district_id', 'b.street_id', 'b.community_id', 'b.grid_id', 'c.name as compound_name',
] as const;

const buildingsQuery = (db: Executor, scope: Scope) =>
  db
    .selectFrom('building as b')
    .leftJoin('compound as c', 'c.id', 'b.compound_id')
    .select(buildingColumns)
    .where((eb) => inScope(eb, scope, placeTarget('b')));

export async function listBuildings(db: Executor, scope: Scope, f: { compoundId?: string; gridId?: string; communityId?: string }) {
  let q = buildingsQuery(db, scope)
    .select((eb) => eb.selectFrom('household as h').select(sql<number>`count(*)::int`.as('n')).whereRef('h.building_id', '=', 'b.id').as('household_count'))
    .orderBy('c.name')
    .orderBy(sql`length(b.number_key)`)
    .orderBy('b.number_key');
  if (f.compoundId) q = q.where('b.compound_id', '=', f.compoundId);
  if (f.gridId) q = q.where('b.grid_id', '=', f.gridId);
  if (f.communityId) q = q.where('b.community_id', '=', f.communityId);
  return q.limit(5000).execute();
}

export async function findBuilding(db: Executor, scope: Scope, id: string) {
  return buildingsQuery(db, scope).where('b.id', '=', id).executeTakeFirst();
}

export async function buildingByKey(db: Executor, compoundId: string | null, communityId: string, numberKey: string) {
  let q = db.selectFrom('building').selectAll().where('number_key', '=', numberKey);
  q = compoundId ? q.where('compound_id', '=', compoundId) : q.where('compound_id', 'is', null).where('community_id', '=', communityId);
  return q.executeTakeFirst();
}

export async function insertBuilding(db: Executor, row: Insertable<BuildingTable>) {
  await db.insertInto('building').values(row).execute();
}

export async function updateBuilding(db: Executor, id: string, set: Updateable<BuildingTable>) {
  await db.updateTable('building').set(set).where('id', '=', id).execute();
}

/** A building moved to another grid takes its households and their residents along. */
export async function moveBuildingPlace(db: Executor, buildingId: string, gridId: string) {
  await db.updateTable('household').set({ grid_id: gridId }).where('building_id', '=', buildingId).execute();
  await db.updateTable('resident').set({ grid_id: gridId }).where('building_id', '=', buildingId).execute();
}

export async function unitsOf(db: Executor, buildingId: string) {
  return db.selectFrom('unit').select(['id', 'number', 'name']).where('building_id', '=', buildingId).orderBy(sql`length(number)`).orderBy('number').execute();
}

/** The unit row for a normalised unit number, created on first use. */
export async function ensureUnit(db: Executor, building: { id: string; district_id: string }, number: string, id: string): Promise<string> {
  return (await ensureUnits(db, [{ id, building, number }])).get(`${building.id}|${number}`)!;
}

/**
 * Unit rows for many (building, unit number) pairs at once, created on first use (with the id
 * given): one statement to create and one to read back, whatever their number. Keyed `building|number`.
 */
export async function ensureUnits(db: Executor, wanted: { id: string; building: { id: string; district_id: string }; number: string }[]): Promise<Map<string, string>> {
  if (wanted.length === 0) return new Map();
  const json = JSON.stringify(wanted.map((w) => ({ id: w.id, building_id: w.building.id, district_id: w.building.district_id, number: w.number, name: `${w.number}单元` })));
  await sql`INSERT INTO unit (id, building_id, district_id, number, name)
    SELECT id, building_id, district_id, number, name FROM json_populate_recordset(NULL::unit, ${json}::json)
    ON CONFLICT (building_id, number, district_id) DO NOTHING`.execute(db);
  const found = await sql<{ id: string; building_id: string; number: string }>`SELECT u.id, u.building_id, u.number FROM unit u
    JOIN json_populate_recordset(NULL::unit, ${json}::json) k ON u.building_id = k.building_id AND u.number = k.number`.execute(db);
  return new Map(found.rows.map((u) => [`${u.building_id}|${u.number}`, u.id]));
}

const householdColumns = [
  'h.id', 'h.building_id', 'h.unit_id', 'h.unit_no', 'h.room_no', 'h.floor', 'h.area_m2', 'h.occupancy', 'h.compound_id',
  'h.city_id', 'h.district_id', 'h.street_id', 'h.community_id', 'h.grid_id', 'b.number as building_number', 'c.name as compound_name',
] as const;

const householdsQuery = (db: Executor, scope: Scope) =>
  db
    .selectFrom('household as h')
    .innerJoin('building as b', 'b.id', 'h.building_id')
    .leftJoin('compound as c', 'c.id', 'h.compound_id')
    .select(householdColumns)
    .where((eb) => inScope(eb, scope, placeTarget('h')));

export async function listHouseholds(db: Executor, scope: Scope, f: { buildingId?: string; unitId?: string; gridId?: string; compoundId?: string }) {
  let q = householdsQuery(db, scope)
    .select((eb) =>
      eb.selectFrom('household_member as m').select(sql<number>`count(*)::int`.as('n')).whereRef('m.household_id', '=', 'h.id').where('m.valid_to', 'is', null).as('member_count'),
    )
    .orderBy('h.building_id')
    .orderBy(sql`length(h.unit_no)`)
    .orderBy('h.unit_no')
    .orderBy(sql`length(h.room_no)`)
    .orderBy('h.room_no');
  if (f.buildingId) q = q.where('h.building_id', '=', f.buildingId);
  if (f.unitId) q = q.where('h.unit_id', '=', f.unitId);
  if (f.gridId) q = q.where('h.grid_id', '=', f.gridId);
  if (f.compoundId) q = q.where('h.compound_id', '=', f.compoundId);
  return q.limit(5000).execute();
}

export async function findHousehold(db: Executor, scope: Scope, id: string) {
  return householdsQuery(db, scope).where('h.id', '=', id).executeTakeFirst();
}

export async function householdByKey(db: Executor, buildingId: string, unitNo: string, roomNo: string) {
  return db.selectFrom('household').selectAll().where('building_id', '=', buildingId).where('unit_no', '=', unitNo).where('room_no', '=', roomNo).executeTakeFirst();
}

/** Households by natural key (building, unit, room), many at once: the keys as one JSON parameter, joined on their unique index. */
export async function householdsByKeys(db: Executor, keys: { building_id: string; unit_no: string; room_no: string }[]) {
  if (keys.length === 0) return [];
  return (
    await sql<Selectable<HouseholdTable>>`SELECT h.* FROM household h JOIN json_populate_recordset(NULL::household, ${JSON.stringify(keys)}::json) k
      ON h.building_id = k.building_id AND h.unit_no = k.unit_no AND h.room_no = k.room_no`.execute(db)
  ).rows;
}

export async function insertHousehold(db: Executor, row: Insertable<HouseholdTable>) {
  await db.insertInto('household').values(row).execute();
}

export async function updateHousehold(db: Executor, id: string, set: Updateable<HouseholdTable>) {
  await db.updateTable('household').set(set).where('id', '=', id).execute();
}

/** Membership rows of a household (current and past), with the residents' names. */
export async function householdMembers(db: Executor, householdId: string) {
  return db
    .selectFrom('household_member as m')
    .innerJoin('resident as r', 'r.id', 'm.resident_id')
    .select(['m.id', 'm.resident_id', 'r.name', 'm.relation', 'm.valid_from', 'm.valid_to', 'm.reason_in', 'm.reason_out'])
    .where('m.household_id', '=', householdId)
    .orderBy('m.valid_from')
    .orderBy('m.id')
    .execute();
}
