import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/harness.ts';
import { caseApi, caseWorld, type CaseWorld } from './testing.ts';
import { SWEEP_TASK, sweepDeadlines } from './sweeper.ts';

let s: TestServer;
let w: CaseWorld;
let api: ReturnType<typeof caseApi>;

beforeAll(async () => {
  s = await startTestServer({ clock: '2026-09-18T16:00:00+08:00' }); // Friday before the 中秋 make-up Sunday
  w = await caseWorld(s);
  api = caseApi(w);
});
afterAll(() => s.close());

const sweep = () => s.scheduler.runNow(SWEEP_TASK);
const detail = async (id: string) => (await api.get(id, w.tok.admin)).json();
const types = async (id: string) => (await detail(id)).events.map((e: { type: string }) => e.type) as string[];

describe('deadlines on the working calendar', () => {
  it('a handling deadline skips a weekend, the 中秋 holiday and the National Day week', async () => {
    await w.at('2026-09-24T16:00:00+08:00'); // Thursday
    const c = await api.caseAt('dispatched');
    const d = await detail(c.id);
    const handle = d.deadlines.find((x: { kind: string }) => x.kind === 'handle');
    // facilities: 5 working days → Mon 28, Tue 29, Wed 30, Thu 8 Oct, Fri 9 Oct
    expect(handle.dueAt).toBe(new Date('2026-10-09T16:00:00+08:00').toISOString());
    expect(handle.clock).toBe('work_days');
    // response: 2 working hours from Thursday 16:00 → 1.5 h on Thursday, then Monday 09:00
    expect(d.deadlines.find((x: { kind: string }) => x.kind === 'response').dueAt).toBe(new Date('2026-09-28T09:00:00+08:00').toISOString());
  });

  it('an urgent case runs on continuous hours through the holiday', async () => {
    await w.at('2026-09-25T22:00:00+08:00'); // 中秋, at night
    const c = await api.newCase({ category: 'safety.gas_leak', description: '楼道有煤气味', priority: 'urgent' });
    // 15 minutes to register, day or night
    expect(c.deadlines[0].dueAt).toBe(new Date('2026-09-25T22:15:00+08:00').toISOString());
  });
});

describe('the sweeper', () => {
  it('warns, marks overdue and escalates community → street → district, each with its own deadline', async () => {
    await w.at('2026-09-18T16:00:00+08:00');
    const c = await api.newCase();
    // registration: 1 working hour → 17:00; warning at 80 % → 16:48
    await w.at('2026-09-18T16:50:00+08:00');
    await sweep();
    let d = await detail(c.id);
    expect(d.events.map((e: { type: string }) => e.type)).toEqual(['report', 'warning']);
    expect(d.overdue).toBe(false);
    const notes = (await s.request({ method: 'GET', url: `/api/notifications?unread=true&caseId=${c.id}`, token: w.tok.community })).json();
    expect(notes.items.some((n: { kind: string; caseId: string }) => n.kind === 'case.warning' && n.caseId === c.id)).toBe(true);
    // a second sweep does not warn twice
    await sweep();
    expect((await types(c.id)).filter((t) => t === 'warning')).toHaveLength(1);

    await w.at('2026-09-18T17:01:00+08:00');
    await sweep();
    d = await detail(c.id);
    expect(d.events.map((e: { type: string }) => e.type)).toEqual(['report', 'warning', 'overdue', 'escalate']);
    expect(d.overdue).toBe(true);
    expect(d.handlingLevel).toBe('street');
    expect(d.dispatchOrgId).toBe(w.org.street);
    const esc = d.deadlines.find((x: { kind: string; state: string }) => x.kind === 'escalation' && x.state === 'open');
    // one working day from Friday 17:01: Saturday is off, Sunday 20 Sep is a make-up working day
    expect(esc.dueAt).toBe(new Date('2026-09-20T17:01:00+08:00').toISOString());
    expect(esc.orgId).toBe(w.org.street);
    const streetNotes = (await s.request({ method: 'GET', url: `/api/notifications?caseId=${c.id}`, token: w.tok.street })).json();
    expect(streetNotes.items.some((n: { kind: string; caseId: string }) => n.kind === 'case.escalated' && n.caseId === c.id)).toBe(true);

    await w.at('2026-09-20T17:02:00+08:00');
    await sweep();
    d = await detail(c.id);
    expect(d.handlingLevel).toBe('district');
    expect(d.dispatchOrgId).toBe(w.org.district);
    expect(d.counts.escalations).toBe(2);

    // the district is the top: a missed district deadline is overdue, not escalated further
    await w.at('2026-09-23T09:00:00+08:00');
    await sweep();
    d = await detail(c.id);
    expect(d.handlingLevel).toBe('district');
    expect(d.events.filter((e: { type: string }) => e.type === 'escalate')).toHaveLength(2);
    expect(d.events.filter((e: { type: string }) => e.type === 'overdue')).toHaveLength(3);
    // the district dispatches; it is the dispatcher now
    await api.ok(c.id, w.tok.district, { action: 'register' });
  });

  it('two sweepers at once process each deadline once', async () => {
    await w.at('2026-09-21T09:00:00+08:00');
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push((await api.newCase()).id);
    await w.at('2026-09-21T11:00:00+08:00');
    const results = await Promise.all([sweepDeadlines(s.platform), sweepDeadlines(s.platform)]);
    expect(results.reduce((n, r) => n + r.escalated, 0)).toBeGreaterThanOrEqual(5);
    for (const id of ids) {
      const t = await types(id);
      expect(t.filter((x) => x === 'overdue')).toHaveLength(1);
      expect(t.filter((x) => x === 'escalate')).toHaveLength(1);
    }
  });

  it('an unanswered whistle escalates to the level above the whistler; a late check-in counts as late', async () => {
    await w.at('2026-09-22T10:00:00+08:00');
    const c = await api.caseAt('dispatched');
    await api.ok(c.id, w.tok.community, { action: 'whistle', orgIds: [w.org.dept, w.org.property], note: '需要现场会商' });
    await w.at('2026-09-22T10:20:00+08:00');
    await api.ok(c.id, w.tok.property, { action: 'check_in' });
    await w.at('2026-09-22T10:31:00+08:00');
    await sweep();
    const d = await detail(c.id);
    const escalated = d.events.filter((e: { type: string }) => e.type === 'whistle_escalated');
    expect(escalated).toHaveLength(1);
    expect(d.whistles.find((x: { orgId: string }) => x.orgId === w.org.dept).escalatedAt).not.toBeNull();
    expect(d.whistles.find((x: { orgId: string }) => x.orgId === w.org.property).escalatedAt).toBeNull();
    const streetNotes = (await s.request({ method: 'GET', url: `/api/notifications?caseId=${c.id}`, token: w.tok.street })).json();
    expect(streetNotes.items.some((n: { kind: string; caseId: string }) => n.kind === 'case.whistle_overdue' && n.caseId === c.id)).toBe(true);
    // the department checks in late: recorded, and the metrics see it as late
    await api.ok(c.id, w.tok.dept, { action: 'check_in', note: '已到场处置' });
    const ev = await s.platform.db.selectFrom('case_event').select('data').where('case_id', '=', c.id).where('type', '=', 'check_in').orderBy('at').execute();
    expect(ev.map((e) => (e.data as { onTime: boolean }).onTime)).toEqual([true, false]);
  });

  it('an unacknowledged supervision notice is reported back to the supervisor', async () => {
    await w.at('2026-09-22T14:00:00+08:00');
    const c = await api.caseAt('accepted');
    await api.ok(c.id, w.tok.street, { action: 'supervise', note: '请今日办结' });
    // 2 working hours → 16:00
    await w.at('2026-09-22T16:01:00+08:00');
    await sweep();
    const notes = (await s.request({ method: 'GET', url: `/api/notifications?caseId=${c.id}`, token: w.tok.street })).json();
    expect(notes.items.some((n: { kind: string; caseId: string; text: string }) => n.caseId === c.id && n.kind === 'case.overdue')).toBe(true);
  });

  it('a parked case reminds its dispatcher on the review date; an unanswered extension request goes overdue', async () => {
    await w.at('2026-09-22T09:00:00+08:00');
    const parked = await api.caseAt('registered');
    await api.ok(parked.id, w.tok.community, { action: 'park', reason: '纳入明年改造计划', until: '2026-09-29' });
    const ext = await api.caseAt('accepted');
    await api.ok(ext.id, w.tok.dept, { action: 'extend', reason: '需采购配件', until: '2026-10-20T17:00:00+08:00' });
    // the review date starts at the first working period (08:30); the extension review has 4 working hours
    await w.at('2026-09-29T08:31:00+08:00');
    await sweep();
    expect(await types(parked.id)).toContain('park_review_due');
    const notes = (await s.request({ method: 'GET', url: `/api/notifications?caseId=${parked.id}`, token: w.tok.community })).json();
    expect(notes.items.some((n: { kind: string }) => n.kind === 'case.park_review')).toBe(true);
    const d = await detail(ext.id);
    expect(d.deadlines.find((x: { kind: string }) => x.kind === 'extension_review').state).toBe('missed');
    // a late approval still applies
    const approved = await api.ok(ext.id, w.tok.community, { action: 'approve_extension' });
    expect(approved.handleDueAt).toBe(new Date('2026-10-20T17:00:00+08:00').toISOString());
  });

  it('the sweeper is a registered scheduled task that runs when due', async () => {
    await w.at('2026-09-22T09:00:00+08:00');
    const c = await api.newCase();
    await w.at('2026-09-22T10:01:00+08:00');
    await s.platform.db.updateTable('scheduled_task').set({ next_run_at: new Date('2000-01-01') }).where('name', '=', SWEEP_TASK).execute();
    const ran = await s.scheduler.runDue();
    expect(ran).toContain(SWEEP_TASK);
    expect((await detail(c.id)).overdue).toBe(true);
  });
});
