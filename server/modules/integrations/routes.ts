import { Type } from 'typebox';
import type { App } from '../../platform/module.ts';
import { Body, DateTime, IdParams, Nullable, responses, Uuid } from '../../platform/http/schemas.ts';
import { idempotent } from '../../platform/http/idempotency.ts';
import * as service from './service.ts';

const Token = Type.Object({
  id: Uuid,
  name: Type.String(),
  kind: Type.String(),
  scopes: Type.Array(Type.String()),
  orgId: Uuid,
  orgName: Type.String(),
  createdAt: DateTime,
  lastUsedAt: Nullable(DateTime),
  revokedAt: Nullable(DateTime),
});

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

export function integrationsRoutes(app: App) {
  app.post(
    '/api/integrations/tokens',
    {
      config: { access: { permission: 'admin.integrations' } },
      schema: {
        tags: ['integrations'],
        summary: 'Create an integration token (the secret is shown once)',
        body: Body({
          name: Type.String({ minLength: 1, maxLength: 100 }),
          kind: Type.Union(service.TOKEN_KINDS.map((k) => Type.Literal(k))),
          scopes: Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: 30 }),
        }),
        response: responses({ 201: Type.Object({ id: Uuid, token: Type.String() }) }),
      },
    },
    (req, reply) => idempotent(req, reply, async (ctx) => ({ status: 201, body: await service.createToken(ctx, req.body) })),
  );

  app.get(
    '/api/integrations/tokens',
    { config: { access: { permission: 'admin.integrations' } }, schema: { tags: ['integrations'], summary: 'Integration tokens (never the secrets)', response: responses({ 200: Type.Array(Token) }) } },
    async (req) =>
      (await service.listTokens(req.ctx)).map((t) => ({
        id: t.id,
        name: t.name,
        kind: t.kind,
        scopes: t.scopes,
        orgId: t.org_id,
        orgName: t.org_name,
        createdAt: iso(t.created_at)!,
        lastUsedAt: iso(t.last_used_at),
        revokedAt: iso(t.revoked_at),
      })),
  );

  app.delete(
    '/api/integrations/tokens/:id',
    { config: { access: { permission: 'admin.integrations' } }, schema: { tags: ['integrations'], summary: 'Revoke an integration token', params: IdParams, response: responses({ 204: Type.Null() }) } },
    async (req, reply) => {
      await service.revokeToken(req.ctx, req.params.id);
      return reply.code(204).send(null);
    },
  );
}
