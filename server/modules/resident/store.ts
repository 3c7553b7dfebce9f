import { sql, type ExpressionBuilder, type Expression, type SqlBool } from 'kysely';
import type { Executor } from '../../db/index.ts';
import type { DB } from '../../db/schema.ts';
import { inScope, type Scope } from '../../platform/access/index.ts';
import type { NoticeKind, ServiceCategory } from './tables.ts';

/** Where a resident lives (or says they live): the compound's region ids. */
export interface HomePlace {
  compound_id: string;
  compound_name: string;
  building_id: string | null;
  building_number: string | null;
  city_id: string;
  district_id: string;
  street_id: string;
  community_id: string;
  community_name: string;
}

export async function linkedHome(db: Executor, residentId: string) {
  return db.selectFrom('resident').select(['compound_id', 'building_id']).where('id', '=', residentId).executeTakeFirst();
}

export async function declaredHome(db: Executor, accountId: string) {
  return db.selectFrom('resident_home').select(['compound_id', 'building_id']).where('account_id', '=', accountId).executeTakeFirst();
}

export async function upsertHome(db: Executor, row: { account_id: string; compound_id: string; building_id: string | null; updated_at: Date }) {
  await db.insertInto('resident_home').values(row)
    .onConflict((oc) => oc.column('account_id').doUpdateSet({ compound_id: row.compound_id, building_id: row.building_id, updated_at: row.updated_at }))
    .execute();
}

export async function homePlace(db: Executor, compoundId: string, buildingId: string | null): Promise<HomePlace | undefined> {
  return db.selectFrom('compound as c')
    .innerJoin('region as cm', 'cm.id', 'c.community_id')
    .leftJoin('building as b', (j) => j.on('b.id', '=', buildingId).onRef('b.compound_id', '=', 'c.id'))
    .select(['c.id as compound_id', 'c.name as compound_name', 'b.id as building_id', 'b.number as building_number',
      'c.city_id', 'c.district_id', 'c.street_id', 'c.community_id', 'cm.name as community_name'])
    .where('c.id', '=', compoundId)
    .executeTakeFirst();
}

export async function findCompound(db: Executor, id: string) {
  return db.selectFrom('compound').select(['id', 'city_id', 'district_id', 'street_id', 'community_id', 'property_company_org_id', 'owners_committee_org_id']).where('id', '=', id).executeTakeFirst();
}

export async function findBuilding(db: Executor, id: string) {
  return db.selectFrom('building').select(['id', 'compound_id']).where('id', '=', id).executeTakeFirst();
}

/** Compounds by name or address (a few characters), or the nearest to a point; for the resident's place pickers. */
export async function searchCompounds(db: Executor, by: { q?: string; lat?: number; lng?: number }, limit: number) {
  let q = db.selectFrom('compound as c')
    .innerJoin('region as cm', 'cm.id', 'c.community_id')
    .innerJoin('region as st', 'st.id', 'c.street_id')
    .select(['c.id', 'c.name', 'c.address', 'cm.name as community_name', 'st.name as street_name'])
    .limit(limit);
  if (by.q) {
    const like = `%${by.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    q = q.where((eb) => eb.or([eb('c.name', 'ilike', like), eb('c.address', 'ilike', like)])).orderBy(sql`length(c.name)`).orderBy('c.name');
  }
  if (by.lat !== undefined && by.lng !== undefined) {
    // a box of about 2 km first (cheap), then by distance within it
    const d = 0.02;
    q = q.where('c.lat', 'is not', null)
      .where('c.lat', '>=', by.lat - d).where('c.lat', '<=', by.lat + d)
      .where('c.lng', '>=', by.lng - d).where('c.lng', '<=', by.lng + d)
      .orderBy(sql`(c.lat - ${by.lat}) * (c.lat - ${by.lat}) + (c.lng - ${by.lng}) * (c.lng - ${by.lng})`);
  }
  return q.orderBy('c.id').execute();
}

export async function listBuildings(db: Executor, compoundId: string) {
  return db.selectFrom('building').select(['id', 'number', 'address']).where('compound_id', '=', compoundId)
    .orderBy(sql`length(number_key)`).orderBy('number_key').limit(500).execute();
}

export async function findRegion(db: Executor, id: string) {
  return db.selectFrom('region').select(['id', 'level', 'city_id', 'district_id', 'street_id', 'community_id', 'grid_id']).where('id', '=', id).executeTakeFirst();
}

type PublishedAlias = 'n' | 's';
type PublishedDB = DB & { n: DB['notice']; s: DB['service_item'] };

/**
 * What a home may see: what was published to its community, or to its street, district or city as a
 * whole (the ids below the published level are null); compound notices only in that compound.
 */
function forHome(eb: ExpressionBuilder<PublishedDB, PublishedAlias>, a: PublishedAlias, home: HomePlace): Expression<SqlBool> {
  const col = (c: string) => sql.ref(`${a}.${c}`);
  return eb.or([
    eb(col('community_id'), '=', home.community_id),
    eb.and([eb(col('community_id'), 'is', null), eb(col('street_id'), '=', home.street_id)]),
    eb.and([eb(col('street_id'), 'is', null), eb(col('district_id'), '=', home.district_id)]),
    eb.and([eb(col('district_id'), 'is', null), eb(col('city_id'), '=', home.city_id)]),
  ]);
}

/** Notices are in a staff member's scope by their region, or for organisations (property companies) when they published them. */
const noticeScope = { regionOf: 'n', assignedTo: (orgId: string) => sql<SqlBool>`n.org_id = ${orgId}` };
const serviceScope = { regionOf: 's', assignedTo: (orgId: string) => sql<SqlBool>`s.org_id = ${orgId}` };

export interface NewNotice {
  id: string; kind: NoticeKind; title: string; body: string; important: boolean;
  city_id: string; district_id: string | null; street_id: string | null; community_id: string | null; compound_id: string | null;
  org_id: string; created_by: string; published_at: Date;
}

export async function insertNotice(db: Executor, row: NewNotice) {
  await db.insertInto('notice').values(row).execute();
}

const noticeColumns = ['n.id', 'n.kind', 'n.title', 'n.body', 'n.important', 'n.compound_id', 'n.org_id', 'n.published_at', 'n.withdrawn_at', 'n.withdraw_reason',
  'n.city_id', 'n.district_id', 'n.street_id', 'n.community_id'] as const;

function staffNotices(db: Executor, scope: Scope) {
  return db.selectFrom('notice as n')
    .innerJoin('org as o', 'o.id', 'n.org_id')
    .select([...noticeColumns, 'o.name as org_name'])
    .select((eb) => eb.selectFrom('notice_read as r').select(eb.fn.countAll<string>().as('c')).whereRef('r.notice_id', '=', 'n.id').as('read_count'))
    .where((eb) => inScope(eb, scope, noticeScope));
}

export async function listNoticesInScope(db: Executor, scope: Scope, filter: { before?: { at: Date; id: string }; limit: number }) {
  let q = staffNotices(db, scope).orderBy('n.published_at', 'desc').orderBy('n.id', 'desc').limit(filter.limit);
  if (filter.before) q = q.where((eb) => eb(eb.refTuple('n.published_at', 'n.id'), '<', eb.tuple(filter.before!.at, filter.before!.id)));
  return q.execute();
}

export async function findNoticeInScope(db: Executor, scope: Scope, id: string) {
  return staffNotices(db, scope).where('n.id', '=', id).executeTakeFirst();
}

/** Locks the notice row so two withdrawals cannot both pass the "not yet withdrawn" check. */
export async function lockNoticeInScope(db: Executor, scope: Scope, id: string) {
  return db.selectFrom('notice as n').select(['n.id', 'n.withdrawn_at']).where('n.id', '=', id).where((eb) => inScope(eb, scope, noticeScope)).forUpdate().executeTakeFirst();
}

export async function withdrawNotice(db: Executor, id: string, at: Date, reason: string) {
  await db.updateTable('notice').set({ withdrawn_at: at, withdraw_reason: reason }).where('id', '=', id).execute();
}

function homeNotices(db: Executor, home: HomePlace, accountId: string, now: Date) {
  return db.selectFrom('notice as n')
    .innerJoin('org as o', 'o.id', 'n.org_id')
    .leftJoin('notice_read as r', (j) => j.onRef('r.notice_id', '=', 'n.id').on('r.account_id', '=', accountId))
    .select([...noticeColumns, 'o.name as org_name', 'r.read_at'])
    .where('n.withdrawn_at', 'is', null)
    .where('n.published_at', '<=', now)
    .where((eb) => forHome(eb as never, 'n', home))
    .where((eb) => eb.or([eb('n.compound_id', 'is', null), eb('n.compound_id', '=', home.compound_id)]));
}

export async function listNoticesForHome(db: Executor, home: HomePlace, accountId: string, now: Date, filter: { before?: { at: Date; id: string }; limit: number }) {
  let q = homeNotices(db, home, accountId, now).orderBy('n.published_at', 'desc').orderBy('n.id', 'desc').limit(filter.limit);
  if (filter.before) q = q.where((eb) => eb(eb.refTuple('n.published_at', 'n.id'), '<', eb.tuple(filter.before!.at, filter.before!.id)));
  return q.execute();
}

export async function findNoticeForHome(db: Executor, home: HomePlace, accountId: string, now: Date, id: string) {
  return homeNotices(db, home, accountId, now).where('n.id', '=', id).executeTakeFirst();
}

/** The first reading counts; returns whether this call recorded it. */
export async function insertRead(db: Executor, noticeId: string, accountId: string, at: Date): Promise<boolean> {
  const r = await db.insertInto('notice_read').values({ notice_id: noticeId, account_id: accountId, read_at: at })
    .onConflict((oc) => oc.columns(['notice_id', 'account_id']).doNothing()).returning('read_at').executeTakeFirst();
  return r !== undefined;
}

export interface NewServiceItem {
  id: string; category: ServiceCategory; name: string; description: string; contact_phone: string | null; hours: string | null;
  city_id: string; district_id: string | null; street_id: string | null; community_id: string | null;
  org_id: string; created_by: string; sort_order: number; created_at: Date; updated_at: Date;
}

export async function insertServiceItem(db: Executor, row: NewServiceItem) {
  await db.insertInto('service_item').values(row).execute();
}

const serviceColumns = ['s.id', 's.category', 's.name', 's.description', 's.contact_phone', 's.hours', 's.active', 's.sort_order', 's.org_id',
  's.city_id', 's.district_id', 's.street_id', 's.community_id', 's.created_at', 's.updated_at'] as const;

export async function listServiceItemsInScope(db: Executor, scope: Scope) {
  return db.selectFrom('service_item as s').innerJoin('org as o', 'o.id', 's.org_id').select([...serviceColumns, 'o.name as org_name'])
    .where((eb) => inScope(eb, scope, serviceScope)).orderBy('s.sort_order').orderBy('s.created_at').limit(1000).execute();
}

export async function findServiceItemInScope(db: Executor, scope: Scope, id: string, lock = false) {
  const q = db.selectFrom('service_item as s').innerJoin('org as o', 'o.id', 's.org_id').select([...serviceColumns, 'o.name as org_name'])
    .where('s.id', '=', id).where((eb) => inScope(eb, scope, serviceScope));
  return (lock ? q.forUpdate('s') : q).executeTakeFirst();
}

export async function updateServiceItem(db: Executor, id: string, set: Partial<Pick<NewServiceItem, 'category' | 'name' | 'description' | 'contact_phone' | 'hours' | 'sort_order' | 'updated_at'>> & { active?: boolean }) {
  await db.updateTable('service_item').set(set).where('id', '=', id).execute();
}

export async function listServiceItemsForHome(db: Executor, home: HomePlace) {
  return db.selectFrom('service_item as s').innerJoin('org as o', 'o.id', 's.org_id').select([...serviceColumns, 'o.name as org_name'])
    .where('s.active', '=', true).where((eb) => forHome(eb as never, 's', home))
    .orderBy('s.sort_order').orderBy('s.created_at').limit(200).execute();
}
