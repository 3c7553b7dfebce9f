import { conflict, invalid, notFound } from '../../platform/errors.ts';
import { audit } from '../../platform/audit/index.ts';
import { requirePermission, requireUser, scopeOf } from '../../platform/access/index.ts';
import { inTransaction, now, type Ctx } from '../../platform/context.ts';
import { newId } from '../../platform/ids.ts';
import { getConfig } from '../cases/config.ts';
import type { ClockKind } from '../cases/worktime.ts';
import { dayMinutes, remaining } from './clocks.ts';
import * as store from './store.ts';

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);
export const MAX_VIEWS_PER_SCREEN = 30;
export const MAX_TEMPLATES_PER_ORG = 200;

/* ---------- saved views: one user's named filter sets per queue ---------- */

export async function listViews(ctx: Ctx, screen: string) {
  const u = requireUser(ctx);
  const rows = await store.listViews(ctx.db, u.id, screen);
  return rows.map((r) => ({ id: r.id, screen: r.screen, name: r.name, filters: r.filters, createdAt: iso(r.created_at)! }));
}

export async function createView(ctx: Ctx, input: { screen: string; name: string; filters: Record<string, unknown> }) {
  const u = requireUser(ctx);
  const name = input.name.trim();
  if (!name) throw invalid('name', 'validation.required');
  return inTransaction(ctx, async (trx, c) => {
    // one at a time per user, so the limit and the unique name hold under concurrent saves
    await trx.selectFrom('app_user').select('id').where('id', '=', u.id).forUpdate().execute();
    if ((await store.countViews(trx, u.id, input.screen)) >= MAX_VIEWS_PER_SCREEN) throw conflict('TOO_MANY_VIEWS', 'console.too_many_views', { max: MAX_VIEWS_PER_SCREEN });
    const taken = await trx.selectFrom('saved_view').select('id').where('user_id', '=', u.id).where('screen', '=', input.screen).where('name', '=', name).executeTakeFirst();
    if (taken) throw conflict('VIEW_NAME_TAKEN', 'console.view_name_taken', { name });
    const id = newId();
    const at = now(c);
    await trx.insertInto('saved_view').values({ id, user_id: u.id, screen: input.screen, name, filters: JSON.stringify(input.filters), created_at: at }).execute();
    await audit(c, { action: 'saved_view.create', entityType: 'saved_view', entityId: id, after: { screen: input.screen, name, filters: input.filters } });
    return { id, screen: input.screen, name, filters: input.filters, createdAt: at.toISOString() };
  });
}

export async function deleteView(ctx: Ctx, id: string) {
  const u = requireUser(ctx);
  await inTransaction(ctx, async (trx, c) => {
    const row = await store.findView(trx, u.id, id);
    if (!row) throw notFound();
    await trx.deleteFrom('saved_view').where('id', '=', id).execute();
    await audit(c, { action: 'saved_view.delete', entityType: 'saved_view', entityId: id, before: { screen: row.screen, name: row.name } });
  });
}

/* ---------- reply templates (常用语) ---------- */

async function checkCategory(ctx: Ctx, category: string | null | undefined) {
  if (!category) return null;
  const cfg = await getConfig(ctx.platform, ctx.db);
  const cat = cfg.categories.get(category);
  if (!cat || cat.top !== category) throw invalid('category', 'cases.unknown_category');
  return category;
}

const presentTemplate = (r: { id: string; org_id: string; org_name: string; org_kind: string; category: string | null; text: string; sort_order: number; updated_at: Date | string }, mine: string) => ({
  id: r.id, orgId: r.org_id, orgName: r.org_name, shared: r.org_kind === 'platform' && r.org_id !== mine, mine: r.org_id === mine,
  category: r.category, text: r.text, sortOrder: r.sort_order, updatedAt: iso(r.updated_at)!,
});

export async function listTemplates(ctx: Ctx, category: string | undefined) {
  const u = requireUser(ctx);
  // a second-level code asks for its top-level category's templates
  const top = category?.split('.')[0];
  const rows = await store.listTemplates(ctx.db, [u.orgId], top);
  return rows.map((r) => presentTemplate(r, u.orgId));
}

export async function createTemplate(ctx: Ctx, input: { category?: string | null; text: string; sortOrder?: number }) {
  const u = requirePermission(ctx, 'case.templates');
  const text = input.text.trim();
  if (!text) throw invalid('text', 'validation.required');
  const category = await checkCategory(ctx, input.category);
  return inTransaction(ctx, async (trx, c) => {
    await trx.selectFrom('org').select('id').where('id', '=', u.orgId).forUpdate().execute();
    if ((await store.countTemplates(trx, u.orgId)) >= MAX_TEMPLATES_PER_ORG) throw conflict('TOO_MANY_TEMPLATES', 'console.too_many_templates', { max: MAX_TEMPLATES_PER_ORG });
    const id = newId();
    const at = now(c);
    const row = { id, org_id: u.orgId, category, text, sort_order: input.sortOrder ?? 0, created_by: u.kind === 'user' ? u.id : null, created_at: at, updated_at: at };
    await trx.insertInto('reply_template').values(row).execute();
    await audit(c, { action: 'reply_template.create', entityType: 'reply_template', entityId: id, after: { category, text, sortOrder: row.sort_order } });
    const org = await trx.selectFrom('org').select(['name', 'kind']).where('id', '=', u.orgId).executeTakeFirstOrThrow();
    return presentTemplate({ ...row, org_name: org.name, org_kind: org.kind }, u.orgId);
  });
}

export async function updateTemplate(ctx: Ctx, id: string, input: { category?: string | null; text: string; sortOrder?: number }) {
  const u = requirePermission(ctx, 'case.templates');
  const text = input.text.trim();
  if (!text) throw invalid('text', 'validation.required');
  const category = await checkCategory(ctx, input.category);
  return inTransaction(ctx, async (trx, c) => {
    const before = await store.lockTemplate(trx, u.orgId, id);
    if (!before) throw notFound();
    const patch = { category, text, sort_order: input.sortOrder ?? before.sort_order, updated_at: now(c) };
    await trx.updateTable('reply_template').set(patch).where('id', '=', id).execute();
    await audit(c, { action: 'reply_template.update', entityType: 'reply_template', entityId: id, before: { category: before.category, text: before.text, sortOrder: before.sort_order }, after: { category, text, sortOrder: patch.sort_order } });
    const org = await trx.selectFrom('org').select(['name', 'kind']).where('id', '=', u.orgId).executeTakeFirstOrThrow();
    return presentTemplate({ ...before, ...patch, org_name: org.name, org_kind: org.kind }, u.orgId);
  });
}

export async function deleteTemplate(ctx: Ctx, id: string) {
  const u = requirePermission(ctx, 'case.templates');
  await inTransaction(ctx, async (trx, c) => {
    const before = await store.lockTemplate(trx, u.orgId, id);
    if (!before) throw notFound();
    await trx.deleteFrom('reply_template').where('id', '=', id).execute();
    await audit(c, { action: 'reply_template.delete', entityType: 'reply_template', entityId: id, before: { category: before.category, text: before.text } });
  });
}

/* ---------- queues: the supervisor's watch list, dispatch targets, clocks ---------- */

export async function watch(ctx: Ctx) {
  requirePermission(ctx, 'case.read');
  const scope = scopeOf(ctx);
  const at = now(ctx);
  const [deadlines, whistles] = await Promise.all([store.watchDeadlines(ctx.db, scope, at, 200), store.pendingWhistles(ctx.db, scope, 200)]);
  const caseOf = (r: { case_id: string; case_no: string; title: string; status: string; category: string; priority: string }) => ({
    caseId: r.case_id, caseNo: r.case_no, title: r.title, status: r.status, category: r.category, priority: r.priority,
  });
  return {
    asOf: at.toISOString(),
    deadlines: deadlines.map((d) => ({
      ...caseOf(d), kind: d.kind, clock: d.clock, orgId: d.org_id, orgName: d.org_name, dueAt: iso(d.due_at)!, warnAt: iso(d.warn_at),
      risk: d.state === 'missed' || new Date(d.due_at).getTime() <= at.getTime() ? ('overdue' as const) : ('at_risk' as const),
    })),
    whistles: whistles.map((w) => ({
      ...caseOf(w), callId: w.id, orgId: w.org_id, orgName: w.org_name, whistlerName: w.whistler_name, at: iso(w.created_at)!, dueAt: iso(w.due_at)!,
      escalated: !!w.escalated_at, overdue: new Date(w.due_at).getTime() <= at.getTime(),
    })),
  };
}

export async function handlers(ctx: Ctx) {
  const u = requirePermission(ctx, 'case.read');
  const scope = scopeOf(ctx);
  let district: string | null = null;
  if (scope.kind === 'region') district = await store.districtOf(ctx.db, scope.regionId);
  else if (scope.kind === 'org') {
    const org = await ctx.db.selectFrom('org').select('region_id').where('id', '=', u.orgId).executeTakeFirst();
    district = org?.region_id ? await store.districtOf(ctx.db, org.region_id) : null;
    // an organisation without a place names only itself
    if (!district) return [];
  }
  const rows = await store.handlers(ctx.db, district);
  return rows.map((r) => ({ id: r.id, kind: r.kind, name: r.name, deptType: r.dept_type, regionId: r.region_id, regionName: r.region_name, regionLevel: r.region_level }));
}

export async function clocks(ctx: Ctx, caseIds: string[]) {
  requirePermission(ctx, 'case.read');
  const cfg = await getConfig(ctx.platform, ctx.db);
  const at = now(ctx);
  const rows = await store.openClocks(ctx.db, scopeOf(ctx), caseIds);
  return {
    asOf: at.toISOString(),
    dayMinutes: dayMinutes(cfg.calendar),
    items: rows.map((r) => {
      const left = remaining(at, new Date(r.due_at), r.clock as ClockKind, cfg.calendar);
      return {
        caseId: r.case_id, kind: r.kind, clock: r.clock, orgId: r.org_id, orgName: r.org_name, dueAt: iso(r.due_at)!, warnAt: iso(r.warn_at),
        remainingMinutes: left.minutes, workingTime: left.working, overdueMinutes: left.overdueMinutes,
        warning: !!r.warn_at && new Date(r.warn_at).getTime() <= at.getTime(),
      };
    }),
  };
}
