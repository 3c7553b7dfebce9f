import { sql } from 'kysely';
import { WriteBatch } from '../../db/batch.ts';
import type { Executor } from '../../db/index.ts';
import { inScope, requirePermission, scopeOf } from '../../platform/access/index.ts';
import type { Ctx, IntegrationPrincipal, UserPrincipal } from '../../platform/context.ts';
import { invalid, notFound } from '../../platform/errors.ts';
import type { Lang } from '../../platform/i18n/index.ts';
import { getConfig, type CasesConfig } from '../cases/config.ts';
import type { CaseRow } from '../cases/events.ts';
import { resolvePlace, route, type Place } from '../cases/place.ts';
import { periodRange } from '../cases/service.ts';
import { currentClassifier, loadedClassifier, requireClassifyAccess } from './service.ts';

/**
 * Routing suggestions: the category the classifier suggests and the handler the routing rules give
 * for it at the case's place, offered to the intake form and the dispatch screen; and, per case,
 * whether the dispatcher took them (category at registration, handler at dispatch).
 */

export interface HandlerSuggestion {
  orgId: string;
  orgName: string | null;
  /** false: no routing rule matched, the community dispatches by hand */
  matched: boolean;
  assistOrgIds: string[];
  supervisorOrgId: string | null;
}

/** The code routing should use: the second-level code when the taxonomy has it active, else the top-level one. */
function routingCode(cfg: CasesConfig, top: string, sub: string | null | undefined): string {
  if (sub && cfg.categories.get(sub)?.active) return sub;
  return top;
}

function handlerFor(cfg: CasesConfig, code: string, place: Place): HandlerSuggestion {
  const r = route(cfg, code, place);
  return { orgId: r.mainOrgId, orgName: cfg.orgs.get(r.mainOrgId)?.name ?? null, matched: r.matched, assistOrgIds: r.assistOrgIds, supervisorOrgId: r.supervisorOrgId };
}

const categoryName = (cfg: CasesConfig, code: string, lang: Lang) => cfg.categories.get(code)?.names[lang] ?? code;

export interface SuggestInput {
  text?: string;
  category?: string;
  buildingId?: string;
  location?: { lat: number; lng: number };
}

/**
 * `POST /api/dispatch/suggest`: for a text, the three likeliest categories each with its handler at
 * the place; for a category the dispatcher picked, its handler. Nothing is stored.
 */
export async function suggest(ctx: Ctx, input: SuggestInput) {
  requireClassifyAccess(ctx);
  const text = input.text?.trim();
  if (!text && !input.category) throw invalid('text', 'validation.required');
  const cfg = await getConfig(ctx.platform, ctx.db);
  if (input.category && !cfg.categories.get(input.category)?.active) throw invalid('category', 'cases.unknown_category');
  const p = ctx.principal;
  const caller = p.kind === 'user' || p.kind === 'integration' ? (p as UserPrincipal | IntegrationPrincipal) : null;
  const place = await resolvePlace(ctx.db, input, caller, cfg);
  const placeOut = {
    buildingId: place.buildingId, compoundId: place.compoundId, cityId: place.city_id, districtId: place.district_id,
    streetId: place.street_id, communityId: place.community_id, gridId: place.grid_id,
  };
  if (input.category) {
    const top = cfg.categories.get(input.category)!.top;
    return {
      modelVersion: null,
      place: placeOut,
      suggestions: [{ category: top, categoryName: categoryName(cfg, top, ctx.lang), confidence: null, terms: [], ...(input.category !== top ? { subCategory: input.category } : {}), handler: handlerFor(cfg, input.category, place) }],
    };
  }
  const { classifier, version } = await currentClassifier(ctx.platform);
  const suggestions = classifier.classify(text!, 3).map((x) => ({
    category: x.category,
    categoryName: categoryName(cfg, x.category, ctx.lang),
    confidence: Number(x.confidence.toPrecision(4)),
    terms: x.terms,
    ...(x.subCategory ? { subCategory: x.subCategory, subConfidence: Number(x.subConfidence!.toPrecision(4)) } : {}),
    handler: handlerFor(cfg, routingCode(cfg, x.category, x.subCategory), place),
  }));
  return { modelVersion: version, place: placeOut, suggestions };
}

// ---- per case: what was suggested, and what the dispatcher did with it ----

/**
 * At intake (inside its transaction): the model's best category for the report and the handler for
 * it at the case's place. Uses the model already in use and never waits for a training, so a first
 * start cannot slow intake down; without a model nothing is recorded (the rates count only cases that
 * had a suggestion).
 */
export async function recordSuggestion(db: Executor | WriteBatch, ctx: Ctx, cfg: CasesConfig, row: CaseRow, place: Place): Promise<void> {
  const loaded = loadedClassifier(ctx.platform);
  if (!loaded) return;
  const text = `${row.title}\n${row.description}`;
  const [best] = loaded.classifier.classify(text, 1);
  if (!best) return;
  const handler = handlerFor(cfg, routingCode(cfg, best.category, best.subCategory), place);
  const w = WriteBatch.of(db);
  w.add(w.db
    .insertInto('dispatch_suggestion')
    .values({
      case_id: row.id, district_id: row.district_id, city_id: row.city_id, street_id: row.street_id, community_id: row.community_id, grid_id: row.grid_id,
      suggested_at: ctx.platform.clock.now(), model_version: loaded.version,
      category: best.category, sub_category: best.subCategory ?? null, confidence: Math.min(1, Math.max(0, best.confidence)),
      handler_org_id: handler.orgId, handler_matched: handler.matched,
    })
    .onConflict((oc) => oc.columns(['case_id', 'district_id']).doNothing()));
  await w.done();
}

const userOf = (ctx: Ctx) => (ctx.principal.kind === 'user' ? ctx.principal.id : null);

/**
 * The dispatcher's first decision of one kind: `final` is what they chose, `suggested` the column it
 * is compared with (the suggested top-level category, or the suggested handler). Later decisions of
 * the same kind (a reopened case registered again, a returned case dispatched again) change nothing.
 */
async function recordDecision(db: Executor, ctx: Ctx, caseId: string, kind: 'category' | 'handler', final: string, compareWith: string) {
  const suggested = sql.ref(kind === 'category' ? 'category' : 'handler_org_id');
  await db
    .updateTable('dispatch_suggestion')
    .set({
      [`${kind}_final`]: final,
      [`${kind}_outcome`]: sql<'accepted' | 'corrected'>`CASE WHEN ${suggested} = ${compareWith} THEN 'accepted' ELSE 'corrected' END`,
      [`${kind}_decided_at`]: ctx.platform.clock.now(),
      [`${kind}_decided_by`]: userOf(ctx),
    })
    .where('case_id', '=', caseId)
    .where(`${kind}_decided_at`, 'is', null)
    .execute();
}

/** At registration: the category the dispatcher registered with (its top level is compared). */
export const recordCategoryDecision = (db: Executor, ctx: Ctx, caseId: string, category: string, top: string) =>
  recordDecision(db, ctx, caseId, 'category', category, top);

/** At dispatch: the unit the dispatcher sent the case to. */
export const recordHandlerDecision = (db: Executor, ctx: Ctx, caseId: string, orgId: string) => recordDecision(db, ctx, caseId, 'handler', orgId, orgId);

/** What was suggested for a case, for the case read (one lookup by key); null when nothing was. */
export async function suggestionOfCase(db: Executor, cfg: CasesConfig, caseId: string, lang: Lang) {
  const s = await db.selectFrom('dispatch_suggestion').selectAll().where('case_id', '=', caseId).executeTakeFirst();
  if (!s) return null;
  return {
    category: s.category,
    categoryName: categoryName(cfg, s.category, lang),
    subCategory: s.sub_category,
    confidence: Number(Number(s.confidence).toPrecision(4)),
    modelVersion: s.model_version,
    handlerOrgId: s.handler_org_id,
    handlerOrgName: s.handler_org_id ? cfg.orgs.get(s.handler_org_id)?.name ?? null : null,
    handlerMatched: s.handler_matched,
    categoryOutcome: s.category_outcome,
    handlerOutcome: s.handler_outcome,
  };
}
export type CaseSuggestion = NonNullable<Awaited<ReturnType<typeof suggestionOfCase>>>;

// ---- the dashboard: how often dispatchers take the suggestions ----

interface Tally {
  decided: number;
  accepted: number;
  corrected: number;
  acceptRate: number | null;
}
const tally = (accepted: number, corrected: number): Tally => ({
  decided: accepted + corrected,
  accepted,
  corrected,
  acceptRate: accepted + corrected ? Math.round((accepted / (accepted + corrected)) * 10_000) / 10_000 : null,
});

/**
 * Accepted / corrected suggestions decided in a period, in the caller's scope or a region inside it:
 * categories by registration time, handlers by dispatch time; also per suggested category.
 */
export async function suggestionRates(ctx: Ctx, q: { period: string; regionId?: string }) {
  requirePermission(ctx, 'metrics.read');
  const range = periodRange(q.period, ctx.platform.config.timeZone);
  if (!range) throw invalid('period', 'validation.pattern');
  const scope = scopeOf(ctx);
  let region: { id: string; level: 'city' | 'district' | 'street' | 'community' | 'grid' } | undefined;
  if (q.regionId) {
    region = await ctx.db
      .selectFrom('region as r')
      .select(['r.id', 'r.level'])
      .where('r.id', '=', q.regionId)
      .where((eb) => inScope(eb, scope, { regionOf: 'r' }))
      .executeTakeFirst();
    if (!region) throw notFound();
  }
  const rows = await ctx.db
    .selectFrom('dispatch_suggestion as s')
    .select((eb) => [
      's.category',
      sql<number>`count(*) FILTER (WHERE s.category_outcome = 'accepted' AND s.category_decided_at >= ${range.from} AND s.category_decided_at < ${range.to})::int`.as('ca'),
      sql<number>`count(*) FILTER (WHERE s.category_outcome = 'corrected' AND s.category_decided_at >= ${range.from} AND s.category_decided_at < ${range.to})::int`.as('cc'),
      sql<number>`count(*) FILTER (WHERE s.handler_outcome = 'accepted' AND s.handler_decided_at >= ${range.from} AND s.handler_decided_at < ${range.to})::int`.as('ha'),
      sql<number>`count(*) FILTER (WHERE s.handler_outcome = 'corrected' AND s.handler_decided_at >= ${range.from} AND s.handler_decided_at < ${range.to})::int`.as('hc'),
      eb.fn.countAll<number>().as('n'),
    ])
    .where((eb) => inScope(eb, scope, { regionOf: 's' }))
    .$if(!!region, (qb) => qb.where(sql.ref(`s.${region!.level}_id`), '=', region!.id))
    .where((eb) =>
      eb.or([
        eb.and([eb('s.category_decided_at', '>=', range.from), eb('s.category_decided_at', '<', range.to)]),
        eb.and([eb('s.handler_decided_at', '>=', range.from), eb('s.handler_decided_at', '<', range.to)]),
      ]),
    )
    .groupBy('s.category')
    .execute();
  const sum = (k: 'ca' | 'cc' | 'ha' | 'hc') => rows.reduce((a, r) => a + Number(r[k]), 0);
  return {
    period: q.period,
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    regionId: region?.id ?? null,
    categoryDecisions: tally(sum('ca'), sum('cc')),
    handlerDecisions: tally(sum('ha'), sum('hc')),
    bySuggestedCategory: rows
      .map((r) => ({ category: r.category, categoryDecisions: tally(Number(r.ca), Number(r.cc)), handlerDecisions: tally(Number(r.ha), Number(r.hc)) }))
      .sort((a, b) => b.categoryDecisions.decided - a.categoryDecisions.decided || a.category.localeCompare(b.category)),
  };
}
