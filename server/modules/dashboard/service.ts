import { sql } from 'kysely';
import { requirePermission, scopeOf } from '../../platform/access/index.ts';
import { readerOf, type Ctx } from '../../platform/context.ts';
import { invalid } from '../../platform/errors.ts';
import { periodRange } from '../cases/service.ts';
import { caseVisible, type CaseEB } from '../cases/store.ts';
import { addDays } from '../cases/worktime.ts';

/** States a case has left the loop in; every other state is open work. */
export const FINISHED = ['closed', 'evaluated', 'rejected', 'merged'] as const;
/** The funnel's steps: how far the cases reported in the period got, by the time stamp each step sets. */
const FUNNEL = [
  ['reported', 'reported_at'],
  ['registered', 'registered_at'],
  ['dispatched', 'dispatched_at'],
  ['accepted', 'accepted_at'],
  ['handled', 'handled_at'],
  ['verified', 'verified_at'],
  ['closed', 'closed_at'],
  ['evaluated', 'evaluated_at'],
] as const;
const HOTSPOTS = 10;
const OVERDUE_LIST = 20;

type Named = { code: string; name: string; n: number };

function request(ctx: Ctx, period: string) {
  // the dashboard counts cases: it needs both the metrics and the case reading permission
  requirePermission(ctx, 'metrics.read');
  requirePermission(ctx, 'case.read');
  const range = periodRange(period, ctx.platform.config.timeZone);
  if (!range) throw invalid('period', 'validation.pattern');
  const scope = scopeOf(ctx);
  return { range, visible: (eb: CaseEB) => caseVisible(eb, scope) };
}

const nameColumn = (ctx: Ctx) => (ctx.lang === 'en' ? 'name_en' : ctx.lang === 'zh-TW' ? 'name_zh_tw' : 'name_zh_cn');

/**
 * The command centre's numbers for the caller's scope: what came in during the period (by day, top
 * category, channel, how far it got, where it clusters) and the open work now (overdue, at risk, by
 * grid). One pass per grouping over the scoped cases; the period's cases are found by reported_at.
 * Read from the replica (readerOf): a command centre can be a second behind.
 */
export async function summary(ctx: Ctx, period: string) {
  const { range, visible } = request(ctx, period);
  const tz = ctx.platform.config.timeZone;
  const now = ctx.platform.clock.now();
  const reader = readerOf(ctx);
  const inPeriod = () => reader.selectFrom('cases as c').where(visible).where('c.reported_at', '>=', range.from).where('c.reported_at', '<', range.to);
  const open = () => reader.selectFrom('cases as c').where(visible).where('c.status', 'not in', [...FINISHED]);

  const [byDayRows, byCategoryRows, byChannelRows, funnelRow, statusRows, hotRows, openTotals, atRiskRow, byGridRows, overdueRows] = await Promise.all([
    inPeriod()
      .select([sql<string>`to_char(c.reported_at AT TIME ZONE ${tz}, 'YYYY-MM-DD')`.as('day'), sql<number>`count(*)::int`.as('n')])
      .groupBy(sql`1`)
      .execute(),
    inPeriod()
      .leftJoin('taxonomy as t', 't.code', 'c.category_top')
      .select(['c.category_top as code', sql<string | null>`max(t.${sql.ref(nameColumn(ctx))})`.as('name'), sql<number>`count(*)::int`.as('n')])
      .groupBy('c.category_top')
      .orderBy(sql`count(*)`, 'desc')
      .execute(),
    inPeriod().select(['c.channel', sql<number>`count(*)::int`.as('n')]).groupBy('c.channel').orderBy(sql`count(*)`, 'desc').execute(),
    inPeriod()
      .select(FUNNEL.map(([step, col]) => sql<number>`count(${sql.ref(`c.${col}`)})::int`.as(step)))
      .executeTakeFirstOrThrow(),
    inPeriod().select(['c.status', sql<number>`count(*)::int`.as('n')]).groupBy('c.status').execute(),
    inPeriod()
      .innerJoin('compound as p', 'p.id', 'c.compound_id')
      .select(['p.id', 'p.name', sql<number>`count(*)::int`.as('n'), sql<number>`count(*) FILTER (WHERE c.status <> ALL(${[...FINISHED]}::text[]))::int`.as('open')])
      .groupBy(['p.id', 'p.name'])
      .orderBy(sql`count(*)`, 'desc')
      .orderBy('p.name')
      .limit(HOTSPOTS)
      .execute(),
    open().select([sql<number>`count(*)::int`.as('open'), sql<number>`count(*) FILTER (WHERE c.overdue)::int`.as('overdue')]).executeTakeFirstOrThrow(),
    // at risk: an open handling deadline past its warning point and not yet missed
    open()
      .where('c.overdue', '=', false)
      .where((eb) =>
        eb.exists(
          eb.selectFrom('case_deadline as d').select('d.id').whereRef('d.case_id', '=', 'c.id').where('d.state', '=', 'open').where('d.warn_at', '<=', now).where('d.due_at', '>', now),
        ),
      )
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow(),
    open()
      .where('c.grid_id', 'is not', null)
      .select(['c.grid_id', sql<number>`count(*)::int`.as('open'), sql<number>`count(*) FILTER (WHERE c.overdue)::int`.as('overdue')])
      .groupBy('c.grid_id')
      .execute(),
    open()
      .where('c.overdue', '=', true)
      .leftJoin('org as o', 'o.id', 'c.assigned_org_id')
      .select(['c.id', 'c.case_no', 'c.title', 'c.status', 'c.handle_due_at', 'o.name as org_name'])
      .orderBy('c.handle_due_at', 'asc')
      .orderBy('c.id')
      .limit(OVERDUE_LIST)
      .execute(),
  ]);

  // every day of the period, zero where nothing came in
  const counts = new Map(byDayRows.map((r) => [r.day, r.n]));
  const byDay: { day: string; n: number }[] = [];
  for (let d = range.days[0]; d <= range.days[1]; d = addDays(d, 1)) byDay.push({ day: d, n: counts.get(d) ?? 0 });
  const statuses = Object.fromEntries(statusRows.map((r) => [r.status, r.n]));
  const intake = byDay.reduce((s, d) => s + d.n, 0);

  return {
    period,
    from: range.days[0],
    to: range.days[1],
    totals: {
      intake,
      closed: (statuses.closed ?? 0) + (statuses.evaluated ?? 0),
      rejected: statuses.rejected ?? 0,
      merged: statuses.merged ?? 0,
      open: openTotals.open,
      overdue: openTotals.overdue,
      atRisk: atRiskRow.n,
    },
    byDay,
    byCategory: byCategoryRows.map((r): Named => ({ code: r.code, name: r.name ?? r.code, n: r.n })),
    byChannel: byChannelRows.map((r) => ({ channel: r.channel, n: r.n })),
    funnel: FUNNEL.map(([step]) => ({ step, n: (funnelRow as Record<string, number>)[step] })),
    hotspots: hotRows.map((r) => ({ compoundId: r.id, name: r.name, n: r.n, open: r.open })),
    openByGrid: byGridRows.map((r) => ({ gridId: r.grid_id!, open: r.open, overdue: r.overdue })),
    overdueCases: overdueRows.map((r) => ({ id: r.id, caseNo: r.case_no, title: r.title, status: r.status, orgName: r.org_name, dueAt: r.handle_due_at ? new Date(r.handle_due_at).toISOString() : null })),
  };
}
