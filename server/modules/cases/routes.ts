import { Type } from 'typebox';
import type { App } from '../../platform/module.ts';
import { Body, DateTime, IdParams, Nullable, responses, Uuid } from '../../platform/http/schemas.ts';
import { idempotent } from '../../platform/http/idempotency.ts';
import { invalid } from '../../platform/errors.ts';
import * as service from './service.ts';
import { CaseSuggestion } from '../dispatch/schemas.ts';
import { CHANNELS, TYPES } from './intake.ts';
import { ACTIONS, SATISFACTION } from './workflow.ts';
import { readFile, saveUploads, type Upload } from './files.ts';

const lit = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const Text = (max: number, min = 1) => Type.String({ minLength: min, maxLength: max });
const Code = Type.String({ pattern: '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)?$', maxLength: 80 });

const Deadline = Type.Object({ kind: Type.String(), orgId: Uuid, dueAt: DateTime, state: Type.String() });
const Created = Type.Object({
  id: Uuid, caseNo: Type.String(), status: Type.String(), category: Type.String(), gridId: Nullable(Uuid), assignedOrgId: Nullable(Uuid),
  deadlines: Type.Array(Deadline),
});

const Actor = Type.Object({ kind: Type.String(), id: Nullable(Type.String()), orgId: Nullable(Type.String()), name: Nullable(Type.String()) });
const CaseDetail = Type.Object({
  id: Uuid, caseNo: Type.String(), status: Type.String(), version: Type.Integer(), channel: Type.String(), type: Type.String(),
  category: Type.String(), categoryTop: Type.String(), categoryName: Type.String(), priority: Type.String(), title: Type.String(), description: Type.String(),
  location: Nullable(Type.Object({ lat: Nullable(Type.Number()), lng: Nullable(Type.Number()), address: Nullable(Type.String()) })),
  buildingId: Nullable(Uuid), compoundId: Nullable(Uuid), cityId: Uuid, districtId: Uuid, streetId: Uuid, communityId: Uuid, gridId: Nullable(Uuid),
  reporter: Type.Object({ anonymous: Type.Boolean(), resident: Type.Boolean(), name: Nullable(Type.String()), phone: Nullable(Type.String()) }),
  handlingLevel: Type.String(), dispatchOrgId: Uuid, dispatchOrgName: Nullable(Type.String()), assignedOrgId: Nullable(Uuid), assignedOrgName: Nullable(Type.String()),
  supervisorOrgId: Nullable(Uuid), handleDueAt: Nullable(DateTime), overdue: Type.Boolean(), mergedInto: Nullable(Uuid), parkedUntil: Nullable(Type.String()),
  counts: Type.Object({ returns: Type.Integer(), reworks: Type.Integer(), reopens: Type.Integer(), escalations: Type.Integer() }),
  evaluation: Nullable(Type.Object({ resolved: Nullable(Type.Boolean()), satisfaction: Type.String(), comment: Nullable(Type.String()), byCallback: Type.Boolean(), at: Nullable(DateTime) })),
  reportedAt: DateTime, registeredAt: Nullable(DateTime), dispatchedAt: Nullable(DateTime), acceptedAt: Nullable(DateTime), handledAt: Nullable(DateTime),
  verifiedAt: Nullable(DateTime), closedAt: Nullable(DateTime), updatedAt: DateTime,
  deadlines: Type.Array(Type.Object({ kind: Type.String(), orgId: Uuid, level: Nullable(Type.String()), clock: Type.String(), startedAt: DateTime, dueAt: DateTime, warnAt: Nullable(DateTime), state: Type.String(), metAt: Nullable(DateTime), missedAt: Nullable(DateTime) })),
  assignments: Type.Array(Type.Object({ orgId: Uuid, orgName: Type.String(), role: Type.String(), since: DateTime, until: Nullable(DateTime) })),
  whistles: Type.Array(Type.Object({ id: Uuid, whistlerOrgId: Uuid, orgId: Uuid, orgName: Type.String(), at: DateTime, dueAt: DateTime, checkedInAt: Nullable(DateTime), reportedAt: Nullable(DateTime), report: Nullable(Type.String()), escalatedAt: Nullable(DateTime), ratedOnTime: Nullable(Type.Boolean()), ratedEffective: Nullable(Type.Boolean()) })),
  supervisions: Type.Array(Type.Object({ id: Uuid, supervisorOrgId: Uuid, targetOrgId: Uuid, note: Type.String(), at: DateTime, dueAt: DateTime, acknowledgedAt: Nullable(DateTime) })),
  extensions: Type.Array(Type.Object({ id: Uuid, orgId: Uuid, reason: Type.String(), until: DateTime, state: Type.String(), at: DateTime, decidedAt: Nullable(DateTime) })),
  attachments: Type.Array(Type.Object({ id: Uuid, kind: Type.String(), mime: Type.String(), size: Type.Number(), addedAt: DateTime })),
  events: Type.Array(Type.Object({ id: Uuid, type: Type.String(), at: DateTime, from: Nullable(Type.String()), to: Nullable(Type.String()), note: Nullable(Type.String()), actor: Actor })),
  allowedActions: Type.Array(Type.String()),
  suggestion: Nullable(CaseSuggestion),
});
const CaseSummary = Type.Object({
  id: Uuid, caseNo: Type.String(), status: Type.String(), channel: Type.String(), type: Type.String(), category: Type.String(), categoryTop: Type.String(),
  title: Type.String(), priority: Type.String(), address: Nullable(Type.String()), gridId: Nullable(Uuid), communityId: Uuid,
  assignedOrgId: Nullable(Uuid), assignedOrgName: Nullable(Type.String()), dispatchOrgId: Uuid, handlingLevel: Type.String(),
  handleDueAt: Nullable(DateTime), overdue: Type.Boolean(), reportedAt: DateTime, updatedAt: DateTime, version: Type.Integer(),
});
const Attachments = Type.Array(Uuid, { maxItems: 9, uniqueItems: true });

export function casesRoutes(app: App) {
  app.post(
    '/api/cases',
    { config: { access: 'signed-in' },
      schema: {
        tags: ['cases'],
        summary: 'Report a case (resident page, grid patrol, 12345, Open311, walk-in, phone)',
        description: 'Committed before the answer; the same Idempotency-Key never makes two cases. Needs `location` or `buildingId` unless the caller’s organisation has a community (staff without a place: their own community or grid).',
        body: Body({
          description: Text(2000),
          title: Type.Optional(Text(100)),
          type: Type.Optional(lit(TYPES)),
          category: Type.Optional(Code),
          priority: Type.Optional(lit(['normal', 'urgent'] as const)),
          channel: lit(CHANNELS),
          location: Type.Optional(Type.Object({
            lat: Type.Number({ minimum: -90, maximum: 90 }), lng: Type.Number({ minimum: -180, maximum: 180 }), address: Type.Optional(Text(200)),
          }, { additionalProperties: false })),
          buildingId: Type.Optional(Uuid),
          reporter: Type.Optional(Type.Object({ name: Type.Optional(Text(50)), phone: Type.Optional(Type.String({ minLength: 5, maxLength: 20 })) }, { additionalProperties: false })),
          anonymous: Type.Optional(Type.Boolean()),
          attachmentIds: Type.Optional(Attachments),
        }),
        response: responses({ 201: Created }),
      },
    },
    (req, reply) => idempotent(req, reply, async (ctx) => ({ status: 201, body: await service.createCase(ctx, req.body) })),
  );

  app.get(
    '/api/cases',
    { config: { access: { permission: 'case.read' } },
      schema: {
        tags: ['cases'],
        summary: 'Cases in the caller’s scope, newest first (or by handling deadline), cursor-paginated',
        querystring: Type.Object({
          status: Type.Optional(Type.String({ maxLength: 200, description: 'one or more states, comma-separated' })),
          category: Type.Optional(Code),
          orgId: Type.Optional(Uuid),
          gridId: Type.Optional(Uuid),
          communityId: Type.Optional(Uuid),
          overdue: Type.Optional(Type.Boolean()),
          q: Type.Optional(Type.String({ maxLength: 100 })),
          from: Type.Optional(DateTime),
          to: Type.Optional(DateTime),
          period: Type.Optional(Type.String({ maxLength: 10, description: 'YYYY-MM-DD, YYYY-Www, YYYY-MM or YYYY-Qn' })),
          sort: Type.Optional(Type.Union([Type.Literal('reported'), Type.Literal('due')], { description: 'reported: newest first (default); due: soonest handling deadline first, for work queues' })),
          cursor: Type.Optional(Type.String({ maxLength: 200 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
        }, { additionalProperties: false }),
        response: responses({ 200: Type.Object({ items: Type.Array(CaseSummary), nextCursor: Nullable(Type.String()) }) }),
      },
    },
    async (req) => service.listCases(req.ctx, req.query),
  );

  app.get(
    '/api/cases/:id',
    { config: { access: { permission: 'case.read' } }, schema: { tags: ['cases'], summary: 'A case with its events, deadlines, assignments, whistles and attachments', params: IdParams, response: responses({ 200: CaseDetail }) } },
    async (req) => service.getCase(req.ctx, req.params.id),
  );

  app.post(
    '/api/cases/:id/actions',
    { config: { access: 'signed-in' },
      schema: {
        tags: ['cases'],
        summary: 'Act on a case (workflow); 409 when not allowed in its current state, 404 outside scope',
        description: 'See docs/case-workflow.md for who may do what. `expectedVersion` makes the action fail with 409 when the case changed meanwhile.',
        params: IdParams,
        body: Body({
          action: lit(ACTIONS),
          expectedVersion: Type.Optional(Type.Integer({ minimum: 1 })),
          orgId: Type.Optional(Uuid),
          orgIds: Type.Optional(Type.Array(Uuid, { minItems: 1, maxItems: 10, uniqueItems: true })),
          assistOrgIds: Type.Optional(Type.Array(Uuid, { maxItems: 10, uniqueItems: true })),
          until: Type.Optional(Type.String({ maxLength: 40, description: 'date-time, or a date (the start of that working day)' })),
          reason: Type.Optional(Text(500)),
          note: Type.Optional(Text(2000)),
          attachmentIds: Type.Optional(Attachments),
          passed: Type.Optional(Type.Boolean()),
          targetCaseId: Type.Optional(Uuid),
          resolved: Type.Optional(Type.Boolean()),
          satisfaction: Type.Optional(lit(SATISFACTION)),
          comment: Type.Optional(Text(500)),
          approved: Type.Optional(Type.Boolean()),
          urgent: Type.Optional(Type.Boolean()),
          onTime: Type.Optional(Type.Boolean()),
          effective: Type.Optional(Type.Boolean()),
          category: Type.Optional(Code),
          priority: Type.Optional(lit(['normal', 'urgent'] as const)),
        }),
        response: responses({ 200: CaseDetail }),
      },
    },
    async (req) => {
      const row = await service.performAction(req.ctx, req.params.id, req.body);
      return service.presentCase(req.ctx, row);
    },
  );

  app.get(
    '/api/my/cases',
    { config: { access: 'resident' },
      schema: {
        tags: ['cases'],
        summary: 'The signed-in resident’s own cases',
        querystring: Type.Object({ cursor: Type.Optional(Type.String({ maxLength: 200 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })) }, { additionalProperties: false }),
        response: responses({ 200: Type.Object({ items: Type.Array(Type.Object({ id: Uuid, caseNo: Type.String(), status: Type.String(), statusText: Type.String(), title: Type.String(), reportedAt: DateTime, updatedAt: DateTime })), nextCursor: Nullable(Type.String()) }) }),
      },
    },
    async (req) => service.listMyCases(req.ctx, req.query),
  );

  app.get(
    '/api/my/cases/:id',
    { config: { access: 'resident' },
      schema: {
        tags: ['cases'],
        summary: 'One of the resident’s cases with a plain-language timeline',
        params: IdParams,
        response: responses({
          200: Type.Object({
            id: Uuid, caseNo: Type.String(), status: Type.String(), statusText: Type.String(), title: Type.String(), description: Type.String(),
            categoryName: Type.String(), address: Nullable(Type.String()), reportedAt: DateTime,
            attachments: Type.Array(Type.Object({ id: Uuid, kind: Type.String(), mime: Type.String() })),
            timeline: Type.Array(Type.Object({ at: DateTime, type: Type.String(), text: Type.String(), note: Nullable(Type.String()) })),
            evaluation: Nullable(Type.Object({ resolved: Nullable(Type.Boolean()), satisfaction: Type.String(), comment: Nullable(Type.String()) })),
            canEvaluate: Type.Boolean(), canReopen: Type.Boolean(),
          }),
        }),
      },
    },
    async (req) => service.getMyCase(req.ctx, req.params.id),
  );

  app.post(
    '/api/files',
    {
      config: { access: 'signed-in', rateLimit: { name: 'file-upload', perAccount: 60, windowSeconds: 60 } },
      schema: {
        tags: ['files'],
        summary: 'Upload photos or PDFs (multipart/form-data, one or more files)',
        consumes: ['multipart/form-data'],
        response: responses({ 201: Type.Array(Type.Object({ id: Uuid, sha256: Type.String(), mime: Type.String(), size: Type.Integer() })) }),
      },
    },
    async (req, reply) => {
      if (!req.isMultipart()) throw invalid('file', 'validation.required');
      const files: Upload[] = [];
      for await (const part of req.parts()) {
        if (part.type !== 'file') continue;
        const bytes = await part.toBuffer();
        files.push({ filename: part.filename, bytes, truncated: part.file.truncated });
      }
      const saved = await saveUploads(req.ctx, files);
      reply.code(201);
      return saved;
    },
  );

  app.get(
    '/api/files/:id',
    { config: { access: 'signed-in' }, schema: { tags: ['files'], summary: 'A file, to its uploader or to those who may see its case', params: IdParams } },
    async (req, reply) => {
      const f = await readFile(req.ctx, req.params.id);
      reply.header('content-type', f.mime).header('cache-control', 'private, max-age=3600').header('x-content-type-options', 'nosniff');
      if (f.mime === 'application/pdf') reply.header('content-disposition', 'attachment');
      return reply.send(f.bytes);
    },
  );
}
