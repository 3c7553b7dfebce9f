import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../../test/support/harness.ts';
import { idCheckChar } from '../../../platform/pii/index.ts';

let s: TestServer;
let community: string;
let community2: string;
let grid: string;
let street: string;
let admin: string;
let communityId: string;

/** A valid ID number from its first 17 digits. */
const idOf = (first17: string) => first17 + idCheckChar(first17);
const get = (url: string, token: string) => s.request({ method: 'GET', url, token });
const post = (url: string, token: string, payload?: unknown) => s.request({ method: 'POST', url, token, payload: payload as never });
const count = async (table: 'resident' | 'household_member' | 'resident_tag' | 'audit_log') =>
  Number((await s.platform.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

beforeAll(async () => {
  s = await startTestServer({ clock: '2026-07-01T10:00:00+08:00' });
  [community, community2, grid, street, admin] = await Promise.all(['community', 'community2', 'grid', 'street', 'admin'].map((u) => s.login(u)));
  communityId = (await get('/api/auth/me', community)).json().scope.regionId;
});
afterAll(() => s.close());

describe('registering a resident', () => {
  it('the smallest body registers a newcomer in the caller’s community, answers masked, derives birth date and gender', async () => {
    const idNumber = idOf('37010219850315123');
    const res = await post('/api/residents', community, { name: '周新来', idNumber, phone: '13912345678' });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({ name: '周新来', gender: 'male', birthDate: '1985-03-15', idNumber: `370***********${idNumber.slice(-4)}`, phone: '139****5678', household: null, communityId, gridId: null, separated: null });
    expect(res.body).not.toContain(idNumber);
    expect(res.body).not.toContain('13912345678');
    const again = await get(`/api/residents/${body.id}`, community);
    expect(again.statusCode).toBe(200);
    expect(again.body).not.toContain(idNumber);
  });

  it('a wrong ID check digit is 400 with error.fields.idNumber and writes nothing', async () => {
    const good = idOf('37010219900101124');
    const bad = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
    const before = await count('resident');
    const res = await post('/api/residents', community, { name: '错号', idNumber: bad });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields.idNumber).toBe('身份证号码校验位错误');
    const en = await s.request({ method: 'POST', url: '/api/residents', token: community, payload: { name: '错号', idNumber: bad, phone: '123' }, headers: { 'accept-language': 'en' } });
    expect(en.json().error.fields).toEqual({ idNumber: 'The ID number check digit is wrong', phone: expect.any(String) });
    expect(await count('resident')).toBe(before);
  });

  it('checks the name, a given gender or birth date against the ID number, and the ethnicity', async () => {
    const res = await post('/api/residents', community, { name: 'X=1', idNumber: idOf('37010219900101124'), gender: 'male', birthDate: '1990-01-02', ethnicity: '火星族' });
    expect(res.statusCode).toBe(400);
    expect(Object.keys(res.json().error.fields).sort()).toEqual(['birthDate', 'ethnicity', 'gender', 'name']);
  });

  it('the same person twice is 409; registered in another jurisdiction is 409 without saying where', async () => {
    const idNumber = idOf('37010219700707001');
    expect((await post('/api/residents', community, { name: '吴重复', idNumber })).statusCode).toBe(201);
    const dup = await post('/api/residents', community, { name: '吴重复', idNumber });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe('RESIDENT_EXISTS');
    const elsewhere = await post('/api/residents', community2, { name: '吴重复', idNumber });
    expect(elsewhere.statusCode).toBe(409);
    expect(elsewhere.json().error.code).toBe('RESIDENT_REGISTERED_ELSEWHERE');
  });

  it('retries with the same Idempotency-Key create one resident', async () => {
    const before = await count('resident');
    const payload = { name: '钱幂等', idNumber: idOf('37010219800808002') };
    const headers = { 'idempotency-key': 'resident-once' };
    const [a, b] = await Promise.all([1, 2].map(() => s.request({ method: 'POST', url: '/api/residents', token: community, payload, headers })));
    expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
    expect(a.json().id).toBe(b.json().id);
    expect(await count('resident')).toBe(before + 1);
  });

  it('a street administrator must say which community a newcomer belongs to', async () => {
    const res = await post('/api/residents', street, { name: '孙街道', idNumber: idOf('37010219750505003') });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields.communityId).toBeDefined();
    const ok = await post('/api/residents', street, { name: '孙街道', idNumber: idOf('37010219750505003'), communityId });
    expect(ok.statusCode).toBe(201);
  });
});

describe('scope', () => {
  it('another community, a department and a property company see none of our residents', async () => {
    const list = (await get('/api/residents?limit=1', community)).json();
    const id = list.items[0].id;
    expect((await get(`/api/residents/${id}`, community2)).statusCode).toBe(404);
    for (const u of ['dept', 'property']) {
      const token = await s.login(u);
      const r = await get('/api/residents', token);
      // departments and property companies hold no resident.read at all
      expect(r.statusCode).toBe(403);
    }
    const theirs = (await get('/api/residents?limit=200', community2)).json().items.map((r: { id: string }) => r.id);
    expect(theirs).not.toContain(id);
  });

  it('a grid worker sees the residents of their grid only; the street sees its communities', async () => {
    const gridId = (await get('/api/auth/me', grid)).json().gridId;
    const mine = (await get('/api/residents?limit=200', grid)).json().items as { gridId: string }[];
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((r) => r.gridId === gridId)).toBe(true);
    const all = (await get(`/api/residents?communityId=${communityId}&limit=200`, street)).json().items;
    expect(all.length).toBeGreaterThan(mine.length);
  });
});

describe('search', () => {
  let target: { id: string; name: string };
  beforeAll(async () => {
    const idNumber = idOf('37010219660606005');
    const res = await post('/api/residents', community, { name: '张伟东', idNumber, phone: '13611112222' });
    target = res.json();
  });

  it('by name in Simplified or Traditional script, by prefix', async () => {
    for (const q of ['张伟东', '張偉東', '张伟', '張偉']) {
      const items = (await get(`/api/residents?q=${encodeURIComponent(q)}&limit=200`, community)).json().items as { id: string; name: string }[];
      expect(items.map((i) => i.id), q).toContain(target.id);
      expect(items.every((i) => i.name.startsWith('张伟'))).toBe(true);
    }
  });

  it('by masked ID tail, phone and full ID number — and never across jurisdictions', async () => {
    const idNumber = idOf('37010219660606005');
    for (const q of [`****${idNumber.slice(-4)}`, idNumber.slice(-4), '13611112222', idNumber]) {
      const items = (await get(`/api/residents?q=${encodeURIComponent(q)}`, community)).json().items.map((i: { id: string }) => i.id);
      expect(items, q).toContain(target.id);
      const other = (await get(`/api/residents?q=${encodeURIComponent(q)}`, community2)).json().items.map((i: { id: string }) => i.id);
      expect(other, q).not.toContain(target.id);
    }
  });

  it('by address typed in any of its forms, and by tag; pages with a cursor', async () => {
    const housed = (await get('/api/residents?limit=1&q=', grid)).json().items[0];
    const label: string = housed.household.label; // e.g. 盛世天悦1号楼1单元101
    const m = /(\d+)号楼(\d+)单元(\d+)$/.exec(label)!;
    for (const q of [`${m[1]}号楼${m[2]}单元${m[3]}室`, `${m[1]}栋${m[2]}-${m[3]}`]) {
      const items = (await get(`/api/residents?q=${encodeURIComponent(q)}`, community)).json().items.map((i: { id: string }) => i.id);
      expect(items, q).toContain(housed.id);
    }
    const tagged = (await get('/api/residents?tag=advanced_age&limit=200', street)).json().items as { tags: string[]; age: number }[];
    expect(tagged.length).toBeGreaterThan(0);
    expect(tagged.every((r) => r.tags.includes('advanced_age') && r.age >= 80)).toBe(true);
    const page1 = (await get('/api/residents?limit=5', community)).json();
    const page2 = (await get(`/api/residents?limit=5&cursor=${page1.nextCursor}`, community)).json();
    expect(page2.items.length).toBe(5);
    expect(page2.items.map((i: { id: string }) => i.id)).not.toContain(page1.items[0].id);
    expect((await get('/api/residents?cursor=garbage', community)).statusCode).toBe(400);
  });
});

describe('reveal', () => {
  it('needs resident.reveal, returns the full numbers, and is audited each time', async () => {
    const idNumber = idOf('37010219550505006');
    const { id } = (await post('/api/residents', community, { name: '郑显示', idNumber, phone: '13722223333' })).json();
    // a grid worker cannot see this newcomer (not in the grid) and holds no reveal permission anyway
    expect((await post(`/api/residents/${id}/reveal`, grid)).statusCode).toBe(403);
    expect((await post(`/api/residents/${id}/reveal`, community2)).statusCode).toBe(404);
    const audits = async () => Number((await s.platform.db.selectFrom('audit_log').select((eb) => eb.fn.countAll().as('n')).where('action', '=', 'resident.reveal').where('entity_id', '=', id).executeTakeFirstOrThrow()).n);
    const res = await post(`/api/residents/${id}/reveal`, community);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ idNumber, phone: '13722223333' });
    await post(`/api/residents/${id}/reveal`, community);
    expect(await audits()).toBe(2);
  });
});

describe('history', () => {
  it('moving in, changing relation and moving out keep every step', async () => {
    const households = (await get(`/api/households?gridId=${(await get('/api/auth/me', grid)).json().gridId}`, community)).json() as { id: string }[];
    const [h1, h2] = households;
    const { id } = (await post('/api/residents', community, { name: '冯搬家', idNumber: idOf('37010219880808007'), householdId: h1.id, relation: 'tenant', movedInOn: '2025-01-01' })).json();
    let r = await post(`/api/residents/${id}/move`, community, { householdId: h2.id, relation: 'head' });
    expect(r.statusCode).toBe(200);
    r = await post(`/api/residents/${id}/move`, community, { householdId: h2.id, relation: 'spouse', on: '2026-07-01' });
    expect(r.statusCode).toBe(200);
    const same = await post(`/api/residents/${id}/move`, community, { householdId: h2.id, relation: 'spouse' });
    expect(same.statusCode).toBe(409);
    const future = await post(`/api/residents/${id}/move`, community, { householdId: null, on: '2030-01-01' });
    expect(future.statusCode).toBe(400);
    r = await post(`/api/residents/${id}/move`, community, { householdId: null });
    expect(r.statusCode).toBe(200);
    const card = r.json();
    expect(card.status).toBe('moved_out');
    expect(card.household).toBeNull();
    expect(card.memberships.map((m: { householdId: string; relation: string; from: string; to: string | null }) => [m.householdId, m.relation, m.from, m.to])).toEqual([
      [h1.id, 'tenant', '2025-01-01', '2026-07-01'],
      [h2.id, 'head', '2026-07-01', '2026-07-01'],
      [h2.id, 'spouse', '2026-07-01', '2026-07-01'],
    ]);
    // someone who moved out may be registered again by another community, keeping the history
    const retaken = await post('/api/residents', community2, { name: '冯搬家', idNumber: idOf('37010219880808007') });
    expect(retaken.statusCode).toBe(201);
    expect(retaken.json().id).toBe(id);
    expect(retaken.json().memberships).toHaveLength(3);
    expect((await get(`/api/residents/${id}`, community)).statusCode).toBe(404);
  });

  it('a move to another district keeps each membership in its household’s district and takes the care tags along', async () => {
    const db = s.platform.db;
    const h1 = await db.selectFrom('household').select(['id', 'district_id']).orderBy('id').limit(1).executeTakeFirstOrThrow();
    const h2 = await db.selectFrom('household').select(['id', 'district_id']).where('district_id', '<>', h1.district_id).orderBy('id').limit(1).executeTakeFirstOrThrow();
    const tag = (await db.selectFrom('care_tag').select('code').orderBy('code').limit(1).executeTakeFirstOrThrow()).code;
    const made = await post('/api/residents', admin, { name: '区迁移', idNumber: idOf('37010219770707111'), householdId: h1.id, tags: [{ tag }] });
    expect(made.statusCode).toBe(201);
    const { id } = made.json();
    expect((await post(`/api/residents/${id}/move`, admin, { householdId: h2.id })).statusCode).toBe(200);
    expect((await db.selectFrom('resident').select('district_id').where('id', '=', id).executeTakeFirstOrThrow()).district_id).toBe(h2.district_id);
    expect(await db.selectFrom('resident_tag').select('district_id').where('resident_id', '=', id).execute()).toEqual([{ district_id: h2.district_id }]);
    const members = await db.selectFrom('household_member').select(['household_id', 'district_id']).where('resident_id', '=', id).orderBy('valid_to', 'desc').execute();
    expect(members).toEqual(expect.arrayContaining([{ household_id: h1.id, district_id: h1.district_id }, { household_id: h2.id, district_id: h2.district_id }]));
    expect(members).toHaveLength(2);
  });

  it('tags have periods; ending one keeps it in the history', async () => {
    const { id } = (await post('/api/residents', community, { name: '陈标签', idNumber: idOf('37010219400101008'), tags: [{ tag: 'veteran', from: '2000-01-01' }] })).json();
    const add = await post(`/api/residents/${id}/tags`, community, { tag: 'elderly_alone' });
    expect(add.statusCode).toBe(201);
    expect((await post(`/api/residents/${id}/tags`, community, { tag: 'elderly_alone' })).statusCode).toBe(409);
    expect((await post(`/api/residents/${id}/tags`, community, { tag: 'no_such_tag' })).statusCode).toBe(400);
    const ended = await post(`/api/residents/${id}/tags/${add.json().id}/end`, community, {});
    expect(ended.statusCode).toBe(200);
    const card = ended.json();
    expect(card.tags).toEqual(['veteran']);
    expect(card.tagHistory.map((t: { tag: string; to: string | null }) => [t.tag, t.to])).toEqual([['veteran', null], ['elderly_alone', '2026-07-01']]);
    expect((await post(`/api/residents/${id}/tags/${add.json().id}/end`, community, {})).statusCode).toBe(409);
  });

  it('field changes are kept old → new with numbers masked', async () => {
    const { id } = (await post('/api/residents', community, { name: '褚改名', idNumber: idOf('37010219770303009'), phone: '13800001111' })).json();
    const r = await s.request({ method: 'PATCH', url: `/api/residents/${id}`, token: community, payload: { name: '褚新名', phone: '13800002222', ethnicity: '回' } });
    expect(r.statusCode).toBe(200);
    const card = r.json();
    expect(card.name).toBe('褚新名');
    expect(card.ethnicity).toBe('回族');
    expect(card.changes[0].changes).toEqual({ name: { from: '褚改名', to: '褚新名' }, phone: { from: '138****1111', to: '138****2222' }, ethnicity: { from: null, to: '回族' } });
    expect(r.body).not.toContain('13800002222');
  });
});

describe('visits', () => {
  it('grid workers record visits with a next-visit date; due visits are listed', async () => {
    const mine = (await get('/api/residents?limit=1', grid)).json().items[0];
    const v = await post(`/api/residents/${mine.id}/visits`, grid, { method: 'home', notes: '身体尚好，需要助餐服务', nextVisitOn: '2026-07-05' });
    expect(v.statusCode).toBe(201);
    const bad = await post(`/api/residents/${mine.id}/visits`, grid, { method: 'home', notes: 'x', nextVisitOn: '2020-01-01' });
    expect(bad.statusCode).toBe(400);
    const list = (await get(`/api/residents/${mine.id}/visits`, community)).json();
    expect(list[0]).toMatchObject({ notes: '身体尚好，需要助餐服务', nextVisitOn: '2026-07-05', method: 'home' });
    expect((await get('/api/visits/due?on=2026-07-05', grid)).json().map((d: { residentId: string }) => d.residentId)).toContain(mine.id);
    expect((await get('/api/visits/due?on=2026-07-04', grid)).json().map((d: { residentId: string }) => d.residentId)).not.toContain(mine.id);
    // a street officer reads visits but does not make them
    expect((await post(`/api/residents/${mine.id}/visits`, street, { method: 'home', notes: 'x' })).statusCode).toBe(403);
  });
});

describe('resident accounts', () => {
  it('staff link a verified account to a record; the phone must match unless checked in person', async () => {
    const phone = '13566667777';
    await post('/api/auth/resident/code', '', { phone });
    const code = s.sms.lastCode(phone);
    expect((await s.request({ method: 'POST', url: '/api/auth/resident/login', payload: { phone, code } })).statusCode).toBe(200);
    const { id } = (await post('/api/residents', community, { name: '卫账号', idNumber: idOf('37010219900909010'), phone: '13500000000' })).json();
    const mismatch = await post(`/api/residents/${id}/link-account`, community, { phone, verification: 'phone_match' });
    expect(mismatch.statusCode).toBe(400);
    const ok = await post(`/api/residents/${id}/link-account`, community, { phone, verification: 'in_person' });
    expect(ok.statusCode).toBe(200);
    expect((await get(`/api/residents/${id}`, community)).json().accountLinked).toBe(true);
    const other = (await post('/api/residents', community, { name: '蒋另一', idNumber: idOf('37010219900909011') })).json().id;
    expect((await post(`/api/residents/${other}/link-account`, community, { phone, verification: 'in_person' })).statusCode).toBe(409);
    expect((await post(`/api/residents/${id}/link-account`, community, { phone: '13999999999', verification: 'in_person' })).statusCode).toBe(400);
    void admin;
  });
});
