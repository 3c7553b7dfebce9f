import { Type } from 'typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../platform/module.ts';
import type { Platform } from '../../platform/context.ts';
import { forbidden } from '../../platform/errors.ts';
import { t } from '../../platform/i18n/index.ts';
import { resolveToken } from '../../platform/auth/sessions.ts';
import { idempotent } from '../../platform/http/idempotency.ts';
import { renderFields, toAppError } from '../../app.ts';
import * as open311 from './open311.ts';
import { toXml } from './xml.ts';

const Format = Type.Union([Type.Literal('json'), Type.Literal('xml')]);
const FormatParams = Type.Object({ format: Format }, { additionalProperties: false });
const Jurisdiction = Type.Optional(Type.String({ minLength: 1, maxLength: 40 }));
const ApiKey = Type.Optional(Type.String({ minLength: 1, maxLength: 200 }));
const ServiceCode = Type.String({ minLength: 1, maxLength: 80, pattern: '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)?$' });
const Text = (max: number) => Type.Optional(Type.String({ maxLength: max }));
const Coordinate = Type.Optional(Type.Union([Type.Number(), Type.String({ maxLength: 20 })]));
const AttributeValue = Type.Union([Type.String({ maxLength: 500 }), Type.Array(Type.String({ maxLength: 500 }), { maxItems: 20 })]);
const ATTRIBUTE_KEY = /^attribute\[([A-Za-z][A-Za-z0-9_]{0,63})\]$/;

const spec = { tags: ['open311'], security: [] };

type Fmt = 'json' | 'xml';
const formatOf = (req: FastifyRequest): Fmt => ((req.params as { format?: string })?.format === 'json' || /\.json(\?|$)/.test(req.url) ? 'json' : 'xml');

/** JSON as the Open311 JSON Schemas describe it, or the same fields as XML under `root`. */
function send(reply: FastifyReply, format: Fmt, root: string, value: unknown, status = 200) {
  reply.code(status).header('cache-control', 'no-store');
  if (format === 'xml') return reply.type('text/xml; charset=utf-8').send(toXml(root, value));
  return reply.type('application/json; charset=utf-8').send(JSON.stringify(value));
}

/**
 * Open311 GeoReport v2 under /open311 (http://wiki.open311.org/GeoReport_v2): JSON and XML, errors as
 * [{code, description}]. api_key (query or form field) is an integration token with the open311 scope.
 */
export async function open311Routes(app: App, platform: Platform) {
  await app.register(
    async (r: App) => {
      r.setErrorHandler((err, req, reply) => {
        const e = toAppError(err as never, req);
        if (e.status >= 500 && e.status !== 503) req.log.error({ err }, 'unhandled error');
        const lang = req.ctx?.lang ?? 'zh-CN';
        if (e.headers) for (const [k, v] of Object.entries(e.headers)) reply.header(k, v);
        const fields = renderFields(e.fields, lang);
        const description = [t(lang, e.key, e.params), ...Object.entries(fields ?? {}).map(([f, m]) => `${f}: ${m}`)].join('; ');
        const status = open311.open311Status(e);
        return send(reply, formatOf(req), 'errors', [{ code: status, description }], status);
      });
      r.setNotFoundHandler((req, reply) => send(reply, formatOf(req), 'errors', [{ code: 404, description: t(req.ctx?.lang ?? 'zh-CN', 'error.not_found') }], 404));

      // api_key in the query or the form body names the calling integration (before the per-account
      // rate limit counts the request); a key that is not a live token is a 403 once the input is valid
      const badKey = new WeakSet<FastifyRequest>();
      r.addHook('preValidation', async (req) => {
        const key = (req.body as { api_key?: unknown } | undefined)?.api_key ?? (req.query as { api_key?: unknown } | undefined)?.api_key;
        if (key === undefined) return;
        const resolved = typeof key === 'string' ? await resolveToken(platform.db, key, platform.clock.now()) : null;
        if (!resolved || resolved.principal.kind !== 'integration') badKey.add(req);
        else req.ctx.principal = resolved.principal;
      });
      r.addHook('preHandler', async (req) => {
        if (badKey.has(req)) throw forbidden('interop.api_key');
      });

      r.get(
        '/discovery.:format',
        { config: { access: 'public' }, schema: { ...spec, summary: 'Open311 discovery document', params: FormatParams } },
        async (req, reply) => {
          const base = `${(platform.config.publicUrl ?? `http://localhost:${platform.config.port}`).replace(/\/$/, '')}/open311/v2`;
          const changeset = CHANGESET;
          return send(reply, req.params.format, 'discovery', {
            changeset, contact: t(req.ctx.lang, 'interop.open311_contact'), key_service: t(req.ctx.lang, 'interop.open311_key_service'),
            endpoints: [{ specification: 'http://wiki.open311.org/GeoReport_v2', url: base, changeset, type: platform.config.mode === 'production' ? 'production' : 'test', formats: ['text/xml', 'application/json'] }],
          });
        },
      );

      r.get(
        '/v2/services.:format',
        { config: { access: 'public' }, schema: { ...spec, summary: 'Service list: the taxonomy’s second level', params: FormatParams, querystring: Type.Object({ jurisdiction_id: Jurisdiction, api_key: ApiKey }, { additionalProperties: false }) } },
        async (req, reply) => {
          await open311.jurisdiction(req.ctx, req.query.jurisdiction_id);
          return send(reply, req.params.format, 'services', await open311.listServices(req.ctx));
        },
      );

      r.get(
        '/v2/services/:service_code.:format',
        { config: { access: 'public' },
          schema: { ...spec, summary: 'Service definition (attributes)', params: Type.Object({ service_code: ServiceCode, format: Format }, { additionalProperties: false }), querystring: Type.Object({ jurisdiction_id: Jurisdiction, api_key: ApiKey }, { additionalProperties: false }) } },
        async (req, reply) => {
          await open311.jurisdiction(req.ctx, req.query.jurisdiction_id);
          return send(reply, req.params.format, 'service_definition', await open311.serviceDefinition(req.ctx, req.params.service_code));
        },
      );

      r.post(
        '/v2/requests.:format',
        { config: { access: 'public' },
          schema: {
            ...spec,
            summary: 'Submit a service request (form-encoded; api_key required): a case, or a token until a dispatcher places it',
            consumes: ['application/x-www-form-urlencoded'],
            params: FormatParams,
            body: Type.Object({
              api_key: ApiKey, jurisdiction_id: Jurisdiction, service_code: ServiceCode,
              lat: Coordinate, long: Coordinate, address_string: Text(200), address_id: Type.Optional(Type.String({ format: 'uuid' })),
              description: Text(4000), media_url: Text(1000), email: Text(200), first_name: Text(50), last_name: Text(50),
              phone: Text(30), device_id: Text(200), account_id: Text(200),
            }, { additionalProperties: false, patternProperties: { [ATTRIBUTE_KEY.source]: AttributeValue } }),
          },
        },
        (req, reply) =>
          idempotent(req, reply, async (ctx) => {
            const body = req.body as Record<string, unknown> & open311.SubmitInput;
            await open311.jurisdiction(ctx, body.jurisdiction_id as string | undefined);
            const attributes: Record<string, string[]> = {};
            for (const [k, v] of Object.entries(body)) {
              const m = ATTRIBUTE_KEY.exec(k);
              if (m) attributes[m[1]] = Array.isArray(v) ? (v as string[]) : [v as string];
            }
            return { status: 201, body: await open311.submitRequest(ctx, { ...body, attributes }) };
          }).then((out) => send(reply, req.params.format, 'service_requests', out, reply.statusCode)),
      );

      r.get(
        '/v2/requests.:format',
        { config: { access: 'public' },
          schema: {
            ...spec, summary: 'Service requests submitted through Open311 (no personal data)', params: FormatParams,
            querystring: Type.Object({
              service_request_id: Text(2000), service_code: Text(2000), start_date: Text(40), end_date: Text(40), status: Text(20),
              jurisdiction_id: Jurisdiction, api_key: ApiKey,
            }, { additionalProperties: false }),
          },
        },
        async (req, reply) => send(reply, req.params.format, 'service_requests', await open311.queryRequests(req.ctx, req.query)),
      );

      r.get(
        '/v2/requests/:service_request_id.:format',
        { config: { access: 'public' },
          schema: { ...spec, summary: 'One service request', params: Type.Object({ service_request_id: Type.String({ minLength: 1, maxLength: 40 }), format: Format }, { additionalProperties: false }), querystring: Type.Object({ jurisdiction_id: Jurisdiction, api_key: ApiKey }, { additionalProperties: false }) } },
        async (req, reply) => send(reply, req.params.format, 'service_requests', await open311.getRequest(req.ctx, req.params.service_request_id, req.query.jurisdiction_id)),
      );

      r.get(
        '/v2/tokens/:token.:format',
        { config: { access: 'public' },
          schema: { ...spec, summary: 'The service request a token became (service_request_id null while it waits)', params: Type.Object({ token: Type.String({ minLength: 1, maxLength: 64 }), format: Format }, { additionalProperties: false }), querystring: Type.Object({ jurisdiction_id: Jurisdiction, api_key: ApiKey }, { additionalProperties: false }) } },
        async (req, reply) => send(reply, req.params.format, 'service_requests', await open311.tokenStatus(req.ctx, req.params.token, req.query.jurisdiction_id)),
      );
    },
    { prefix: '/open311' },
  );
}

/** When the Open311 interface last changed (discovery `changeset`). */
const CHANGESET = '2026-07-01T00:00:00+08:00';
