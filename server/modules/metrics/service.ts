import { sql } from 'kysely';
import type { Executor } from '../../db/index.ts';
import { inScope, requirePermission, scopeOf } from '../../platform/access/index.ts';
import { audit } from '../../platform/audit/index.ts';
import { inTransaction, readerOf, type Ctx, type Platform } from '../../platform/context.ts';
import { invalid } from '../../platform/errors.ts';
import { getConfig, invalidateConfig, type CasesConfig } from '../cases/config.ts';
import { periodRange } from '../cases/service.ts';
import { addDays, fromLocal } from '../cases/worktime.ts';
import { deltasFor, type EventFacts } from './deltas.ts';

export const FOLD_TASK = 'metrics.fold';

/** Moves appended deltas into the per-subject per-day rollup; one process at a time (scheduler). */
export async function foldDeltas(db: Executor, batch = 20_000): Promise<number> {
  let total = 0;
  for (;;) {
    const r = await sql<{ n: number }>`
      WITH moved AS (
        DELETE FROM metric_delta WHERE id IN (SELECT id FROM metric_delta ORDER BY id LIMIT ${batch} FOR UPDATE SKIP LOCKED)
        RETURNING subject_id, day, metric, n
      ), summed AS (
        INSERT INTO metric_daily (subject_id, day, metric, n)
        SELECT subject_id, day, metric, sum(n) FROM moved GROUP BY subject_id, day, metric
        ON CONFLICT (subject_id, day, metric) DO UPDATE SET n = metric_daily.n + excluded.n
        RETURNING 1
      )
      SELECT (SELECT count(*) FROM moved)::int AS n`.execute(db);
    const n = r.rows[0]?.n ?? 0;
    total += n;
    if (n < batch) return total;
  }
}

/** Counters per subject over [firstDay, lastDay]: the rollup plus deltas not yet folded. */
export async function countsFor(db: Executor, subjects: string[], firstDay: string, lastDay: string) {
  const out = new Map<string, Record<string, number>>();
  if (!subjects.length) return out;
  const rows = await sql<{ subject_id: string; metric: string; n: number }>`
    SELECT subject_id, metric, sum(n)::float8 AS n FROM (
      SELECT subject_id, metric, n FROM metric_daily WHERE subject_id = ANY(${subjects}::uuid[]) AND day BETWEEN ${firstDay}::date AND ${lastDay}::date
      UNION ALL
      SELECT subject_id, metric, n FROM metric_delta WHERE subject_id = ANY(${subjects}::uuid[]) AND day BETWEEN ${firstDay}::date AND ${lastDay}::date
    ) x GROUP BY subject_id, metric`.execute(db);
  for (const r of rows.rows) {
    const m = out.get(r.subject_id) ?? {};
    m[r.metric] = Number(r.n);
    out.set(r.subject_id, m);
  }
  return out;
}

const rate = (num: number | undefined, den: number | undefined) => (den ? (num ?? 0) / den : null);
const round = (x: number | null, d = 4) => (x === null ? null : Math.round(x * 10 ** d) / 10 ** d);

/** Every rate of one subject from its counters (definitions in docs/case-workflow.md). */
export function ratesOf(c: Record<string, number>, cfg: Pick<CasesConfig, 'satisfactionWeights' | 'scoreWeights'>, kind: 'region' | 'handler') {
  const sw = cfg.satisfactionWeights;
  const evaluated = c.evaluated ?? 0;
  const satisfaction = evaluated
    ? ((c.sat_satisfied ?? 0) * sw.satisfied + (c.sat_basically_satisfied ?? 0) * sw.basically_satisfied + (c.sat_dissatisfied ?? 0) * sw.dissatisfied) / evaluated
    : null;
  const dispatchedBase = kind === 'region' ? c.dispatched : c.assigned;
  const r = {
    intake: kind === 'region' ? c.intake ?? 0 : c.assigned ?? 0,
    responseRate: rate(c.response_on_time, c.response_total),
    resolutionRate: rate(c.resolved, evaluated),
    satisfactionRate: satisfaction,
    onTimeRate: rate(c.handled_on_time, c.handled),
    registrationOnTimeRate: rate(c.registered_on_time, c.registered),
    accurateDispatchRate: kind === 'region' && c.dispatched ? 1 - (c.returned ?? 0) / c.dispatched : null,
    closingOnTimeRate: rate(c.closed_on_time, c.closed),
    reworkRate: rate(c.reworked, c.handled),
    returnRate: rate(c.returned, dispatchedBase),
    overdue: c.overdue ?? 0,
    avgHandlingHours: c.handled ? round((c.handle_seconds ?? 0) / c.handled / 3600, 2) : null,
    whistleCheckinRate: rate(c.whistle_checkins_on_time, c.whistle_calls),
    evaluated,
  };
  // the composite: weights over the rates that exist, renormalised (no data ≠ zero)
  const w = cfg.scoreWeights;
  const parts = [[w.response, r.responseRate], [w.resolution, r.resolutionRate], [w.satisfaction, r.satisfactionRate]].filter((p): p is [number, number] => p[1] !== null);
  const wsum = parts.reduce((s, [x]) => s + x, 0);
  const score = wsum > 0 ? round((parts.reduce((s, [x, v]) => s + x * v, 0) / wsum) * 100, 2) : null;
  return { ...r, responseRate: round(r.responseRate), resolutionRate: round(r.resolutionRate), satisfactionRate: round(r.satisfactionRate), onTimeRate: round(r.onTimeRate),
    registrationOnTimeRate: round(r.registrationOnTimeRate), accurateDispatchRate: round(r.accurateDispatchRate), closingOnTimeRate: round(r.closingOnTimeRate),
    reworkRate: round(r.reworkRate), returnRate: round(r.returnRate), whistleCheckinRate: round(r.whistleCheckinRate), score };
}

const LEVEL_KIND = { street: 'street_office', community: 'community_committee', department: 'department', property: 'property_company' } as const;
export type MetricLevel = keyof typeof LEVEL_KIND;

/** Who may read metrics, where, and which days a period covers. */
function metricsRequest(ctx: Ctx, period: string) {
  requirePermission(ctx, 'metrics.read');
  const r = periodRange(period, ctx.platform.config.timeZone);
  if (!r) throw invalid('period', 'validation.pattern');
  return { days: r.days, scope: scopeOf(ctx) };
}

/**
 * Organisations of one level in the caller's scope, with their numbers for the period, ranked by
 * score. Read from the replica (readerOf): the rollup and the deltas not yet folded on the same
 * handle, so a ranking is at most the replica's lag behind. The weights come from the primary: the
 * configuration cache must not keep a value the replica has not caught up with yet.
 */
export async function orgMetrics(ctx: Ctx, period: string, level: MetricLevel) {
  const { days, scope } = metricsRequest(ctx, period);
  const reader = readerOf(ctx);
  const orgs = await reader
    .selectFrom('org as o')
    .leftJoin('region as rg', 'rg.id', 'o.region_id')
    .select(['o.id', 'o.name'])
    .where('o.kind', '=', LEVEL_KIND[level])
    .where('o.active', '=', true)
    .where((eb) => inScope(eb, scope, { regionOf: 'rg', assignedTo: (orgId) => eb('o.id', '=', orgId) }))
    .orderBy('o.name')
    .execute();
  const cfg = await getConfig(ctx.platform, ctx.db);
  const counts = await countsFor(reader, orgs.map((o) => o.id), days[0], days[1]);
  const kind = level === 'street' || level === 'community' ? 'region' : 'handler';
  const rows = orgs.map((o) => ({ orgId: o.id, name: o.name, ...ratesOf(counts.get(o.id) ?? {}, cfg, kind) }));
  // standard competition ranking (1, 2, 2, 4); no score ranks last
  const sorted = [...rows].sort((a, b) => (b.score ?? -1) - (a.score ?? -1));
  return sorted.map((r) => ({ ...r, rank: r.score === null ? null : 1 + sorted.filter((x) => (x.score ?? -1) > r.score!).length }));
}

/** Grid workers' valid-report and on-time verification rates (read like orgMetrics, from the replica). */
export async function gridWorkerMetrics(ctx: Ctx, period: string) {
  const { days, scope } = metricsRequest(ctx, period);
  const reader = readerOf(ctx);
  const users = await reader
    .selectFrom('app_user as u')
    .innerJoin('region as rg', 'rg.id', 'u.grid_id')
    .select(['u.id', 'u.display_name', 'u.grid_id'])
    .where((eb) => inScope(eb, scope, { regionOf: 'rg' }))
    .orderBy('u.display_name')
    .execute();
  const counts = await countsFor(reader, users.map((u) => u.id), days[0], days[1]);
  return users.map((u) => {
    const c = counts.get(u.id) ?? {};
    return {
      userId: u.id, name: u.display_name, gridId: u.grid_id!, reports: c.grid_reports ?? 0, validReportRate: c.grid_reports ? round(1 - (c.grid_rejected ?? 0) / c.grid_reports) : null,
      verifications: c.verified ?? 0, verificationOnTimeRate: round(rate(c.verified_on_time, c.verified)),
    };
  });
}

/**
 * Recomputes the rollups of [firstDay, lastDay] from the case events alone and replaces them: proof
 * that the numbers are reproducible, and the repair tool if a rollup were ever damaged.
 */
export async function rebuildMetrics(platform: Platform, firstDay: string, lastDay: string) {
  const tz = platform.config.timeZone;
  const from = fromLocal(firstDay, 0, tz);
  const to = fromLocal(addDays(lastDay, 1), 0, tz);
  // one snapshot: events committed meanwhile keep their deltas in metric_delta and are counted from there
  return platform.db.transaction().setIsolationLevel('repeatable read').execute(async (trx) => {
    await sql`LOCK TABLE metric_daily IN EXCLUSIVE MODE`.execute(trx);
    await foldDeltas(trx);
    await trx.deleteFrom('metric_daily').where('day', '>=', firstDay).where('day', '<=', lastDay).execute();
    const totals = new Map<string, { subject: string; day: string; metric: string; n: number }>();
    let after: { at: Date; id: string } | null = null;
    let events = 0;
    for (;;) {
      let q = trx.selectFrom('case_event').select(['id', 'at', 'type', 'data']).where('at', '>=', from).where('at', '<', to).orderBy('at').orderBy('id').limit(5000);
      if (after) {
        const a = after;
        q = q.where((eb) => eb.or([eb('at', '>', a.at), eb.and([eb('at', '=', a.at), eb('id', '>', a.id)])]));
      }
      const rows = await q.execute();
      for (const e of rows) {
        for (const d of deltasFor(e.type, new Date(e.at), e.data as EventFacts, tz)) {
          const k = `${d.subject}|${d.day}|${d.metric}`;
          const t = totals.get(k);
          if (t) t.n += d.n;
          else totals.set(k, { ...d });
        }
      }
      events += rows.length;
      if (rows.length < 5000) break;
      after = { at: new Date(rows[rows.length - 1].at), id: rows[rows.length - 1].id };
    }
    const values = [...totals.values()].map((t) => ({ subject_id: t.subject, day: t.day, metric: t.metric, n: t.n }));
    for (let i = 0; i < values.length; i += 1000) await trx.insertInto('metric_daily').values(values.slice(i, i + 1000)).execute();
    return { events, rows: values.length };
  });
}

export async function getWeights(ctx: Ctx) {
  requirePermission(ctx, 'metrics.read');
  const cfg = await getConfig(ctx.platform, ctx.db);
  return { score: cfg.scoreWeights, satisfaction: cfg.satisfactionWeights };
}

export async function setWeights(ctx: Ctx, input: { score?: { response: number; resolution: number; satisfaction: number }; satisfaction?: { satisfied: number; basically_satisfied: number; dissatisfied: number } }) {
  requirePermission(ctx, 'metrics.admin');
  if (input.score && Math.abs(input.score.response + input.score.resolution + input.score.satisfaction - 1) > 1e-6) throw invalid('score', 'metrics.weights_sum');
  await inTransaction(ctx, async (trx, c) => {
    for (const [key, value] of [['metrics.score_weights', input.score], ['metrics.satisfaction_weights', input.satisfaction]] as const) {
      if (!value) continue;
      const v = JSON.stringify(value);
      await trx.insertInto('setting').values({ key, value: v }).onConflict((oc) => oc.column('key').doUpdateSet({ value: v })).execute();
      await audit(c, { action: 'setting.update', entityType: 'setting', entityId: key, details: value });
    }
  });
  invalidateConfig();
  return getWeights(ctx);
}
