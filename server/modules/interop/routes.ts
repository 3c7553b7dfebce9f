import { Type } from 'typebox';
import type { FastifyRequest } from 'fastify';
import type { App } from '../../platform/module.ts';
import type { Platform } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { Body, DateTime, IdParams, Nullable, responses, Uuid } from '../../platform/http/schemas.ts';
import { idempotent } from '../../platform/http/idempotency.ts';
import * as hotline from './hotline.ts';
import * as outbox from './outbox.ts';
import * as open311 from './open311.ts';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER } from './signature.ts';

const tags = ['interop'];
const Code = Type.String({ pattern: '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)?$', maxLength: 80 });
const Received = Type.Object({
  orderNo: Type.String(), caseId: Uuid, caseNo: Type.String(), category: Type.String(), categoryMapped: Type.Boolean(), needsReview: Type.Boolean(), duplicate: Type.Boolean(),
});
const Order = Body({
  orderNo: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }),
  receivedAt: DateTime,
  caller: Type.Optional(Type.Object({ name: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })), phone: Type.Optional(Type.String({ minLength: 5, maxLength: 20 })) }, { additionalProperties: false })),
  address: Type.String({ minLength: 1, maxLength: 200 }),
  lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
  lng: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
  regionCode: Type.Optional(Type.String({ pattern: '^\\d{12}$' })),
  content: Type.String({ minLength: 1, maxLength: 2000 }),
  category: Type.String({ minLength: 1, maxLength: 100 }),
  deadline: Type.Optional(DateTime),
  urgency: Type.Optional(Type.Union([Type.Literal('normal'), Type.Literal('urgent')])),
}, 'A 12345 work order');
const Link = Type.Object({ id: Uuid, name: Type.String(), tokenId: Uuid, tokenName: Type.String(), callbackUrl: Nullable(Type.String()), defaultCommunityId: Uuid, active: Type.Boolean(), createdAt: DateTime });
const Url = Type.String({ minLength: 8, maxLength: 500, pattern: '^https?://' });

/** Raw request bodies of signed pushes (the signature covers the exact bytes). */
const rawBodies = new WeakMap<FastifyRequest, string>();

export async function interopRoutes(app: App, platform: Platform) {
  // ---- 12345: push in (signed), in a context of its own that keeps the raw body
  await app.register(async (r: App) => {
    r.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: 64 * 1024 }, (req, body, done) => {
      rawBodies.set(req, body as string);
      try {
        done(null, JSON.parse(body as string));
      } catch {
        done(new AppError(400, 'BAD_REQUEST', 'error.bad_json'), undefined);
      }
    });
    r.post(
      '/api/interop/hotline/orders',
      { config: { access: { permission: 'hotline.push' } },
        schema: {
          tags, summary: 'The hotline hands over a work order (signed; idempotent on orderNo)',
          description: `Authorization: Bearer <integration token with hotline.push>; \`${TIMESTAMP_HEADER}\`: unix seconds; \`${SIGNATURE_HEADER}\`: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>" with the link's signing secret>. Older than 5 minutes: 401. The same orderNo again: 200 with the first case; with other content: 409.`,
          body: Order, response: responses({ 200: Received, 201: Received }),
        },
      },
      async (req, reply) => {
        const h = (name: string) => (typeof req.headers[name] === 'string' ? (req.headers[name] as string) : undefined);
        const res = await hotline.pushOrder(req.ctx, rawBodies.get(req) ?? '', { timestamp: h(TIMESTAMP_HEADER), signature: h(SIGNATURE_HEADER) }, req.body);
        reply.code(res.duplicate ? 200 : 201);
        return res;
      },
    );
  });

  app.post(
    '/api/interop/hotline/imports',
    { config: { access: { permission: 'interop.admin' } },
      schema: {
        tags, summary: 'Import work orders from a hotline export (xlsx or csv, multipart field "file"): a case per new order, a report of every row not imported',
        consumes: ['multipart/form-data'],
        response: responses({ 200: Type.Object({ rows: Type.Integer(), created: Type.Integer(), duplicates: Type.Integer(), failed: Type.Integer(), problems: Type.Array(Type.Object({ row: Type.Integer(), orderNo: Nullable(Type.String()), field: Nullable(Type.String()), message: Type.String() })) }) }),
      },
    },
    async (req) => {
      if (!req.isMultipart()) throw new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', 'error.unsupported_media_type');
      const file = await req.file({ limits: { fileSize: 10 * 1024 * 1024, files: 1 } });
      if (!file) throw new AppError(400, 'VALIDATION_FAILED', 'error.validation', {}, { file: { key: 'validation.required' } });
      const bytes = await file.toBuffer();
      return hotline.importOrders(req.ctx, bytes);
    },
  );

  app.get(
    '/api/interop/hotline/orders',
    { config: { access: { permission: 'case.read' } },
      schema: {
        tags, summary: 'Hotline orders in scope, newest first (needsReview=true: unmapped categories and orders placed in the landing community)',
        querystring: Type.Object({ needsReview: Type.Optional(Type.Boolean()), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) }, { additionalProperties: false }),
        response: responses({ 200: Type.Array(Type.Object({ orderNo: Type.String(), caseId: Uuid, caseNo: Type.String(), status: Type.String(), category: Type.String(), hotlineCategory: Nullable(Type.String()), categoryMapped: Type.Boolean(), needsReview: Type.Boolean(), source: Type.String(), receivedAt: DateTime, hotlineDeadline: Nullable(DateTime), urgency: Type.String() })) }),
      },
    },
    async (req) => hotline.listOrders(req.ctx, req.query),
  );

  app.post(
    '/api/interop/hotline/orders/:caseId/reviewed',
    { config: { access: { permission: 'case.register' } }, schema: { tags, summary: 'A dispatcher has checked a flagged order (409 if it was not flagged)', params: Type.Object({ caseId: Uuid }, { additionalProperties: false }), response: responses({ 204: Type.Null() }) } },
    async (req, reply) => {
      await hotline.markReviewed(req.ctx, req.params.caseId);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/interop/hotline/links',
    { config: { access: { permission: 'interop.admin' } },
      schema: {
        tags, summary: 'Link the hotline: its integration token, callback URL and landing community (the signing secret is shown once)',
        body: Body({ name: Type.String({ minLength: 1, maxLength: 100 }), tokenId: Uuid, callbackUrl: Type.Optional(Url), defaultCommunityId: Uuid }),
        response: responses({ 201: Type.Object({ id: Uuid, signingSecret: Type.String() }) }),
      },
    },
    (req, reply) => idempotent(req, reply, async (ctx) => ({ status: 201, body: await hotline.createLink(ctx, req.body) })),
  );

  app.get('/api/interop/hotline/links', { config: { access: { permission: 'interop.admin' } }, schema: { tags, summary: 'Hotline links in scope (never the secrets)', response: responses({ 200: Type.Array(Link) }) } }, async (req) => hotline.listLinks(req.ctx));

  app.patch(
    '/api/interop/hotline/links/:id',
    { config: { access: { permission: 'interop.admin' } }, schema: { tags, summary: 'Change a link’s callback URL or switch it off', params: IdParams, body: Body({ callbackUrl: Type.Optional(Nullable(Url)), active: Type.Optional(Type.Boolean()) }), response: responses({ 200: Link }) } },
    async (req) => hotline.updateLink(req.ctx, req.params.id, req.body),
  );

  app.get(
    '/api/interop/hotline/categories',
    { config: { access: { permission: 'interop.admin' } }, schema: { tags, summary: 'The hotline category → taxonomy mapping', response: responses({ 200: Type.Array(Type.Object({ hotlineCategory: Type.String(), category: Type.String(), updatedAt: DateTime })) }) } },
    async (req) => hotline.listCategoryMap(req.ctx),
  );

  app.put(
    '/api/interop/hotline/categories',
    { config: { access: { permission: 'interop.admin' } },
      schema: { tags, summary: 'Map a hotline category to a taxonomy code (category null: remove the mapping)', body: Body({ hotlineCategory: Type.String({ minLength: 1, maxLength: 100 }), category: Nullable(Code) }), response: responses({ 204: Type.Null() }) },
    },
    async (req, reply) => {
      await hotline.setCategoryMapping(req.ctx, req.body.hotlineCategory, req.body.category);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/interop/hotline/outbox',
    { config: { access: { permission: 'interop.admin' } },
      schema: {
        tags, summary: 'Results going back to the hotline: delivered and still being retried',
        querystring: Type.Object({ state: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('delivered')])), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) }, { additionalProperties: false }),
        response: responses({ 200: Type.Array(Type.Object({ id: Uuid, orderNo: Type.String(), caseId: Uuid, kind: Type.String(), state: Type.String(), attempts: Type.Integer(), nextAttemptAt: Nullable(DateTime), lastStatus: Nullable(Type.Integer()), lastError: Nullable(Type.String()), deliveredAt: Nullable(DateTime), eventAt: DateTime, payload: Type.Record(Type.String(), Type.Unknown()) })) }),
      },
    },
    async (req) => outbox.listOutbox(req.ctx, req.query),
  );

  app.post(
    '/api/interop/hotline/outbox/:id/retry',
    { config: { access: { permission: 'interop.admin' } }, schema: { tags, summary: 'Try a pending callback again now (409 once delivered)', params: IdParams, response: responses({ 204: Type.Null() }) } },
    async (req, reply) => {
      await outbox.retryNow(req.ctx, req.params.id);
      return reply.code(204).send(null);
    },
  );

  // ---- Open311 requests waiting for a place
  const Pending = Type.Object({ id: Uuid, token: Type.String(), serviceCode: Type.String(), description: Type.String(), address: Nullable(Type.String()), mediaUrl: Nullable(Type.String()), client: Type.String(), createdAt: DateTime });
  app.get('/api/interop/open311/pending', { config: { access: { permission: 'interop.admin' } }, schema: { tags, summary: 'Open311 requests whose address Linli could not place', response: responses({ 200: Type.Array(Pending) }) } }, async (req) => open311.listPending(req.ctx));

  app.post(
    '/api/interop/open311/pending/:id/place',
    { config: { access: { permission: 'interop.admin' } },
      schema: {
        tags, summary: 'Place a waiting Open311 request (a building or a point): it becomes a case, its token resolves',
        params: IdParams,
        body: Body({ buildingId: Type.Optional(Uuid), location: Type.Optional(Type.Object({ lat: Type.Number({ minimum: -90, maximum: 90 }), lng: Type.Number({ minimum: -180, maximum: 180 }) }, { additionalProperties: false })) }),
        response: responses({ 201: Type.Object({ caseId: Uuid, caseNo: Type.String() }) }),
      },
    },
    (req, reply) => idempotent(req, reply, async (ctx) => ({ status: 201, body: await open311.placePending(ctx, req.params.id, req.body) })),
  );

  app.post(
    '/api/interop/open311/pending/:id/reject',
    { config: { access: { permission: 'interop.admin' } }, schema: { tags, summary: 'Refuse a waiting Open311 request', params: IdParams, body: Body({ reason: Type.String({ minLength: 1, maxLength: 500 }) }), response: responses({ 204: Type.Null() }) } },
    async (req, reply) => {
      await open311.rejectPending(req.ctx, req.params.id, req.body.reason);
      return reply.code(204).send(null);
    },
  );
}
