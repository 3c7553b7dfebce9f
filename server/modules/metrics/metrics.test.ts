import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/harness.ts';
import { caseApi, caseWorld, type CaseWorld } from '../cases/testing.ts';
import { FOLD_TASK, rebuildMetrics } from './service.ts';

let s: TestServer;
let w: CaseWorld;
let api: ReturnType<typeof caseApi>;

// A hand-computed fixture in June 2025 (before any demo history), all in the first community,
// all routed to the district's urban-management bureau (the `dept` account):
//   A, B reported on Tuesday 3 June, C, D, E on Wednesday 4 June
//   A  on time all the way, rated satisfied, resolved
//   B  on time, rated basically satisfied, not resolved
//   C  accepted 3 h after dispatch (response limit 2 working hours: late), rated dissatisfied, not resolved
//   D  returned by the department
//   E  grid patrol report rejected as invalid
// community: intake 5; response 2/3; resolution 1/3; satisfaction (1+1+0)/3 = 2/3 (weights 1, 1, 0)
//   score = 100 × (0.10 × 2/3 + 0.45 × 1/3 + 0.45 × 2/3) = 51.67
// department: intake (assigned) 4; response 2/3; returns 1/4; the same three evaluations
beforeAll(async () => {
  s = await startTestServer({ clock: '2025-06-03T09:00:00+08:00' });
  w = await caseWorld(s);
  api = caseApi(w);
  const path = async (id: string, satisfaction: string, resolved: boolean, lateAccept = false) => {
    await api.ok(id, w.tok.community, { action: 'register' });
    await api.ok(id, w.tok.community, { action: 'dispatch' });
    if (lateAccept) await w.at(new Date(s.clock.now().getTime() + 3 * 3_600_000).toISOString());
    await api.ok(id, w.tok.dept, { action: 'accept' });
    await api.ok(id, w.tok.dept, { action: 'handle', note: '已处理' });
    await api.ok(id, w.tok.grid, { action: 'verify', passed: true });
    await api.ok(id, w.tok.community, { action: 'close' });
    await api.ok(id, w.tok.community, { action: 'evaluate', satisfaction, resolved });
  };
  const [a, b] = [await api.newCase(), await api.newCase()];
  await path(a.id, 'satisfied', true);
  await path(b.id, 'basically_satisfied', false);
  await w.at('2025-06-04T09:00:00+08:00');
  const [c, d] = [await api.newCase(), await api.newCase()];
  await api.ok(d.id, w.tok.community, { action: 'register' });
  await api.ok(d.id, w.tok.community, { action: 'dispatch' });
  await api.ok(d.id, w.tok.dept, { action: 'return', reason: '不属于本单位' });
  await path(c.id, 'dissatisfied', false, true);
  const e = await api.intake(w.tok.grid, { description: '巡查上报', channel: 'grid_patrol', category: 'sanitation.exposed_garbage' });
  await api.ok(e.json().id, w.tok.community, { action: 'reject', reason: '现场无此问题' });
});
afterAll(() => s.close());

const orgs = async (token: string, level: string, period = '2025-06') => {
  const r = await s.request({ method: 'GET', url: `/api/metrics/orgs?period=${period}&level=${level}`, token });
  expect(r.statusCode, r.body).toBe(200);
  return r.json() as Record<string, number | string | null>[];
};

describe('metrics', () => {
  it('community numbers match the hand computation', async () => {
    const rows = await orgs(w.tok.street, 'community');
    const mine = rows.find((r) => r.orgId === w.org.community)!;
    expect(mine).toEqual(expect.objectContaining({
      intake: 5, responseRate: 0.6667, resolutionRate: 0.3333, satisfactionRate: 0.6667, onTimeRate: 1,
      registrationOnTimeRate: 1, accurateDispatchRate: 0.75, returnRate: 0.25, reworkRate: 0, closingOnTimeRate: 1, score: 51.67, rank: 1, evaluated: 3, avgHandlingHours: 1, overdue: 0,
    }));
    // the other communities of the street have no numbers: no score, no rank
    expect(rows.filter((r) => r.orgId !== w.org.community).every((r) => r.score === null && r.rank === null)).toBe(true);
  });

  it('department numbers and ranking among departments', async () => {
    const rows = await orgs(w.tok.district, 'department');
    const dept = rows.find((r) => r.orgId === w.org.dept)!;
    expect(dept).toEqual(expect.objectContaining({ intake: 4, responseRate: 0.6667, returnRate: 0.25, resolutionRate: 0.3333, satisfactionRate: 0.6667, rank: 1 }));
    // a department sees only itself
    expect((await orgs(w.tok.dept, 'department')).map((r) => r.orgId)).toEqual([w.org.dept]);
  });

  it('periods: a day, an ISO week, a quarter; nothing in another month', async () => {
    expect((await orgs(w.tok.street, 'community', '2025-06-03')).find((r) => r.orgId === w.org.community)!.intake).toBe(2);
    expect((await orgs(w.tok.street, 'community', '2025-06-04')).find((r) => r.orgId === w.org.community)!.responseRate).toBe(0);
    expect((await orgs(w.tok.street, 'community', '2025-W23')).find((r) => r.orgId === w.org.community)!.intake).toBe(5);
    expect((await orgs(w.tok.street, 'community', '2025-Q2')).find((r) => r.orgId === w.org.community)!.score).toBe(51.67);
    expect((await orgs(w.tok.street, 'community', '2025-05')).find((r) => r.orgId === w.org.community)!.intake).toBe(0);
    expect((await s.request({ method: 'GET', url: '/api/metrics/orgs?period=June&level=community', token: w.tok.street })).statusCode).toBe(400);
  });

  it('grid workers: valid reports and on-time verification', async () => {
    const r = (await s.request({ method: 'GET', url: '/api/metrics/grid-workers?period=2025-06', token: w.tok.community })).json();
    const g = r.find((x: { gridId: string }) => x.gridId === w.gridId);
    expect(g).toEqual(expect.objectContaining({ reports: 1, validReportRate: 0, verifications: 3, verificationOnTimeRate: 1 }));
  });

  it('folding the deltas into the daily rollup changes no number; a rebuild from the events gives the same', async () => {
    const before = await orgs(w.tok.street, 'community');
    const pending = await s.platform.db.selectFrom('metric_delta').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    expect(Number(pending.n)).toBeGreaterThan(0);
    await s.scheduler.runNow(FOLD_TASK);
    expect(Number((await s.platform.db.selectFrom('metric_delta').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)).toBe(0);
    expect(await orgs(w.tok.street, 'community')).toEqual(before);
    const daily = await s.platform.db.selectFrom('metric_daily').selectAll().where('day', '>=', '2025-06-01').where('day', '<=', '2025-06-30').orderBy('subject_id').orderBy('day').orderBy('metric').execute();
    await s.platform.db.updateTable('metric_daily').set({ n: 999 }).where('day', '=', '2025-06-03').execute();
    const r = await rebuildMetrics(s.platform, '2025-06-01', '2025-06-30');
    expect(r.events).toBeGreaterThan(0);
    const rebuilt = await s.platform.db.selectFrom('metric_daily').selectAll().where('day', '>=', '2025-06-01').where('day', '<=', '2025-06-30').orderBy('subject_id').orderBy('day').orderBy('metric').execute();
    expect(rebuilt).toEqual(daily);
    expect(await orgs(w.tok.street, 'community')).toEqual(before);
  });

  it('administrators set the weights; the score follows', async () => {
    expect((await s.request({ method: 'PUT', url: '/api/metrics/weights', token: w.tok.street, payload: { satisfaction: { satisfied: 1, basically_satisfied: 0.5, dissatisfied: 0 } } })).statusCode).toBe(403);
    const bad = await s.request({ method: 'PUT', url: '/api/metrics/weights', token: w.tok.admin, payload: { score: { response: 0.5, resolution: 0.5, satisfaction: 0.5 } } });
    expect(bad.statusCode).toBe(400);
    const ok = await s.request({ method: 'PUT', url: '/api/metrics/weights', token: w.tok.admin, payload: { satisfaction: { satisfied: 1, basically_satisfied: 0.5, dissatisfied: 0 } } });
    expect(ok.statusCode).toBe(200);
    const mine = (await orgs(w.tok.street, 'community')).find((r) => r.orgId === w.org.community)!;
    expect(mine.satisfactionRate).toBe(0.5);
    // 100 × (0.1 × 2/3 + 0.45 × 1/3 + 0.45 × 0.5) = 44.17
    expect(mine.score).toBe(44.17);
  });

  it('metrics need the permission', async () => {
    expect((await s.request({ method: 'GET', url: '/api/metrics/orgs?period=2025-06&level=community', token: w.tok.grid })).statusCode).toBe(403);
    expect((await orgs(w.tok.leader, 'street')).length).toBeGreaterThan(0);
  });
});
