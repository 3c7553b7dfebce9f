import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/harness.ts';
import { caseApi, caseWorld, type CaseWorld } from '../cases/testing.ts';
import { SWEEP_TASK } from '../cases/sweeper.ts';

let s: TestServer;
let w: CaseWorld;
let api: ReturnType<typeof caseApi>;

const get = (token: string, url: string) => s.request({ method: 'GET', url, token });
const dash = async (token: string, period: string) => {
  const r = await get(token, `/api/dashboard?period=${period}`);
  expect(r.statusCode, r.body).toBe(200);
  return r.json();
};

// July 2025 lies before the demo history (which ends at the template's build time): the period's
// numbers are only this file's cases. The "now" numbers (open, overdue, by grid) include demo cases
// that are still open, so those are checked as differences.
beforeAll(async () => {
  s = await startTestServer({ clock: '2025-07-01T09:00:00+08:00' });
  w = await caseWorld(s);
  api = caseApi(w);
});
afterAll(() => s.close());

describe('dashboard', () => {
  it('counts the period by day, category, channel and progress, for the caller’s scope only', async () => {
    const before = await dash(w.tok.community, '2025-07');
    expect(before.totals.intake).toBe(0);
    expect(before.byDay).toHaveLength(31);
    // Tuesday 1 July: two walk-in street lights, one dispatched; Wednesday 2 July: a grid report taken to closure
    await api.newCase();
    await api.caseAt('dispatched');
    await w.at('2025-07-02T09:00:00+08:00');
    await api.caseAt('evaluated', { channel: 'grid_patrol', category: 'sanitation.exposed_garbage', description: '路边垃圾堆放' });

    const d = await dash(w.tok.community, '2025-07');
    expect(d.from).toBe('2025-07-01');
    expect(d.to).toBe('2025-07-31');
    expect(d.totals).toMatchObject({ intake: 3, closed: 1, rejected: 0, merged: 0 });
    expect(d.byDay.slice(0, 3)).toEqual([{ day: '2025-07-01', n: 2 }, { day: '2025-07-02', n: 1 }, { day: '2025-07-03', n: 0 }]);
    expect(d.byCategory).toEqual([expect.objectContaining({ code: 'facilities', n: 2 }), expect.objectContaining({ code: 'sanitation', n: 1 })]);
    expect(d.byCategory[0].name).not.toBe('facilities');
    expect(d.byChannel).toEqual([{ channel: 'walk_in', n: 2 }, { channel: 'grid_patrol', n: 1 }]);
    expect(Object.fromEntries(d.funnel.map((f: { step: string; n: number }) => [f.step, f.n]))).toEqual({
      reported: 3, registered: 2, dispatched: 2, accepted: 1, handled: 1, verified: 1, closed: 1, evaluated: 1,
    });
    // the three cases are in one building's compound (hot spot) and grid
    expect(d.hotspots[0]).toMatchObject({ n: 3, open: 2 });
    expect(d.openByGrid.find((g: { gridId: string }) => g.gridId === w.gridId).open).toBe((before.openByGrid.find((g: { gridId: string }) => g.gridId === w.gridId)?.open ?? 0) + 2);

    // a day, an ISO week, a quarter
    expect((await dash(w.tok.community, '2025-07-02')).totals.intake).toBe(1);
    expect((await dash(w.tok.community, '2025-W27')).totals.intake).toBe(3);
    expect((await dash(w.tok.community, '2025-Q3')).byDay).toHaveLength(92);
    // the street sees its community's cases, the neighbouring community none, the department what it was given
    expect((await dash(w.tok.street, '2025-07')).totals.intake).toBe(3);
    expect((await dash(w.tok.community2, '2025-07')).totals.intake).toBe(0);
    expect((await dash(w.tok.dept, '2025-07')).totals.intake).toBe(2);
    // the names follow the caller's language
    const en = await s.request({ method: 'GET', url: '/api/dashboard?period=2025-07', token: w.tok.community, headers: { 'accept-language': 'en' } });
    expect(en.json().byCategory[0].name).toMatch(/^[A-Za-z]/);
  });

  it('open work now: at risk after the warning point, overdue after the deadline', async () => {
    await w.at('2025-07-03T16:00:00+08:00'); // Thursday
    const before = await dash(w.tok.community, '2025-07');
    const c = await api.newCase();
    // registration: 1 working hour → 17:00, warned at 16:48
    await w.at('2025-07-03T16:50:00+08:00');
    await s.scheduler.runNow(SWEEP_TASK);
    const risk = await dash(w.tok.community, '2025-07');
    expect(risk.totals.open).toBe(before.totals.open + 1);
    expect(risk.totals.atRisk).toBe(before.totals.atRisk + 1);
    // the case's deadline passes through the levels until it is overdue
    for (const at of ['2025-07-03T17:01:00+08:00', '2025-07-04T17:01:00+08:00', '2025-07-07T17:01:00+08:00', '2025-07-08T17:01:00+08:00']) {
      await w.at(at);
      await s.scheduler.runNow(SWEEP_TASK);
    }
    const detail = (await api.get(c.id, w.tok.admin)).json();
    expect(detail.overdue).toBe(true);
    const late = await dash(w.tok.street, '2025-07');
    expect(late.overdueCases.map((x: { caseNo: string }) => x.caseNo)).toContain(c.caseNo);
    const listed = (await get(w.tok.street, '/api/cases?overdue=true&status=reported,registered,dispatched,accepted,handled,verified,parked&limit=200')).json();
    expect(late.totals.overdue).toBe(listed.items.length);
  });

  it('who may read it, and bad input', async () => {
    // a grid worker reads cases but not metrics
    expect((await get(w.tok.grid, '/api/dashboard?period=2025-07')).statusCode).toBe(403);
    expect((await get(w.tok.grid, '/api/dashboard/report.xlsx?month=2025-07')).statusCode).toBe(403);
    const bad = await get(w.tok.community, '/api/dashboard?period=2025-13');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields.period).toBeTruthy();
    expect((await get(w.tok.community, '/api/dashboard?period=July')).statusCode).toBe(400);
    expect((await get(w.tok.community, '/api/dashboard/report.xlsx?month=2025-7')).statusCode).toBe(400);
  });

  it('the monthly report: overview and rankings of the child organisations', async () => {
    const r = await get(w.tok.street, '/api/dashboard/report.xlsx?month=2025-07');
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(r.rawPayload as never);
    const names = wb.worksheets.map((ws) => ws.name);
    expect(names).toEqual(expect.arrayContaining(['概况', '社区排名', '部门排名', '每日受理', '按类别', '按来源', '办理进度', '热点小区']));
    const overview = wb.getWorksheet('概况')!;
    expect(String(overview.getCell('A1').value)).toContain('2025-07');
    const intakeRow = overview.getRows(1, overview.rowCount)!.find((row) => row.getCell(1).value === '本月受理')!;
    expect(intakeRow.getCell(2).value).toBe(4);
    // the community with the cases ranks first, with its score
    const ranking = wb.getWorksheet('社区排名')!;
    expect(ranking.getRow(1).getCell(1).value).toBe('名次');
    expect(ranking.getRow(2).getCell(1).value).toBe(1);
    expect(ranking.getRow(2).getCell(3).value).toBe(4);
    expect(typeof ranking.getRow(2).getCell(9).value).toBe('number');
    // English headings for an English reader
    const en = await s.request({ method: 'GET', url: '/api/dashboard/report.xlsx?month=2025-07', token: w.tok.street, headers: { 'accept-language': 'en' } });
    const wbEn = new ExcelJS.Workbook();
    await wbEn.xlsx.load(en.rawPayload as never);
    expect(wbEn.worksheets.map((ws) => ws.name)).toContain('Communities');
  });
});
