import { Type } from 'typebox';
import type { App } from '../../platform/module.ts';
import type { Platform } from '../../platform/context.ts';
import { Body, DateTime, Nullable, responses, Uuid } from '../../platform/http/schemas.ts';
import { unauthorized } from '../../platform/errors.ts';
import { t } from '../../platform/i18n/index.ts';
import { NotificationHub } from './stream.ts';
import * as service from './service.ts';

const Notification = Type.Object({ id: Uuid, caseId: Nullable(Uuid), kind: Type.String(), text: Type.String(), createdAt: DateTime, readAt: Nullable(DateTime) });

export function notificationRoutes(app: App, platform: Platform) {
  const hub = new NotificationHub(platform);
  app.addHook('preClose', async () => hub.close());
  app.decorate('notificationHub', hub);

  app.get(
    '/api/notifications',
    { config: { access: 'signed-in' },
      schema: {
        tags: ['notifications'],
        summary: 'The caller’s notifications (own and their organisation’s), unread first; optionally about one case',
        querystring: Type.Object({ unread: Type.Optional(Type.Boolean()), caseId: Type.Optional(Uuid), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })) }, { additionalProperties: false }),
        response: responses({ 200: Type.Object({ unread: Type.Integer(), items: Type.Array(Notification) }) }),
      },
    },
    async (req) => {
      const r = await service.listNotifications(req.ctx, { unreadOnly: req.query.unread, caseId: req.query.caseId, limit: req.query.limit ?? 50 });
      return {
        unread: r.unread,
        items: r.items.map((n) => ({
          id: n.id, caseId: n.case_id, kind: n.kind, text: t(req.ctx.lang, n.message_key, n.params as Record<string, string>),
          createdAt: new Date(n.created_at).toISOString(), readAt: n.read_at ? new Date(n.read_at).toISOString() : null,
        })),
      };
    },
  );

  app.post(
    '/api/notifications/read',
    { config: { access: 'signed-in' },
      schema: {
        tags: ['notifications'],
        summary: 'Mark notifications read (the given ids, or all)',
        body: Body({ ids: Type.Optional(Type.Array(Uuid, { minItems: 1, maxItems: 500 })), all: Type.Optional(Type.Literal(true)) }),
        response: responses({ 204: Type.Null() }),
      },
    },
    async (req, reply) => {
      await service.markRead(req.ctx, req.body.all ? 'all' : req.body.ids ?? []);
      reply.code(204);
      return null;
    },
  );

  app.get(
    '/api/events/stream',
    {
      config: { access: 'signed-in' },
      // a stream that never ends: left out of the generated API tests and of OpenAPI (docs/case-workflow.md describes it)
      schema: { hide: true, tags: ['notifications'], summary: 'Server-sent events: the caller’s new notifications as they happen (cookie or bearer)' },
    },
    async (req, reply) => {
      const p = req.ctx.principal;
      if (p.kind !== 'user' && p.kind !== 'resident') throw unauthorized();
      reply.hijack();
      reply.raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      reply.raw.write('retry: 5000\n: connected\n\n');
      hub.add(reply.raw, {
        lang: req.ctx.lang,
        userId: p.kind === 'user' ? p.id : null,
        orgId: p.kind === 'user' ? p.orgId : null,
        accountId: p.kind === 'resident' ? p.id : null,
      });
    },
  );
}

declare module 'fastify' {
  interface FastifyInstance {
    notificationHub: NotificationHub;
  }
}
