import { sql } from 'kysely';
import { requirePermission, type Scope } from '../../platform/access/index.ts';
import { audit } from '../../platform/audit/index.ts';
import { inTransaction, now, type Ctx } from '../../platform/context.ts';
import { conflict, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { notify } from '../notifications/service.ts';
import { periodRange } from '../cases/service.ts';
import { compoundInScope, overseersOf, propertyScope, setting, userId } from './access.ts';
import { collectionRows } from './fees.ts';
import { addMonths, previousQuarter, quarterOf } from './rules.ts';
import type { WarningSignal } from './tables.ts';

export interface WarningConfig {
  threshold: number;
  weights: Record<'complaints_rising' | 'dissatisfaction' | 'overdue' | 'overdue_max' | 'collection_falling' | 'yellow_card' | 'red_card' | 'owners_dispute', number>;
}
const DEFAULTS: WarningConfig = { threshold: 40, weights: { complaints_rising: 25, dissatisfaction: 20, overdue: 10, overdue_max: 30, collection_falling: 20, yellow_card: 15, red_card: 30, owners_dispute: 20 } };
const DAY = 86_400_000;

/**
 * Risk per compound from its signals (提前预警介入). Each signal that fires adds its weight; a compound
 * at or above the threshold gets one open warning (updated by later runs) and, when it is new, its
 * community, street and housing bureau are told, with the signals that caused it.
 */
export async function computeWarnings(ctx: Ctx, scope: Scope) {
  const cfg = await setting<WarningConfig>(ctx.db, 'property.warning', DEFAULTS);
  const w = { ...DEFAULTS.weights, ...cfg.weights };
  const at = now(ctx);
  const tz = ctx.platform.config.timeZone;
  const compounds = await ctx.db
    .selectFrom('compound as c')
    .select(['c.id', 'c.name', 'c.property_company_org_id', 'c.management', 'c.city_id', 'c.district_id', 'c.street_id', 'c.community_id'])
    .where('c.management', '=', 'property_company')
    .where(compoundInScope(scope))
    .execute();
  if (!compounds.length) return { compounds: 0, warnings: 0, created: 0 };
  const ids = compounds.map((c) => c.id);
  const cases = await sql<{ compound_id: string; recent: number; earlier: number; evaluated: number; dissatisfied: number; overdue: number; disputes: number }>`
    SELECT compound_id,
      count(*) FILTER (WHERE reported_at >= ${new Date(at.getTime() - 30 * DAY)})::int AS recent,
      count(*) FILTER (WHERE reported_at >= ${new Date(at.getTime() - 60 * DAY)} AND reported_at < ${new Date(at.getTime() - 30 * DAY)})::int AS earlier,
      count(*) FILTER (WHERE satisfaction IS NOT NULL AND evaluated_at >= ${new Date(at.getTime() - 90 * DAY)})::int AS evaluated,
      count(*) FILTER (WHERE satisfaction = 'dissatisfied' AND evaluated_at >= ${new Date(at.getTime() - 90 * DAY)})::int AS dissatisfied,
      count(*) FILTER (WHERE overdue AND closed_at IS NULL)::int AS overdue,
      count(*) FILTER (WHERE category = 'property.owners_committee' AND reported_at >= ${new Date(at.getTime() - 90 * DAY)})::int AS disputes
    FROM cases WHERE compound_id = ANY(${ids}::uuid[]) AND category_top = 'property' AND merged_into IS NULL
    GROUP BY compound_id`.execute(ctx.db);
  const q1 = previousQuarter(quarterOf(at, tz));
  const q0 = previousQuarter(q1);
  const months = (q: string) => {
    const r = periodRange(q, tz)!;
    return { from: r.days[0].slice(0, 7), to: r.days[1].slice(0, 7) };
  };
  const [rate1, rate0] = await Promise.all([
    collectionRows(ctx.db, scope, { groupBy: 'compound', ...months(q1), compoundIds: ids }),
    collectionRows(ctx.db, scope, { groupBy: 'compound', ...months(q0), compoundIds: ids }),
  ]);
  const cards = await ctx.db
    .selectFrom('credit_record')
    .select(['company_org_id', 'kind', sql<number>`count(*)::int`.as('n')])
    .where('kind', 'in', ['yellow_card', 'red_card'])
    .where('at', '>', addMonths(at, -12))
    .groupBy(['company_org_id', 'kind'])
    .execute();
  // indexed once, so the loop stays linear in the number of compounds
  const factsOf = new Map(cases.rows.map((r) => [r.compound_id, r]));
  const latestRate = new Map(rate1.map((r) => [r.id, r.rate]));
  const previousRate = new Map(rate0.map((r) => [r.id, r.rate]));
  const cardsOf = new Map(cards.map((x) => [`${x.company_org_id}|${x.kind}`, x.n]));
  let warnings = 0;
  let created = 0;
  for (const c of compounds) {
    const f = factsOf.get(c.id);
    const signals: WarningSignal[] = [];
    if (f && f.recent >= 3 && f.recent >= 1.5 * f.earlier) signals.push({ code: 'complaints_rising', points: w.complaints_rising, facts: { last30: f.recent, previous30: f.earlier } });
    if (f && f.evaluated >= 3 && f.dissatisfied / f.evaluated >= 0.3) signals.push({ code: 'dissatisfaction', points: w.dissatisfaction, facts: { evaluated: f.evaluated, dissatisfied: f.dissatisfied } });
    if (f && f.overdue > 0) signals.push({ code: 'overdue', points: Math.min(w.overdue_max, f.overdue * w.overdue), facts: { overdue: f.overdue } });
    if (f && f.disputes > 0) signals.push({ code: 'owners_dispute', points: w.owners_dispute, facts: { cases: f.disputes } });
    const r1 = latestRate.get(c.id);
    const r0 = previousRate.get(c.id);
    if (r1 != null && r0 != null && r0 - r1 >= 0.1) signals.push({ code: 'collection_falling', points: w.collection_falling, facts: { previous: Math.round(r0 * 1000) / 1000, latest: Math.round(r1 * 1000) / 1000 } });
    const yellow = cardsOf.get(`${c.property_company_org_id}|yellow_card`) ?? 0;
    const red = cardsOf.get(`${c.property_company_org_id}|red_card`) ?? 0;
    if (red) signals.push({ code: 'red_card', points: w.red_card, facts: { cards: red } });
    else if (yellow) signals.push({ code: 'yellow_card', points: w.yellow_card, facts: { cards: yellow } });
    const risk = signals.reduce((a, s) => a + s.points, 0);
    if (risk < cfg.threshold) continue;
    warnings++;
    const isNew = await inTransaction(ctx, async (trx, ctx) => {
      const open = await trx.selectFrom('property_warning').select('id').where('compound_id', '=', c.id).where('acknowledged_at', 'is', null).forUpdate().executeTakeFirst();
      if (open) {
        await trx.updateTable('property_warning').set({ risk, signals: JSON.stringify(signals), updated_at: at }).where('id', '=', open.id).execute();
        return false;
      }
      const id = newId();
      await trx
        .insertInto('property_warning')
        .values({ id, compound_id: c.id, company_org_id: c.property_company_org_id, risk, signals: JSON.stringify(signals), city_id: c.city_id, district_id: c.district_id, street_id: c.street_id, community_id: c.community_id, created_at: at, updated_at: at })
        .onConflict((oc) => oc.columns(['compound_id', 'district_id']).where('acknowledged_at', 'is', null).doNothing())
        .execute();
      const orgs = await overseersOf(trx, c);
      await notify(trx, at, orgs.map((o) => ({ to: { orgId: o }, caseId: null, kind: 'property.warning', key: 'property.notify.warning', params: { compound: c.name, risk, signals: signals.map((s) => s.code).join(',') } })));
      await audit(ctx, { action: 'property.warning.raise', entityType: 'property_warning', entityId: id, details: { compoundId: c.id, risk, signals: signals.map((s) => s.code) } }, trx);
      return true;
    });
    if (isNew) created++;
  }
  return { compounds: compounds.length, warnings, created };
}

export async function runWarnings(ctx: Ctx) {
  requirePermission(ctx, 'property.warning');
  return computeWarnings(ctx, propertyScope(ctx));
}

export async function listWarnings(ctx: Ctx, q: { open?: boolean }) {
  requirePermission(ctx, 'property.read');
  let query = ctx.db
    .selectFrom('property_warning as w')
    .innerJoin('compound as c', 'c.id', 'w.compound_id')
    .leftJoin('org as o', 'o.id', 'w.company_org_id')
    .select(['w.id', 'w.compound_id', 'c.name as compound_name', 'w.company_org_id', 'o.name as company_name', 'w.risk', 'w.signals', 'w.created_at', 'w.updated_at', 'w.acknowledged_at', 'w.note'])
    .where(compoundInScope(propertyScope(ctx)))
    .orderBy('w.risk', 'desc')
    .limit(500);
  if (q.open !== undefined) query = q.open ? query.where('w.acknowledged_at', 'is', null) : query.where('w.acknowledged_at', 'is not', null);
  return query.execute();
}

export async function acknowledgeWarning(ctx: Ctx, id: string, note: string) {
  requirePermission(ctx, 'property.warning');
  return inTransaction(ctx, async (trx, ctx) => {
    const w = await trx
      .selectFrom('property_warning as w')
      .innerJoin('compound as c', 'c.id', 'w.compound_id')
      .select(['w.id', 'w.acknowledged_at'])
      .where('w.id', '=', id)
      .where(compoundInScope(propertyScope(ctx)))
      .forUpdate()
      .executeTakeFirst();
    if (!w) throw notFound();
    if (w.acknowledged_at) throw conflict('WARNING_ACKNOWLEDGED', 'property.warning_acknowledged');
    await trx.updateTable('property_warning').set({ acknowledged_at: now(ctx), acknowledged_by: userId(ctx), note }).where('id', '=', id).execute();
    await audit(ctx, { action: 'property.warning.acknowledge', entityType: 'property_warning', entityId: id, details: {} });
    return { id, acknowledged: true };
  });
}
