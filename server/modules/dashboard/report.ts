import ExcelJS from 'exceljs';
import { requireUser } from '../../platform/access/index.ts';
import { readerOf, type Ctx } from '../../platform/context.ts';
import { t } from '../../platform/i18n/index.ts';
import { orgMetrics, type MetricLevel } from '../metrics/service.ts';
import { summary } from './service.ts';

const LEVELS: MetricLevel[] = ['street', 'community', 'department', 'property'];
const PERCENT = '0.0%';

/**
 * The monthly report for superiors: an overview sheet, one ranking sheet per level of child
 * organisation that has any (composite score and the three rates), and the month's intake by day,
 * category, channel, progress and hot spot. Built in memory: it is a few hundred rows at most.
 * Everything is read from the replica (summary and orgMetrics route their own reads).
 */
export async function monthlyReport(ctx: Ctx, month: string): Promise<Buffer> {
  const user = requireUser(ctx);
  const s = await summary(ctx, month);
  const L = (key: string, params: Record<string, string | number> = {}) => t(ctx.lang, `dashboard.${key}`, params);
  const org = (await readerOf(ctx).selectFrom('org').select('name').where('id', '=', user.orgId).executeTakeFirst())?.name ?? L('all');
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Linli';
  wb.created = ctx.platform.clock.now();

  const sheet = (name: string, header: string[], widths: number[]) => {
    const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.addRow(header).font = { bold: true };
    ws.columns = widths.map((width) => ({ width }));
    return ws;
  };

  const overview = wb.addWorksheet(L('report.overview'));
  overview.columns = [{ width: 28 }, { width: 14 }];
  overview.addRow([L('report.title', { org, month })]).font = { bold: true, size: 14 };
  overview.addRow([L('report.generated', { at: ctx.platform.clock.now().toISOString().slice(0, 16).replace('T', ' ') + ' UTC' })]);
  overview.addRow([]);
  overview.addRow([L('report.item'), L('report.value')]).font = { bold: true };
  for (const k of ['intake', 'closed', 'rejected', 'merged', 'open', 'overdue', 'atRisk'] as const) overview.addRow([L(`report.${k}`), s.totals[k]]);

  for (const level of LEVELS) {
    const rows = await orgMetrics(ctx, month, level);
    if (!rows.length) continue;
    const ws = sheet(L(`report.ranking_${level}`), ['rank', 'name', 'intakeCol', 'responseRate', 'resolutionRate', 'satisfactionRate', 'onTimeRate', 'overdueCol', 'score'].map((k) => L(`report.${k}`)), [8, 30, 10, 12, 12, 12, 12, 10, 12]);
    for (const r of rows) ws.addRow([r.rank, r.name, r.intake, r.responseRate, r.resolutionRate, r.satisfactionRate, r.onTimeRate, r.overdue, r.score]);
    for (const c of [4, 5, 6, 7]) ws.getColumn(c).numFmt = PERCENT;
  }

  const table = (name: string, header: string[], widths: number[], rows: (string | number)[][]) => {
    const ws = sheet(name, header, widths);
    for (const r of rows) ws.addRow(r);
  };
  table(L('report.byDay'), [L('report.day'), L('report.count')], [14, 10], s.byDay.map((d) => [d.day, d.n]));
  table(L('report.byCategory'), [L('report.category'), L('report.count')], [24, 10], s.byCategory.map((c) => [c.name, c.n]));
  table(L('report.byChannel'), [L('report.channel'), L('report.count')], [18, 10], s.byChannel.map((c) => [L(`channel.${c.channel}`), c.n]));
  table(L('report.funnel'), [L('report.step'), L('report.count')], [14, 10], s.funnel.map((f) => [L(`step.${f.step}`), f.n]));
  table(L('report.hotspots'), [L('report.compound'), L('report.count'), L('report.openCol')], [28, 10, 10], s.hotspots.map((h) => [h.name, h.n, h.open]));
  return Buffer.from(await wb.xlsx.writeBuffer());
}
