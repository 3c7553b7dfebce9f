import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/harness.ts';
import { caseWorld, type CaseWorld } from '../cases/testing.ts';

let s: TestServer;
let w: CaseWorld;
/** compounds: two in the community of the `community` user, one in another street's community, one run by the `property` company */
let home: { id: string; community_id: string; street_id: string };
let neighbour: { id: string };
let elsewhere: { id: string };
let managed: { id: string };
let streetOrg: { region_id: string };
beforeAll(async () => {
  s = await startTestServer();
  w = await caseWorld(s);
  const db = s.platform.db;
  const community = (await db.selectFrom('org').select('region_id').where('id', '=', w.org.community).executeTakeFirstOrThrow()).region_id!;
  const mine = await db.selectFrom('compound').select(['id', 'community_id', 'street_id']).where('community_id', '=', community).orderBy('id').execute();
  home = mine[0];
  neighbour = mine[1];
  elsewhere = await db.selectFrom('compound').select('id').where('street_id', '<>', home.street_id).orderBy('id').executeTakeFirstOrThrow();
  managed = await db.selectFrom('compound').select('id').where('property_company_org_id', '=', w.org.property).where('management', '=', 'property_company').orderBy('id').executeTakeFirstOrThrow();
  streetOrg = (await db.selectFrom('org').select('region_id').where('id', '=', w.org.street).executeTakeFirstOrThrow()) as { region_id: string };
});
afterAll(() => s.close());

const req = (method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, token: string, payload?: Record<string, unknown>, headers: Record<string, string> = {}) =>
  s.request({ method, url, token, headers, ...(payload ? { payload } : {}) });
const publish = async (token: string, body: Record<string, unknown>) => {
  const res = await req('POST', '/api/notices', token, { kind: 'announcement', body: '内容', ...body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
};
const myTitles = async () => ((await req('GET', '/api/my/notices', w.resident)).json().items as { title: string }[]).map((n) => n.title);
const count = async (table: 'notice' | 'notice_read' | 'service_item') => Number((await s.platform.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

describe('the resident’s home', () => {
  it('is unknown until declared; then notices and services are of that compound’s community', async () => {
    expect((await req('GET', '/api/my/home', w.resident)).json()).toEqual({ home: null });
    expect((await req('GET', '/api/my/notices', w.resident)).json()).toEqual({ home: null, items: [], nextCursor: null });
    const set = await req('PUT', '/api/my/home', w.resident, { compoundId: home.id });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json().home).toMatchObject({ compoundId: home.id, communityId: home.community_id, verified: false, buildingId: null });
  });

  it('refuses a building of another compound and an unknown compound, and keeps the home', async () => {
    const other = await s.platform.db.selectFrom('building').select('id').where('compound_id', '=', elsewhere.id).executeTakeFirstOrThrow();
    const bad = await req('PUT', '/api/my/home', w.resident, { compoundId: home.id, buildingId: other.id });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields.buildingId).toBe('该楼栋不属于所选小区');
    const unknown = await req('PUT', '/api/my/home', w.resident, { compoundId: '00000000-0000-4000-8000-000000000000' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.fields.compoundId).toBeDefined();
    expect((await req('GET', '/api/my/home', w.resident)).json().home.compoundId).toBe(home.id);
  });

  it('a verified link by community staff takes precedence over what the resident declared', async () => {
    const db = s.platform.db;
    const person = await db.selectFrom('resident').select(['id', 'compound_id']).where('compound_id', '=', neighbour.id).orderBy('id').executeTakeFirstOrThrow();
    const account = await db.selectFrom('resident_account').select(['id', 'resident_id']).executeTakeFirstOrThrow();
    await db.updateTable('resident_account').set({ resident_id: person.id }).where('id', '=', account.id).execute();
    // the principal carries the link from sign-in: sign in again
    const token = await residentToken();
    try {
      expect((await req('GET', '/api/my/home', token)).json().home).toMatchObject({ compoundId: neighbour.id, verified: true });
    } finally {
      await db.updateTable('resident_account').set({ resident_id: account.resident_id }).where('id', '=', account.id).execute();
    }
  });

  it('compounds are found by name or by position; buildings listed per compound; an unknown compound is 404', async () => {
    const c = await s.platform.db.selectFrom('compound').select(['name', 'lat', 'lng']).where('id', '=', home.id).executeTakeFirstOrThrow();
    const byName = (await req('GET', `/api/my/compounds?q=${encodeURIComponent(c.name)}`, w.resident)).json();
    expect(byName[0]).toMatchObject({ id: home.id, name: c.name });
    if (c.lat !== null) {
      const near = (await req('GET', `/api/my/compounds?lat=${c.lat}&lng=${c.lng}`, w.resident)).json();
      expect(near[0].id).toBe(home.id);
    }
    expect((await req('GET', '/api/my/compounds', w.resident)).statusCode).toBe(400);
    const buildings = (await req('GET', `/api/my/compounds/${home.id}/buildings`, w.resident)).json();
    expect(buildings.length).toBeGreaterThan(0);
    expect((await req('GET', '/api/my/compounds/00000000-0000-4000-8000-000000000000/buildings', w.resident)).statusCode).toBe(404);
    // a wildcard is a character, not a pattern
    expect((await req('GET', '/api/my/compounds?q=%25', w.resident)).json()).toEqual([]);
  });
});

describe('notices', () => {
  it('reach the residents of the community, the street’s communities and the compound they were published to, and no one else', async () => {
    await publish(w.tok.community, { title: '社区：周六停水' });
    await publish(w.tok.street, { title: '街道：防汛通知' });
    await publish(w.tok.community2, { title: '别的区的社区' });
    await publish(w.tok.community, { title: '本小区：电梯检修', compoundId: home.id });
    await publish(w.tok.community, { title: '隔壁小区：绿化', compoundId: neighbour.id });
    const titles = await myTitles();
    expect(titles).toEqual(['本小区：电梯检修', '街道：防汛通知', '社区：周六停水']);
  });

  it('property companies publish fees and fund use to the compounds they manage, and only there', async () => {
    expect((await req('POST', '/api/notices', w.tok.property, { kind: 'property_fee', title: '物业费公示', body: '每平米 1.2 元', compoundId: managed.id })).statusCode).toBe(201);
    const other = await req('POST', '/api/notices', w.tok.property, { kind: 'property_fee', title: 'x', body: 'y', compoundId: elsewhere.id });
    expect(other.statusCode).toBe(400);
    expect(other.json().error.fields.compoundId).toBeDefined();
    const region = await req('POST', '/api/notices', w.tok.property, { kind: 'property_fee', title: 'x', body: 'y' });
    expect(region.json().error.fields.compoundId).toBeDefined();
    const finance = await req('POST', '/api/notices', w.tok.property, { kind: 'finance', title: 'x', body: 'y', compoundId: managed.id });
    expect(finance.json().error.fields.kind).toBeDefined();
  });

  it('staff cannot publish outside their jurisdiction; bad input is a 400 naming the field and writes nothing', async () => {
    const before = await count('notice');
    const outside = await req('POST', '/api/notices', w.tok.community, { kind: 'announcement', title: 'x', body: 'y', compoundId: elsewhere.id });
    expect(outside.statusCode).toBe(400);
    const street = await req('POST', '/api/notices', w.tok.community, { kind: 'announcement', title: 'x', body: 'y', regionId: streetOrg.region_id });
    expect(street.json().error.fields.regionId).toBeDefined();
    const bad = await req('POST', '/api/notices', w.tok.community, { kind: 'gossip', title: '', body: 'y' }, { 'accept-language': 'en' });
    expect(bad.statusCode).toBe(400);
    expect(Object.keys(bad.json().error.fields).sort()).toEqual(['kind', 'title']);
    expect(await count('notice')).toBe(before);
  });

  it('the same Idempotency-Key publishes one notice', async () => {
    const before = await count('notice');
    const body = { kind: 'finance', title: '收支公示', body: '收入 1 元' };
    const [a, b] = await Promise.all([0, 1].map(() => req('POST', '/api/notices', w.tok.community, body, { 'idempotency-key': 'notice-once' })));
    expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
    expect(a.json().id).toBe(b.json().id);
    expect(await count('notice')).toBe(before + 1);
  });

  it('read receipts: the first reading counts once, staff see the count; a notice for elsewhere is not found', async () => {
    const id = await publish(w.tok.community, { title: '重要：燃气安全检查', important: true });
    for (let i = 0; i < 2; i++) expect((await req('POST', `/api/my/notices/${id}/read`, w.resident)).statusCode).toBe(204);
    const mine = (await req('GET', '/api/my/notices', w.resident)).json().items.find((n: { id: string }) => n.id === id);
    expect(mine).toMatchObject({ important: true, readAt: expect.any(String) });
    expect((await req('GET', `/api/notices/${id}`, w.tok.community)).json()).toMatchObject({ readCount: 1, important: true });
    const far = await publish(w.tok.community2, { title: '远方' });
    expect((await req('POST', `/api/my/notices/${far}/read`, w.resident)).statusCode).toBe(404);
    expect((await req('GET', `/api/notices/${id}`, w.tok.community2)).statusCode).toBe(404);
  });

  it('withdrawal hides a notice from residents; of two withdrawals at once one wins', async () => {
    const id = await publish(w.tok.community, { title: '发错了' });
    expect(await myTitles()).toContain('发错了');
    const [a, b] = await Promise.all([0, 1].map(() => req('POST', `/api/notices/${id}/withdraw`, w.tok.community, { reason: '内容有误' })));
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    expect(await myTitles()).not.toContain('发错了');
    expect((await req('GET', `/api/notices/${id}`, w.tok.community)).json()).toMatchObject({ withdrawReason: '内容有误', withdrawnAt: expect.any(String) });
  });

  it('pages by cursor without repeats', async () => {
    const first = (await req('GET', '/api/my/notices?limit=2', w.resident)).json();
    expect(first.items).toHaveLength(2);
    const second = (await req('GET', `/api/my/notices?limit=2&cursor=${first.nextCursor}`, w.resident)).json();
    const ids = [...first.items, ...second.items].map((n: { id: string }) => n.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect((await req('GET', '/api/my/notices?cursor=nonsense', w.resident)).statusCode).toBe(400);
    const forged = Buffer.from(JSON.stringify([new Date().toISOString(), 'not-a-uuid'])).toString('base64url');
    expect((await req('GET', `/api/my/notices?cursor=${forged}`, w.resident)).statusCode).toBe(400);
  });
});

describe('service menu', () => {
  it('staff add items for their community; residents there see the active ones, others do not', async () => {
    const add = await req('POST', '/api/service-items', w.tok.community, { category: 'elderly', name: '老年助餐', description: '每天中午送餐上门', contactPhone: '0531-88888888', hours: '11:00–12:30' });
    expect(add.statusCode, add.body).toBe(201);
    const id = add.json().id;
    await req('POST', '/api/service-items', w.tok.community2, { category: 'health', name: '别处的义诊', description: 'x' });
    const menu = (await req('GET', '/api/my/services', w.resident)).json();
    expect(menu.items.map((i: { name: string }) => i.name)).toEqual(['老年助餐']);
    expect((await req('PATCH', `/api/service-items/${id}`, w.tok.community2, { active: false })).statusCode).toBe(404);
    const off = await req('PATCH', `/api/service-items/${id}`, w.tok.community, { active: false });
    expect(off.json()).toMatchObject({ active: false, name: '老年助餐' });
    expect((await req('GET', '/api/my/services', w.resident)).json().items).toEqual([]);
    expect((await req('GET', '/api/service-items', w.tok.community)).json().map((i: { id: string }) => i.id)).toContain(id);
  });

  it('bad input writes nothing', async () => {
    const before = await count('service_item');
    const bad = await req('POST', '/api/service-items', w.tok.community, { category: 'elderly', name: 'x', description: 'y', contactPhone: 'call me' });
    expect(bad.json().error.fields.contactPhone).toBeDefined();
    expect(await count('service_item')).toBe(before);
  });
});

async function residentToken(): Promise<string> {
  // another sign-in inside the per-phone minute would be refused; move the clock on
  s.clock.advanceMinutes(2);
  const phone = '13800138000';
  await s.request({ method: 'POST', url: '/api/auth/resident/code', payload: { phone } });
  const res = await s.request({ method: 'POST', url: '/api/auth/resident/login', payload: { phone, code: s.sms.lastCode(phone) } });
  return res.json().token;
}
