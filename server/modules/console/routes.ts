import { Type } from 'typebox';
import type { App } from '../../platform/module.ts';
import { Body, DateTime, IdParams, Nullable, responses, Uuid } from '../../platform/http/schemas.ts';
import { idempotent } from '../../platform/http/idempotency.ts';
import { invalid } from '../../platform/errors.ts';
import * as service from './service.ts';

const Screen = Type.String({ pattern: '^[a-z][a-z0-9_.]{0,59}$', description: 'the list the view belongs to, e.g. queue.dispatch' });
const TopCode = Type.String({ pattern: '^[a-z][a-z0-9_]*$', maxLength: 40, description: 'a top-level category code' });
const AnyCode = Type.String({ pattern: '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)?$', maxLength: 80 });

/** The filters a queue can save: the same names as GET /api/cases's query. */
const ViewFilters = Type.Object(
  {
    status: Type.Optional(Type.String({ maxLength: 200 })),
    category: Type.Optional(AnyCode),
    q: Type.Optional(Type.String({ maxLength: 100 })),
    overdue: Type.Optional(Type.Boolean()),
    gridId: Type.Optional(Uuid),
    orgId: Type.Optional(Uuid),
    period: Type.Optional(Type.String({ maxLength: 10 })),
  },
  { additionalProperties: false },
);
const SavedView = Type.Object({ id: Uuid, screen: Type.String(), name: Type.String(), filters: ViewFilters, createdAt: DateTime });
const Template = Type.Object({
  id: Uuid, orgId: Uuid, orgName: Type.String(), shared: Type.Boolean(), mine: Type.Boolean(),
  category: Nullable(Type.String()), text: Type.String(), sortOrder: Type.Integer(), updatedAt: DateTime,
});
const TemplateBody = () => Body({
  category: Type.Optional(Nullable(TopCode)),
  text: Type.String({ minLength: 1, maxLength: 500 }),
  sortOrder: Type.Optional(Type.Integer({ minimum: 0, maximum: 9999 })),
});
const CaseRef = { caseId: Uuid, caseNo: Type.String(), title: Type.String(), status: Type.String(), category: Type.String(), priority: Type.String() };

export function consoleRoutes(app: App) {
  app.get(
    '/api/saved-views',
    { config: { access: 'staff' },
      schema: { tags: ['console'], summary: 'The caller’s saved views of one list', querystring: Type.Object({ screen: Screen }, { additionalProperties: false }), response: responses({ 200: Type.Array(SavedView) }) } },
    async (req) => service.listViews(req.ctx, req.query.screen),
  );
  app.post(
    '/api/saved-views',
    { config: { access: 'staff' },
      schema: {
        tags: ['console'], summary: 'Save the current filters of a list under a name (per user)',
        body: Body({ screen: Screen, name: Type.String({ minLength: 1, maxLength: 40 }), filters: ViewFilters }),
        response: responses({ 201: SavedView }),
      } },
    (req, reply) => idempotent(req, reply, async (ctx) => ({ status: 201, body: await service.createView(ctx, req.body) })),
  );
  app.delete(
    '/api/saved-views/:id',
    { config: { access: 'staff' }, schema: { tags: ['console'], summary: 'Delete one of the caller’s saved views', params: IdParams, response: responses({ 204: Type.Null() }) } },
    async (req, reply) => {
      await service.deleteView(req.ctx, req.params.id);
      reply.code(204);
      return null;
    },
  );

  app.get(
    '/api/reply-templates',
    { config: { access: 'staff' },
      schema: {
        tags: ['console'], summary: 'Reply templates (常用语) of the caller’s unit and the platform’s shared ones; with category: that category’s and the general ones',
        querystring: Type.Object({ category: Type.Optional(AnyCode) }, { additionalProperties: false }),
        response: responses({ 200: Type.Array(Template) }),
      } },
    async (req) => service.listTemplates(req.ctx, req.query.category),
  );
  app.post(
    '/api/reply-templates',
    { config: { access: { permission: 'case.templates' } },
      schema: { tags: ['console'], summary: 'Add a reply template for the caller’s unit', body: TemplateBody(), response: responses({ 201: Template }) } },
    (req, reply) => idempotent(req, reply, async (ctx) => ({ status: 201, body: await service.createTemplate(ctx, req.body) })),
  );
  app.put(
    '/api/reply-templates/:id',
    { config: { access: { permission: 'case.templates' } },
      schema: { tags: ['console'], summary: 'Change one of the unit’s reply templates', params: IdParams, body: TemplateBody(), response: responses({ 200: Template }) } },
    async (req) => service.updateTemplate(req.ctx, req.params.id, req.body),
  );
  app.delete(
    '/api/reply-templates/:id',
    { config: { access: { permission: 'case.templates' } }, schema: { tags: ['console'], summary: 'Delete one of the unit’s reply templates', params: IdParams, response: responses({ 204: Type.Null() }) } },
    async (req, reply) => {
      await service.deleteTemplate(req.ctx, req.params.id);
      reply.code(204);
      return null;
    },
  );

  app.get(
    '/api/console/watch',
    { config: { access: { permission: 'case.read' } },
      schema: {
        tags: ['console'], summary: 'The supervisor’s watch list: clocks at risk or overdue, and whistles awaiting check-in, on open cases in scope',
        response: responses({
          200: Type.Object({
            asOf: DateTime,
            deadlines: Type.Array(Type.Object({ ...CaseRef, kind: Type.String(), clock: Type.String(), orgId: Uuid, orgName: Type.String(), dueAt: DateTime, warnAt: Nullable(DateTime), risk: Type.Union([Type.Literal('at_risk'), Type.Literal('overdue')]) })),
            whistles: Type.Array(Type.Object({ ...CaseRef, callId: Uuid, orgId: Uuid, orgName: Type.String(), whistlerName: Type.String(), at: DateTime, dueAt: DateTime, escalated: Type.Boolean(), overdue: Type.Boolean() })),
          }),
        }),
      } },
    async (req) => service.watch(req.ctx),
  );
  app.get(
    '/api/console/handlers',
    { config: { access: { permission: 'case.read' } },
      schema: {
        tags: ['console'], summary: 'Units a case in the caller’s district can be dispatched to or a whistle can summon',
        response: responses({ 200: Type.Array(Type.Object({ id: Uuid, kind: Type.String(), name: Type.String(), deptType: Nullable(Type.String()), regionId: Nullable(Uuid), regionName: Nullable(Type.String()), regionLevel: Nullable(Type.String()) })) }),
      } },
    async (req) => service.handlers(req.ctx),
  );
  app.get(
    '/api/console/clocks',
    { config: { access: { permission: 'case.read' } },
      schema: {
        tags: ['console'], summary: 'Open clocks of up to 200 cases with the time left on each clock (working minutes for working-time clocks)',
        querystring: Type.Object({ caseIds: Type.String({ minLength: 36, maxLength: 200 * 37, description: 'comma-separated case ids' }) }, { additionalProperties: false }),
        response: responses({
          200: Type.Object({
            asOf: DateTime, dayMinutes: Type.Integer(),
            items: Type.Array(Type.Object({
              caseId: Uuid, kind: Type.String(), clock: Type.String(), orgId: Uuid, orgName: Type.String(), dueAt: DateTime, warnAt: Nullable(DateTime),
              remainingMinutes: Type.Integer(), workingTime: Type.Boolean(), overdueMinutes: Type.Integer(), warning: Type.Boolean(),
            })),
          }),
        }),
      } },
    async (req) => {
      const ids = [...new Set(req.query.caseIds.split(','))];
      const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
      if (ids.length > 200 || ids.some((id) => !uuid.test(id))) throw invalid('caseIds', 'validation.pattern');
      return service.clocks(req.ctx, ids);
    },
  );
}
