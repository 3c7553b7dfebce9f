import { Type } from 'typebox';
import type { App } from '../../platform/module.ts';
import type { Platform } from '../../platform/context.ts';
import { DateTime, Nullable, responses, Uuid } from '../../platform/http/schemas.ts';
import * as service from './service.ts';

const HealthFields = {
  database: Type.String(),
  version: Type.String(),
  databaseLatencyMs: Nullable(Type.Number()),
  replica: Nullable(Type.Object({ reachable: Type.Boolean(), lagSeconds: Nullable(Type.Number()) })),
};

const AuditRecord = Type.Object({
  seq: Type.Integer(),
  at: DateTime,
  actorKind: Type.String(),
  actorId: Nullable(Type.String()),
  actorName: Nullable(Type.String()),
  orgId: Nullable(Type.String()),
  orgName: Nullable(Type.String()),
  action: Type.String(),
  entityType: Type.String(),
  entityId: Nullable(Type.String()),
  details: Nullable(Type.Record(Type.String(), Type.Unknown())),
  requestId: Nullable(Type.String()),
  ip: Nullable(Type.String()),
});

const ChainReport = Type.Object({
  ok: Type.Boolean(),
  sealed: Type.Integer(),
  pending: Type.Integer(),
  firstBroken: Nullable(Type.Object({ pos: Type.Integer(), seq: Nullable(Type.Integer()), reason: Type.String() })),
});

export function systemRoutes(app: App, platform: Platform) {
  app.get(
    '/api/health',
    {
      config: { access: 'public' },
      schema: {
        tags: ['system'],
        summary: 'Liveness and database state',
        security: [],
        description: 'replica: null without DATABASE_REPLICA_URL; otherwise whether it answers and its replay lag in seconds (null when it is not a streaming standby). An unreachable replica does not degrade the status: its reads go to the primary.',
        response: {
          200: Type.Object({ status: Type.Literal('ok'), ...HealthFields }),
          503: Type.Object({ status: Type.Literal('degraded'), ...HealthFields }),
        },
      },
    },
    async (_req, reply) => {
      const h = await service.health(platform);
      reply.code(h.status === 'ok' ? 200 : 503);
      return h;
    },
  );

  app.get(
    '/api/audit',
    {
      config: { access: { permission: 'audit.read' } },
      schema: {
        tags: ['audit'],
        summary: 'Audit records, newest first',
        querystring: Type.Object(
          {
            entityType: Type.Optional(Type.String({ maxLength: 64 })),
            entityId: Type.Optional(Type.String({ maxLength: 64 })),
            actorId: Type.Optional(Uuid),
            action: Type.Optional(Type.String({ maxLength: 64 })),
            from: Type.Optional(DateTime),
            to: Type.Optional(DateTime),
            beforeSeq: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })),
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
          },
          { additionalProperties: false },
        ),
        response: responses({ 200: Type.Array(AuditRecord) }),
      },
    },
    async (req) =>
      (await service.listAudit(req.ctx, req.query)).map((r) => ({
        seq: r.seq,
        at: new Date(r.at).toISOString(),
        actorKind: r.actor_kind,
        actorId: r.actor_id,
        actorName: r.actor_name,
        orgId: r.org_id,
        orgName: r.org_name,
        action: r.action,
        entityType: r.entity_type,
        entityId: r.entity_id,
        details: (r.details as Record<string, unknown> | null) ?? null,
        requestId: r.request_id,
        ip: r.ip,
      })),
  );

  app.post(
    '/api/audit/verify',
    {
      config: { access: { permission: 'audit.verify' } },
      schema: {
        tags: ['audit'],
        summary: 'Recompute the audit hash chain and report the first broken link',
        response: responses({ 200: ChainReport }),
      },
    },
    async (req) => service.verifyAudit(req.ctx),
  );
}
