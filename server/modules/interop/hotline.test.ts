import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/harness.ts';
import { caseApi, caseWorld, type CaseWorld } from '../cases/testing.ts';
import { HotlineSimulator, sampleOrder } from './simulator.ts';
import { deliverDue, fillOutbox } from './outbox.ts';

// The 12345 path end to end with the local hotline simulator: signed pushes over real HTTP, cases,
// the category mapping, the batch import, and result callbacks through the outbox while the
// simulated hotline is down and once it is up again.
const sim = new HotlineSimulator({ linliUrl: '', token: '', secret: '' });
let s: TestServer;
let w: CaseWorld;
let api: ReturnType<typeof caseApi>;
let district: string;
let building: { address: string; lat: number; lng: number };

beforeAll(async () => {
  const callbackUrl = await sim.listen();
  s = await startTestServer({ config: { outboundAllow: [`127.0.0.1:${sim.port}`] } });
  const base = await s.app.listen({ port: 0, host: '127.0.0.1' });
  w = await caseWorld(s);
  api = caseApi(w);
  district = w.tok.district;
  const token = (await s.request({ method: 'POST', url: '/api/integrations/tokens', token: district, payload: { name: '市12345热线', kind: 'hotline', scopes: ['hotline.push'] } })).json();
  const community = (await s.request({ method: 'GET', url: '/api/auth/me', token: w.tok.community })).json().scope.regionId;
  const link = await s.request({ method: 'POST', url: '/api/interop/hotline/links', token: district, payload: { name: '12345', tokenId: token.id, callbackUrl, defaultCommunityId: community } });
  expect(link.statusCode, link.body).toBe(201);
  sim.opts = { linliUrl: base, token: token.token, secret: link.json().signingSecret, now: () => s.clock.now() };
  const b = await s.platform.db.selectFrom('building').select(['address', 'lat', 'lng']).where('id', '=', w.building.id).executeTakeFirstOrThrow();
  building = { address: b.address, lat: b.lat!, lng: b.lng! };
});
afterAll(async () => {
  await s.close();
  await sim.close();
});

let serial = 0;
const order = (extra: Record<string, unknown> = {}) => ({ ...sampleOrder(0, { address: building.address }, s.clock.now()), orderNo: `T${Date.now()}${++serial}`, ...extra });
const casesCount = async () => Number((await s.platform.db.selectFrom('cases').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

describe('push in', () => {
  it('refuses a bad signature and a replay older than five minutes, and writes nothing', async () => {
    const before = await casesCount();
    expect((await sim.push(order(), { tamper: true })).status).toBe(401);
    const old = new Date(s.clock.now().getTime() - 6 * 60_000);
    const stale = await sim.push(order(), { at: old });
    expect(stale.status).toBe(401);
    expect(stale.body.error.code).toBe('BAD_SIGNATURE');
    const unsigned = await fetch(`${sim.opts.linliUrl}/api/interop/hotline/orders`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${sim.opts.token}` }, body: JSON.stringify(order()) });
    expect(unsigned.status).toBe(401);
    // a staff session is not the hotline
    const asStaff = await s.request({ method: 'POST', url: '/api/interop/hotline/orders', token: district, payload: order() });
    expect(asStaff.statusCode).toBe(403);
    expect(await casesCount()).toBe(before);
  });

  it('makes one case per order number: a duplicate answers with the first case, other content under the same number is 409', async () => {
    const o = order();
    const first = await sim.push(o);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toMatchObject({ orderNo: o.orderNo, category: 'facilities.street_light', categoryMapped: true, needsReview: false, duplicate: false });
    const c = await s.platform.db.selectFrom('cases').selectAll().where('id', '=', first.body.caseId).executeTakeFirstOrThrow();
    expect(c).toMatchObject({ channel: 'hotline_12345', building_id: w.building.id, status: 'reported' });
    expect(c.reporter_phone_enc).toBeTruthy();
    const again = await sim.push(o);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ caseId: first.body.caseId, duplicate: true });
    expect((await sim.push({ ...o, content: '别的内容' })).status).toBe(409);
    // two at once: one case
    const twin = order({ orderNo: `TWIN${Date.now()}` });
    const before = await casesCount();
    const both = await Promise.all([sim.push(twin), sim.push(twin)]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 201]);
    expect(both[0].body.caseId).toBe(both[1].body.caseId);
    expect(await casesCount()).toBe(before + 1);
  });

  // the first classification trains the model from the shipped corpus (tens of seconds on a busy machine)
  it('falls back to the classifier for an unmapped category and to the landing community for an unknown place, flagged for a dispatcher', { timeout: 600_000 }, async () => {
    const res = await sim.push(order({ category: '其他-市民诉求', content: '小区里的垃圾桶满了好几天没人清运，臭味很大', address: '找不到的地址 1 号' }));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ categoryMapped: false, needsReview: true });
    expect(res.body.category.startsWith('sanitation')).toBe(true);
    const flagged = await s.request({ method: 'GET', url: '/api/interop/hotline/orders?needsReview=true', token: w.tok.community });
    expect(flagged.json().map((o: { caseId: string }) => o.caseId)).toContain(res.body.caseId);
    // another community does not see it
    const other = await s.request({ method: 'GET', url: '/api/interop/hotline/orders?needsReview=true', token: w.tok.community2 });
    expect(other.json().map((o: { caseId: string }) => o.caseId)).not.toContain(res.body.caseId);
    expect((await s.request({ method: 'POST', url: `/api/interop/hotline/orders/${res.body.caseId}/reviewed`, token: w.tok.community2 })).statusCode).toBe(404);
    expect((await s.request({ method: 'POST', url: `/api/interop/hotline/orders/${res.body.caseId}/reviewed`, token: w.tok.community })).statusCode).toBe(204);
    expect((await s.request({ method: 'POST', url: `/api/interop/hotline/orders/${res.body.caseId}/reviewed`, token: w.tok.community })).statusCode).toBe(409);
  });

  it('administrators edit the category mapping; others may not', async () => {
    const put = (token: string, body: unknown) => s.request({ method: 'PUT', url: '/api/interop/hotline/categories', token, payload: body as never });
    expect((await put(w.tok.community, { hotlineCategory: '城市管理-井盖', category: 'facilities.manhole_cover' })).statusCode).toBe(403);
    expect((await put(district, { hotlineCategory: '城市管理-井盖', category: 'no.such' })).statusCode).toBe(400);
    expect((await put(district, { hotlineCategory: '城市管理-井盖', category: 'facilities.manhole_cover' })).statusCode).toBe(204);
    const res = await sim.push(order({ category: '城市管理-井盖', content: '路口井盖缺失' }));
    expect(res.body).toMatchObject({ category: 'facilities.manhole_cover', categoryMapped: true });
    const list = (await s.request({ method: 'GET', url: '/api/interop/hotline/categories', token: district })).json();
    expect(list).toContainEqual(expect.objectContaining({ hotlineCategory: '城市管理-井盖', category: 'facilities.manhole_cover' }));
    expect((await put(district, { hotlineCategory: '城市管理-井盖', category: null })).statusCode).toBe(204);
  });
});

describe('batch import', () => {
  it('imports a csv export: new orders become cases, known ones are duplicates, bad rows are reported by row and field', async () => {
    const known = order();
    expect((await sim.push(known)).status).toBe(201);
    const csv = [
      '工单编号,受理时间,来电人,联系电话,地址,诉求内容,诉求分类,办理时限,紧急程度,经度,纬度',
      `IMP${Date.now()}1,2026-07-10 09:30,张先生,13800001111,${building.address},楼道灯坏了,城市管理-路灯,2026-07-15 18:00,一般,,`,
      `${known.orderNo},${known.receivedAt},,,${known.address},${known.content},${known.category},,,,`,
      `IMP${Date.now()}3,不是时间,,,某地,内容,城市管理-路灯,,,,`,
      `IMP${Date.now()}4,2026-07-10 10:00,,,,没有地址,城市管理-路灯,,紧急,,`,
      `IMP${Date.now()}5,2026-07-10 10:00,,,坐标在网格外,内容,城市管理-路灯,,,1.0,1.0`,
    ].join('\n');
    const boundary = 'hotline-import';
    const payload = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="12345.csv"\r\nContent-Type: text/csv\r\n\r\n${csv}\r\n--${boundary}--\r\n`);
    const headers = { 'content-type': `multipart/form-data; boundary=${boundary}` };
    expect((await s.request({ method: 'POST', url: '/api/interop/hotline/imports', token: w.tok.community, payload, headers })).statusCode).toBe(403);
    const res = await s.request({ method: 'POST', url: '/api/interop/hotline/imports', token: district, payload, headers });
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json();
    // an export carries fewer fields than the push did: the order number alone makes it a duplicate
    expect(report).toMatchObject({ rows: 5, created: 1, duplicates: 1, failed: 3 });
    expect(report.problems.map((p: { row: number; field: string }) => [p.row, p.field])).toEqual([[4, 'receivedAt'], [5, 'address'], [6, 'location']]);
    const again = (await s.request({ method: 'POST', url: '/api/interop/hotline/imports', token: district, payload, headers })).json();
    expect(again).toMatchObject({ created: 0, duplicates: 2 });
  });
});

describe('results out', () => {
  it('retries callbacks while the hotline is down and delivers them, signed and in order, once it is up', async () => {
    const pushed = await sim.push(order());
    const caseId = pushed.body.caseId;
    const tok = w.tok;
    await api.ok(caseId, tok.community, { action: 'register' });
    await api.ok(caseId, tok.community, { action: 'dispatch' });
    await api.ok(caseId, tok.dept, { action: 'accept' });
    await api.ok(caseId, tok.dept, { action: 'handle', note: '已更换灯泡' });
    sim.down = true;
    sim.callbacks.length = 0;
    await fillOutbox(s.platform);
    await deliverDue(s.platform);
    const outbox = async () => (await s.request({ method: 'GET', url: '/api/interop/hotline/outbox', token: district })).json().filter((b: { caseId: string }) => b.caseId === caseId);
    let rows = await outbox();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kind: 'handled', state: 'pending', attempts: 1, lastStatus: 503, lastError: 'HTTP 503' });
    // not yet due: nothing is sent
    await deliverDue(s.platform);
    expect((await outbox())[0].attempts).toBe(1);
    s.clock.advanceMinutes(1);
    await deliverDue(s.platform);
    expect((await outbox())[0].attempts).toBe(2);
    // the case goes on meanwhile: the closing result waits behind the handled one
    await w.at(s.clock.now().toISOString());
    await api.ok(caseId, tok.grid, { action: 'verify', passed: true });
    await api.ok(caseId, tok.community, { action: 'close' });
    await fillOutbox(s.platform);
    sim.down = false;
    // other districts' administrators do not see this outbox
    const district2 = await s.request({ method: 'GET', url: '/api/interop/hotline/outbox', token: tok.community2 });
    expect(district2.statusCode).toBe(403);
    s.clock.advanceMinutes(3);
    await deliverDue(s.platform);
    rows = await outbox();
    expect(rows.map((r: { kind: string; state: string }) => [r.kind, r.state]).sort()).toEqual([['closed', 'delivered'], ['handled', 'delivered']]);
    expect(sim.callbacks.every((c) => c.signatureOk)).toBe(true);
    const delivered = sim.callbacks.filter((c) => c.payload.caseNo === pushed.body.caseNo);
    expect(delivered.map((c) => c.payload.event)).toEqual(['handled', 'closed']);
    expect(delivered[0].payload).toMatchObject({ orderNo: pushed.body.orderNo, note: '已更换灯泡' });
    expect(delivered[1].payload).toMatchObject({ result: '已更换灯泡', status: 'closed' });
    // filling again adds nothing twice
    expect(await fillOutbox(s.platform)).toBe(0);
    const retry = await s.request({ method: 'POST', url: `/api/interop/hotline/outbox/${rows[0].id}/retry`, token: district });
    expect(retry.statusCode).toBe(409);
  });
});
