import { Type } from 'typebox';
import { audit } from '../../platform/audit/index.ts';
import { requirePermission } from '../../platform/access/index.ts';
import { inTransaction, type Ctx } from '../../platform/context.ts';
import { invalid, notFound } from '../../platform/errors.ts';
import { Body, IdParams, Nullable, responses, Uuid } from '../../platform/http/schemas.ts';
import { newId } from '../../platform/ids.ts';
import type { App } from '../../platform/module.ts';
import { getConfig, invalidateConfig } from './config.ts';
import { CLOCKS, parsePeriods } from './worktime.ts';

/** Administration of the rules the case loop runs on: SLA rules, routing rules, calendar, working hours. */
async function change<T>(ctx: Ctx, action: string, entityType: string, entityId: string, fn: (c: Ctx) => Promise<T>, details?: Record<string, unknown>) {
  requirePermission(ctx, 'case.admin');
  const out = await inTransaction(ctx, async (_trx, c) => {
    const r = await fn(c);
    await audit(c, { action, entityType, entityId, details });
    return r;
  });
  invalidateConfig();
  return out;
}

async function checkCategory(ctx: Ctx, code: string) {
  if (!(await ctx.db.selectFrom('taxonomy').select('code').where('code', '=', code).executeTakeFirst())) throw invalid('category', 'cases.unknown_category');
}

const Clock = Type.Union(CLOCKS.map((c) => Type.Literal(c)));
const Amount = Type.Number({ exclusiveMinimum: 0, maximum: 1000 });
const SlaFields = {
  registerClock: Clock, registerAmount: Amount, responseClock: Clock, responseAmount: Amount, handleClock: Clock, handleAmount: Amount,
  verifyClock: Clock, verifyAmount: Amount, warnFraction: Type.Number({ minimum: 0, maximum: 0.95 }),
};
const SlaRule = Type.Object({ id: Uuid, category: Type.String(), priority: Type.String(), ...SlaFields });
const RoutingRule = Type.Object({
  id: Uuid, category: Type.String(), regionId: Nullable(Uuid), compoundId: Nullable(Uuid), target: Type.String(), targetOrgId: Nullable(Uuid),
  targetDeptType: Nullable(Type.String()), assistDeptTypes: Type.Array(Type.String()), assistOrgIds: Type.Array(Uuid), supervisor: Type.String(), active: Type.Boolean(), note: Nullable(Type.String()),
});
const Day = Type.Object({ date: Type.String(), kind: Type.String(), name: Type.String() });

const presentSla = (r: { id: string; category: string; priority: string; register_clock: string; register_amount: number; response_clock: string; response_amount: number; handle_clock: string; handle_amount: number; verify_clock: string; verify_amount: number; warn_fraction: number }) => ({
  id: r.id, category: r.category, priority: r.priority,
  registerClock: r.register_clock as never, registerAmount: Number(r.register_amount), responseClock: r.response_clock as never, responseAmount: Number(r.response_amount),
  handleClock: r.handle_clock as never, handleAmount: Number(r.handle_amount), verifyClock: r.verify_clock as never, verifyAmount: Number(r.verify_amount), warnFraction: Number(r.warn_fraction),
});

export function adminRoutes(app: App) {
  app.get('/api/sla-rules', { config: { access: { permission: 'case.read' } }, schema: { tags: ['case rules'], summary: 'SLA rules (per category and priority)', response: responses({ 200: Type.Array(SlaRule) }) } }, async (req) => {
    requirePermission(req.ctx, 'case.read');
    return (await req.ctx.db.selectFrom('sla_rule').selectAll().orderBy('category').orderBy('priority').execute()).map(presentSla);
  });

  app.put(
    '/api/sla-rules',
    { config: { access: { permission: 'case.admin' } },
      schema: {
        tags: ['case rules'], summary: 'Create or replace the SLA rule of a category and priority',
        body: Body({ category: Type.String({ maxLength: 80 }), priority: Type.Union([Type.Literal('normal'), Type.Literal('urgent')]), ...SlaFields }),
        response: responses({ 200: SlaRule }),
      },
    },
    async (req) => {
      const b = req.body;
      await checkCategory(req.ctx, b.category);
      const row = {
        category: b.category, priority: b.priority, register_clock: b.registerClock, register_amount: b.registerAmount, response_clock: b.responseClock, response_amount: b.responseAmount,
        handle_clock: b.handleClock, handle_amount: b.handleAmount, verify_clock: b.verifyClock, verify_amount: b.verifyAmount, warn_fraction: b.warnFraction, updated_at: req.ctx.platform.clock.now(),
      };
      const saved = await change(req.ctx, 'sla_rule.put', 'sla_rule', `${b.category}:${b.priority}`, (c) =>
        c.db.insertInto('sla_rule').values({ id: newId(), ...row }).onConflict((oc) => oc.columns(['category', 'priority']).doUpdateSet(row)).returningAll().executeTakeFirstOrThrow(),
      );
      return presentSla(saved);
    },
  );

  app.get('/api/routing-rules', { config: { access: { permission: 'case.read' } }, schema: { tags: ['case rules'], summary: 'Routing rules', response: responses({ 200: Type.Array(RoutingRule) }) } }, async (req) => {
    requirePermission(req.ctx, 'case.read');
    const rows = await req.ctx.db.selectFrom('routing_rule').selectAll().orderBy('category').orderBy('id').execute();
    return rows.map(presentRouting);
  });

  const RoutingBody = {
    category: Type.String({ maxLength: 80 }), regionId: Type.Optional(Nullable(Uuid)), compoundId: Type.Optional(Nullable(Uuid)),
    target: Type.Union([Type.Literal('org'), Type.Literal('dept_type'), Type.Literal('property_company'), Type.Literal('community')]),
    targetOrgId: Type.Optional(Nullable(Uuid)), targetDeptType: Type.Optional(Nullable(Type.String({ pattern: '^[a-z_]{2,40}$' }))),
    assistDeptTypes: Type.Optional(Type.Array(Type.String({ pattern: '^[a-z_]{2,40}$' }), { maxItems: 10 })), assistOrgIds: Type.Optional(Type.Array(Uuid, { maxItems: 10 })),
    supervisor: Type.Optional(Type.Union([Type.Literal('none'), Type.Literal('community'), Type.Literal('street')])), active: Type.Optional(Type.Boolean()), note: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
  };
  const routingRow = async (ctx: Ctx, b: { category: string; regionId?: string | null; compoundId?: string | null; target: 'org' | 'dept_type' | 'property_company' | 'community'; targetOrgId?: string | null; targetDeptType?: string | null; assistDeptTypes?: string[]; assistOrgIds?: string[]; supervisor?: 'none' | 'community' | 'street'; active?: boolean; note?: string | null }) => {
    await checkCategory(ctx, b.category);
    if (b.target === 'org' && !b.targetOrgId) throw invalid('targetOrgId', 'validation.required');
    if (b.target === 'dept_type' && !b.targetDeptType) throw invalid('targetDeptType', 'validation.required');
    const exists = async (table: 'org' | 'region' | 'compound', ids: string[]) =>
      ids.length === 0 || (await ctx.db.selectFrom(table).select('id').where('id', 'in', ids).execute()).length === new Set(ids).size;
    if (b.targetOrgId && !(await exists('org', [b.targetOrgId]))) throw invalid('targetOrgId', 'error.not_found');
    if (!(await exists('org', b.assistOrgIds ?? []))) throw invalid('assistOrgIds', 'error.not_found');
    if (b.regionId && !(await exists('region', [b.regionId]))) throw invalid('regionId', 'error.not_found');
    if (b.compoundId && !(await exists('compound', [b.compoundId]))) throw invalid('compoundId', 'error.not_found');
    return {
      category: b.category, region_id: b.regionId ?? null, compound_id: b.compoundId ?? null, target: b.target, target_org_id: b.targetOrgId ?? null,
      target_dept_type: b.targetDeptType ?? null, assist_dept_types: b.assistDeptTypes ?? [], assist_org_ids: b.assistOrgIds ?? [], supervisor: b.supervisor ?? 'none',
      active: b.active ?? true, note: b.note ?? null, updated_at: ctx.platform.clock.now(),
    };
  };
  app.post('/api/routing-rules', { config: { access: { permission: 'case.admin' } }, schema: { tags: ['case rules'], summary: 'Add a routing rule', body: Body(RoutingBody), response: responses({ 201: RoutingRule }) } }, async (req, reply) => {
    const row = { id: newId(), ...(await routingRow(req.ctx, req.body)) };
    const saved = await change(req.ctx, 'routing_rule.create', 'routing_rule', row.id, (c) => c.db.insertInto('routing_rule').values(row).returningAll().executeTakeFirstOrThrow());
    reply.code(201);
    return presentRouting(saved);
  });
  app.put('/api/routing-rules/:id', { config: { access: { permission: 'case.admin' } }, schema: { tags: ['case rules'], summary: 'Replace a routing rule', params: IdParams, body: Body(RoutingBody), response: responses({ 200: RoutingRule }) } }, async (req) => {
    const row = await routingRow(req.ctx, req.body);
    const saved = await change(req.ctx, 'routing_rule.update', 'routing_rule', req.params.id, (c) => c.db.updateTable('routing_rule').set(row).where('id', '=', req.params.id).returningAll().executeTakeFirst());
    if (!saved) throw notFound();
    return presentRouting(saved);
  });

  app.get(
    '/api/calendar',
    { config: { access: { permission: 'case.read' } }, schema: { tags: ['case rules'], summary: 'Holidays and make-up working days of a year', querystring: Type.Object({ year: Type.Integer({ minimum: 2000, maximum: 2100 }) }, { additionalProperties: false }), response: responses({ 200: Type.Array(Day) }) } },
    async (req) => {
      requirePermission(req.ctx, 'case.read');
      return req.ctx.db.selectFrom('holiday_calendar').select(['date', 'kind', 'name']).where('date', '>=', `${req.query.year}-01-01`).where('date', '<=', `${req.query.year}-12-31`).orderBy('date').execute();
    },
  );
  const DateParams = Type.Object({ date: Type.String({ format: 'date' }) }, { additionalProperties: false });
  app.put(
    '/api/calendar/:date',
    { config: { access: { permission: 'case.admin' } }, schema: { tags: ['case rules'], summary: 'Mark a day as a holiday or a make-up working day', params: DateParams, body: Body({ kind: Type.Union([Type.Literal('holiday'), Type.Literal('workday')]), name: Type.String({ minLength: 1, maxLength: 50 }) }), response: responses({ 200: Day }) } },
    async (req) => {
      const row = { date: req.params.date, kind: req.body.kind, name: req.body.name, updated_at: req.ctx.platform.clock.now() };
      await change(req.ctx, 'calendar.put', 'holiday_calendar', req.params.date, (c) => c.db.insertInto('holiday_calendar').values(row).onConflict((oc) => oc.column('date').doUpdateSet(row)).execute(), { kind: row.kind });
      return { date: row.date, kind: row.kind, name: row.name };
    },
  );
  app.delete(
    '/api/calendar/:date',
    { config: { access: { permission: 'case.admin' } }, schema: { tags: ['case rules'], summary: 'Return a day to the ordinary week', params: DateParams, response: responses({ 204: Type.Null() }) } },
    async (req, reply) => {
      await change(req.ctx, 'calendar.delete', 'holiday_calendar', req.params.date, (c) => c.db.deleteFrom('holiday_calendar').where('date', '=', req.params.date).execute());
      reply.code(204);
      return null;
    },
  );
  const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  app.get(
    '/api/settings/working-hours',
    { config: { access: { permission: 'case.read' } }, schema: { tags: ['case rules'], summary: 'Working periods of a working day (local time), as in force', response: responses({ 200: Type.Object({ periods: Type.Array(Type.Array(Type.String())) }) }) } },
    async (req) => {
      requirePermission(req.ctx, 'case.read');
      const cfg = await getConfig(req.ctx.platform, req.ctx.db);
      return { periods: cfg.calendar.periods.map(([a, b]) => [hhmm(a), hhmm(b)]) };
    },
  );
  app.put(
    '/api/settings/working-hours',
    { config: { access: { permission: 'case.admin' } }, schema: { tags: ['case rules'], summary: 'Working periods of a working day (local time)', body: Body({ periods: Type.Array(Type.Array(Type.String({ pattern: '^\\d{2}:\\d{2}$' }), { minItems: 2, maxItems: 2 }), { minItems: 1, maxItems: 4 }) }), response: responses({ 200: Type.Object({ periods: Type.Array(Type.Array(Type.String())) }) }) } },
    async (req) => {
      try {
        parsePeriods(req.body.periods);
      } catch {
        throw invalid('periods', 'validation.invalid');
      }
      const value = JSON.stringify(req.body.periods);
      await change(req.ctx, 'setting.update', 'setting', 'cases.working_hours', (c) =>
        c.db.insertInto('setting').values({ key: 'cases.working_hours', value }).onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute(),
      );
      return { periods: req.body.periods };
    },
  );
}

function presentRouting(r: { id: string; category: string; region_id: string | null; compound_id: string | null; target: string; target_org_id: string | null; target_dept_type: string | null; assist_dept_types: string[]; assist_org_ids: string[]; supervisor: string; active: boolean; note: string | null }) {
  return {
    id: r.id, category: r.category, regionId: r.region_id, compoundId: r.compound_id, target: r.target, targetOrgId: r.target_org_id, targetDeptType: r.target_dept_type,
    assistDeptTypes: r.assist_dept_types, assistOrgIds: r.assist_org_ids, supervisor: r.supervisor, active: r.active, note: r.note,
  };
}
