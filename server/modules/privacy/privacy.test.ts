import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/harness.ts';

let s: TestServer;
let community: string;
let street: string;

const get = (url: string, token?: string) => s.request({ method: 'GET', url, token });
const post = (url: string, token: string, payload?: unknown) => s.request({ method: 'POST', url, token, payload: payload as never });

async function residentToken(phone: string) {
  await s.request({ method: 'POST', url: '/api/auth/resident/code', payload: { phone } });
  const res = await s.request({ method: 'POST', url: '/api/auth/resident/login', payload: { phone, code: s.sms.lastCode(phone) } });
  expect(res.statusCode).toBe(200);
  return res.json().token as string;
}

/** A registered resident of the community administrator's community, no account linked. */
async function someResident(offset = 0) {
  const list = await get('/api/residents?limit=50', community);
  expect(list.statusCode).toBe(200);
  return list.json().items[offset].id as string;
}

/** A resident of the community (the `offset`-th listed) with a sign-in account linked in person, who has reported `description` with it. */
async function linkedReporter(offset: number, phone: string, description: string) {
  const id = await someResident(offset);
  const token = await residentToken(phone);
  expect((await post(`/api/residents/${id}/link-account`, community, { phone, verification: 'in_person' })).statusCode).toBe(200);
  const b = await s.platform.db.selectFrom('building').select('id').orderBy('id').executeTakeFirstOrThrow();
  const report = await s.request({ method: 'POST', url: '/api/cases', token, payload: { description, channel: 'resident_app', buildingId: b.id } });
  expect(report.statusCode).toBe(201);
  return { id, token, report: report.json() as { id: string; caseNo: string } };
}

beforeAll(async () => {
  s = await startTestServer({ clock: '2026-07-01T10:00:00+08:00' });
  [community, street] = await Promise.all([s.login('community'), s.login('street')]);
});
afterAll(() => s.close());

describe('a copy of everything held about a person', () => {
  it('gives staff who may reveal numbers the full record, audited; others get 403 or 404', async () => {
    const id = await someResident();
    const res = await get(`/api/residents/${id}/personal-data`, community);
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const numbers = (await post(`/api/residents/${id}/reveal`, community)).json();
    expect(res.json().resident.idNumber).toBe(numbers.idNumber);
    expect(res.json().households.length).toBeGreaterThan(0);
    expect(await s.platform.db.selectFrom('audit_log').select('seq').where('action', '=', 'resident.personal_data').where('entity_id', '=', id).execute()).toHaveLength(1);
    expect((await get(`/api/residents/${id}/personal-data`, await s.login('community2'))).statusCode).toBe(404);
    expect((await get(`/api/residents/${id}/personal-data`, await s.login('grid'))).statusCode).toBe(403);
  });

  it('lets a signed-in resident download their own data, and nobody else use that route', async () => {
    const token = await residentToken('13900001234');
    const res = await get('/api/my/personal-data', token);
    expect(res.statusCode).toBe(200);
    expect(res.json().account.phone).toBe('13900001234');
    expect(res.json().resident).toBeNull();
    expect((await get('/api/my/personal-data', community)).statusCode).toBe(403);
    expect((await get('/api/my/personal-data')).statusCode).toBe(401);
  });

  it("shows a linked person's account and reports, the same in the staff copy and their own", async () => {
    const phone = '13900004321';
    const { id, token, report } = await linkedReporter(3, phone, '单元门禁坏了关不上');

    const staff = (await get(`/api/residents/${id}/personal-data`, community)).json();
    const own = (await get('/api/my/personal-data', token)).json();
    expect(staff.account).toEqual({ phone, createdAt: expect.any(String), lastSignInAt: expect.any(String) });
    expect(own.account).toEqual(staff.account);
    expect(own.resident.idNumber).toBe(staff.resident.idNumber);
    expect(staff.cases).toEqual([expect.objectContaining({ caseNo: report.caseNo, description: '单元门禁坏了关不上', status: expect.any(String) })]);
    expect(own.cases).toEqual(staff.cases);
  });
});

describe('deletion on request', () => {
  it('is blocked while the person is registered, has an open case or a legal hold; then removes the record and its history', async () => {
    // the person has a sign-in account and an open report
    const phone = '13900005678';
    const { id, token, report } = await linkedReporter(1, phone, '楼下的路灯不亮了');
    const numbers = (await post(`/api/residents/${id}/reveal`, community)).json();

    let check = (await get(`/api/residents/${id}/erasure`, community)).json();
    expect(check.erasable).toBe(false);
    expect(check.blockers.map((x: { kind: string }) => x.kind).sort()).toEqual(['open_case', 'registered']);
    const refused = await post(`/api/residents/${id}/erasure`, community, { reason: '本人申请删除' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('LEGAL_HOLD');
    expect((await get(`/api/residents/${id}`, community)).statusCode).toBe(200);

    // moved out, the report finished by its handler — and then a legal hold from the street
    expect((await post(`/api/residents/${id}/move`, community, { householdId: null, outcome: 'moved_out' })).statusCode).toBe(200);
    await s.platform.db.updateTable('cases').set({ status: 'closed' }).where('id', '=', report.id).execute();
    expect((await post(`/api/residents/${id}/legal-holds`, community, { basis: '派出所协查' })).statusCode).toBe(403);
    const hold = await post(`/api/residents/${id}/legal-holds`, street, { basis: '派出所协查函〔2026〕17号' });
    expect(hold.statusCode).toBe(201);
    check = (await get(`/api/residents/${id}/erasure`, community)).json();
    expect(check.blockers).toEqual([{ kind: 'legal_hold', holdId: hold.json().id, basis: '派出所协查函〔2026〕17号' }]);
    expect((await post(`/api/residents/${id}/erasure`, community, { reason: '本人申请删除' })).statusCode).toBe(409);

    expect((await post(`/api/legal-holds/${hold.json().id}/release`, street)).statusCode).toBe(200);
    expect((await post(`/api/legal-holds/${hold.json().id}/release`, street)).statusCode).toBe(409);
    // a registration once claimed the ID number (registry lockIdNumbers); the claim goes with the person
    const { id_hash } = await s.platform.db.selectFrom('resident').select('id_hash').where('id', '=', id).executeTakeFirstOrThrow();
    await s.platform.db.insertInto('resident_id_claim').values({ id_hash }).onConflict((oc) => oc.doNothing()).execute();
    const erased = await post(`/api/residents/${id}/erasure`, community, { reason: '本人申请删除' });
    expect(erased.statusCode).toBe(200);
    expect(erased.json().removed.resident).toBe(1);
    expect(erased.json().removed.household_member).toBeGreaterThan(0);

    expect((await get(`/api/residents/${id}`, community)).statusCode).toBe(404);
    for (const table of ['household_member', 'resident_tag', 'resident_change', 'visit', 'legal_hold'] as const) {
      expect(await s.platform.db.selectFrom(table).select('resident_id').where('resident_id', '=', id).execute(), table).toEqual([]);
    }
    expect(await s.platform.db.selectFrom('resident_id_claim').selectAll().where('id_hash', '=', id_hash).execute()).toEqual([]);
    // the account remains (the person may still report), unlinked; the case remains as a work record
    expect((await s.platform.db.selectFrom('resident_account').select('resident_id').where('resident_id', '=', id).execute())).toEqual([]);
    expect((await get(`/api/my/cases/${report.id}`, token)).statusCode).toBe(200);
    // the audit trail holds no personal data of the erased person
    const trail = JSON.stringify(await s.platform.db.selectFrom('audit_log').selectAll().where('entity_id', '=', id).execute());
    expect(trail).not.toContain(numbers.idNumber);
    expect(trail).toContain('resident.erase');
  });

  it('needs the permission, and stays within scope', async () => {
    const id = await someResident(2);
    expect((await post(`/api/residents/${id}/erasure`, await s.login('grid'), { reason: '本人申请' })).statusCode).toBe(403);
    expect((await post(`/api/residents/${id}/erasure`, await s.login('community2'), { reason: '本人申请' })).statusCode).toBe(404);
    const bad = await post(`/api/residents/${id}/erasure`, community, {});
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields.reason).toBeDefined();
  });
});

describe('four eyes on unmasked exports', () => {
  const exportUrl = (q: string) => `/api/exports/residents.xlsx?${q}`;

  it('needs another administrator of the area to approve, once, for exactly that filter, within a day', async () => {
    expect((await get(exportUrl('unmasked=true'), community)).json().error.code).toBe('APPROVAL_REQUIRED');
    const asked = await post('/api/export-approvals', community, { filter: { tag: 'elderly_alone' }, reason: '慰问独居老人' });
    expect(asked.statusCode).toBe(201);
    const id = asked.json().id;
    expect((await get(exportUrl(`unmasked=true&tag=elderly_alone&approval=${id}`), community)).statusCode).toBe(403); // still pending
    expect((await post(`/api/export-approvals/${id}/approve`, community)).statusCode).toBe(403); // not one's own
    expect((await post(`/api/export-approvals/${id}/approve`, await s.login('community2'))).statusCode).toBe(404); // not their area
    const approved = await post(`/api/export-approvals/${id}/approve`, street);
    expect(approved.statusCode).toBe(200);
    expect(approved.json().status).toBe('approved');
    expect((await post(`/api/export-approvals/${id}/reject`, street)).statusCode).toBe(409);

    expect((await get(exportUrl(`unmasked=true&approval=${id}`), community)).json().error.code).toBe('APPROVAL_REQUIRED'); // other filter
    expect((await get(exportUrl(`unmasked=true&tag=elderly_alone&approval=${id}`), await s.login('street'))).statusCode).toBe(403); // not the requester
    // two downloads at once: one approval, one export
    const both = await Promise.all([1, 2].map(() => get(exportUrl(`unmasked=true&tag=elderly_alone&approval=${id}`), community)));
    expect(both.map((r) => r.statusCode).sort()).toEqual([200, 403]);
    expect((await get(exportUrl(`unmasked=true&tag=elderly_alone&approval=${id}`), community)).statusCode).toBe(403);

    const late = (await post('/api/export-approvals', community, { filter: {}, reason: '年度核查' })).json().id;
    expect((await post(`/api/export-approvals/${late}/approve`, street)).statusCode).toBe(200);
    s.clock.advance(25 * 3_600_000);
    const fresh = await s.login('community');
    expect((await get(exportUrl(`unmasked=true&approval=${late}`), fresh)).statusCode).toBe(403);
    const list = (await get('/api/export-approvals', fresh)).json() as { id: string; status: string }[];
    expect(list.find((a) => a.id === id)?.status).toBe('used');
  });

  it('refuses unknown filter fields and a missing reason', async () => {
    const res = await post('/api/export-approvals', await s.login('community'), { filter: { everything: true } });
    expect(res.statusCode).toBe(400);
    expect(Object.keys(res.json().error.fields).sort()).toEqual(['filter.everything', 'reason'].sort());
  });
});
