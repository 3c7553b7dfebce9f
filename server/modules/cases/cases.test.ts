import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/harness.ts';
import { caseApi, caseWorld, type CaseWorld } from './testing.ts';

let s: TestServer;
let w: CaseWorld;
let api: ReturnType<typeof caseApi>;

beforeAll(async () => {
  // Monday 2 March 2026, 09:00 Beijing time: a working day
  s = await startTestServer({ clock: '2026-03-02T09:00:00+08:00' });
  w = await caseWorld(s);
  api = caseApi(w);
});
afterAll(() => s.close());

const events = async (id: string) => ((await api.get(id, w.tok.community)).json().events as { type: string }[]).map((e) => e.type);

describe('intake', () => {
  it('creates a case with a number, grid, routing, a registration deadline and masked reporter data', async () => {
    const res = await api.intake(w.tok.community, { description: '小区门口垃圾堆积多日无人清运', category: 'sanitation.accumulated_waste', channel: 'walk_in', buildingId: w.building.id, reporter: { name: '张三', phone: '13912345678' } });
    expect(res.statusCode).toBe(201);
    const c = res.json();
    expect(c.caseNo).toMatch(/^370102-2026-\d{6}$/);
    expect(c.status).toBe('reported');
    expect(c.gridId).toBe(w.building.grid_id);
    expect(c.assignedOrgId).toBe(w.org.dept);
    // 1 working hour from 09:00
    expect(c.deadlines).toEqual([expect.objectContaining({ kind: 'register', orgId: w.org.community, dueAt: '2026-03-02T02:00:00.000Z' })]);
    const detail = (await api.get(c.id, w.tok.community)).json();
    expect(detail.reporter).toEqual({ anonymous: false, resident: false, name: '张*', phone: '139****5678' });
    expect(detail.events.map((e: { type: string }) => e.type)).toEqual(['report']);
    const row = await s.platform.db.selectFrom('cases').select(['reporter_name_enc', 'reporter_phone_enc']).where('id', '=', c.id).executeTakeFirstOrThrow();
    expect(row.reporter_phone_enc).not.toContain('13912345678');
    expect(s.logs.text()).not.toContain('13912345678');
  });

  it('case numbers count up per district and year', async () => {
    const a = await api.newCase();
    const b = await api.newCase();
    expect(Number(b.caseNo.slice(-6))).toBe(Number(a.caseNo.slice(-6)) + 1);
    const other = await api.newCase({ buildingId: w.otherBuilding.id }, w.tok.community2);
    expect(other.caseNo).toMatch(/^370115-2026-\d{6}$/);
  });

  it('finds the grid of a point; a point outside every grid is a 400', async () => {
    const g = await s.platform.db.selectFrom('region').select(['min_lng', 'min_lat', 'max_lng', 'max_lat']).where('id', '=', w.gridId).executeTakeFirstOrThrow();
    const lng = (g.min_lng! + g.max_lng!) / 2;
    const lat = (g.min_lat! + g.max_lat!) / 2;
    const ok = await api.intake(w.tok.community, { description: '井盖缺失', category: 'facilities.manhole_cover', channel: 'phone', location: { lng, lat, address: '某路口' } });
    expect(ok.statusCode).toBe(201);
    expect(ok.json().gridId).toBe(w.gridId);
    const outside = await api.intake(w.tok.community, { description: '井盖缺失', channel: 'phone', location: { lng: 10, lat: 10 } });
    expect(outside.statusCode).toBe(400);
    expect(outside.json().error.fields.location).toBeDefined();
  });

  it('staff without a place: their own community (a grid worker: their grid)', async () => {
    const byGrid = await api.intake(w.tok.grid, { description: '巡查发现楼道堆物', category: 'safety.fire_passage_blocked', channel: 'grid_patrol' });
    expect(byGrid.statusCode).toBe(201);
    expect(byGrid.json().gridId).toBe(w.gridId);
    const byCommunity = await api.intake(w.tok.community, { description: '来电咨询', type: 'enquiry', channel: 'phone' });
    expect(byCommunity.statusCode).toBe(201);
    expect(byCommunity.json().gridId).toBeNull();
    // a street office has no community of its own
    const byStreet = await api.intake(w.tok.street, { description: '来电咨询', channel: 'phone' });
    expect(byStreet.statusCode).toBe(400);
    expect(byStreet.json().error.fields.location).toBeDefined();
    // residents must say where
    const byResident = await api.intake(w.resident, { description: '路灯不亮', channel: 'resident_app' });
    expect(byResident.statusCode).toBe(400);
  });

  it('property matters inside a compound go to its property company, the community supervising', async () => {
    const c = await api.newCase({ category: 'property.elevator_failure', description: '电梯坏了三天', buildingId: w.propertyBuilding.id });
    expect(c.assignedOrgId).toBe(w.org.property);
    const detail = (await api.get(c.id, w.tok.community)).json();
    expect(detail.supervisorOrgId).toBe(w.org.community);
  });

  it('unmatched categories stay with the community for manual dispatch', async () => {
    const c = await api.newCase({ category: 'neighbor_dispute.quarrel', description: '邻居吵架' });
    expect(c.assignedOrgId).toBe(w.org.community);
  });

  it('bad input is a 400 with fields and writes nothing', async () => {
    const before = await api.countCases();
    const r = await api.intake(w.tok.community, { channel: 'fax', type: 'rant', description: '', extra: 1, reporter: { phone: '123' } });
    expect(r.statusCode).toBe(400);
    expect(Object.keys(r.json().error.fields).sort()).toEqual(expect.arrayContaining(['channel', 'description', 'extra', 'type']));
    const phone = await api.intake(w.tok.community, { description: 'x', channel: 'phone', reporter: { phone: '12345' } });
    expect(phone.statusCode).toBe(400);
    expect(phone.json().error.fields['reporter.phone']).toBeDefined();
    const cat = await api.intake(w.tok.community, { description: 'x', channel: 'phone', category: 'no_such_thing' });
    expect(cat.statusCode).toBe(400);
    expect(cat.json().error.fields.category).toBeDefined();
    expect(await api.countCases()).toBe(before);
  });

  it('the same Idempotency-Key never makes two cases; another body with it is a 422', async () => {
    const before = await api.countCases();
    const body = { description: '路面塌陷', category: 'facilities.road_damage', channel: 'hotline_12345', buildingId: w.building.id };
    const headers = { 'idempotency-key': 'hotline-2026-0001' };
    const [a, b] = await Promise.all([api.intake(w.tok.community, body, headers), api.intake(w.tok.community, body, headers)]);
    expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
    expect(a.json().id).toBe(b.json().id);
    const again = await api.intake(w.tok.community, body, headers);
    expect(again.json().id).toBe(a.json().id);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await api.countCases()).toBe(before + 1);
    const other = await api.intake(w.tok.community, { ...body, description: '别的内容' }, headers);
    expect(other.statusCode).toBe(422);
    expect(await api.countCases()).toBe(before + 1);
  });

  it('an integration token (12345 hotline) reports for its organisation and reads what it may see', async () => {
    const created = await s.request({ method: 'POST', url: '/api/integrations/tokens', token: w.tok.district, payload: { name: '区12345热线', kind: 'hotline', scopes: ['case.create', 'case.read'] } });
    expect(created.statusCode).toBe(201);
    const token = created.json().token;
    // the district government has no community of its own: the hotline must say where
    const noPlace = await api.intake(token, { description: '市民来电反映路灯不亮', channel: 'hotline_12345' });
    expect(noPlace.statusCode).toBe(400);
    expect(noPlace.json().error.fields.location).toBeDefined();
    const ok = await api.intake(token, { description: '市民来电反映路灯不亮', channel: 'hotline_12345', buildingId: w.building.id, reporter: { name: '李四', phone: '13700001111' } }, { 'idempotency-key': '12345-20260302-0001' });
    expect(ok.statusCode).toBe(201);
    expect((await api.get(ok.json().id, token)).json().events[0].actor.kind).toBe('integration');
    // another district's case is not found
    const other = await api.newCase({ buildingId: w.otherBuilding.id }, w.tok.community2);
    expect((await api.get(other.id, token)).statusCode).toBe(404);
    // acting needs more than its scopes
    expect((await api.act(ok.json().id, token, { action: 'register' })).statusCode).toBe(403);
  });

  it('callers without the permission cannot report', async () => {
    expect((await api.intake(w.tok.dept, { description: 'x', channel: 'phone', buildingId: w.building.id })).statusCode).toBe(403);
    expect((await s.request({ method: 'POST', url: '/api/cases', payload: { description: 'x', channel: 'phone' } })).statusCode).toBe(401);
  });
});

describe('the main path, every step', () => {
  it('reported → registered → dispatched → accepted → handled → verified → closed → evaluated', async () => {
    const c = await api.newCase();
    let r = await api.ok(c.id, w.tok.community, { action: 'register' });
    expect(r.status).toBe('registered');
    expect(r.allowedActions).toEqual(expect.arrayContaining(['dispatch', 'reject', 'merge', 'park', 'escalate']));
    r = await api.ok(c.id, w.tok.community, { action: 'dispatch' });
    expect(r.status).toBe('dispatched');
    expect(r.assignedOrgId).toBe(w.org.dept);
    expect(r.deadlines.filter((d: { state: string }) => d.state === 'open').map((d: { kind: string }) => d.kind).sort()).toEqual(['handle', 'response']);
    // the department now sees it
    expect((await api.get(c.id, w.tok.dept)).statusCode).toBe(200);
    r = await api.ok(c.id, w.tok.dept, { action: 'accept' });
    expect(r.status).toBe('accepted');
    r = await api.ok(c.id, w.tok.dept, { action: 'handle', note: '已维修' });
    expect(r.status).toBe('handled');
    r = await api.ok(c.id, w.tok.grid, { action: 'verify', passed: true, note: '现场已亮' });
    expect(r.status).toBe('verified');
    r = await api.ok(c.id, w.tok.community, { action: 'close' });
    expect(r.status).toBe('closed');
    expect(r.deadlines.every((d: { state: string }) => d.state !== 'open')).toBe(true);
    r = await api.ok(c.id, w.tok.community, { action: 'evaluate', resolved: true, satisfaction: 'basically_satisfied', comment: '电话回访' });
    expect(r.status).toBe('evaluated');
    expect(r.evaluation).toEqual(expect.objectContaining({ resolved: true, satisfaction: 'basically_satisfied', byCallback: true }));
    expect(r.events.map((e: { type: string }) => e.type)).toEqual(['report', 'register', 'dispatch', 'accept', 'handle', 'verify', 'close', 'evaluate']);
    expect(r.events[1]).toEqual(expect.objectContaining({ actor: expect.objectContaining({ kind: 'user', orgId: w.org.community }) }));
    expect(r.version).toBe(8);
    // every step has its audit record
    const audits = await s.platform.db.selectFrom('audit_log').select('action').where('entity_id', '=', c.id).execute();
    expect(audits.map((a) => a.action).sort()).toEqual(['case.accept', 'case.close', 'case.create', 'case.dispatch', 'case.evaluate', 'case.handle', 'case.register', 'case.verify'].sort());
  });

  it('a failed verification sends the case back to the handler (rework) with a new handling clock', async () => {
    const c = await api.caseAt('handled');
    const silent = await api.act(c.id, w.tok.grid, { action: 'verify' });
    expect(silent.statusCode).toBe(400);
    expect(silent.json().error.fields.passed).toBeDefined();
    const r = await api.ok(c.id, w.tok.grid, { action: 'verify', passed: false, note: '灯还是不亮' });
    expect(r.status).toBe('accepted');
    expect(r.counts.reworks).toBe(1);
    expect(r.deadlines.filter((d: { kind: string; state: string }) => d.kind === 'handle' && d.state === 'open')).toHaveLength(1);
    const noNote = await api.act(c.id, w.tok.grid, { action: 'verify', passed: false });
    expect(noNote.statusCode).toBe(409); // accepted now: verify is not possible
    await api.ok(c.id, w.tok.dept, { action: 'handle', note: '更换了镇流器' });
    const bad = await api.act(c.id, w.tok.grid, { action: 'verify', passed: false });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields.note).toBeDefined();
  });
});

describe('exceptional actions', () => {
  it('return needs a reason and puts the case back to the dispatcher', async () => {
    const c = await api.caseAt('dispatched');
    const noReason = await api.act(c.id, w.tok.dept, { action: 'return' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().error.fields.reason).toBeDefined();
    const r = await api.ok(c.id, w.tok.dept, { action: 'return', reason: '不属于本单位职责' });
    expect(r.status).toBe('registered');
    expect(r.assignedOrgId).toBeNull();
    expect(r.counts.returns).toBe(1);
    expect(r.deadlines.filter((d: { state: string }) => d.state === 'open')).toEqual([]);
    // a dispatch without an organisation now needs one
    const missing = await api.act(c.id, w.tok.community, { action: 'dispatch' });
    expect(missing.statusCode).toBe(400);
    await api.ok(c.id, w.tok.community, { action: 'dispatch', orgId: w.org.dept });
    // the returning department keeps read access to the history
    expect((await api.get(c.id, w.tok.dept)).statusCode).toBe(200);
  });

  it('reassign moves the case to another unit with fresh clocks', async () => {
    const c = await api.caseAt('accepted');
    const r = await api.ok(c.id, w.tok.community, { action: 'reassign', orgId: w.org.property, reason: '属物业维修范围' });
    expect(r.status).toBe('dispatched');
    expect(r.assignedOrgId).toBe(w.org.property);
    expect(r.assignments.filter((a: { role: string; until: string | null }) => a.role === 'main' && !a.until).map((a: { orgId: string }) => a.orgId)).toEqual([w.org.property]);
    // the old unit can no longer act on it
    expect((await api.act(c.id, w.tok.dept, { action: 'handle', note: 'x' })).statusCode).toBe(409);
    expect((await api.act(c.id, w.tok.dept, { action: 'accept' })).statusCode).toBe(403);
    await api.ok(c.id, w.tok.property, { action: 'accept' });
  });

  it('extend needs the dispatcher’s approval and then moves the handling deadline', async () => {
    const c = await api.caseAt('accepted');
    const until = '2026-03-20T17:00:00+08:00';
    const r1 = await api.ok(c.id, w.tok.dept, { action: 'extend', reason: '需采购配件', until });
    expect(r1.extensions).toEqual([expect.objectContaining({ state: 'pending' })]);
    expect((await api.act(c.id, w.tok.dept, { action: 'extend', reason: '再延', until })).statusCode).toBe(409);
    // the handler cannot approve their own request
    expect((await api.act(c.id, w.tok.dept, { action: 'approve_extension' })).statusCode).toBe(403);
    const r2 = await api.ok(c.id, w.tok.community, { action: 'approve_extension' });
    expect(r2.handleDueAt).toBe(new Date(until).toISOString());
    expect(r2.extensions[0].state).toBe('approved');
    expect((await api.act(c.id, w.tok.community, { action: 'approve_extension' })).statusCode).toBe(409);
  });

  it('park with a review date, then dispatch again', async () => {
    const c = await api.caseAt('registered');
    const bad = await api.act(c.id, w.tok.community, { action: 'park', reason: '需纳入改造计划' });
    expect(bad.statusCode).toBe(400);
    const r = await api.ok(c.id, w.tok.community, { action: 'park', reason: '需纳入老旧小区改造计划', until: '2026-06-01' });
    expect(r.status).toBe('parked');
    expect(r.parkedUntil).toBe('2026-06-01');
    expect(r.deadlines.filter((d: { state: string }) => d.state === 'open').map((d: { kind: string }) => d.kind)).toEqual(['park_review']);
    const again = await api.ok(c.id, w.tok.community, { action: 'dispatch' });
    expect(again.status).toBe('dispatched');
  });

  it('merge a duplicate into another case; reject an invalid report', async () => {
    const target = await api.newCase();
    const dup = await api.newCase();
    const r = await api.ok(dup.id, w.tok.community, { action: 'merge', targetCaseId: target.id, reason: '重复上报' });
    expect(r.status).toBe('merged');
    expect(r.mergedInto).toBe(target.id);
    expect(await events(target.id)).toContain('merged_in');
    const invalid = await api.newCase();
    const rej = await api.ok(invalid.id, w.tok.community, { action: 'reject', reason: '经核实不存在该问题' });
    expect(rej.status).toBe('rejected');
    expect((await api.act(invalid.id, w.tok.community, { action: 'register' })).statusCode).toBe(409);
  });

  it('reopen only after a dissatisfied evaluation', async () => {
    const c = await api.caseAt('evaluated');
    expect((await api.act(c.id, w.tok.community, { action: 'reopen', reason: '群众不满意' })).statusCode).toBe(409);
    // and a satisfied case does not offer it: the screens show only what would be accepted
    expect((await api.get(c.id, w.tok.community)).json().allowedActions).not.toContain('reopen');
    const d = await api.caseAt('closed');
    await api.ok(d.id, w.tok.community, { action: 'evaluate', resolved: false, satisfaction: 'dissatisfied', comment: '还是不亮' });
    expect((await api.get(d.id, w.tok.community)).json().allowedActions).toContain('reopen');
    const r = await api.ok(d.id, w.tok.community, { action: 'reopen', reason: '群众反映未解决' });
    expect(r.status).toBe('registered');
    expect(r.counts.reopens).toBe(1);
    expect(r.evaluation).toBeNull();
  });

  it('escalate moves the dispatching up a level; the street then dispatches', async () => {
    const c = await api.caseAt('registered');
    const r = await api.ok(c.id, w.tok.community, { action: 'escalate', reason: '涉及多个部门，社区无法协调' });
    expect(r.handlingLevel).toBe('street');
    expect(r.dispatchOrgId).toBe(w.org.street);
    expect(r.deadlines.filter((d: { kind: string; state: string }) => d.kind === 'escalation' && d.state === 'open')).toHaveLength(1);
    // the community is no longer the dispatcher
    expect((await api.act(c.id, w.tok.community, { action: 'dispatch' })).statusCode).toBe(403);
    const d = await api.ok(c.id, w.tok.street, { action: 'dispatch', orgId: w.org.dept });
    expect(d.deadlines.find((x: { kind: string }) => x.kind === 'escalation').state).toBe('met');
  });

  it('whistle: departments check in, report, and are rated', async () => {
    const c = await api.caseAt('dispatched');
    const r = await api.ok(c.id, w.tok.street, { action: 'whistle', orgIds: [w.org.property], note: '楼道堆物需物业配合清理' });
    // urgent by default: 30 minutes to check in
    expect(r.whistles).toEqual([expect.objectContaining({ orgId: w.org.property, dueAt: '2026-03-02T01:30:00.000Z' })]);
    // the whistled company now sees the case and checks in
    expect((await api.get(c.id, w.tok.property)).statusCode).toBe(200);
    let p = await api.ok(c.id, w.tok.property, { action: 'check_in' });
    expect(p.whistles[0].checkedInAt).not.toBeNull();
    expect((await api.act(c.id, w.tok.property, { action: 'check_in' })).statusCode).toBe(409);
    p = await api.ok(c.id, w.tok.property, { action: 'check_in', note: '已安排保洁清理' });
    expect(p.whistles[0].report).toBe('已安排保洁清理');
    // only the whistler rates
    expect((await api.act(c.id, w.tok.community, { action: 'rate', orgId: w.org.property, onTime: true, effective: true })).statusCode).toBe(403);
    const rated = await api.ok(c.id, w.tok.street, { action: 'rate', orgId: w.org.property, onTime: true, effective: true });
    expect(rated.whistles[0]).toEqual(expect.objectContaining({ ratedOnTime: true, ratedEffective: true }));
    expect((await api.act(c.id, w.tok.street, { action: 'rate', orgId: w.org.property, onTime: true, effective: true })).statusCode).toBe(409);
    // a department that was not whistled cannot check in
    expect((await api.act(c.id, w.tok.dept, { action: 'check_in' })).statusCode).toBe(403);
  });

  it('supervision: the handler acknowledges the notice', async () => {
    const c = await api.caseAt('accepted');
    expect((await api.act(c.id, w.tok.community, { action: 'supervise', note: '请加快' })).statusCode).toBe(403);
    const r = await api.ok(c.id, w.tok.district, { action: 'supervise', note: '群众反映强烈，请于今日处置' });
    expect(r.supervisions).toEqual([expect.objectContaining({ targetOrgId: w.org.dept, acknowledgedAt: null })]);
    expect((await api.act(c.id, w.tok.property, { action: 'acknowledge' })).statusCode).toBe(404);
    const a = await api.ok(c.id, w.tok.dept, { action: 'acknowledge' });
    expect(a.supervisions[0].acknowledgedAt).not.toBeNull();
    expect(a.deadlines.find((d: { kind: string }) => d.kind === 'supervision_ack').state).toBe('met');
    expect((await api.act(c.id, w.tok.dept, { action: 'acknowledge' })).statusCode).toBe(403);
  });
});

describe('forbidden transitions change nothing', () => {
  const illegal: [string, string, Record<string, unknown>][] = [
    ['reported', 'community', { action: 'dispatch' }],
    ['reported', 'community', { action: 'close' }],
    ['reported', 'community', { action: 'evaluate', resolved: true, satisfaction: 'satisfied' }],
    ['registered', 'community', { action: 'register' }],
    ['registered', 'community', { action: 'verify', passed: true }],
    ['dispatched', 'dept', { action: 'handle', note: 'x' }],
    ['dispatched', 'community', { action: 'close' }],
    ['accepted', 'dept', { action: 'accept' }],
    ['accepted', 'community', { action: 'register' }],
    ['handled', 'dept', { action: 'handle', note: 'x' }],
    ['handled', 'community', { action: 'close' }],
    ['verified', 'community', { action: 'dispatch' }],
    ['closed', 'community', { action: 'reopen', reason: 'x' }],
    ['closed', 'dept', { action: 'return', reason: 'x' }],
    ['evaluated', 'community', { action: 'evaluate', resolved: true, satisfaction: 'satisfied' }],
    ['evaluated', 'community', { action: 'escalate', reason: 'x' }],
  ];
  for (const [state, who, body] of illegal) {
    it(`${String(body.action)} on a ${state} case → 409`, async () => {
      const c = await api.caseAt(state as never);
      const before = (await api.get(c.id, w.tok.community)).json();
      const r = await api.act(c.id, w.tok[who], body);
      expect(r.statusCode).toBe(409);
      expect(r.json().error.code).toBe('ILLEGAL_TRANSITION');
      const after = (await api.get(c.id, w.tok.community)).json();
      expect(after.version).toBe(before.version);
      expect(after.status).toBe(before.status);
      expect(after.events.length).toBe(before.events.length);
    });
  }
  it('the wrong role for a legal step is a 403', async () => {
    const c = await api.caseAt('registered');
    expect((await api.act(c.id, w.tok.grid, { action: 'dispatch' })).statusCode).toBe(403);
    const d = await api.caseAt('dispatched');
    expect((await api.act(d.id, w.tok.community, { action: 'accept' })).statusCode).toBe(403);
    expect((await api.act(d.id, w.tok.leader, { action: 'supervise', note: 'x' })).statusCode).toBe(403);
  });
  it('an out-of-date expectedVersion is a 409', async () => {
    const c = await api.newCase();
    const r = await api.act(c.id, w.tok.community, { action: 'register', expectedVersion: 7 });
    expect(r.statusCode).toBe(409);
    expect(r.json().error.code).toBe('VERSION_CONFLICT');
    await api.ok(c.id, w.tok.community, { action: 'register', expectedVersion: 1 });
  });
});

describe('scope', () => {
  it('other communities, districts, departments and residents get 404', async () => {
    const c = await api.caseAt('registered');
    for (const who of ['community2', 'dept', 'property']) {
      expect((await api.get(c.id, w.tok[who])).statusCode, who).toBe(404);
      expect((await api.act(c.id, w.tok[who], { action: 'dispatch' })).statusCode, who).toBe(404);
    }
    expect((await api.get(c.id, w.resident)).statusCode).toBe(403);
    expect((await s.request({ method: 'GET', url: `/api/my/cases/${c.id}`, token: w.resident })).statusCode).toBe(404);
    // above: street, district, command centre see it
    for (const who of ['street', 'district', 'leader', 'admin']) expect((await api.get(c.id, w.tok[who])).statusCode, who).toBe(200);
    const list = (await s.request({ method: 'GET', url: '/api/cases?limit=200', token: w.tok.community2 })).json();
    expect(list.items.some((i: { id: string }) => i.id === c.id)).toBe(false);
  });

  it('lists filter and paginate with a cursor', async () => {
    const seen = new Set<string>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await s.request({ method: 'GET', url: `/api/cases?limit=7${cursor ? `&cursor=${cursor}` : ''}`, token: w.tok.community });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      for (const i of body.items) {
        expect(seen.has(i.id)).toBe(false);
        seen.add(i.id);
      }
      cursor = body.nextCursor;
      pages++;
    } while (cursor && pages < 50);
    expect(seen.size).toBeGreaterThan(7);
    const dispatched = (await s.request({ method: 'GET', url: `/api/cases?status=dispatched,accepted&orgId=${w.org.dept}`, token: w.tok.dept })).json();
    expect(dispatched.items.length).toBeGreaterThan(0);
    expect(dispatched.items.every((i: { status: string; assignedOrgId: string }) => ['dispatched', 'accepted'].includes(i.status) && i.assignedOrgId === w.org.dept)).toBe(true);
    const text = (await s.request({ method: 'GET', url: `/api/cases?q=${encodeURIComponent('垃圾堆积')}`, token: w.tok.community })).json();
    expect(text.items.length).toBeGreaterThan(0);
    expect((await s.request({ method: 'GET', url: '/api/cases?period=2026-13', token: w.tok.community })).statusCode).toBe(400);
    // a handler's queue, soonest deadline first, page by page
    const queue: { handleDueAt: string; id: string }[] = [];
    let next: string | null = null;
    do {
      const body: { items: { handleDueAt: string; id: string }[]; nextCursor: string | null } = (await s.request({ method: 'GET', url: `/api/cases?sort=due&status=dispatched,accepted&orgId=${w.org.dept}&limit=2${next ? `&cursor=${next}` : ''}`, token: w.tok.dept })).json();
      queue.push(...body.items);
      next = body.nextCursor;
    } while (next);
    expect(queue.length).toBeGreaterThan(2);
    const keys = queue.map((i) => `${i.handleDueAt}|${i.id}`);
    expect(keys).toEqual([...keys].sort());
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('two people at once', () => {
  it('two dispatchers dispatch the same case: exactly one wins', async () => {
    const c = await api.caseAt('registered');
    const [a, b] = await Promise.all([
      api.act(c.id, w.tok.community, { action: 'dispatch', orgId: w.org.dept }),
      api.act(c.id, w.tok.community, { action: 'dispatch', orgId: w.org.property }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    const after = (await api.get(c.id, w.tok.community)).json();
    expect(after.events.filter((e: { type: string }) => e.type === 'dispatch')).toHaveLength(1);
    expect(after.deadlines.filter((d: { kind: string; state: string }) => d.kind === 'handle' && d.state === 'open')).toHaveLength(1);
  });
  it('accept and return at once: one wins', async () => {
    const c = await api.caseAt('dispatched');
    const [a, b] = await Promise.all([api.act(c.id, w.tok.dept, { action: 'accept' }), api.act(c.id, w.tok.dept, { action: 'return', reason: '非本单位' })]);
    const codes = [a.statusCode, b.statusCode];
    // accepted then return is also legal; what must never happen is a lost update
    const after = (await api.get(c.id, w.tok.community)).json();
    expect(after.version).toBe(3 + codes.filter((x) => x === 200).length);
  });
});

describe('residents', () => {
  it('report, follow with a plain timeline, evaluate and reopen their own case', async () => {
    const r = await api.intake(w.resident, { description: '小区门口的路灯不亮了', channel: 'resident_app', buildingId: w.building.id, category: 'facilities.street_light' });
    expect(r.statusCode).toBe(201);
    const id = r.json().id;
    const mine = (await s.request({ method: 'GET', url: '/api/my/cases', token: w.resident })).json();
    expect(mine.items[0]).toEqual(expect.objectContaining({ id, status: 'reported', statusText: '已上报' }));
    for (const [who, body] of [
      ['community', { action: 'register' }], ['community', { action: 'dispatch' }], ['dept', { action: 'accept' }],
      ['dept', { action: 'handle', note: '已修复' }], ['grid', { action: 'verify', passed: true }], ['community', { action: 'close' }],
    ] as [string, Record<string, unknown>][]) await api.ok(id, w.tok[who], body);
    // residents cannot do staff steps
    expect((await api.act(id, w.resident, { action: 'register' })).statusCode).toBe(409);
    const view = (await s.request({ method: 'GET', url: `/api/my/cases/${id}`, token: w.resident, headers: { 'accept-language': 'en' } })).json();
    expect(view.canEvaluate).toBe(true);
    expect(view.timeline.map((t: { text: string }) => t.text)).toContain('Closed; please tell us how it went');
    expect(view.canReopen).toBe(false);
    await api.ok(id, w.resident, { action: 'evaluate', resolved: false, satisfaction: 'dissatisfied', comment: '晚上还是黑的' });
    expect((await s.request({ method: 'GET', url: `/api/my/cases/${id}`, token: w.resident })).json().canReopen).toBe(true);
    const ev = (await api.get(id, w.tok.community)).json();
    expect(ev.evaluation.byCallback).toBe(false);
    const re = await api.ok(id, w.resident, { action: 'reopen', reason: '问题没解决' });
    expect(re.status).toBe('registered');
    // notifications reached the resident
    const notes = (await s.request({ method: 'GET', url: '/api/notifications', token: w.resident })).json();
    expect(notes.items.some((n: { kind: string }) => n.kind === 'case.update')).toBe(true);
  });

  it('a resident cannot see or evaluate someone else’s case', async () => {
    const c = await api.caseAt('closed');
    expect((await api.act(c.id, w.resident, { action: 'evaluate', resolved: true, satisfaction: 'satisfied' })).statusCode).toBe(404);
  });
});
