import { Type } from 'typebox';
import type { App } from '../../platform/module.ts';
import { Body, DateTime, IdParams, Nullable, responses, Uuid } from '../../platform/http/schemas.ts';
import { idempotent } from '../../platform/http/idempotency.ts';
import { ResidentFilter } from '../registry/residents/routes.ts';
import * as service from './service.ts';

const tags = ['privacy'];
const Hold = Type.Object({ id: Uuid, basis: Type.String(), placedBy: Uuid, placedAt: DateTime, releasedBy: Nullable(Uuid), releasedAt: Nullable(DateTime) });
const Blocker = Type.Object({ kind: Type.Union([Type.Literal('registered'), Type.Literal('open_case'), Type.Literal('legal_hold')]), caseNo: Type.Optional(Type.String()), holdId: Type.Optional(Uuid), basis: Type.Optional(Type.String()) });
const Approval = Type.Object({
  id: Uuid, status: Type.String(), reason: Type.String(), filter: Type.Record(Type.String(), Type.Any()),
  requestedBy: Uuid, requesterName: Nullable(Type.String()), decidedBy: Nullable(Uuid), deciderName: Nullable(Type.String()),
  createdAt: DateTime, decidedAt: Nullable(DateTime), expiresAt: Nullable(DateTime), usedAt: Nullable(DateTime),
});
// a personal-data copy is a document for one person: its shape is described in docs/security.md
const PersonalData = Type.Record(Type.String(), Type.Any());

export async function privacyRoutes(app: App) {
  app.get(
    '/api/residents/:id/personal-data',
    { config: { access: { permission: 'resident.reveal' } }, schema: { tags, summary: 'Everything held about one resident, numbers in full, for a request by that person (audited)', params: IdParams, response: responses({ 200: PersonalData }) } },
    async (req, reply) => {
      reply.header('cache-control', 'no-store').header('content-disposition', `attachment; filename="personal-data-${req.params.id}.json"`);
      return service.personalData(req.ctx, req.params.id);
    },
  );
  app.get(
    '/api/my/personal-data',
    { config: { access: 'resident' }, schema: { tags, summary: 'A signed-in resident’s own data: account, register entry, reports', response: responses({ 200: PersonalData }) } },
    async (req, reply) => {
      reply.header('cache-control', 'no-store');
      return service.myPersonalData(req.ctx);
    },
  );
  app.get(
    '/api/residents/:id/erasure',
    { config: { access: { permission: 'privacy.erase' } }, schema: { tags, summary: 'Whether the record may be deleted now, and what blocks it (still registered, open cases, legal holds)', params: IdParams, response: responses({ 200: Type.Object({ erasable: Type.Boolean(), blockers: Type.Array(Blocker) }) }) } },
    async (req) => service.erasureCheck(req.ctx, req.params.id),
  );
  app.post(
    '/api/residents/:id/erasure',
    {
      config: { access: { permission: 'privacy.erase' } },
      schema: {
        tags,
        summary: 'Delete the resident’s record on their request (409 LEGAL_HOLD while anything blocks it)',
        params: IdParams,
        body: Body({ reason: Type.String({ minLength: 2, maxLength: 200 }) }),
        response: responses({ 200: Type.Object({ erased: Type.Boolean(), removed: Type.Record(Type.String(), Type.Integer()) }) }),
      },
    },
    async (req) => service.erase(req.ctx, req.params.id, req.body.reason),
  );
  app.get(
    '/api/residents/:id/legal-holds',
    { config: { access: { permission: 'resident.read' } }, schema: { tags, summary: 'Legal holds on a resident’s record, current and released', params: IdParams, response: responses({ 200: Type.Array(Hold) }) } },
    async (req) => service.listHolds(req.ctx, req.params.id),
  );
  app.post(
    '/api/residents/:id/legal-holds',
    { config: { access: { permission: 'privacy.hold' } }, schema: { tags, summary: 'Keep a record from deletion (an investigation, a lawsuit, an archive rule)', params: IdParams, body: Body({ basis: Type.String({ minLength: 2, maxLength: 200 }) }), response: responses({ 201: Hold }) } },
    (req, reply) => idempotent(req, reply, async (ctx) => ({ status: 201, body: await service.placeHold(ctx, req.params.id, req.body.basis) })),
  );
  app.post(
    '/api/legal-holds/:id/release',
    { config: { access: { permission: 'privacy.hold' } }, schema: { tags, summary: 'Release a legal hold', params: IdParams, response: responses({ 200: Hold }) } },
    async (req) => service.releaseHold(req.ctx, req.params.id),
  );

  app.post(
    '/api/export-approvals',
    {
      config: { access: { permission: 'resident.export_unmasked' } },
      schema: {
        tags,
        summary: 'Ask a second administrator to approve one unmasked resident export with this filter',
        body: Body({ filter: Type.Object(ResidentFilter, { additionalProperties: false }), reason: Type.String({ minLength: 2, maxLength: 200 }) }),
        response: responses({ 201: Approval }),
      },
    },
    (req, reply) => idempotent(req, reply, async (ctx) => ({ status: 201, body: await service.requestApproval(ctx, req.body) })),
  );
  app.get(
    '/api/export-approvals',
    { config: { access: { permission: 'resident.export_unmasked' } }, schema: { tags, summary: 'Export approvals: my requests and those in my area', response: responses({ 200: Type.Array(Approval) }) } },
    async (req) => service.listApprovals(req.ctx),
  );
  for (const [verb, approve] of [['approve', true], ['reject', false]] as const) {
    app.post(
      `/api/export-approvals/:id/${verb}`,
      { config: { access: { permission: 'resident.export_unmasked' } }, schema: { tags, summary: `${approve ? 'Approve' : 'Reject'} another administrator’s unmasked export (never one’s own)`, params: IdParams, response: responses({ 200: Approval }) } },
      async (req) => service.decideApproval(req.ctx, req.params.id, approve),
    );
  }
}
