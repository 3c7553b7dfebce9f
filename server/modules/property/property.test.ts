import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/harness.ts';
import { decideVote, type VoteRules } from './rules.ts';
import { annualOf } from './credit.ts';

let s: TestServer;
const tok: Record<string, string> = {};
const me: Record<string, { orgId: string }> = {};
let c1: { id: string; company: string; building: string };
let c2: { id: string; company: string };

const req = (method: string, url: string, token: string | undefined, payload?: unknown, headers: Record<string, string> = {}) =>
  s.request({ method: method as 'GET', url, token, payload: payload as never, headers });

/** A full inspection form: every contract and inspection item, with the points given (default: full). */
async function form(points: Record<string, number> = {}) {
  const std = (await req('GET', '/api/property/credit-standard', tok.district)).json();
  return std.items.filter((i: { part_code: string }) => i.part_code === 'contract' || i.part_code === 'inspection').map((i: { code: string; points: number }) => ({ code: i.code, points: points[i.code] ?? i.points }));
}

/** The stored credit standard, in the shape PUT /api/property/credit-standard takes (interviewBelow aside). */
async function standardAsInput() {
  const std = (await req('GET', '/api/property/credit-standard', tok.admin)).json();
  const parts = std.parts.map((p: { code: string; weight: number }) => ({
    code: p.code,
    weight: p.weight,
    items: std.items.filter((i: { part_code: string }) => i.part_code === p.code).map((i: { code: string; name_zh: string; name_en: string; points: number; metric: string | null }) => ({ code: i.code, nameZh: i.name_zh, nameEn: i.name_en, points: i.points, metric: i.metric })),
  }));
  return { parts, grades: std.grades };
}

async function setClock(iso: string) {
  s.clock.set(iso);
  const now = s.clock.now();
  await s.platform.db.updateTable('user_session').set({ created_at: now, last_seen_at: now, expires_at: new Date(now.getTime() + 12 * 3_600_000) }).where('revoked_at', 'is', null).execute();
}

/** Signs in a resident of an owner household of the compound (linked by the community, as in person). */
async function ownerOf(compoundId: string, phone: string, skip = 0) {
  const db = s.platform.db;
  const r = await db
    .selectFrom('resident as r')
    .innerJoin('household as h', 'h.id', 'r.household_id')
    .select(['r.id', 'h.id as household_id'])
    .where('h.compound_id', '=', compoundId)
    .where('h.occupancy', '=', 'owner')
    .where('h.area_m2', '>', 0)
    .where('r.status', '=', 'active')
    .where((eb) => eb.not(eb.exists(eb.selectFrom('resident_account as a').innerJoin('resident as r2', 'r2.id', 'a.resident_id').select('a.id').whereRef('r2.household_id', '=', 'h.id'))))
    .orderBy('h.id')
    .offset(skip)
    .executeTakeFirstOrThrow();
  await req('POST', '/api/auth/resident/code', undefined, { phone });
  const login = await req('POST', '/api/auth/resident/login', undefined, { phone, code: s.sms.lastCode(phone) });
  expect(login.statusCode, login.body).toBe(200);
  const link = await req('POST', `/api/residents/${r.id}/link-account`, tok.community, { phone, verification: 'in_person' });
  expect(link.statusCode, link.body).toBeLessThan(300);
  return { token: login.json().token as string, residentId: r.id, householdId: r.household_id };
}

beforeAll(async () => {
  s = await startTestServer({ clock: '2031-02-10T02:00:00Z' });
  for (const u of ['admin', 'district', 'street', 'community', 'community2', 'property', 'housing', 'orgdept', 'dept']) {
    tok[u] = await s.login(u);
    me[u] = (await req('GET', '/api/auth/me', tok[u])).json();
  }
  const db = s.platform.db;
  const b = await db
    .selectFrom('building as b')
    .innerJoin('compound as c', 'c.id', 'b.compound_id')
    .select(['c.id', 'c.property_company_org_id', 'b.id as building'])
    .where('c.property_company_org_id', '=', me.property.orgId)
    .where('c.management', '=', 'property_company')
    .orderBy('b.id')
    .executeTakeFirstOrThrow();
  c1 = { id: b.id, company: b.property_company_org_id!, building: b.building };
  const district = (await req('GET', '/api/auth/me', tok.district)).json().scope.regionId;
  const other = await db
    .selectFrom('compound')
    .select(['id', 'property_company_org_id'])
    .where('district_id', '=', district)
    .where('management', '=', 'property_company')
    .where('property_company_org_id', '!=', c1.company)
    .orderBy('id')
    .executeTakeFirstOrThrow();
  c2 = { id: other.id, company: other.property_company_org_id! };
}, 120_000);
afterAll(async () => s?.close());

describe('credit score', () => {
  it('scores a hand-checked quarter: inspection, complaints from real property cases, owner ratings', async () => {
    await setClock('2031-02-10T02:00:00Z');
    // inspection: contract 20/20; inspection 23/30 (cleaning 4 of 8, facilities 3 of 6)
    const ins = await req('POST', '/api/property/inspections', tok.street, { compoundId: c1.id, unannounced: true, items: await form({ 'inspection.cleaning': 4, 'inspection.facilities': 3 }) });
    expect(ins.statusCode, ins.body).toBe(201);
    expect(ins.json()).toMatchObject({ quarter: '2031-Q1', score: 43 });
    // two property complaints through intake (routed to the company); their outcomes as the loop records them
    const ids: string[] = [];
    for (const d of ['电梯坏了三天没人修，老人上下楼很困难', '楼道灯坏了物业一直不来修']) {
      const r = await req('POST', '/api/cases', tok.community, { description: d, category: 'property.repair_delay', channel: 'walk_in', buildingId: c1.building });
      expect(r.statusCode, r.body).toBe(201);
      expect(r.json().assignedOrgId).toBe(c1.company);
      ids.push(r.json().id);
    }
    const db = s.platform.db;
    await db.updateTable('cases').set({ resolved: true, satisfaction: 'satisfied', overdue: false }).where('id', '=', ids[0]).execute();
    await db.updateTable('cases').set({ resolved: false, satisfaction: 'dissatisfied', overdue: true }).where('id', '=', ids[1]).execute();
    await db.deleteFrom('case_deadline').where('case_id', 'in', ids).where('kind', '=', 'response').execute();
    for (const [i, state] of [[0, 'met'], [1, 'missed']] as const) {
      const c = await db.selectFrom('cases').select(['district_id']).where('id', '=', ids[i]).executeTakeFirstOrThrow();
      await db.insertInto('case_deadline').values({ id: crypto.randomUUID(), case_id: ids[i], district_id: c.district_id, kind: 'response', org_id: c1.company, level: null, ref_id: null, clock: 'work_hours', started_at: s.clock.now(), due_at: s.clock.now(), warn_at: null, state }).execute();
    }
    // an owner rates every item 4 of 5
    const owner = await ownerOf(c1.id, '13700000001');
    const mine = (await req('GET', '/api/resident/property', owner.token)).json();
    expect(mine).toMatchObject({ compoundId: c1.id, isOwner: true, ratedThisQuarter: false });
    const scores = mine.ratingItems.map((i: { code: string }) => ({ code: i.code, score: 4 }));
    const rate = await req('POST', '/api/resident/property/ratings', owner.token, { scores });
    expect(rate.statusCode, rate.body).toBe(201);

    const run = await req('POST', '/api/property/evaluations', tok.district, { quarter: '2031-Q1' });
    expect(run.statusCode, run.body).toBe(200);
    const q = (await req('GET', '/api/property/scores?quarter=2031-Q1', tok.district)).json();
    const compound = q.find((r: { compound_id: string }) => r.compound_id === c1.id);
    // complaints: response 1/2·8 + resolution 1/2·10 + satisfaction 1/2·8 + on time 1/2·4 = 15; owner 4/5·20 = 16
    expect(compound.parts).toEqual({ contract: 20, complaints: 15, inspection: 23, owner: 16 });
    expect(compound.total).toBe(74);
    expect(compound.grade).toBe('A');
    const company = q.find((r: { company_org_id: string; compound_id: string | null }) => r.company_org_id === c1.company && r.compound_id === null);
    expect(company.total).toBe(74);
    const file = (await req('GET', `/api/property/companies/${c1.company}/credit-file`, tok.housing)).json();
    expect(file.records.some((r: { kind: string; summary: string }) => r.kind === 'score' && r.summary === '2031-Q1 74 A')).toBe(true);
    expect(file.scores.filter((r: { quarter: string; compound_id: string | null }) => r.quarter === '2031-Q1' && r.compound_id === null)).toMatchObject([{ total: 74, grade: 'A' }]);
    expect(file.scores.find((r: { compound_id: string | null }) => r.compound_id === c1.id)).toMatchObject({ total: 74 });
  });

  it('a household cannot rate twice in a quarter, not even at once', async () => {
    const other = await ownerOf(c1.id, '13700000002', 1);
    const mine = (await req('GET', '/api/resident/property', other.token)).json();
    const scores = mine.ratingItems.map((i: { code: string }) => ({ code: i.code, score: 5 }));
    const [a, b] = await Promise.all([req('POST', '/api/resident/property/ratings', other.token, { scores }), req('POST', '/api/resident/property/ratings', other.token, { scores })]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([201, 409]);
    const bad = await req('POST', '/api/resident/property/ratings', other.token, { scores: [...scores.slice(1), { code: 'owner.made_up', score: 5 }] });
    expect(bad.statusCode).toBe(400);
  });

  it('below 60 creates one interview task for the housing bureau, and its outcome goes into the file', async () => {
    const zero = Object.fromEntries((await form()).map((i: { code: string }) => [i.code, 0]));
    const ins = await req('POST', '/api/property/inspections', tok.district, { compoundId: c2.id, unannounced: false, items: await form(zero) });
    expect(ins.statusCode, ins.body).toBe(201);
    await req('POST', '/api/property/evaluations', tok.district, { quarter: '2031-Q1' });
    const again = (await req('POST', '/api/property/evaluations', tok.housing, { quarter: '2031-Q1' })).json();
    const mine = again.companies.find((c: { companyId: string }) => c.companyId === c2.company);
    expect(mine.total).toBeLessThan(60);
    expect(mine.interview).toBe(false); // created by the first run only
    const list = (await req('GET', '/api/property/interviews?status=open', tok.housing)).json();
    const task = list.filter((v: { company_org_id: string }) => v.company_org_id === c2.company);
    expect(task).toHaveLength(1);
    const notes = await s.platform.db.selectFrom('notification').select('recipient_org_id').where('kind', '=', 'property.interview').execute();
    expect(notes.map((n) => n.recipient_org_id)).toContain(me.housing.orgId);
    const done = await req('POST', `/api/property/interviews/${task[0].id}/outcome`, tok.housing, { heldOn: '2031-02-10', outcome: '企业承诺一个月内整改保洁和消防' });
    expect(done.statusCode, done.body).toBe(200);
    expect((await req('POST', `/api/property/interviews/${task[0].id}/outcome`, tok.housing, { heldOn: '2031-02-10', outcome: '再次' })).statusCode).toBe(409);
    const file = (await req('GET', `/api/property/companies/${c2.company}/credit-file`, tok.district)).json();
    expect(file.records.map((r: { kind: string }) => r.kind)).toEqual(expect.arrayContaining(['interview', 'interview_outcome']));
  });

  it('the interview line is strict: a score exactly at the line gets none, a hundredth below it gets one', async () => {
    const { parts, grades } = await standardAsInput();
    const line = async (interviewBelow: number) => expect((await req('PUT', '/api/property/credit-standard', tok.admin, { parts, grades, interviewBelow })).statusCode).toBe(200);
    const run = async () => (await req('POST', '/api/property/evaluations', tok.district, { quarter: '2031-Q1' })).json().companies.find((c: { companyId: string }) => c.companyId === c1.company);
    const tasks = async () => (await req('GET', '/api/property/interviews', tok.housing)).json().filter((v: { company_org_id: string }) => v.company_org_id === c1.company);
    const { total } = await run();
    expect(total).toBeGreaterThanOrEqual(60);
    expect(await tasks()).toHaveLength(0); // well above the default line: no interview
    try {
      await line(total);
      expect((await run()).interview).toBe(false);
      expect(await tasks()).toHaveLength(0);
      await line(total + 0.01);
      expect((await run()).interview).toBe(true);
      expect(await tasks()).toHaveLength(1);
    } finally {
      await line(60);
    }
  });

  it('two yellow cards within 12 months make a red one; a yellow already counted does not count again', async () => {
    await setClock('2031-03-01T02:00:00Z');
    const card = (headers: Record<string, string> = {}) => req('POST', `/api/property/companies/${c2.company}/cards`, tok.housing, { behaviourCode: 'complaint_ignored', reason: '投诉拒不处理' }, headers);
    const first = await card({ 'idempotency-key': 'card-1' });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json().redCardId).toBeNull();
    expect((await card({ 'idempotency-key': 'card-1' })).json()).toEqual(first.json()); // a retry is the same card
    await setClock('2031-09-01T02:00:00Z');
    const second = (await card()).json();
    expect(second.redCardId).not.toBeNull();
    await setClock('2032-08-01T02:00:00Z'); // 11 months after the second, which is already in a red card
    expect((await card()).json().redCardId).toBeNull();
    const records = await s.platform.db.selectFrom('credit_record').select('kind').where('company_org_id', '=', c2.company).where('kind', 'in', ['yellow_card', 'red_card']).execute();
    expect(records.filter((r) => r.kind === 'yellow_card')).toHaveLength(3);
    expect(records.filter((r) => r.kind === 'red_card')).toHaveLength(1);
    // the credit file is append-only
    await expect(s.platform.db.deleteFrom('credit_record').where('company_org_id', '=', c2.company).execute()).rejects.toThrow();
    await expect(s.platform.db.updateTable('credit_record').set({ summary: 'rewritten' }).where('company_org_id', '=', c2.company).execute()).rejects.toThrow();
    expect((await req('POST', `/api/property/companies/${c2.company}/cards`, tok.housing, { behaviourCode: 'made_up', reason: 'x' })).statusCode).toBe(400);
    expect((await req('POST', `/api/property/companies/${c2.company}/cards`, tok.street, { behaviourCode: 'complaint_ignored', reason: 'x' })).statusCode).toBe(403);
  });

  it('annual score is the mean of the quarters', async () => {
    await setClock('2031-05-10T02:00:00Z');
    const ins = await req('POST', '/api/property/inspections', tok.street, { compoundId: c1.id, unannounced: false, items: await form() });
    expect(ins.statusCode).toBe(201);
    await req('POST', '/api/property/evaluations', tok.district, { quarter: '2031-Q2' });
    const q2 = (await req('GET', '/api/property/scores?quarter=2031-Q2', tok.district)).json().find((r: { company_org_id: string; compound_id: string | null }) => r.company_org_id === c1.company && r.compound_id === null);
    const annual = (await req('GET', '/api/property/scores/annual?year=2031', tok.district)).json().find((r: { companyId: string }) => r.companyId === c1.company);
    const q1 = (await req('GET', '/api/property/scores?quarter=2031-Q1', tok.district)).json().find((r: { company_org_id: string; compound_id: string | null }) => r.company_org_id === c1.company && r.compound_id === null);
    expect(annual.quarters).toEqual({ '2031-Q1': q1.total, '2031-Q2': q2.total });
    expect(annual.annual).toBeCloseTo((q1.total + q2.total) / 2, 2);
    expect(annualOf([{ company_org_id: 'a', company_name: 'A', quarter: '2031-Q1', total: 90 }, { company_org_id: 'a', company_name: 'A', quarter: '2031-Q3', total: 55 }], [{ grade: 'X', min: 70 }, { grade: 'Y', min: 0 }])).toEqual([
      { companyId: 'a', companyName: 'A', quarters: { '2031-Q1': 90, '2031-Q3': 55 }, annual: 72.5, grade: 'X' },
    ]);
  });

  it('an inspection form must be complete and within the points; nothing is written otherwise', async () => {
    const before = await s.platform.db.selectFrom('property_inspection').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const items = await form();
    const missing = await req('POST', '/api/property/inspections', tok.street, { compoundId: c1.id, unannounced: false, items: items.slice(1) });
    expect(missing.statusCode).toBe(400);
    expect(Object.keys(missing.json().error.fields)).toContain(`items.${items[0].code}`);
    const over = await req('POST', '/api/property/inspections', tok.street, { compoundId: c1.id, unannounced: false, items: items.map((i: { code: string; points: number }) => ({ ...i, points: i.points + 1 })) });
    expect(over.statusCode).toBe(400);
    const extra = await req('POST', '/api/property/inspections', tok.street, { compoundId: c1.id, unannounced: false, items, extra: 1 });
    expect(extra.statusCode).toBe(400);
    const after = await s.platform.db.selectFrom('property_inspection').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
    // the property company itself may not inspect, and another district's community cannot see the compound
    expect((await req('POST', '/api/property/inspections', tok.property, { compoundId: c1.id, unannounced: false, items })).statusCode).toBe(403);
  });

  it('the standard editor keeps the sums', async () => {
    const { parts, grades } = await standardAsInput();
    const bad = structuredClone(parts);
    bad[0].weight += 5;
    const r = await req('PUT', '/api/property/credit-standard', tok.admin, { parts: bad, grades, interviewBelow: 60 });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.fields).toHaveProperty('parts');
    const ok = await req('PUT', '/api/property/credit-standard', tok.admin, { parts, grades, interviewBelow: 60 });
    expect(ok.statusCode, ok.body).toBe(200);
    expect((await req('PUT', '/api/property/credit-standard', tok.district, { parts, grades, interviewBelow: 60 })).statusCode).toBe(200);
    expect((await req('PUT', '/api/property/credit-standard', tok.street, { parts, grades, interviewBelow: 60 })).statusCode).toBe(403);
  });
});

describe('scope', () => {
  it('one company cannot see another company, its compounds or scores', async () => {
    expect((await req('GET', `/api/property/companies/${c2.company}`, tok.property)).statusCode).toBe(404);
    expect((await req('GET', `/api/property/companies/${c2.company}/credit-file`, tok.property)).statusCode).toBe(404);
    expect((await req('GET', `/api/property/compounds/${c2.id}/ledger`, tok.property)).statusCode).toBe(404);
    expect((await req('GET', `/api/property/companies/${c1.company}`, tok.property)).statusCode).toBe(200);
    const list = (await req('GET', '/api/property/companies', tok.property)).json();
    expect(list.map((c: { id: string }) => c.id)).toEqual([c1.company]);
    const scores = (await req('GET', '/api/property/scores?quarter=2031-Q1', tok.property)).json();
    expect(new Set(scores.map((r: { company_org_id: string }) => r.company_org_id))).toEqual(new Set([c1.company]));
    expect((await req('GET', `/api/property/companies/${c1.company}`, tok.community2)).statusCode).toBe(404);
  });

  it('the compound list: a housing bureau reaches its whole district, a company only its own compounds', async () => {
    const db = s.platform.db;
    const district = (await req('GET', '/api/auth/me', tok.district)).json().scope.regionId;
    const managed = await db.selectFrom('compound').select('id').where('district_id', '=', district).where('management', '=', 'property_company').where('property_company_org_id', 'is not', null).orderBy('name').execute();
    const housing = (await req('GET', '/api/property/compounds?managed=true', tok.housing)).json();
    expect(new Set(housing.map((c: { id: string }) => c.id))).toEqual(new Set(managed.map((c) => c.id)));
    expect(housing.find((c: { id: string }) => c.id === c1.id)).toMatchObject({ companyId: c1.company, governanceModel: expect.stringMatching(/^1\+[123]$/) });
    const own = (await req('GET', '/api/property/compounds', tok.property)).json();
    expect(own.length).toBeGreaterThan(0);
    expect(own.every((c: { companyId: string }) => c.companyId === c1.company)).toBe(true);
    expect(own.map((c: { id: string }) => c.id)).not.toContain(c2.id);
    expect((await req('GET', '/api/property/compounds?managed=maybe', tok.housing)).statusCode).toBe(400);
    expect((await req('GET', '/api/property/compounds', tok.dept)).statusCode).toBe(403);
  });
});

describe('fees', () => {
  it('charges from the contract rate and area, payments, imports, collection rate; repeats add nothing', async () => {
    await setClock('2031-05-10T02:00:00Z');
    const contract = await req('POST', `/api/property/compounds/${c1.id}/contracts`, tok.housing, { startsOn: '2031-01-01', endsOn: '2033-12-31', starLevel: 3, feeRates: { residential: 150, commercial: 300 } });
    expect(contract.statusCode, contract.body).toBe(201);
    const overlap = await req('POST', `/api/property/compounds/${c1.id}/contracts`, tok.housing, { startsOn: '2033-01-01', endsOn: '2034-12-31', starLevel: 3, feeRates: { residential: 150 } });
    expect(overlap.statusCode).toBe(400);
    expect(overlap.json().error.fields).toHaveProperty('startsOn');
    const k = await s.platform.db.selectFrom('property_contract').select('fee_rates').where('id', '=', contract.json().id).executeTakeFirstOrThrow();
    const rate = (k.fee_rates as unknown as { residential: number }).residential;
    const charge = await req('POST', `/api/property/compounds/${c1.id}/charges`, tok.property, { period: '2031-04' });
    expect(charge.statusCode, charge.body).toBe(200);
    expect(charge.json().created).toBeGreaterThan(0);
    expect((await req('POST', `/api/property/compounds/${c1.id}/charges`, tok.property, { period: '2031-04' })).json().created).toBe(0);
    expect((await req('POST', `/api/property/compounds/${c2.id}/charges`, tok.property, { period: '2031-04' })).statusCode).toBe(404);
    const owner = await s.platform.db.selectFrom('fee_charge').select(['household_id', 'amount_fen', 'area_m2']).where('compound_id', '=', c1.id).where('period', '=', '2031-04').orderBy('household_id').executeTakeFirstOrThrow();
    expect(owner.amount_fen).toBe(Math.round(owner.area_m2 * rate));
    // pays everything it owes: payments go to the oldest charges first, so April is then collected in full
    const owed = await s.platform.db.selectFrom('fee_charge').select((eb) => eb.fn.sum<number>('amount_fen').as('s')).where('household_id', '=', owner.household_id).executeTakeFirstOrThrow();
    const paid = await s.platform.db.selectFrom('fee_payment').select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount_fen'), eb.val(0)).as('s')).where('household_id', '=', owner.household_id).executeTakeFirstOrThrow();
    const pay = { householdId: owner.household_id, amountFen: Number(owed.s) - Number(paid.s), paidOn: '2031-05-01', method: 'wechat', reference: 'R-2031-0001' };
    const first = await req('POST', '/api/property/payments', tok.property, pay, { 'idempotency-key': 'pay-1' });
    expect(first.statusCode, first.body).toBe(201);
    expect((await req('POST', '/api/property/payments', tok.property, pay, { 'idempotency-key': 'pay-1' })).statusCode).toBe(201);
    expect((await req('POST', '/api/property/payments', tok.property, pay)).statusCode).toBe(409);
    const ledger = (await req('GET', `/api/property/compounds/${c1.id}/ledger?from=2031-04&to=2031-04`, tok.community)).json();
    const row = ledger.households.find((h: { householdId: string }) => h.householdId === owner.household_id);
    expect(row).toMatchObject({ chargedFen: owner.amount_fen, collectedFen: owner.amount_fen });
    expect(ledger.rate).toBeCloseTo(ledger.collectedFen / ledger.chargedFen, 6);
    // the company's spreadsheet: a bad row refuses the sheet; the same sheet twice records nothing twice
    const hh = await s.platform.db.selectFrom('household as h').innerJoin('building as b', 'b.id', 'h.building_id').select(['b.number', 'h.unit_no', 'h.room_no']).where('h.id', '!=', owner.household_id).where('h.compound_id', '=', c1.id).where('h.area_m2', '>', 0).orderBy('h.id').limit(2).execute();
    const sheet = async (rows: (string | number)[][]) => {
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('缴费');
      ws.addRow(['楼栋', '单元', '房号', '金额(元)', '缴费日期', '方式', '票据号']);
      for (const r of rows) ws.addRow(r);
      const bytes = Buffer.from(await wb.xlsx.writeBuffer());
      const boundary = '----property-import';
      const payload = Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="p.xlsx"\r\nContent-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n`), bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]);
      return s.request({ method: 'POST', url: `/api/property/payments/import?compoundId=${c1.id}`, token: tok.property, payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
    };
    const good = hh.map((h, i) => [h.number, h.unit_no, h.room_no, '88.50', '2031-05-02', '微信', `IMP-${i}`]);
    const refused = await sheet([...good, ['99号楼', '1', '101', '10', '2031-05-02', '现金', 'IMP-X']]);
    expect(refused.statusCode).toBe(400);
    expect(Object.keys(refused.json().error.fields)).toEqual([`row.${good.length + 2}`]);
    const imported = await sheet(good);
    expect(imported.statusCode, imported.body).toBe(200);
    expect(imported.json()).toEqual({ rows: 2, imported: 2, skipped: 0 });
    expect((await sheet(good)).json()).toEqual({ rows: 2, imported: 0, skipped: 2 });
    const byCompany = (await req('GET', '/api/property/collection?groupBy=company&from=2031-04&to=2031-04', tok.district)).json();
    const after = (await req('GET', `/api/property/compounds/${c1.id}/ledger?from=2031-04&to=2031-04`, tok.community)).json();
    expect(after.collectedFen).toBeGreaterThan(ledger.collectedFen);
    expect(byCompany.find((r: { id: string }) => r.id === c1.company).collectedFen).toBe(after.collectedFen);
  });

  it('the confidential arrears list is for the organisation department only, and audited', async () => {
    expect((await req('GET', '/api/property/arrears/confidential', tok.district)).statusCode).toBe(403);
    expect((await req('GET', '/api/property/arrears/confidential', tok.admin)).statusCode).toBe(403); // not even the platform administrator
    const db = s.platform.db;
    // a resident of the compound whose household owes a bill long due, made here: which demo households
    // have paid depends on the day the demo history was drawn
    const debtor = await db
      .selectFrom('fee_charge as f')
      .innerJoin('resident as r', 'r.household_id', 'f.household_id')
      .select(['r.id', 'f.household_id'])
      .where('f.compound_id', '=', c1.id)
      .where('f.period', '=', '2031-04')
      .where('r.status', '=', 'active')
      .orderBy('r.id')
      .executeTakeFirstOrThrow();
    await sql`INSERT INTO fee_charge (id, household_id, compound_id, company_org_id, contract_id, period, area_m2, rate_fen, amount_fen, city_id, district_id, street_id, community_id, created_at)
      SELECT gen_random_uuid(), household_id, compound_id, company_org_id, contract_id, '2001-01', area_m2, rate_fen, 100000000, city_id, district_id, street_id, community_id, created_at
      FROM fee_charge WHERE household_id = ${debtor.household_id} AND period = '2031-04'`.execute(db);
    await db.updateTable('resident').set({ political_status: 'party_member' }).where('id', '=', debtor.id).execute();
    const list = await req('GET', '/api/property/arrears/confidential', tok.orgdept);
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().find((r: { residentId: string }) => r.residentId === debtor.id)).toMatchObject({ politicalStatus: 'party_member' });
    const a = await db.selectFrom('audit_log').select('details').where('action', '=', 'property.arrears_confidential.read').execute();
    expect(a.length).toBeGreaterThan(0);
  });
});

describe('maintenance fund', () => {
  const rules: VoteRules = { participation: { num: 2, den: 3, strict: false }, approval: { num: 1, den: 2, strict: true } };
  const v = (choice: 'agree' | 'disagree' | 'abstain', area = 100) => ({ choice, area });

  it('vote thresholds at the exact boundaries (Civil Code art. 278)', () => {
    // 9 owners of 900 m²: 6 taking part is exactly two thirds (enough); 3 of 6 agreeing is half (not more than half)
    expect(decideVote({ households: 9, area: 900 }, [v('agree'), v('agree'), v('agree'), v('disagree'), v('disagree'), v('abstain')], rules)).toMatchObject({ participationMet: true, approvalMet: false });
    expect(decideVote({ households: 9, area: 900 }, [v('agree'), v('agree'), v('agree'), v('agree'), v('disagree'), v('abstain')], rules)).toMatchObject({ participationMet: true, approvalMet: true });
    // 5 of 9 take part: below two thirds
    expect(decideVote({ households: 9, area: 900 }, [v('agree'), v('agree'), v('agree'), v('agree'), v('agree')], rules)).toMatchObject({ participationMet: false, approvalMet: false });
    // enough by number but the area taking part is 599.99 of 900 m²: one hundredth short of two thirds
    expect(decideVote({ households: 9, area: 900 }, [v('agree', 99.99), v('agree'), v('agree'), v('agree'), v('agree'), v('agree')], rules).participationMet).toBe(false);
    // majority by number but exactly half by area
    expect(decideVote({ households: 6, area: 600 }, [v('agree', 50), v('agree', 50), v('agree', 50), v('disagree', 150), v('disagree', 0.01)].slice(0, 4).concat([v('abstain', 0)]), rules)).toMatchObject({ participationMet: false });
    expect(decideVote({ households: 4, area: 400 }, [v('agree', 50), v('agree', 50), v('agree', 100), v('disagree', 200)], rules)).toMatchObject({ participationMet: true, approvalMet: false, agreeArea: 200, votedArea: 400 });
  });

  it('each of the four conditions decides on its own: number and area, participation and approval', () => {
    // participation by number alone: 5 of 9 owners (one short of two thirds) holding 700 of 900 m²
    expect(decideVote({ households: 9, area: 900 }, [v('agree', 140), v('agree', 140), v('agree', 140), v('agree', 140), v('agree', 140)], rules).participationMet).toBe(false);
    // … and exactly two thirds by number with the same area is enough
    expect(decideVote({ households: 9, area: 900 }, [v('agree', 120), v('agree', 120), v('agree', 120), v('agree', 120), v('agree', 120), v('agree', 100)], rules)).toMatchObject({ participationMet: true, approvalMet: true });
    // approval by number alone: 3 of 6 agree (exactly half) though they hold 500 of 600 m²
    const half = [v('agree', 200), v('agree', 200), v('agree', 100), v('disagree', 50), v('disagree', 25), v('disagree', 25)];
    expect(decideVote({ households: 6, area: 600 }, half, rules)).toMatchObject({ participationMet: true, approvalMet: false, agreeHouseholds: 3, agreeArea: 500 });
    // … and one more agreeing household makes more than half by number and by area
    expect(decideVote({ households: 6, area: 600 }, [...half.slice(0, 3), v('agree', 50), ...half.slice(4)], rules)).toMatchObject({ participationMet: true, approvalMet: true });
    // approval by area alone: 4 of 6 agree but hold 0.01 m² less than half of the area taking part
    expect(decideVote({ households: 6, area: 600 }, [v('agree', 50), v('agree', 50), v('agree', 100), v('agree', 99.99), v('disagree', 200), v('disagree', 100.01)], rules)).toMatchObject({ participationMet: true, approvalMet: false, agreeHouseholds: 4 });
  });

  it('proposal → voting by owners (one vote per household) → decision → spending, on the public books of that compound only', async () => {
    await setClock('2031-06-01T02:00:00Z');
    const p = await req('POST', '/api/property/fund-proposals', tok.property, { compoundId: c1.id, title: '更换3号楼电梯', description: '电梯使用超过15年，多次困人', budgetFen: 30000000, quotes: [{ vendor: '某电梯公司', amountFen: 28000000 }] }, { 'idempotency-key': 'fund-1' });
    expect(p.statusCode, p.body).toBe(201);
    const again = await req('POST', '/api/property/fund-proposals', tok.property, { compoundId: c1.id, title: '更换3号楼电梯', description: '电梯使用超过15年，多次困人', budgetFen: 30000000, quotes: [{ vendor: '某电梯公司', amountFen: 28000000 }] }, { 'idempotency-key': 'fund-1' });
    expect(again.json().id).toBe(p.json().id);
    const id = p.json().id;
    const opened = await req('POST', `/api/property/fund-proposals/${id}/open`, tok.property, { closesAt: '2031-06-15T10:00:00Z' });
    expect(opened.statusCode, opened.body).toBe(200);
    expect(opened.json().eligible_households).toBeGreaterThan(0);
    const owner = await ownerOf(c1.id, '13700000003', 2);
    const [a, b] = await Promise.all([
      req('POST', '/api/resident/property/votes', owner.token, { proposalId: id, choice: 'agree' }),
      req('POST', '/api/resident/property/votes', owner.token, { proposalId: id, choice: 'disagree' }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([201, 409]);
    expect((await req('POST', `/api/property/fund-proposals/${id}/close`, tok.property, {})).statusCode).toBe(409); // still open
    const books = (await req('GET', '/api/resident/property/books', owner.token)).json();
    expect(books.compoundId).toBe(c1.id);
    expect(books.proposals.find((x: { id: string }) => x.id === id).tally.votedHouseholds).toBe(1);
    await setClock('2031-06-16T02:00:00Z');
    expect((await req('POST', '/api/resident/property/votes', owner.token, { proposalId: id, choice: 'agree' })).statusCode).toBe(409);
    const closed = (await req('POST', `/api/property/fund-proposals/${id}/close`, tok.property, {})).json();
    expect(closed.status).toBe('rejected'); // one household is far from two thirds
    expect((await req('POST', `/api/property/fund-proposals/${id}/spend`, tok.property, { invoices: [{ number: 'F1', amountFen: 1, issuedOn: '2031-06-16' }] })).statusCode).toBe(409);
    // a resident of another compound sees only their own books; a proposal elsewhere is not found for them
    const foreign = await req('POST', '/api/property/fund-proposals', tok.district, { compoundId: c2.id, title: '外墙维修', description: '外墙脱落', budgetFen: 100000, quotes: [{ vendor: 'x', amountFen: 90000 }] });
    expect(foreign.statusCode, foreign.body).toBe(403); // district staff hold no fund permission
    const street = await req('POST', '/api/property/fund-proposals', tok.street, { compoundId: c2.id, title: '外墙维修', description: '外墙脱落', budgetFen: 100000, quotes: [{ vendor: 'x', amountFen: 90000 }] });
    if (street.statusCode === 201) {
      await req('POST', `/api/property/fund-proposals/${street.json().id}/open`, tok.street, { closesAt: '2031-07-01T00:00:00Z' });
      expect((await req('POST', '/api/resident/property/votes', owner.token, { proposalId: street.json().id, choice: 'agree' })).statusCode).toBe(404);
    }
    // statements: once per quarter
    const st = { quarter: '2031-Q1', incomeFen: 1200000, spending: [{ item: '保洁', amountFen: 400000 }, { item: '秩序维护', amountFen: 500000 }] };
    expect((await req('POST', `/api/property/compounds/${c1.id}/statements`, tok.property, st)).statusCode).toBe(201);
    expect((await req('POST', `/api/property/compounds/${c1.id}/statements`, tok.property, st)).statusCode).toBe(409);
    expect((await req('GET', '/api/resident/property/books', owner.token)).json().statements).toHaveLength(1);
    const bill = (await req('GET', '/api/resident/property/bill', owner.token)).json();
    expect(bill.charges.length).toBeGreaterThan(0);
  });

  it('an approved proposal is spent within its budget, with invoices, and shows on the compound\'s books', async () => {
    await setClock('2031-06-20T02:00:00Z');
    const db = s.platform.db;
    const p = await req('POST', '/api/property/fund-proposals', tok.property, { compoundId: c1.id, title: '屋面防水维修', description: '顶层多户漏水', budgetFen: 5000000, quotes: [{ vendor: '某防水公司', amountFen: 4800000 }] });
    expect(p.statusCode, p.body).toBe(201);
    const id = p.json().id;
    const opened = (await req('POST', `/api/property/fund-proposals/${id}/open`, tok.property, { closesAt: '2031-07-01T02:00:00Z' })).json();
    // every eligible owner household with a resident agrees (the voting route itself is tested above)
    const voters = await db
      .selectFrom('household as h')
      .innerJoin('resident as r', 'r.household_id', 'h.id')
      .select(['h.id', 'h.area_m2', (eb) => eb.fn.min<string>(sql`r.id::text`).as('resident_id')])
      .where('h.compound_id', '=', c1.id)
      .where('h.occupancy', '=', 'owner')
      .where('h.area_m2', '>', 0)
      .groupBy(['h.id', 'h.area_m2'])
      .execute();
    await db.insertInto('fund_vote').values(voters.map((h) => ({ proposal_id: id, household_id: h.id, resident_id: h.resident_id, choice: 'agree' as const, area_m2: h.area_m2!, voted_at: s.clock.now() }))).execute();
    expect(voters.length * 3).toBeGreaterThanOrEqual(opened.eligible_households * 2);
    await setClock('2031-07-02T02:00:00Z');
    const closed = (await req('POST', `/api/property/fund-proposals/${id}/close`, tok.property, {})).json();
    expect(closed).toMatchObject({ status: 'approved', tally: { participationMet: true, approvalMet: true, votedHouseholds: voters.length } });
    const over = await req('POST', `/api/property/fund-proposals/${id}/spend`, tok.property, { invoices: [{ number: 'FP-1', amountFen: 3000000, issuedOn: '2031-07-01' }, { number: 'FP-2', amountFen: 2000001, issuedOn: '2031-07-01' }] });
    expect(over.statusCode).toBe(400);
    expect(over.json().error.fields).toHaveProperty('invoices');
    const spent = await req('POST', `/api/property/fund-proposals/${id}/spend`, tok.property, { invoices: [{ number: 'FP-1', amountFen: 3000000, issuedOn: '2031-07-01' }, { number: 'FP-2', amountFen: 1800000, issuedOn: '2031-07-01' }] });
    expect(spent.statusCode, spent.body).toBe(200);
    expect(spent.json()).toMatchObject({ status: 'spent', spent_fen: 4800000 });
    expect((await req('POST', `/api/property/fund-proposals/${id}/spend`, tok.property, { invoices: [{ number: 'FP-3', amountFen: 1, issuedOn: '2031-07-01' }] })).statusCode).toBe(409);
    const books = (await req('GET', `/api/property/compounds/${c1.id}/books`, tok.community)).json();
    expect(books.proposals.find((x: { id: string }) => x.id === id)).toMatchObject({ status: 'spent', spent_fen: 4800000 });
  });
});

describe('warnings and the public ranking', () => {
  it('cards and overdue cases raise a warning for the community, street and housing bureau', async () => {
    await setClock('2032-08-02T02:00:00Z'); // the red card of 2031-09 is within 12 months
    const b2 = await s.platform.db.selectFrom('building').select('id').where('compound_id', '=', c2.id).orderBy('id').executeTakeFirstOrThrow();
    const k = await req('POST', '/api/cases', tok.district, { description: '小区垃圾堆积一周无人清运，物业不管', category: 'property.cleaning_security', channel: 'walk_in', buildingId: b2.id });
    expect(k.statusCode, k.body).toBe(201);
    // the deadline sweeper marks a case overdue once its handling deadline passes; here it is set directly
    await s.platform.db.updateTable('cases').set({ overdue: true }).where('id', '=', k.json().id).execute();
    const run = await req('POST', '/api/property/warnings/run', tok.housing, {});
    expect(run.statusCode, run.body).toBe(200);
    const list = (await req('GET', '/api/property/warnings?open=true', tok.housing)).json();
    const w = list.find((x: { compound_id: string }) => x.compound_id === c2.id);
    expect(w, JSON.stringify(list)).toBeTruthy();
    expect(w.signals.map((x: { code: string }) => x.code)).toContain('red_card');
    const again = (await req('POST', '/api/property/warnings/run', tok.housing, {})).json();
    expect(again.created).toBe(0);
    const ack = await req('POST', `/api/property/warnings/${w.id}/acknowledge`, tok.housing, { note: '已约谈企业负责人' });
    expect(ack.statusCode).toBe(200);
    expect((await req('POST', `/api/property/warnings/${w.id}/acknowledge`, tok.housing, { note: '再次' })).statusCode).toBe(409);
  });

  it('the ranking is public', async () => {
    const r = await req('GET', '/api/public/property/rankings?quarter=2031-Q1', undefined);
    expect(r.statusCode).toBe(200);
    const names = r.json().companies;
    expect(names[0].rank).toBe(1);
    expect(names.map((c: { companyId: string }) => c.companyId)).toEqual(expect.arrayContaining([c1.company, c2.company]));
  });
});

describe('cards over time', () => {
  it('a second yellow more than 12 months after the first makes no red; one within 12 months does, naming both', async () => {
    const card = () => req('POST', `/api/property/companies/${c1.company}/cards`, tok.housing, { behaviourCode: 'books_unpublished', reason: '未按季度公开收支' });
    await setClock('2033-01-10T02:00:00Z');
    const first = (await card()).json();
    expect(first.redCardId).toBeNull();
    await setClock('2034-01-11T02:00:00Z'); // 12 months and a day later
    const second = (await card()).json();
    expect(second.redCardId).toBeNull();
    await setClock('2034-12-10T02:00:00Z'); // 11 months after the second
    const third = (await card()).json();
    expect(third.redCardId).not.toBeNull();
    const red = await s.platform.db.selectFrom('credit_record').select(['kind', 'ref_ids']).where('id', '=', third.redCardId).executeTakeFirstOrThrow();
    expect(red.kind).toBe('red_card');
    expect([...red.ref_ids].sort()).toEqual([second.yellowCardId, third.yellowCardId].sort());
  });
});
