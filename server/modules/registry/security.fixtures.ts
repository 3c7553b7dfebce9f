import type { Fixture, FixtureEnv, Fixtures } from '../../../test/security/fixtures.ts';
import type { Caller } from '../../../test/security/support.ts';
import { newId } from '../../platform/ids.ts';

let serial = 0;

/**
 * A place of the demo `community` administrator's community that the demo property company does
 * not manage (it may see the places it manages, so they would not be another caller's secret).
 */
export async function ownPlace(f: FixtureEnv) {
  const me = await f.as('community', { method: 'GET', url: '/api/auth/me' });
  const property = await f.as('property', { method: 'GET', url: '/api/auth/me' });
  const db = f.s.platform.db;
  const h = await db
    .selectFrom('household as h')
    .innerJoin('building as b', 'b.id', 'h.building_id')
    .innerJoin('compound as c', 'c.id', 'b.compound_id')
    .innerJoin('household_member as m', (j) => j.onRef('m.household_id', '=', 'h.id').on('m.valid_to', 'is', null))
    .select(['h.id as householdId', 'b.id as buildingId', 'c.id as compoundId', 'm.resident_id as residentId', 'h.grid_id as gridId'])
    .where('h.community_id', '=', me.scope.regionId)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('resident_tag as t').select('t.id').whereRef('t.resident_id', '=', 'm.resident_id').where('t.valid_to', 'is', null))))
    .where((eb) => eb.not(eb.exists(eb.selectFrom('resident_account as a').select('a.id').whereRef('a.resident_id', '=', 'm.resident_id'))))
    .where((eb) => eb.or([eb('c.property_company_org_id', 'is', null), eb('c.property_company_org_id', '!=', property.orgId)]))
    .where((eb) => eb.or([eb('c.owners_committee_org_id', 'is', null), eb('c.owners_committee_org_id', '!=', property.orgId)]))
    .orderBy('h.id')
    .executeTakeFirstOrThrow();
  return h;
}

/** An import job of the community administrator (a one-row buildings file that confirms). */
async function ownImport(f: FixtureEnv) {
  const place = await ownPlace(f);
  const c = await f.s.platform.db.selectFrom('compound').select('name').where('id', '=', place.compoundId).executeTakeFirstOrThrow();
  const grid = await f.s.platform.db.selectFrom('region').select('code').where('id', '=', place.gridId).executeTakeFirstOrThrow();
  const csv = `小区,楼栋,网格编号,层数,单元数\r\n${c.name},安全${process.pid}${++serial}号楼,${grid.code},6,2\r\n`;
  const boundary = `----linli-sec-${serial}`;
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="b.csv"\r\nContent-Type: text/csv\r\n\r\n`),
    Buffer.from(csv),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const res = await f.s.request({ method: 'POST', url: '/api/imports?kind=buildings', token: f.callers.token('community'), payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
  if (res.statusCode !== 201) throw new Error(`import: ${res.statusCode} ${res.body}`);
  return { id: res.json().id as string };
}

const resident: Fixture = { create: async (f) => ({ id: (await ownPlace(f)).residentId }) };

/** A resident sign-in account (as a first sign-in by code makes it), unlinked. */
const LINK_PHONE = '13900007701';
async function unlinkedAccount(f: FixtureEnv): Promise<string> {
  const { db, pii } = f.s.platform;
  const hash = pii.blindIndex('phone', LINK_PHONE);
  await db.insertInto('resident_account').values({ id: newId(), phone_enc: pii.encrypt(LINK_PHONE), phone_hash: hash }).onConflict((oc) => oc.column('phone_hash').doNothing()).execute();
  const a = await db.updateTable('resident_account').set({ resident_id: null }).where('phone_hash', '=', hash).returning('id').executeTakeFirstOrThrow();
  return a.id;
}

/** Jurisdictions and places are no personal data: the district's departments and district-wide integrations read them. */
const districtWide: Caller[] = ['dept', 'integration'];

/** The registry's objects for the object-level authorisation test (test/security/access.test.ts). */
export const fixtures: Fixtures = {
  '/api/regions/:id': {
    // a property company also sees the grids its compounds lie in (a grid's counts are no personal data)
    visibleTo: [...districtWide, 'property'],
    async create(f) {
      return { id: (await ownPlace(f)).gridId };
    },
    body: { PATCH: { name: '安全测试网格' } },
  },
  '/api/compounds/:id': { visibleTo: districtWide, create: async (f) => ({ id: (await ownPlace(f)).compoundId }), body: { PATCH: { address: '安全测试路1号' } } },
  '/api/buildings/:id': { visibleTo: districtWide, create: async (f) => ({ id: (await ownPlace(f)).buildingId }), body: { PATCH: { floors: 7 } } },
  '/api/households/:id': { visibleTo: districtWide, create: async (f) => ({ id: (await ownPlace(f)).householdId }), body: { PATCH: { occupancy: 'owner' } } },
  '/api/residents/:id': { ...resident, body: { PATCH: { ethnicity: '汉' } } },
  '/api/residents/:id/reveal': resident,
  // moves the resident out: the next fixture picks another who still lives here
  '/api/residents/:id/move': { ...resident, body: { POST: { householdId: null, outcome: 'moved_out' } } },
  '/api/residents/:id/tags': { ...resident, body: { POST: { tag: 'elderly_alone' } } },
  '/api/residents/:id/tags/:tagId/end': {
    async create(f) {
      const { id } = await resident.create(f);
      const tag = await f.as('community', { method: 'POST', url: `/api/residents/${id}/tags`, payload: { tag: 'elderly_alone' } });
      return { id, tagId: tag.id };
    },
    body: { POST: {} },
  },
  '/api/residents/:id/visits': { ...resident, body: { POST: { method: 'home', notes: '安全测试走访' } } },
  // linked already, so the owner's POST (idempotent) and DELETE both succeed
  '/api/residents/:id/link-account': {
    async create(f) {
      await unlinkedAccount(f);
      const { id } = await resident.create(f);
      await f.as('community', { method: 'POST', url: `/api/residents/${id}/link-account`, payload: { phone: LINK_PHONE, verification: 'in_person' } });
      return { id };
    },
    body: { POST: { phone: LINK_PHONE, verification: 'in_person' } },
  },
  '/api/imports/:id': { create: ownImport },
  '/api/imports/:id/problems': { create: ownImport },
  '/api/imports/:id/confirm': { create: ownImport },
};
