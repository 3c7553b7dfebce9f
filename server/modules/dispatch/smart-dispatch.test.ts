import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/harness.ts';
import { systemCtx } from '../../platform/context.ts';
import { caseApi, caseWorld, type CaseWorld } from '../cases/testing.ts';
import { deltasFor } from '../metrics/deltas.ts';
import { ensureModel } from './service.ts';

let s: TestServer;
let w: CaseWorld;
let api: ReturnType<typeof caseApi>;
const START = '2026-03-02T01:00:00.000Z'; // a Monday, 09:00 in Shanghai

beforeAll(async () => {
  s = await startTestServer({ clock: START });
  w = await caseWorld(s);
  api = caseApi(w);
  // suggestions at intake use the model already in use and never wait for one: have it ready
  await ensureModel(systemCtx(s.platform, 'classifier'));
}, 600_000);
afterAll(() => s.close());

const req = (method: string, url: string, token: string, payload?: unknown) => s.request({ method: method as 'GET', url, token, ...(payload !== undefined ? { payload: payload as object } : {}) });
const db = () => s.platform.db;

describe('routing suggestion: POST /api/dispatch/suggest', () => {
  it('suggests categories for a text, each with the handler the routing rules give at the place', async () => {
    const r = await req('POST', '/api/dispatch/suggest', w.tok.community, { text: '楼上天天半夜装修，电钻声吵得孩子睡不着觉', buildingId: w.building.id });
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json();
    expect(body.modelVersion).toBeGreaterThan(0);
    expect(body.place).toMatchObject({ buildingId: w.building.id, gridId: w.building.grid_id, communityId: w.building.community_id });
    expect(body.suggestions).toHaveLength(3);
    expect(body.suggestions[0].category).toBe('noise');
    // the handler is exactly what intake routes a case of that category at that building to
    const top = body.suggestions[0];
    const c = await api.newCase({ description: '楼上装修太吵', category: top.subCategory ?? top.category });
    expect(top.handler.orgId).toBe(c.assignedOrgId);
    expect(typeof top.handler.orgName).toBe('string');
  });

  it('gives the handler for a category the dispatcher picked: property matters go to the compound’s property company', async () => {
    const r = await req('POST', '/api/dispatch/suggest', w.tok.community, { category: 'property.elevator_failure', buildingId: w.propertyBuilding.id });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().suggestions).toEqual([
      expect.objectContaining({ category: 'property', subCategory: 'property.elevator_failure', confidence: null, terms: [], handler: expect.objectContaining({ orgId: w.org.property, matched: true }) }),
    ]);
  });

  it('without a place, staff get their own grid or community; a street office must say where', async () => {
    const own = await req('POST', '/api/dispatch/suggest', w.tok.grid, { text: '路灯坏了' });
    expect(own.statusCode, own.body).toBe(200);
    expect(own.json().place.gridId).toBe(w.gridId);
    const street = await req('POST', '/api/dispatch/suggest', w.tok.street, { text: '路灯坏了' });
    expect(street.statusCode).toBe(400);
    expect(street.json().error.fields).toHaveProperty('location');
  });

  it('refuses bad input with field errors', async () => {
    for (const [payload, field] of [
      [{}, 'text'],
      [{ text: '   ' }, 'text'],
      [{ category: 'no_such_category' }, 'category'],
      [{ text: '路灯坏了', buildingId: '00000000-0000-4000-8000-000000000000' }, 'buildingId'],
      [{ text: '路灯坏了', location: { lat: 0, lng: 0 } }, 'location'],
    ] as const) {
      const r = await req('POST', '/api/dispatch/suggest', w.tok.community, payload);
      expect(r.statusCode, JSON.stringify(payload)).toBe(400);
      expect(Object.keys(r.json().error.fields ?? {}).join(','), JSON.stringify(payload)).toContain(field);
    }
    const unknown = await req('POST', '/api/dispatch/suggest', w.tok.community, { text: '路灯坏了', orgId: w.org.dept });
    expect(unknown.statusCode).toBe(400);
    expect((await req('POST', '/api/dispatch/suggest', w.tok.dept, { text: '路灯坏了' })).statusCode).toBe(400); // a department has no place of its own
  });
});

describe('suggestion accepted or corrected, on the case and on the dashboard', () => {
  let accepted: string;
  let corrected: string;

  it('records the suggestion at intake and shows it on the case', async () => {
    const a = await api.newCase({ description: '楼上邻居家的狗天天半夜叫，吵得全家睡不着', category: undefined });
    accepted = a.id;
    const row = await db().selectFrom('dispatch_suggestion').selectAll().where('case_id', '=', a.id).executeTakeFirstOrThrow();
    expect(row.category).toBe('noise');
    expect(row.category_outcome).toBeNull();
    const read = (await api.get(a.id, w.tok.community)).json();
    expect(read.suggestion).toMatchObject({ category: 'noise', categoryOutcome: null, handlerOutcome: null, handlerOrgId: row.handler_org_id });
    expect(read.suggestion.confidence).toBeGreaterThan(0);

    const b = await api.newCase({ description: '小区门口路灯坏了好几天，晚上一片漆黑', category: undefined });
    corrected = b.id;
  });

  it('registration with the suggested category is accepted; with another it is corrected; only the first decision counts', async () => {
    const s1 = await db().selectFrom('dispatch_suggestion').select(['sub_category', 'category']).where('case_id', '=', accepted).executeTakeFirstOrThrow();
    await api.ok(accepted, w.tok.community, { action: 'register', category: s1.sub_category ?? s1.category });
    await api.ok(accepted, w.tok.community, { action: 'dispatch' });
    await api.ok(corrected, w.tok.community, { action: 'register', category: 'sanitation.exposed_garbage' });
    await api.ok(corrected, w.tok.community, { action: 'dispatch', orgId: w.org.property });
    const rows = await db().selectFrom('dispatch_suggestion').selectAll().where('case_id', 'in', [accepted, corrected]).execute();
    const byId = new Map(rows.map((r) => [r.case_id, r]));
    expect(byId.get(accepted)).toMatchObject({ category_outcome: 'accepted', handler_outcome: 'accepted' });
    expect(byId.get(corrected)).toMatchObject({ category_outcome: 'corrected', category_final: 'sanitation.exposed_garbage' });
    // a street light at this building is not the property company's: the handler was corrected
    expect(byId.get(corrected)!.handler_org_id).not.toBe(w.org.property);
    expect(byId.get(corrected)).toMatchObject({ handler_outcome: 'corrected', handler_final: w.org.property });
    // returned and dispatched again: the first decision stays
    await api.ok(corrected, w.tok.property, { action: 'return', reason: '不属于本单位' });
    await api.ok(corrected, w.tok.community, { action: 'dispatch', orgId: w.org.dept });
    const again = await db().selectFrom('dispatch_suggestion').select(['handler_final']).where('case_id', '=', corrected).executeTakeFirstOrThrow();
    expect(again.handler_final).toBe(w.org.property);
    const read = (await api.get(corrected, w.tok.community)).json();
    expect(read.suggestion.categoryOutcome).toBe('corrected');
  });

  it('the dashboard shows the rates by period and scope', async () => {
    const r = await req('GET', '/api/dispatch/suggestion-rates?period=2026-03', w.tok.district);
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json();
    expect(body.categoryDecisions).toMatchObject({ accepted: 1, corrected: 1, decided: 2, acceptRate: 0.5 });
    expect(body.handlerDecisions.decided).toBe(2);
    expect(body.bySuggestedCategory.map((x: { category: string }) => x.category).sort()).toEqual(['facilities', 'noise']);
    // a region inside the caller's scope narrows it; the community's own numbers are the same here
    const community = await req('GET', `/api/dispatch/suggestion-rates?period=2026-03&regionId=${w.building.community_id}`, w.tok.community);
    expect(community.json().categoryDecisions.decided).toBe(2);
    // another month, another district: nothing
    expect((await req('GET', '/api/dispatch/suggestion-rates?period=2026-02', w.tok.district)).json().categoryDecisions).toEqual({ decided: 0, accepted: 0, corrected: 0, acceptRate: null });
    expect((await req('GET', '/api/dispatch/suggestion-rates?period=2026-03', w.tok.community2)).json().categoryDecisions.decided).toBe(0);
    // a region outside the caller's scope is not found; bad periods are 400
    expect((await req('GET', `/api/dispatch/suggestion-rates?period=2026-03&regionId=${w.building.community_id}`, w.tok.community2)).statusCode).toBe(404);
    for (const p of ['2026-13', '2026', 'march']) expect((await req('GET', `/api/dispatch/suggestion-rates?period=${p}`, w.tok.district)).statusCode).toBe(400);
    expect((await req('GET', '/api/dispatch/suggestion-rates?period=2026-03', w.tok.grid)).statusCode).toBe(403);
  });
});

describe('closed cases teach the classifier (recordExample)', () => {
  it('a closed case becomes one example: set when the suggestion was kept, corrected when the dispatcher changed it', async () => {
    const kept = await api.caseAt('closed', { description: '小区东门的路灯坏了一个星期了，晚上黑乎乎的' });
    const keptCategory = (await db().selectFrom('cases').select(['category_top']).where('id', '=', kept.id).executeTakeFirstOrThrow()).category_top;
    const example = await db().selectFrom('classifier_example').selectAll().where('case_id', '=', kept.id).executeTakeFirstOrThrow();
    const suggestion = await db().selectFrom('dispatch_suggestion').selectAll().where('case_id', '=', kept.id).executeTakeFirstOrThrow();
    expect(example).toMatchObject({ category: keptCategory, suggested_category: suggestion.category, source: suggestion.category_outcome === 'corrected' ? 'dispatcher_corrected' : 'dispatcher_set' });

    const fixed = await api.newCase({ description: '楼下的垃圾堆了好几天没人清理，臭气熏天，电话13812345678', category: undefined });
    await api.ok(fixed.id, w.tok.community, { action: 'register', category: 'facilities.public_equipment' });
    const before = await db().selectFrom('classifier_example').select((eb) => eb.fn.countAll().as('n')).where('case_id', '=', fixed.id).executeTakeFirstOrThrow();
    expect(Number(before.n)).toBe(0); // not before the case is closed
    for (const [tok, body] of [
      [w.tok.community, { action: 'dispatch', orgId: w.org.dept }],
      [w.tok.dept, { action: 'accept' }],
      [w.tok.dept, { action: 'handle', note: '已修复' }],
      [w.tok.grid, { action: 'verify', passed: true }],
      [w.tok.community, { action: 'close' }],
    ] as const) await api.ok(fixed.id, tok, body);
    const learned = await db().selectFrom('classifier_example').selectAll().where('case_id', '=', fixed.id).executeTakeFirstOrThrow();
    expect(learned).toMatchObject({ category: 'facilities', sub_category: 'facilities.public_equipment', source: 'dispatcher_corrected', suggested_category: 'sanitation' });
    // stored without the phone number
    expect(learned.text).not.toContain('13812345678');
  });
});

describe('duplicates: GET /api/cases/{id}/similar', () => {
  it('offers open cases at the same building with similar text, best first, and nothing else', async () => {
    const base = await api.newCase({ description: '3号楼的电梯又坏了，早上困了人，物业说修了好几次', category: 'property.elevator_failure' });
    const dup = await api.newCase({ description: '三號樓電梯壞了，困人了，電話13912345678', category: 'other' });
    const unrelated = await api.newCase({ description: '小区门口的垃圾桶满了没人清运', category: 'sanitation.bin_overflow' });
    const farAway = await api.newCase({ description: '3号楼的电梯又坏了，早上困了人', category: 'property.elevator_failure', buildingId: w.otherBuilding.id }, w.tok.community2);
    const closedTwin = await api.caseAt('closed', { description: '3号楼的电梯又坏了，早上困了人' });
    const r = await req('GET', `/api/cases/${base.id}/similar`, w.tok.community);
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json();
    const ids = body.items.map((x: { id: string }) => x.id);
    expect(ids).toContain(dup.id);
    for (const not of [unrelated.id, farAway.id, closedTwin.id, base.id]) expect(ids).not.toContain(not);
    const hit = body.items.find((x: { id: string }) => x.id === dup.id);
    expect(hit).toMatchObject({ sameBuilding: true, sameCategory: false, hoursApart: 0 });
    expect(hit.score).toBeGreaterThanOrEqual(body.minScore);
    for (let i = 1; i < body.items.length; i++) expect(body.items[i].score).toBeLessThanOrEqual(body.items[i - 1].score);
    // with the bar lowered to zero the unrelated one shows up, scored below the duplicate
    const all = (await req('GET', `/api/cases/${base.id}/similar?minScore=0&limit=50`, w.tok.community)).json().items as { id: string; score: number }[];
    const u = all.find((x) => x.id === unrelated.id)!;
    expect(u.score).toBeLessThan(hit.score);
  });

  it('finds a report given as a point near the case, and leaves out what is outside the time window', async () => {
    const b = await db().selectFrom('building').select(['lat', 'lng']).where('id', '=', w.building.id).executeTakeFirstOrThrow();
    const base = await api.newCase({ description: '楼道里堆满了杂物，消防通道都堵了', category: 'safety' });
    const point = await api.newCase({ description: '楼道杂物堆积堵塞消防通道', category: 'other', buildingId: undefined, location: { lat: b.lat, lng: b.lng } });
    await w.at('2026-03-20T01:00:00.000Z');
    const late = await api.newCase({ description: '楼道里堆满了杂物，消防通道都堵了', category: 'safety' });
    const items = (await req('GET', `/api/cases/${base.id}/similar`, w.tok.community)).json().items as { id: string; distanceMeters: number | null; sameBuilding: boolean }[];
    expect(items.find((x) => x.id === point.id)).toMatchObject({ sameBuilding: false, distanceMeters: 0 });
    expect(items.map((x) => x.id)).not.toContain(late.id);
    // a wider window (query) reaches it
    const wide = (await req('GET', `/api/cases/${base.id}/similar?windowHours=720`, w.tok.community)).json().items as { id: string }[];
    expect(wide.map((x) => x.id)).toContain(late.id);
    await w.at(START);
  });

  it('only within the caller’s scope: another community, a department not on the case and a resident get 404; bad input is 400', async () => {
    const c = await api.newCase({ description: '路灯坏了' });
    for (const tok of [w.tok.community2, w.tok.dept, w.resident]) {
      const r = await req('GET', `/api/cases/${c.id}/similar`, tok);
      expect([403, 404], r.body).toContain(r.statusCode);
    }
    expect((await req('GET', `/api/cases/${c.id}/similar`, w.tok.community2)).statusCode).toBe(404);
    expect((await req('GET', `/api/cases/${c.id}/similar`, w.tok.street)).statusCode).toBe(200);
    for (const q of ['minScore=2', 'distanceMeters=0', 'windowHours=99999', 'limit=0', 'foo=1']) {
      const r = await req('GET', `/api/cases/${c.id}/similar?${q}`, w.tok.community);
      expect(r.statusCode, q).toBe(400);
    }
  });

  it('a duplicate in a case the caller cannot see is not offered', async () => {
    // the grid worker sees only their grid; a report in another grid of the same community is not theirs
    const other = await db().selectFrom('building').select('id').where('community_id', '=', w.building.community_id).where('grid_id', '<>', w.gridId).orderBy('id').executeTakeFirst();
    if (!other) return;
    const b = await db().selectFrom('building').select(['lat', 'lng']).where('id', '=', other.id).executeTakeFirstOrThrow();
    const mine = await api.newCase({ description: '井盖丢了，很危险，有人差点掉下去', category: 'facilities.manhole_cover' });
    const theirs = await api.newCase({ description: '井盖丢了，很危险', category: 'facilities.manhole_cover', buildingId: other.id });
    const wide = `distanceMeters=5000&minScore=0.1`;
    const asCommunity = (await req('GET', `/api/cases/${mine.id}/similar?${wide}`, w.tok.community)).json().items.map((x: { id: string }) => x.id);
    const asGrid = (await req('GET', `/api/cases/${mine.id}/similar?${wide}`, w.tok.grid)).json().items.map((x: { id: string }) => x.id);
    if (b.lat !== null) expect(asCommunity).toContain(theirs.id);
    expect(asGrid).not.toContain(theirs.id);
  });
});

describe('merging: later reporters get the outcome and each evaluate', () => {
  const residentCase = async (description: string) => {
    const r = await api.intake(w.resident, { description, channel: 'resident_app', buildingId: w.building.id });
    expect(r.statusCode, r.body).toBe(201);
    return r.json().id as string;
  };

  it('a report merged into a case closes with it, carries its outcome, and its reporter rates it', async () => {
    const target = await api.newCase({ description: '楼下路灯坏了好几天' });
    const mine = await residentCase('楼下的路灯不亮了，晚上很黑');
    const chained = await residentCase('路灯坏了没人修');
    await api.ok(mine, w.tok.community, { action: 'merge', targetCaseId: target.id, reason: '同一盏路灯' });
    // merged into a report that is itself merged later: follows it to the end
    const middle = await api.newCase({ description: '路灯坏了' });
    await api.ok(chained, w.tok.community, { action: 'merge', targetCaseId: middle.id, reason: '重复' });
    await api.ok(middle.id, w.tok.community, { action: 'merge', targetCaseId: target.id, reason: '重复' });
    for (const [tok, body] of [
      [w.tok.community, { action: 'register' }],
      [w.tok.community, { action: 'dispatch' }],
      [w.tok.dept, { action: 'accept' }],
      [w.tok.dept, { action: 'handle', note: '已更换灯泡，恢复照明' }],
      [w.tok.grid, { action: 'verify', passed: true }],
    ] as const) await api.ok(target.id, tok, body);
    // not before the case itself closes
    expect((await db().selectFrom('cases').select('status').where('id', '=', mine).executeTakeFirstOrThrow()).status).toBe('merged');
    await api.ok(target.id, w.tok.community, { action: 'close' });

    for (const id of [mine, chained, middle.id]) {
      const row = await db().selectFrom('cases').select(['status', 'closed_at', 'assigned_org_id']).where('id', '=', id).executeTakeFirstOrThrow();
      expect(row.status, id).toBe('closed');
      expect(row.assigned_org_id).toBe(w.org.dept);
    }
    const my = (await req('GET', `/api/my/cases/${mine}`, w.resident)).json();
    expect(my.canEvaluate).toBe(true);
    expect(my.timeline.find((e: { type: string }) => e.type === 'outcome')).toMatchObject({ note: '已更换灯泡，恢复照明' });
    const notes = await db().selectFrom('notification').select(['message_key', 'case_id']).where('message_key', '=', 'notify.merged_case_closed').execute();
    expect(notes.map((n) => n.case_id).sort()).toEqual([mine, chained].sort());
    // each reporter rates their own report; it counts for the unit that handled it
    const e1 = await api.act(mine, w.resident, { action: 'evaluate', resolved: true, satisfaction: 'satisfied' });
    expect(e1.statusCode, e1.body).toBe(200);
    const e2 = await api.act(chained, w.resident, { action: 'evaluate', resolved: false, satisfaction: 'dissatisfied', comment: '灯还是不亮' });
    expect(e2.statusCode, e2.body).toBe(200);
    const evals = await db().selectFrom('case_event').select(['case_id', 'data']).where('type', '=', 'evaluate').where('case_id', 'in', [mine, chained]).execute();
    for (const e of evals) expect((e.data as { handler: string }).handler).toBe(w.org.dept);
    // the work is counted once, on the handled case: an outcome event adds no metric
    expect(deltasFor('outcome', s.clock.now(), { regions: [w.org.community], handler: w.org.dept, onTime: true }, 'Asia/Shanghai')).toEqual([]);
  });

  it('a report merged into a case that is already closed gets its outcome at once', async () => {
    const done = await api.caseAt('closed');
    const late = await residentCase('路灯又坏了吗');
    await api.ok(late, w.tok.community, { action: 'merge', targetCaseId: done.id, reason: '已处理过' });
    const row = await db().selectFrom('cases').select('status').where('id', '=', late).executeTakeFirstOrThrow();
    expect(row.status).toBe('closed');
    expect((await req('GET', `/api/my/cases/${late}`, w.resident)).json().timeline.find((e: { type: string }) => e.type === 'outcome').note).toBe('已更换灯泡');
  });
});

describe('hot spots', () => {
  const noise = (extra: Record<string, unknown> = {}) => api.newCase({ description: '楼下烧烤店夜里音乐声太大，吵得睡不着', category: 'noise.commercial', ...extra });
  // the demo city's history may have raised hot spots of its own: these tests look only at theirs
  let before = new Set<string>();
  const ours = <T extends { id: string }>(rows: T[]) => rows.filter((r) => !before.has(r.id));
  const openSpots = async () => ours(await db().selectFrom('hot_spot').selectAll().where('status', '=', 'open').where('place_id', '=', w.building.id).where('category', '=', 'noise').execute());
  const raisedFor = (caseIds: string[]) => db().selectFrom('notification').select(['recipient_org_id', 'case_id']).where('kind', '=', 'hotspot.raised').where('case_id', 'in', caseIds).execute();

  beforeAll(async () => {
    before = new Set((await db().selectFrom('hot_spot').select('id').execute()).map((r) => r.id));
  });

  it('settings: administrators set thresholds; bad values are 400 and change nothing', async () => {
    expect((await req('PUT', '/api/dispatch/settings', w.tok.community, { hotSpots: { buildingThreshold: 3 } })).statusCode).toBe(403);
    for (const body of [{ hotSpots: { buildingThreshold: 1 } }, { duplicates: { minScore: 1.5 } }, { hotSpots: { windowDays: 0 } }, { hotSpots: { other: 1 } }, { duplicates: { distanceMeters: 'far' } }]) {
      const r = await req('PUT', '/api/dispatch/settings', w.tok.admin, body);
      expect(r.statusCode, JSON.stringify(body)).toBe(400);
      expect(r.json().error.fields, JSON.stringify(body)).toBeDefined();
    }
    expect((await req('GET', '/api/dispatch/settings', w.tok.community)).json().hotSpots).toEqual({ windowDays: 7, buildingThreshold: 5, gridThreshold: 8 });
    const r = await req('PUT', '/api/dispatch/settings', w.tok.admin, { hotSpots: { buildingThreshold: 3, gridThreshold: 1000 } });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toEqual({ duplicates: { distanceMeters: 300, windowHours: 72, minScore: 0.2 }, hotSpots: { windowDays: 7, buildingThreshold: 3, gridThreshold: 1000 } });
  });

  it('the third report of one category at one building within the window raises a hot spot for community and street', async () => {
    await w.at('2026-04-06T01:00:00.000Z');
    const first = await noise();
    await w.at('2026-04-07T01:00:00.000Z');
    const second = await noise();
    await api.newCase({ description: '楼下垃圾没人清', category: 'sanitation.bin_overflow' }); // another category does not count
    expect(await openSpots()).toHaveLength(0);
    await w.at('2026-04-08T01:00:00.000Z');
    const third = await noise();
    const [spot] = await openSpots();
    expect(spot).toMatchObject({ category: 'noise', place_kind: 'building', case_count: 3, threshold: 3, window_days: 7 });
    const streetOrg = (await req('GET', '/api/auth/me', w.tok.street)).json().orgId;
    expect(await raisedFor([first.id, second.id])).toEqual([]);
    expect((await raisedFor([third.id])).map((n) => n.recipient_org_id).sort()).toEqual([w.org.community, streetOrg].sort());

    // the street and the community see it with its reports; others do not
    const list = (await req('GET', '/api/hotspots?status=open', w.tok.street)).json().items;
    expect(list.map((h: { id: string }) => h.id)).toContain(spot.id);
    const detail = (await req('GET', `/api/hotspots/${spot.id}`, w.tok.community)).json();
    expect(detail.cases).toHaveLength(3);
    expect(detail.placeName).toBeTruthy();
    for (const tok of [w.tok.community2, w.tok.dept, w.tok.property]) {
      expect((await req('GET', `/api/hotspots/${spot.id}`, tok)).statusCode).toBe(404);
      expect((await req('GET', '/api/hotspots', tok)).json().items.map((h: { id: string }) => h.id)).not.toContain(spot.id);
    }
    expect((await req('GET', '/api/hotspots', w.resident)).statusCode).toBe(403);
  });

  it('later reports join the open hot spot without another warning', async () => {
    const fourth = await noise();
    const [spot] = await openSpots();
    expect(spot.case_count).toBe(4);
    expect(await raisedFor([fourth.id])).toEqual([]);
  });

  it('acknowledging needs hotspot.manage and a note, happens once; counting then starts afresh', async () => {
    const [spot] = await openSpots();
    expect((await req('POST', `/api/hotspots/${spot.id}/acknowledge`, w.tok.grid, { note: '已处理' })).statusCode).toBe(403);
    expect((await req('POST', `/api/hotspots/${spot.id}/acknowledge`, w.tok.community2, { note: '已处理' })).statusCode).toBe(404);
    const bad = await req('POST', `/api/hotspots/${spot.id}/acknowledge`, w.tok.community, { note: '  ' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields).toHaveProperty('note');
    const ok = await req('POST', `/api/hotspots/${spot.id}/acknowledge`, w.tok.community, { note: '已约谈经营者，限期整改' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ status: 'acknowledged', acknowledgeNote: '已约谈经营者，限期整改' });
    expect((await req('POST', `/api/hotspots/${spot.id}/acknowledge`, w.tok.community, { note: '再次' })).statusCode).toBe(409);
    await w.at('2026-04-08T03:00:00.000Z');
    await noise();
    await noise();
    expect(await openSpots()).toHaveLength(0);
    await noise();
    const [next] = await openSpots();
    expect(next.case_count).toBe(3);
  });

  it('reports older than the window do not count; rejected reports do not count', async () => {
    await w.at('2026-05-04T01:00:00.000Z');
    const other = await db().selectFrom('building').select('id').where('community_id', '=', w.building.community_id).where('grid_id', '<>', w.gridId).orderBy('id').executeTakeFirstOrThrow();
    const here = (extra: Record<string, unknown> = {}) => api.newCase({ description: '小区里有人遛狗不拴绳，狗一直叫', category: 'noise.pet_barking', buildingId: other.id, ...extra });
    await here();
    const rejected = await here();
    await api.ok(rejected.id, w.tok.community, { action: 'reject', reason: '重复恶意举报' });
    await w.at('2026-05-12T01:00:00.000Z'); // the first is now eight days old
    await here();
    await here();
    const spots = () => db().selectFrom('hot_spot').select(['id', 'case_count']).where('place_id', '=', other.id).where('category', '=', 'noise').execute();
    expect(ours(await spots())).toHaveLength(0);
    await here();
    expect(ours(await spots()).map((x) => x.case_count)).toEqual([3]);
  });

  it('two reports crossing the threshold at once raise one hot spot', async () => {
    await w.at('2026-06-01T01:00:00.000Z');
    const other = await db().selectFrom('building').select('id').where('community_id', '=', w.building.community_id).where('grid_id', '<>', w.gridId).orderBy('id', 'desc').executeTakeFirstOrThrow();
    const rat = () => api.newCase({ description: '楼道里老鼠很多，晚上到处窜', category: 'sanitation.pests', buildingId: other.id });
    await rat();
    await rat();
    await Promise.all([rat(), rat()]);
    const spots = ours(await db().selectFrom('hot_spot').select(['id', 'case_count']).where('place_id', '=', other.id).where('category', '=', 'sanitation').execute());
    expect(spots.map((x) => x.case_count)).toEqual([4]);
    const links = await db().selectFrom('hot_spot_case').select('case_id').where('hot_spot_id', '=', spots[0].id).execute();
    expect(links).toHaveLength(4);
  });

  it('a grid threshold counts reports anywhere in the grid', async () => {
    await req('PUT', '/api/dispatch/settings', w.tok.admin, { hotSpots: { gridThreshold: 3, buildingThreshold: 100 } });
    await w.at('2026-07-01T01:00:00.000Z');
    // one report at the grid's building, two as points in the grid (the building's own coordinates)
    const b = await db().selectFrom('building').select(['lat', 'lng']).where('id', '=', w.building.id).executeTakeFirstOrThrow();
    await api.newCase({ description: '路边有人乱停车堵住消防通道', category: 'traffic' });
    for (let i = 0; i < 2; i++) await api.newCase({ description: '路边有人乱停车', category: 'traffic', buildingId: undefined, location: { lat: b.lat, lng: b.lng } });
    const spots = ours(await db().selectFrom('hot_spot').selectAll().where('place_kind', '=', 'grid').where('category', '=', 'traffic').execute());
    expect(spots).toHaveLength(1);
    expect(spots[0]).toMatchObject({ place_id: w.gridId, case_count: 3 });
    const listed = ours((await req('GET', `/api/hotspots?category=traffic&communityId=${w.building.community_id}`, w.tok.community)).json().items as { id: string }[]);
    expect(listed).toEqual([expect.objectContaining({ placeKind: 'grid', placeId: w.gridId, caseCount: 3 })]);
  });
});
