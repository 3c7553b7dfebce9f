import { sql } from 'kysely';
import type { Executor } from '../../db/index.ts';
import { requirePermission } from '../../platform/access/index.ts';
import type { Scope } from '../../platform/access/index.ts';
import { audit } from '../../platform/audit/index.ts';
import { inTransaction, now, type Ctx } from '../../platform/context.ts';
import { badRequest, conflict, invalid, notFound, type FieldErrors } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { getConfig } from '../cases/config.ts';
import { periodRange } from '../cases/service.ts';
import { putSetting } from '../registry/regions/store.ts';
import { notify } from '../notifications/service.ts';
import { companyOr404, compoundInScope, compoundOr404, housingBureausOf, managedBy, orgId, propertyScope, setting, userId } from './access.ts';
import { addMonths, gradeOf, partPoints, quarterOf, quartersOfYear, round2, totalOf, type GradeStep } from './rules.ts';
import type { ComplaintMetric, PartCode } from './tables.ts';

export const DEFAULT_GRADES: GradeStep[] = [{ grade: 'AAA', min: 85 }, { grade: 'AA', min: 80 }, { grade: 'A', min: 70 }, { grade: 'B', min: 60 }, { grade: 'C', min: 0 }];
const PARTS: PartCode[] = ['contract', 'complaints', 'inspection', 'owner'];
/** Parts whose items an inspector scores on the form. */
const INSPECTED: PartCode[] = ['contract', 'inspection'];

// ---- the scoring standard ----

export async function loadStandard(db: Executor) {
  const [parts, items, grades, interviewBelow] = await Promise.all([
    db.selectFrom('credit_part').selectAll().orderBy('sort_order').execute(),
    db.selectFrom('credit_item').selectAll().where('active', '=', true).orderBy('part_code').orderBy('sort_order').execute(),
    setting<GradeStep[]>(db, 'property.grades', DEFAULT_GRADES),
    setting<number>(db, 'property.interview_below', 60),
  ]);
  return { parts, items, grades, interviewBelow };
}
export type Standard = Awaited<ReturnType<typeof loadStandard>>;

export interface StandardInput {
  parts: { code: PartCode; weight: number; items: { code: string; nameZh: string; nameEn: string; points: number; metric?: ComplaintMetric | null }[] }[];
  grades: GradeStep[];
  interviewBelow: number;
}

/** Replaces the standard: weights sum to 100, each part's items to its weight; retired items stay for old forms. */
export async function putStandard(ctx: Ctx, input: StandardInput) {
  requirePermission(ctx, 'property.standard');
  const fields: FieldErrors = {};
  const codes = input.parts.map((p) => p.code).sort();
  if (codes.join() !== [...PARTS].sort().join()) fields.parts = { key: 'property.standard_parts' };
  if (input.parts.reduce((a, p) => a + p.weight, 0) !== 100) fields.parts = { key: 'property.weights_sum' };
  const seen = new Set<string>();
  input.parts.forEach((p, i) => {
    if (p.items.reduce((a, it) => a + it.points, 0) !== p.weight) fields[`parts.${i}.items`] = { key: 'property.items_sum', params: { weight: p.weight } };
    p.items.forEach((it, j) => {
      if (seen.has(it.code)) fields[`parts.${i}.items.${j}.code`] = { key: 'property.duplicate_code' };
      seen.add(it.code);
      if ((p.code === 'complaints') !== Boolean(it.metric)) fields[`parts.${i}.items.${j}.metric`] = { key: 'property.metric_only_complaints' };
    });
  });
  const mins = input.grades.map((g) => g.min);
  if (!mins.includes(0) || new Set(mins).size !== mins.length || new Set(input.grades.map((g) => g.grade)).size !== mins.length) fields.grades = { key: 'property.grades_invalid' };
  if (Object.keys(fields).length) throw badRequest(fields);
  return inTransaction(ctx, async (trx, ctx) => {
    const before = await loadStandard(trx);
    const taken = await trx.selectFrom('credit_item').select(['code', 'part_code']).execute();
    for (const p of input.parts) {
      await trx.updateTable('credit_part').set({ weight: p.weight }).where('code', '=', p.code).execute();
      for (const [i, it] of p.items.entries()) {
        const prior = taken.find((t) => t.code === it.code);
        if (prior && prior.part_code !== p.code) throw invalid(`parts.${input.parts.indexOf(p)}.items.${i}.code`, 'property.code_other_part');
        await trx
          .insertInto('credit_item')
          .values({ code: it.code, part_code: p.code, name_zh: it.nameZh, name_en: it.nameEn, points: it.points, metric: it.metric ?? null, active: true, sort_order: i + 1 })
          .onConflict((oc) => oc.column('code').doUpdateSet({ name_zh: it.nameZh, name_en: it.nameEn, points: it.points, metric: it.metric ?? null, active: true, sort_order: i + 1 }))
          .execute();
      }
    }
    await trx.updateTable('credit_item').set({ active: false }).where('code', 'not in', [...seen]).execute();
    await putSetting(trx, 'property.grades', input.grades, userId(ctx), now(ctx));
    await putSetting(trx, 'property.interview_below', input.interviewBelow, userId(ctx), now(ctx));
    const after = await loadStandard(trx);
    await audit(ctx, { action: 'property.standard.update', entityType: 'credit_standard', before, after, details: { items: seen.size } });
    return after;
  });
}

// ---- inspections (小区现场检查) ----

export interface InspectionInput {
  compoundId: string;
  unannounced: boolean;
  inspectedAt?: string;
  note?: string | null;
  items: { code: string; points: number; note?: string | null; photoFileIds?: string[] }[];
}

export async function createInspection(ctx: Ctx, input: InspectionInput) {
  const p = requirePermission(ctx, 'property.inspect');
  const scope = propertyScope(ctx);
  const c = await compoundOr404(ctx.db, scope, input.compoundId);
  const company = managedBy(c);
  const at = input.inspectedAt ? new Date(input.inspectedAt) : now(ctx);
  if (at.getTime() > now(ctx).getTime()) throw invalid('inspectedAt', 'property.in_future');
  const std = await loadStandard(ctx.db);
  const formItems = std.items.filter((i) => INSPECTED.includes(i.part_code));
  const fields: FieldErrors = {};
  const given = new Map<string, number>();
  input.items.forEach((it, i) => {
    const def = formItems.find((f) => f.code === it.code);
    if (!def) fields[`items.${i}.code`] = { key: 'property.unknown_item' };
    else if (given.has(it.code)) fields[`items.${i}.code`] = { key: 'property.duplicate_code' };
    else if (it.points > def.points) fields[`items.${i}.points`] = { key: 'property.points_max', params: { max: def.points } };
    given.set(it.code, i);
  });
  for (const f of formItems) if (!given.has(f.code)) fields[`items.${f.code}`] = { key: 'property.item_missing' };
  const photos = [...new Set(input.items.flatMap((i) => i.photoFileIds ?? []))];
  if (photos.length) {
    const found = await ctx.db.selectFrom('file_object').select('id').where('id', 'in', photos).execute();
    if (found.length !== photos.length) fields.items = { key: 'property.unknown_file' };
  }
  if (Object.keys(fields).length) throw badRequest(fields);
  return inTransaction(ctx, async (trx, ctx) => {
    const id = newId();
    const quarter = quarterOf(at, ctx.platform.config.timeZone);
    await trx
      .insertInto('property_inspection')
      .values({
        id, compound_id: c.id, company_org_id: company, quarter, inspected_at: at, unannounced: input.unannounced,
        inspector_user_id: p.kind === 'user' ? p.id : (await systemInspector(trx, p.orgId)), inspector_org_id: p.orgId, note: input.note ?? null,
        city_id: c.city_id, district_id: c.district_id, street_id: c.street_id, community_id: c.community_id, created_at: now(ctx),
      })
      .execute();
    await trx
      .insertInto('property_inspection_item')
      .values(input.items.map((it) => ({ inspection_id: id, item_code: it.code, points: it.points, max_points: formItems.find((f) => f.code === it.code)!.points, note: it.note ?? null, photo_file_ids: it.photoFileIds ?? [] })))
      .execute();
    const score = round2(input.items.reduce((a, i) => a + i.points, 0));
    await audit(ctx, { action: 'property.inspection.create', entityType: 'property_inspection', entityId: id, details: { compoundId: c.id, quarter, score, unannounced: input.unannounced } });
    return { id, quarter, score };
  });
}

/** An integration token files inspections as its organisation's first active user (the form needs a person). */
async function systemInspector(db: Executor, org: string): Promise<string> {
  const u = await db.selectFrom('app_user').select('id').where('org_id', '=', org).where('active', '=', true).orderBy('created_at').executeTakeFirst();
  if (!u) throw invalid('inspector', 'property.no_inspector');
  return u.id;
}

/** Inspections in the caller's scope, with their score (sum of the line items). */
function inspections(ctx: Ctx) {
  return ctx.db
    .selectFrom('property_inspection as i')
    .innerJoin('compound as c', 'c.id', 'i.compound_id')
    .innerJoin('app_user as u', 'u.id', 'i.inspector_user_id')
    .select(['i.id', 'i.compound_id', 'c.name as compound_name', 'i.company_org_id', 'i.quarter', 'i.inspected_at', 'i.unannounced', 'i.note', 'u.display_name as inspector_name'])
    .select((eb) => eb.selectFrom('property_inspection_item as x').select(sql<number>`coalesce(sum(x.points), 0)::float8`.as('s')).whereRef('x.inspection_id', '=', 'i.id').as('score'))
    .where(compoundInScope(propertyScope(ctx)));
}

export async function listInspections(ctx: Ctx, q: { compoundId?: string; companyId?: string; quarter?: string }) {
  requirePermission(ctx, 'property.read');
  let query = inspections(ctx).orderBy('i.inspected_at', 'desc').limit(500);
  if (q.compoundId) query = query.where('i.compound_id', '=', q.compoundId);
  if (q.companyId) query = query.where('i.company_org_id', '=', q.companyId);
  if (q.quarter) query = query.where('i.quarter', '=', q.quarter);
  return query.execute();
}

export async function getInspection(ctx: Ctx, id: string) {
  requirePermission(ctx, 'property.read');
  const row = await inspections(ctx).where('i.id', '=', id).executeTakeFirst();
  if (!row) throw notFound();
  const items = await ctx.db.selectFrom('property_inspection_item').selectAll().where('inspection_id', '=', id).orderBy('item_code').execute();
  return { ...row, items };
}

// ---- the quarterly evaluation ----

interface CaseFacts {
  cases: number;
  responseMet: number;
  responseTotal: number;
  evaluated: number;
  resolved: number;
  satisfied: number;
  basically: number;
  overdue: number;
}

/** The complaint facts of a compound's property cases reported in the quarter (from the case loop, never typed in). */
async function complaintFacts(db: Executor, compoundIds: string[], from: Date, to: Date): Promise<Map<string, CaseFacts>> {
  const out = new Map<string, CaseFacts>();
  if (!compoundIds.length) return out;
  const rows = await sql<{ compound_id: string; cases: number; evaluated: number; resolved: number; satisfied: number; basically: number; overdue: number; response_met: number; response_total: number }>`
    SELECT k.compound_id,
      count(*)::int AS cases,
      count(*) FILTER (WHERE k.satisfaction IS NOT NULL)::int AS evaluated,
      count(*) FILTER (WHERE k.satisfaction IS NOT NULL AND k.resolved)::int AS resolved,
      count(*) FILTER (WHERE k.satisfaction = 'satisfied')::int AS satisfied,
      count(*) FILTER (WHERE k.satisfaction = 'basically_satisfied')::int AS basically,
      count(*) FILTER (WHERE k.overdue)::int AS overdue,
      coalesce(sum(r.met), 0)::int AS response_met,
      coalesce(sum(r.total), 0)::int AS response_total
    FROM cases k
    JOIN compound c ON c.id = k.compound_id
    LEFT JOIN LATERAL (
      SELECT count(*) FILTER (WHERE d.state = 'met') AS met, count(*) FILTER (WHERE d.state IN ('met', 'missed')) AS total
      FROM case_deadline d WHERE d.case_id = k.id AND d.district_id = k.district_id AND d.kind = 'response' AND d.org_id = c.property_company_org_id
    ) r ON true
    WHERE k.compound_id = ANY(${compoundIds}::uuid[]) AND k.category_top = 'property'
      AND k.reported_at >= ${from} AND k.reported_at < ${to} AND k.merged_into IS NULL AND k.status <> 'rejected'
    GROUP BY k.compound_id`.execute(db);
  for (const r of rows.rows) {
    out.set(r.compound_id, { cases: r.cases, responseMet: r.response_met, responseTotal: r.response_total, evaluated: r.evaluated, resolved: r.resolved, satisfied: r.satisfied, basically: r.basically, overdue: r.overdue });
  }
  return out;
}

function complaintFraction(metric: ComplaintMetric, f: CaseFacts | undefined, sw: { satisfied: number; basically_satisfied: number; dissatisfied: number }): number | null {
  // no property case in the quarter: nothing was left unhandled, full points
  if (!f || f.cases === 0) return 1;
  switch (metric) {
    case 'response':
      return f.responseTotal ? f.responseMet / f.responseTotal : null;
    case 'resolution':
      return f.evaluated ? f.resolved / f.evaluated : null;
    case 'satisfaction':
      return f.evaluated ? (f.satisfied * sw.satisfied + f.basically * sw.basically_satisfied + (f.evaluated - f.satisfied - f.basically) * sw.dissatisfied) / f.evaluated : null;
    case 'on_time':
      return 1 - f.overdue / f.cases;
  }
}

export interface CompoundScore {
  compoundId: string;
  companyId: string;
  total: number;
  parts: Record<PartCode, number | null>;
  details: { items: Record<string, number | null>; cases: CaseFacts | null; inspections: number; ratings: number };
}

/** Scores every compound of the companies for the quarter (pure reads). */
export async function scoreCompounds(db: Executor, ctx: Ctx, std: Standard, compounds: { id: string; company: string }[], quarter: string): Promise<CompoundScore[]> {
  const range = periodRange(quarter, ctx.platform.config.timeZone)!;
  const ids = compounds.map((c) => c.id);
  if (!ids.length) return [];
  const cfg = await getConfig(ctx.platform, db);
  const [facts, inspected, rated] = await Promise.all([
    complaintFacts(db, ids, range.from, range.to),
    db
      .selectFrom('property_inspection as i')
      .innerJoin('property_inspection_item as x', 'x.inspection_id', 'i.id')
      .select(['i.compound_id', 'x.item_code', sql<number>`avg(x.points::float8 / nullif(x.max_points, 0))`.as('fraction'), sql<number>`count(DISTINCT i.id)::int`.as('n')])
      .where('i.compound_id', 'in', ids)
      .where('i.quarter', '=', quarter)
      .groupBy(['i.compound_id', 'x.item_code'])
      .execute(),
    sql<{ compound_id: string; code: string; avg: number; n: number }>`
      SELECT r.compound_id, s.key AS code, avg(s.value::text::float8) AS avg, count(*)::int AS n
      FROM property_rating r, jsonb_each(r.scores) s
      WHERE r.compound_id = ANY(${ids}::uuid[]) AND r.quarter = ${quarter}
      GROUP BY r.compound_id, s.key`.execute(db),
  ]);
  // keyed by compound and item, so scoring stays linear in the number of compounds
  const inspectedFraction = new Map(inspected.map((x) => [`${x.compound_id}|${x.item_code}`, x.fraction]));
  const ratedAvg = new Map(rated.rows.map((x) => [`${x.compound_id}|${x.code}`, x.avg]));
  const most = (rows: { compound_id: string; n: number }[]) => {
    const m = new Map<string, number>();
    for (const r of rows) m.set(r.compound_id, Math.max(m.get(r.compound_id) ?? 0, r.n));
    return m;
  };
  const inspectionCount = most(inspected);
  const ratingCount = most(rated.rows);
  const out: CompoundScore[] = [];
  for (const c of compounds) {
    const items: Record<string, number | null> = {};
    const parts = {} as Record<PartCode, number | null>;
    for (const part of std.parts) {
      const defs = std.items.filter((i) => i.part_code === part.code);
      const fr = defs.map((d) => {
        let fraction: number | null;
        if (part.code === 'complaints') fraction = complaintFraction(d.metric!, facts.get(c.id), cfg.satisfactionWeights);
        else if (part.code === 'owner') {
          const avg = ratedAvg.get(`${c.id}|${d.code}`);
          fraction = avg === undefined ? null : avg / 5;
        } else fraction = inspectedFraction.get(`${c.id}|${d.code}`) ?? null;
        items[d.code] = fraction === null ? null : round2(fraction * d.points);
        return { points: d.points, fraction };
      });
      const pts = partPoints(fr);
      parts[part.code] = pts === null ? null : round2(pts);
    }
    // complaints alone (no case is full marks) say nothing: a compound is scored once it was inspected or rated
    if (parts.contract === null && parts.inspection === null && parts.owner === null) continue;
    const total = totalOf(std.parts.map((p) => ({ weight: p.weight, points: parts[p.code] })));
    if (total === null) continue;
    out.push({
      compoundId: c.id,
      companyId: c.company,
      total: round2(total),
      parts,
      details: {
        items,
        cases: facts.get(c.id) ?? null,
        inspections: inspectionCount.get(c.id) ?? 0,
        ratings: ratingCount.get(c.id) ?? 0,
      },
    });
  }
  return out;
}

/**
 * The quarterly evaluation run (季度考评) for the companies that manage compounds in the caller's
 * scope: every compound of those companies is scored, the company's score is the mean of its compounds
 * less the quarter's card deductions; below the line an interview task goes to the housing bureau.
 */
export async function runEvaluation(ctx: Ctx, quarter: string) {
  requirePermission(ctx, 'property.evaluate');
  const scope = propertyScope(ctx);
  const range = periodRange(quarter, ctx.platform.config.timeZone);
  if (!range) throw invalid('quarter', 'property.quarter_invalid');
  if (range.from.getTime() > now(ctx).getTime()) throw invalid('quarter', 'property.in_future');
  return inTransaction(ctx, async (trx, ctx) => {
    const std = await loadStandard(trx);
    const companies = await trx
      .selectFrom('compound as c')
      .select('c.property_company_org_id as company')
      .distinct()
      .where('c.management', '=', 'property_company')
      .where('c.property_company_org_id', 'is not', null)
      .where(compoundInScope(scope))
      .execute();
    const companyIds = companies.map((c) => c.company!);
    const compounds = companyIds.length
      ? await trx.selectFrom('compound').select(['id', 'property_company_org_id', 'district_id', 'street_id']).where('management', '=', 'property_company').where('property_company_org_id', 'in', companyIds).execute()
      : [];
    const scores = await scoreCompounds(trx, ctx, std, compounds.map((c) => ({ id: c.id, company: c.property_company_org_id! })), quarter);
    const runId = newId();
    const at = now(ctx);
    const place = new Map(compounds.map((c) => [c.id, c]));
    const byCompany = new Map<string, CompoundScore[]>();
    for (const sc of scores) byCompany.set(sc.companyId, [...(byCompany.get(sc.companyId) ?? []), sc]);
    const scored = [...byCompany.keys()];
    const [deductions, lastSummaries] = scored.length
      ? await Promise.all([
          trx.selectFrom('credit_record').select(['company_org_id', sql<number>`sum(deduction)::float8`.as('d')]).where('company_org_id', 'in', scored).where('quarter', '=', quarter).groupBy('company_org_id').execute(),
          trx.selectFrom('credit_record').distinctOn('company_org_id').select(['company_org_id', 'summary']).where('company_org_id', 'in', scored).where('kind', '=', 'score').where('quarter', '=', quarter).orderBy('company_org_id').orderBy('at', 'desc').execute(),
        ])
      : [[], []];
    const deductionOf = new Map(deductions.map((d) => [d.company_org_id, d.d]));
    const lastSummary = new Map(lastSummaries.map((r) => [r.company_org_id, r.summary]));
    const below = std.interviewBelow;
    const rows: NewScore[] = [];
    const records: Parameters<typeof recordRow>[1][] = [];
    const results: { companyId: string; total: number; grade: string; interview: boolean }[] = [];
    for (const [company, mine] of byCompany) {
      const home = place.get(mine[0].compoundId)!;
      for (const sc of mine) {
        const p = place.get(sc.compoundId)!;
        rows.push({ company, compound: sc.compoundId, quarter, total: sc.total, grade: gradeOf(sc.total, std.grades), parts: sc.parts, details: sc.details, deductions: 0, district: p.district_id, street: p.street_id, at, runId });
      }
      const deduction = deductionOf.get(company) ?? 0;
      const mean = mine.reduce((a, x) => a + x.total, 0) / mine.length;
      const total = round2(Math.max(0, mean - deduction));
      const grade = gradeOf(total, std.grades);
      const parts = Object.fromEntries(PARTS.map((p) => {
        const known = mine.map((x) => x.parts[p]).filter((x): x is number => x !== null);
        return [p, known.length ? round2(known.reduce((a, x) => a + x, 0) / known.length) : null];
      }));
      rows.push({ company, compound: null, quarter, total, grade, parts, details: { compounds: mine.length, mean: round2(mean) }, deductions: deduction, district: home.district_id, street: null, at, runId });
      const summary = `${quarter} ${total} ${grade}`;
      if (lastSummary.get(company) !== summary) records.push({ company, kind: 'score', quarter, summary, reason: null, at });
      results.push({ companyId: company, total, grade, interview: false });
    }
    // re-running replaces the quarter's scores of every company scored now
    if (scored.length) await trx.deleteFrom('credit_score').where('company_org_id', 'in', scored).where('quarter', '=', quarter).execute();
    for (let i = 0; i < rows.length; i += 500) await trx.insertInto('credit_score').values(rows.slice(i, i + 500).map(scoreRow)).execute();
    // below the line: one interview per company and quarter (a re-run creates none again)
    const owed = results.filter((r) => r.total < below);
    const created = owed.length
      ? await trx
          .insertInto('property_interview')
          .values(owed.map((r) => ({ id: newId(), company_org_id: r.companyId, quarter, score: r.total, district_id: place.get(byCompany.get(r.companyId)![0].compoundId)!.district_id, due_at: addMonths(at, 1), created_at: at })))
          .onConflict((oc) => oc.columns(['company_org_id', 'quarter']).doNothing())
          .returning(['id', 'company_org_id', 'district_id'])
          .execute()
      : [];
    const bureaus = new Map<string, string[]>();
    for (const d of new Set(created.map((v) => v.district_id))) bureaus.set(d, await housingBureausOf(trx, d));
    const notes: Parameters<typeof notify>[2] = [];
    for (const v of created) {
      const r = results.find((x) => x.companyId === v.company_org_id)!;
      r.interview = true;
      records.push({ company: r.companyId, kind: 'interview', quarter, summary: `${quarter} ${r.total} < ${below}`, reason: null, refIds: [v.id], at });
      for (const o of bureaus.get(v.district_id)!) notes.push({ to: { orgId: o }, caseId: null, kind: 'property.interview', key: 'property.notify.interview', params: { quarter, score: r.total } });
    }
    if (records.length) await trx.insertInto('credit_record').values(records.map((r) => recordRow(ctx, r))).execute();
    await notify(trx, at, notes);
    const interviews = created.length;
    await trx.insertInto('credit_run').values({ id: runId, quarter, run_by: userId(ctx), companies: results.length, compounds: scores.length, interviews, at }).execute();
    await audit(ctx, { action: 'property.evaluation.run', entityType: 'credit_run', entityId: runId, details: { quarter, companies: results.length, compounds: scores.length, interviews } });
    return { runId, quarter, companies: results, compounds: scores.length, interviews };
  });
}

interface NewScore {
  company: string; compound: string | null; quarter: string; total: number; grade: string; parts: Record<string, number | null>;
  details: Record<string, unknown>; deductions: number; district: string; street: string | null; at: Date; runId: string;
}

const scoreRow = (s: NewScore) => ({
  id: newId(), company_org_id: s.company, compound_id: s.compound, quarter: s.quarter, total: s.total, grade: s.grade, parts: JSON.stringify(s.parts),
  details: JSON.stringify(s.details), deductions: s.deductions, district_id: s.district, street_id: s.street, computed_at: s.at, run_id: s.runId,
});

function recordRow(
  ctx: Ctx,
  r: { company: string; kind: 'score' | 'yellow_card' | 'red_card' | 'interview' | 'interview_outcome'; quarter: string; summary: string; reason: string | null; compoundId?: string | null; behaviour?: string | null; deduction?: number; refIds?: string[]; at?: Date },
) {
  return {
    id: newId(), company_org_id: r.company, kind: r.kind, at: r.at ?? now(ctx), quarter: r.quarter, compound_id: r.compoundId ?? null, behaviour_code: r.behaviour ?? null,
    deduction: r.deduction ?? 0, ref_ids: r.refIds ?? [], summary: r.summary, reason: r.reason, actor_user_id: userId(ctx), actor_org_id: orgId(ctx),
  };
}

/** One entry of the append-only credit file. */
export async function appendRecord(db: Executor, ctx: Ctx, r: Parameters<typeof recordRow>[1]) {
  const row = recordRow(ctx, r);
  await db.insertInto('credit_record').values(row).execute();
  return row.id;
}

// ---- cards (黄牌 / 红牌) ----

/**
 * A yellow card for a defined bad behaviour; a second yellow within 12 months of an earlier one
 * (not already turned into a red) makes a red card. The company row is locked so two cards at once
 * cannot both miss each other.
 */
export async function issueCard(ctx: Ctx, companyId: string, input: { behaviourCode: string; reason: string; compoundId?: string | null }) {
  requirePermission(ctx, 'property.card');
  const scope = propertyScope(ctx);
  return inTransaction(ctx, async (trx, ctx) => {
    await companyOr404(trx, scope, companyId);
    await trx.selectFrom('org').select('id').where('id', '=', companyId).forUpdate().execute();
    const behaviour = await trx.selectFrom('credit_behaviour').selectAll().where('code', '=', input.behaviourCode).where('active', '=', true).executeTakeFirst();
    if (!behaviour) throw invalid('behaviourCode', 'property.unknown_behaviour');
    if (input.compoundId) {
      const c = await compoundOr404(trx, scope, input.compoundId).catch(() => null);
      if (!c || c.property_company_org_id !== companyId) throw invalid('compoundId', 'property.not_company_compound');
    }
    const at = now(ctx);
    const quarter = quarterOf(at, ctx.platform.config.timeZone);
    const earlier = await trx
      .selectFrom('credit_record as y')
      .select(['y.id', 'y.at'])
      .where('y.company_org_id', '=', companyId)
      .where('y.kind', '=', 'yellow_card')
      .where('y.at', '>', addMonths(at, -12))
      .where((eb) => eb.not(eb.exists(eb.selectFrom('credit_record as r').select('r.id').where('r.kind', '=', 'red_card').where('r.company_org_id', '=', companyId).where(sql<boolean>`y.id = ANY(r.ref_ids)`))))
      .orderBy('y.at', 'desc')
      .executeTakeFirst();
    const yellowId = await appendRecord(trx, ctx, {
      company: companyId, kind: 'yellow_card', quarter, summary: behaviour.name_zh, reason: input.reason, compoundId: input.compoundId ?? null, behaviour: behaviour.code, deduction: behaviour.deduction, at,
    });
    let redId: string | null = null;
    if (earlier) {
      const redDeduction = await setting<number>(trx, 'property.red_card_deduction', 10);
      redId = await appendRecord(trx, ctx, { company: companyId, kind: 'red_card', quarter, summary: '12个月内两次黄牌', reason: input.reason, behaviour: behaviour.code, deduction: redDeduction, refIds: [earlier.id, yellowId], at });
    }
    await audit(ctx, { action: 'property.card.issue', entityType: 'org', entityId: companyId, details: { behaviour: behaviour.code, yellowId, redId } });
    return { yellowCardId: yellowId, redCardId: redId };
  });
}

// ---- interviews (约谈) ----

export async function listInterviews(ctx: Ctx, q: { status?: 'open' | 'done' }) {
  requirePermission(ctx, 'property.read');
  const scope = propertyScope(ctx);
  let query = ctx.db
    .selectFrom('property_interview as v')
    .innerJoin('org as o', 'o.id', 'v.company_org_id')
    .select(['v.id', 'v.company_org_id', 'o.name as company_name', 'v.quarter', 'v.score', 'v.status', 'v.due_at', 'v.outcome', 'v.held_on', 'v.done_at', 'v.created_at'])
    .where((eb) => eb.exists(eb.selectFrom('compound as c').select(sql`1`.as('x')).whereRef('c.property_company_org_id', '=', 'v.company_org_id').where(compoundInScope(scope))))
    .orderBy('v.created_at', 'desc')
    .limit(500);
  if (q.status) query = query.where('v.status', '=', q.status);
  return query.execute();
}

export async function recordInterviewOutcome(ctx: Ctx, id: string, input: { heldOn: string; outcome: string }) {
  requirePermission(ctx, 'property.card');
  const scope = propertyScope(ctx);
  return inTransaction(ctx, async (trx, ctx) => {
    const v = await trx.selectFrom('property_interview').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!v) throw notFound();
    await companyOr404(trx, scope, v.company_org_id);
    if (v.status !== 'open') throw conflict('INTERVIEW_DONE', 'property.interview_done');
    await trx.updateTable('property_interview').set({ status: 'done', outcome: input.outcome, held_on: input.heldOn, done_at: now(ctx), done_by: userId(ctx) }).where('id', '=', id).execute();
    await appendRecord(trx, ctx, { company: v.company_org_id, kind: 'interview_outcome', quarter: v.quarter, summary: `约谈 ${input.heldOn}`, reason: input.outcome, refIds: [id] });
    await audit(ctx, { action: 'property.interview.outcome', entityType: 'property_interview', entityId: id, details: { heldOn: input.heldOn } });
    return { id, status: 'done' as const };
  });
}

// ---- reading scores ----

export async function quarterScores(ctx: Ctx, quarter: string) {
  requirePermission(ctx, 'property.read');
  const scope = propertyScope(ctx);
  return scoreRows(ctx.db, scope, [quarter]);
}

/** Score rows of the quarters (all quarters when none are named) for companies in scope. */
async function scoreRows(db: Executor, scope: Scope, quarters: string[] | null, companyId?: string) {
  let q = db
    .selectFrom('credit_score as s')
    .innerJoin('org as o', 'o.id', 's.company_org_id')
    .leftJoin('compound as k', 'k.id', 's.compound_id')
    .select(['s.company_org_id', 'o.name as company_name', 's.compound_id', 'k.name as compound_name', 's.quarter', 's.total', 's.grade', 's.parts', 's.details', 's.deductions', 's.computed_at'])
    .where((eb) => eb.exists(eb.selectFrom('compound as c').select(sql`1`.as('x')).whereRef('c.property_company_org_id', '=', 's.company_org_id').where(compoundInScope(scope))))
    .orderBy('s.quarter')
    .orderBy('s.total', 'desc');
  if (quarters) q = q.where('s.quarter', 'in', quarters);
  if (companyId) q = q.where('s.company_org_id', '=', companyId);
  return q.execute();
}

/** Annual score = mean of the year's quarterly company scores, with its grade. */
export async function annualScores(ctx: Ctx, year: number) {
  requirePermission(ctx, 'property.read');
  const scope = propertyScope(ctx);
  const std = await loadStandard(ctx.db);
  const rows = (await scoreRows(ctx.db, scope, quartersOfYear(year))).filter((r) => r.compound_id === null);
  return annualOf(rows, std.grades);
}

export function annualOf(rows: { company_org_id: string; company_name: string; quarter: string; total: number }[], grades: GradeStep[]) {
  const by = new Map<string, { companyId: string; companyName: string; quarters: Record<string, number> }>();
  for (const r of rows) {
    const e = by.get(r.company_org_id) ?? { companyId: r.company_org_id, companyName: r.company_name, quarters: {} };
    e.quarters[r.quarter] = r.total;
    by.set(r.company_org_id, e);
  }
  return [...by.values()]
    .map((e) => {
      const v = Object.values(e.quarters);
      const annual = round2(v.reduce((a, x) => a + x, 0) / v.length);
      return { ...e, annual, grade: gradeOf(annual, grades) };
    })
    .sort((a, b) => b.annual - a.annual);
}

export async function companyFile(ctx: Ctx, companyId: string) {
  requirePermission(ctx, 'property.read');
  const scope = propertyScope(ctx);
  const company = await companyOr404(ctx.db, scope, companyId);
  const [records, scores, profile] = await Promise.all([
    ctx.db.selectFrom('credit_record').selectAll().where('company_org_id', '=', companyId).orderBy('at', 'desc').orderBy('id', 'desc').limit(500).execute(),
    scoreRows(ctx.db, scope, null, companyId),
    ctx.db.selectFrom('property_company').selectAll().where('org_id', '=', companyId).executeTakeFirst(),
  ]);
  return { company, profile: profile ?? null, records, scores };
}
