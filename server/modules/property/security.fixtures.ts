import type { Examples, FixtureEnv, Fixtures } from '../../../test/security/fixtures.ts';
import { newId } from '../../platform/ids.ts';

let serial = 0;

/**
 * A compound of its own in the demo `community` administrator's community, run by a company of its own
 * (so no other caller reaches it by design), with a building of two owner households. Made fresh each
 * time: the fuzzer changes the demo's compounds and households as it goes.
 */
async function ownCompound(f: FixtureEnv) {
  const me = await f.as('community', { method: 'GET', url: '/api/auth/me' });
  const db = f.s.platform.db;
  const grid = await db.selectFrom('region').select(['id', 'city_id', 'district_id', 'street_id', 'community_id']).where('level', '=', 'grid').where('community_id', '=', me.scope.regionId).orderBy('id').executeTakeFirstOrThrow();
  const where = { city_id: grid.city_id!, district_id: grid.district_id!, street_id: grid.street_id!, community_id: grid.community_id! };
  const n = `${process.pid}-${++serial}`;
  const company = newId();
  await db.insertInto('org').values({ id: company, kind: 'property_company', name: `安全测试物业${n}`, region_id: grid.community_id, parent_id: null, dept_type: null, code: null, contact_phone: null }).execute();
  const c = { id: newId(), name: `安全测试小区${n}`, type: 'commercial' as const, management: 'property_company' as const, property_company_org_id: company, owners_committee_org_id: null, work_unit: null, address: '安全测试路1号', lng: null, lat: null, built_year: null, grid_id: grid.id, ...where };
  await db.insertInto('compound').values(c).execute();
  const building = newId();
  await db.insertInto('building').values({ id: building, compound_id: c.id, number: '1号楼', number_key: '1', address: '安全测试路1号1号楼', floors: 6, unit_count: 1, lng: null, lat: null, grid_id: grid.id, ...where }).execute();
  for (const room of ['101', '102']) {
    await db.insertInto('household').values({ id: newId(), building_id: building, unit_id: null, unit_no: '1', room_no: room, floor: 1, area_m2: 90, occupancy: 'owner', compound_id: c.id, grid_id: grid.id, ...where }).execute();
  }
  return c;
}

/** The demo `property` account's own compound (fees are kept by the company itself). */
async function companyCompound(f: FixtureEnv) {
  const property = await f.as('property', { method: 'GET', url: '/api/auth/me' });
  return f.s.platform.db.selectFrom('compound').selectAll().where('property_company_org_id', '=', property.orgId).where('management', '=', 'property_company').orderBy('id').executeTakeFirstOrThrow();
}

const currentMonth = () => new Date().toISOString().slice(0, 7);

/** A maintenance-fund proposal of the compound in a given state, written directly (voting takes days). */
async function proposalIn(f: FixtureEnv, status: 'draft' | 'voting' | 'approved') {
  const c = await ownCompound(f);
  const id = newId();
  const at = new Date();
  await f.s.platform.db
    .insertInto('fund_proposal')
    .values({
      id, compound_id: c.id, title: '安全测试：屋面防水', description: '屋面漏水', budget_fen: 500000, quotes: JSON.stringify([{ vendor: '某防水公司', amountFen: 480000, fileId: null }]), status,
      voting_closes_at: status === 'draft' ? null : new Date('2000-01-01T00:00:00Z'), eligible_households: status === 'draft' ? null : 2, eligible_area: status === 'draft' ? null : 180,
      created_by: null, created_by_org: null, city_id: c.city_id, district_id: c.district_id, street_id: c.street_id, community_id: c.community_id, created_at: at, updated_at: at,
    })
    .execute();
  return { id };
}

const company = async (f: FixtureEnv) => ({ id: (await ownCompound(f)).property_company_org_id! });
const compound = async (f: FixtureEnv) => ({ id: (await ownCompound(f)).id });

/** Property oversight's objects for the object-level authorisation test (test/security/access.test.ts). */
export const fixtures: Fixtures = {
  '/api/property/companies/:id': { owner: 'district', create: company, body: { PATCH: { hasPartyOrg: true } } },
  '/api/property/companies/:id/credit-file': { create: company },
  '/api/property/companies/:id/cards': { owner: 'district', create: company, body: { POST: { behaviourCode: 'books_unpublished', reason: '安全测试' } } },
  '/api/property/compounds/:id': { create: compound },
  '/api/property/compounds/:id/governance': { owner: 'district', create: compound, body: { PUT: { model: '1+3' } } },
  '/api/property/compounds/:id/contracts': {
    owner: 'district',
    create: compound,
    get body() {
      const y = 2200 + ++serial * 2;
      return { POST: { startsOn: `${y}-01-01`, endsOn: `${y}-12-31`, starLevel: 3, feeRates: { residential: 120 } } };
    },
  },
  '/api/property/compounds/:id/ledger': { create: compound },
  '/api/property/compounds/:id/books': { create: compound },
  '/api/property/compounds/:id/charges': { owner: 'property', create: async (f) => ({ id: (await companyCompound(f)).id }), body: { POST: { period: currentMonth() } } },
  '/api/property/compounds/:id/statements': {
    owner: 'property',
    create: async (f) => ({ id: (await companyCompound(f)).id }),
    get body() {
      return { POST: { quarter: `${2100 + ++serial}-Q1`, incomeFen: 100000, spending: [{ item: '保洁', amountFen: 50000 }] } };
    },
  },
  '/api/property/inspections/:id': {
    async create(f) {
      const c = await ownCompound(f);
      const std = await f.as('community', { method: 'GET', url: '/api/property/credit-standard' });
      const items = std.items.filter((i: { part_code: string }) => i.part_code === 'contract' || i.part_code === 'inspection').map((i: { code: string; points: number }) => ({ code: i.code, points: i.points }));
      return { id: (await f.as('district', { method: 'POST', url: '/api/property/inspections', payload: { compoundId: c.id, unannounced: true, items } })).id };
    },
  },
  '/api/property/interviews/:id/outcome': {
    owner: 'district',
    async create(f) {
      const c = await ownCompound(f);
      const id = newId();
      await f.s.platform.db.insertInto('property_interview').values({ id, company_org_id: c.property_company_org_id!, quarter: `${2100 + ++serial}-Q1`, score: 50, district_id: c.district_id, due_at: new Date(), created_at: new Date() }).execute();
      return { id };
    },
    body: { POST: { heldOn: '2026-01-05', outcome: '安全测试：企业承诺整改' } },
  },
  '/api/property/warnings/:id/acknowledge': {
    async create(f) {
      const c = await ownCompound(f);
      await f.s.platform.db.updateTable('property_warning').set({ acknowledged_at: new Date() }).where('compound_id', '=', c.id).where('acknowledged_at', 'is', null).execute();
      const id = newId();
      await f.s.platform.db
        .insertInto('property_warning')
        .values({ id, compound_id: c.id, company_org_id: c.property_company_org_id, risk: 50, signals: JSON.stringify([{ code: 'overdue', points: 50, facts: { overdue: 5 } }]), city_id: c.city_id, district_id: c.district_id, street_id: c.street_id, community_id: c.community_id, created_at: new Date(), updated_at: new Date() })
        .execute();
      return { id };
    },
    body: { POST: { note: '安全测试：已介入' } },
  },
  '/api/property/fund-proposals/:id': { create: (f) => proposalIn(f, 'draft') },
  '/api/property/fund-proposals/:id/open': { create: (f) => proposalIn(f, 'draft'), body: { POST: { closesAt: '2099-01-01T00:00:00Z' } } },
  '/api/property/fund-proposals/:id/close': { create: (f) => proposalIn(f, 'voting'), body: { POST: {} } },
  '/api/property/fund-proposals/:id/spend': { create: (f) => proposalIn(f, 'approved'), body: { POST: { invoices: [{ number: 'SEC-1', amountFen: 100000, issuedOn: '2026-01-05' }] } } },
};

export const examples: Examples = {
  'POST /api/property/inspections': async (f) => {
    const c = await ownCompound(f);
    const std = await f.as('community', { method: 'GET', url: '/api/property/credit-standard' });
    return { compoundId: c.id, unannounced: false, items: std.items.filter((i: { part_code: string }) => i.part_code !== 'complaints' && i.part_code !== 'owner').map((i: { code: string; points: number }) => ({ code: i.code, points: i.points })) };
  },
  'POST /api/property/fund-proposals': async (f) => ({ compoundId: (await ownCompound(f)).id, title: '安全测试', description: '测试', budgetFen: 1000, quotes: [{ vendor: 'x', amountFen: 900 }] }),
  'POST /api/property/payments': async (f) => {
    const c = await companyCompound(f);
    const h = await f.s.platform.db.selectFrom('household').select('id').where('compound_id', '=', c.id).orderBy('id').executeTakeFirstOrThrow();
    return { householdId: h.id, amountFen: 100, paidOn: '2026-01-05', method: 'cash', reference: `SEC-${process.pid}-${++serial}` };
  },
};
