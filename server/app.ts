import Fastify, { LogController, type FastifyError, type FastifyReply, type FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { collectDefaultMetrics, Counter, Histogram, Registry, Gauge } from 'prom-client';
import { newId } from './platform/ids.ts';
import { AppError, badRequest, tooManyRequests, serviceUnavailable, type FieldErrors } from './platform/errors.ts';
import { pickLang, registerMessages, t, type Lang } from './platform/i18n/index.ts';
import { bodyAjv, fieldErrorsOf, textAjv, textProblems } from './platform/http/validation.ts';
import { RateLimiter, type RouteRateLimit } from './platform/http/rate-limit.ts';
import { resolveToken } from './platform/auth/sessions.ts';
import { checkRouteAccess, describeAccess, type RouteAccess } from './platform/access/index.ts';
import { isDatabaseUnavailable, isDataException } from './db/errors.ts';
import type { Ctx, Platform } from './platform/context.ts';
import type { App, LinliModule } from './platform/module.ts';
import { Scheduler } from './platform/jobs/scheduler.ts';
import { serveWeb } from './web.ts';

declare module 'fastify' {
  interface FastifyRequest {
    ctx: Ctx;
    authProblem: null | 'expired' | 'invalid';
  }
  interface FastifyContextConfig {
    /** a stricter limit for this route (login, codes, reporting), on top of the global ones */
    rateLimit?: RouteRateLimit;
    /** reachable by a user who must change their password first */
    allowPendingPasswordChange?: boolean;
    /**
     * Who may call the route (see RouteAccess). Checked before the body is validated, so a caller
     * without the right learns nothing, not even the schema. Every /api route declares it
     * (test/security/access.test.ts fails otherwise); services still check on their own.
     */
    access?: RouteAccess;
  }
}

/** One registered route as the security tests and OpenAPI see it. */
export interface RouteInfo {
  method: string;
  url: string;
  access: RouteAccess | undefined;
  schema: Record<string, unknown> | undefined;
}

export const SESSION_COOKIE = 'linli_session';

export interface BuiltApp {
  app: App;
  scheduler: Scheduler;
  metrics: Registry;
  /** every route with its access rule and schemas (the security tests are generated from it) */
  routes: RouteInfo[];
  /** stop accepting, let in-flight requests finish, close keep-alive connections as they go idle */
  drain(): Promise<void>;
}

const ErrorSchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        fields: { type: 'object', additionalProperties: { type: 'string' } },
      },
      required: ['code', 'message'],
    },
  },
  required: ['error'],
} as const;

/**
 * Builds the HTTP application around a platform: conventions every route shares (errors, language,
 * validation, identity, limits, metrics, OpenAPI), then each module's routes, tasks and jobs.
 * Tests build it without listening; main.ts builds it and listens.
 */
export async function buildApp(platform: Platform, modules: LinliModule[], opts: { web?: boolean } = {}): Promise<BuiltApp> {
  const { config, log } = platform;
  const app = Fastify({
    loggerInstance: log,
    // one line per request is written in onResponse instead (route pattern, no query string)
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // genReqId reads X-Request-ID itself: Fastify would otherwise take the header as given, whatever
    // its length or characters, into logs and response headers
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{8,64}$/.test(given) ? given : newId();
    },
    routerOptions: { ignoreTrailingSlash: true },
    // errors the router raises before any hook runs (a URL that does not decode) get the one error shape too
    frameworkErrors: (err, req, reply) => sendError(reply, toAppError(err as FastifyError, req), pickLang(req.headers['accept-language'])),
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as App;

  const routes: RouteInfo[] = [];
  app.addHook('onRoute', (r) => {
    const access = r.config?.access;
    const methods = Array.isArray(r.method) ? r.method : [r.method];
    if (access && r.schema) {
      // the OpenAPI document tells client authors who may call what
      const schema = r.schema as { description?: string };
      schema.description = [schema.description, describeAccess(access)].filter(Boolean).join('\n\n');
    }
    for (const method of methods) {
      if (method === 'HEAD') continue;
      routes.push({ method, url: r.url, access, schema: r.schema as Record<string, unknown> | undefined });
    }
  });

  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? bodyAjv.compile(schema) : textAjv.compile(schema)));
  app.setSchemaErrorFormatter((errors, dataVar) => Object.assign(new Error(`invalid ${dataVar}`), { validation: errors, validationContext: dataVar }));

  // ---- metrics ----
  const metrics = new Registry();
  // process memory, CPU, event-loop delay and heap: what a load test and an operator watch
  collectDefaultMetrics({ register: metrics });
  const httpRequests = new Counter({ name: 'linli_http_requests_total', help: 'HTTP requests', labelNames: ['method', 'route', 'status'], registers: [metrics] });
  const httpLatency = new Histogram({
    name: 'linli_http_request_duration_seconds',
    help: 'HTTP request latency',
    labelNames: ['method', 'route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [metrics],
  });
  new Gauge({
    name: 'linli_db_pool_connections',
    help: 'Database connections by state',
    labelNames: ['state'],
    registers: [metrics],
    collect() {
      const s = platform.dbStats();
      this.set({ state: 'total' }, s.total);
      this.set({ state: 'idle' }, s.idle);
      this.set({ state: 'waiting' }, s.waiting);
    },
  });
  const scheduler = new Scheduler(platform.db, platform.clock, log);
  new Gauge({
    name: 'linli_task_runs_total',
    help: 'Runs of scheduled background tasks (deadline sweeper, audit sealer, job delivery) by outcome',
    labelNames: ['task', 'outcome'],
    registers: [metrics],
    collect() {
      for (const [task, s] of scheduler.stats) {
        this.set({ task, outcome: 'ok' }, s.runs - s.failures);
        this.set({ task, outcome: 'failed' }, s.failures);
      }
    },
  });
  new Gauge({
    name: 'linli_task_last_duration_seconds',
    help: 'Duration of the last run of each scheduled task',
    labelNames: ['task'],
    registers: [metrics],
    collect() {
      for (const [task, s] of scheduler.stats) this.set({ task }, s.lastDurationMs / 1000);
    },
  });
  new Gauge({
    name: 'linli_jobs_total',
    help: 'Queued jobs handled by this process, by outcome',
    labelNames: ['outcome'],
    registers: [metrics],
    collect() {
      this.set({ outcome: 'processed' }, platform.jobs.stats.processed);
      this.set({ outcome: 'failed' }, platform.jobs.stats.failed);
    },
  });

  // ---- plugins ----
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        upgradeInsecureRequests: null,
      },
    },
    crossOriginEmbedderPolicy: false,
    // no page of Linli is ever shown inside another site's frame (clickjacking)
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // production runs behind HTTPS; browsers remember for a year
    hsts: config.mode === 'production' ? { maxAge: 31_536_000, includeSubDomains: true } : false,
  });
  if (config.corsOrigins.length > 0) {
    const cors = (await import('@fastify/cors')).default;
    await app.register(cors, { origin: config.corsOrigins, credentials: true });
  }
  await app.register(cookie);
  await app.register(formbody, { bodyLimit: config.bodyLimitBytes });
  await app.register(multipart, {
    limits: { fileSize: config.uploadLimitBytes, files: 9, fields: 30, fieldSize: 64 * 1024, parts: 40, headerPairs: 100 },
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Linli (邻里) API',
        description: 'Urban community governance: cases, registry, dispatch, oversight. Errors: {"error":{"code","message","fields"?}}.',
        version: config.version,
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'A session token from POST /api/auth/login, or an integration token' },
          cookie: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
        },
      },
      security: [{ bearer: [] }, { cookie: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });

  // ---- identity, language, limits ----
  const limiter = new RateLimiter();
  app.decorateRequest('ctx', null as unknown as Ctx);
  app.decorateRequest('authProblem', null);

  app.addHook('onRequest', async (req, reply) => {
    const lang = pickLang(req.headers['accept-language']);
    req.ctx = { platform, db: platform.db, principal: { kind: 'anonymous' }, lang, requestId: String(req.id), ip: req.ip };
    reply.header('x-request-id', req.id);
    if (!isApiPath(req.url)) return;
    const wait = limiter.hit(`ip:${req.ip}`, config.rateLimitPerMinute, 60_000);
    if (wait !== null) throw tooManyRequests(wait);
    const token = bearerOf(req) ?? req.cookies?.[SESSION_COOKIE] ?? null;
    const r = await resolveToken(platform.db, token, platform.clock.now());
    req.ctx.principal = r.principal;
    req.authProblem = r.problem;
  });

  app.addHook('preValidation', async (req) => {
    const access = req.routeOptions.config?.access;
    if (access) checkRouteAccess(req.ctx, access);
    const problems = { ...textProblems(req.params, ''), ...textProblems(req.query, ''), ...textProblems(req.body, '') };
    if (Object.keys(problems).length > 0) throw badRequest(problems);
  });

  app.addHook('preHandler', async (req) => {
    const p = req.ctx.principal;
    const account = p.kind === 'user' || p.kind === 'resident' || p.kind === 'integration' ? `${p.kind}:${p.id}` : null;
    if (account) {
      const wait = limiter.hit(`acct:${account}`, config.rateLimitPerMinute, 60_000);
      if (wait !== null) throw tooManyRequests(wait);
    }
    const rl = req.routeOptions.config?.rateLimit;
    if (rl) {
      const windowMs = rl.windowSeconds * 1000;
      const byIp = rl.perIp ? limiter.hit(`${rl.name}:ip:${req.ip}`, rl.perIp, windowMs) : null;
      if (byIp !== null) throw tooManyRequests(byIp);
      const byAccount = rl.perAccount && account ? limiter.hit(`${rl.name}:${account}`, rl.perAccount, windowMs) : null;
      if (byAccount !== null) throw tooManyRequests(byAccount);
    }
    if (p.kind === 'user' && p.mustChangePassword && !req.routeOptions.config?.allowPendingPasswordChange && isApiPath(req.url)) {
      throw new AppError(403, 'PASSWORD_CHANGE_REQUIRED', 'auth.must_change_password');
    }
  });

  let draining = false;
  app.addHook('onSend', async (req, reply) => {
    // while shutting down, tell keep-alive clients not to reuse the connection
    if (draining) reply.header('connection', 'close');
    // API answers carry personal data: no browser or proxy may keep a copy
    if (isApiPath(req.url) && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  });

  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    httpRequests.inc({ method: req.method, route, status: String(reply.statusCode) });
    httpLatency.observe({ method: req.method, route }, reply.elapsedTime / 1000);
    const level = reply.statusCode >= 500 ? 'error' : 'info';
    // the route pattern, not the URL: query strings may carry names and phone numbers
    req.log[level]({ method: req.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });

  app.setErrorHandler((err: FastifyError & { validation?: unknown; validationContext?: string }, req, reply) => {
    const lang = req.ctx?.lang ?? pickLang(req.headers['accept-language']);
    const e = toAppError(err, req);
    if (e.status >= 500 && e.status !== 503) req.log.error({ err }, 'unhandled error');
    else if (e.status === 503) req.log.warn({ err: { message: err.message, code: err.code } }, 'service unavailable');
    return sendError(reply, e, lang);
  });

  const spaPage = opts.web ? await serveWeb(app) : () => null;
  app.setNotFoundHandler((req, reply) => {
    const html = spaPage(req.method, req.url);
    if (html) return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(html);
    return sendError(reply, new AppError(404, 'NOT_FOUND', 'error.not_found'), req.ctx?.lang ?? 'zh-CN');
  });

  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
    reply.header('content-type', metrics.contentType);
    return metrics.metrics();
  });

  // ---- modules ----
  for (const m of modules) {
    if (m.messages) registerMessages(m.messages);
  }
  for (const m of modules) {
    if (m.routes) await m.routes(app, platform);
    for (const task of m.tasks?.(platform) ?? []) scheduler.add(task);
    for (const [kind, handler] of Object.entries(m.jobs?.(platform) ?? {})) platform.jobs.register(kind, handler);
  }
  const drain = async () => {
    draining = true;
    // connections busy when closing began become idle once answered; close them then
    const sweep = setInterval(() => app.server.closeIdleConnections(), 50);
    try {
      await app.close();
    } finally {
      clearInterval(sweep);
    }
  };
  return { app, scheduler, metrics, routes, drain };
}

export { ErrorSchema };

function isApiPath(url: string) {
  return url.startsWith('/api/') || url === '/api' || url.startsWith('/open311/');
}

function bearerOf(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  if (!h) return null;
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  return m ? m[1] : null;
}

export function toAppError(err: FastifyError & { validation?: unknown; validationContext?: string }, req: FastifyRequest): AppError {
  if (err instanceof AppError) {
    if (err.status === 401 && req.authProblem === 'expired') return new AppError(401, 'SESSION_EXPIRED', 'auth.session_expired');
    return err;
  }
  if (err.validation) {
    return new AppError(400, 'VALIDATION_FAILED', 'error.validation', {}, fieldErrorsOf(err.validation as never));
  }
  if (isDatabaseUnavailable(err)) return serviceUnavailable(5);
  // a value the schema let through but PostgreSQL refuses (a number out of range, text that is not
  // a uuid): the request's fault, not the server's; logged so the schema gets tightened
  if (isDataException(err)) {
    req.log.warn({ sqlstate: err.code, route: req.routeOptions.url }, 'database refused a value that passed validation');
    return new AppError(400, 'BAD_REQUEST', 'error.bad_value');
  }
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_REQ_FILE_TOO_LARGE':
    case 'FST_FILES_LIMIT':
    case 'FST_PARTS_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return new AppError(413, 'PAYLOAD_TOO_LARGE', 'error.payload_too_large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', 'error.unsupported_media_type');
    case 'FST_ERR_BAD_URL':
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new AppError(400, 'BAD_REQUEST', 'error.bad_url');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError(400, 'BAD_REQUEST', 'error.bad_json');
  }
  if (err instanceof SyntaxError || err.statusCode === 400) return new AppError(400, 'BAD_REQUEST', 'error.bad_json');
  // busboy's own errors (no boundary, a part cut short) carry no code: the upload's fault, not ours
  if (req.isMultipart() && /^(Multipart: |Malformed part header|Unexpected end of )/.test(err.message)) {
    return new AppError(400, 'BAD_REQUEST', 'error.bad_multipart');
  }
  if (err.statusCode === 413) return new AppError(413, 'PAYLOAD_TOO_LARGE', 'error.payload_too_large');
  if (err.statusCode === 404) return new AppError(404, 'NOT_FOUND', 'error.not_found');
  if (err.statusCode === 429) return tooManyRequests(60);
  return new AppError(500, 'INTERNAL', 'error.internal');
}

export function renderFields(fields: FieldErrors | undefined, lang: Lang): Record<string, string> | undefined {
  if (!fields) return undefined;
  const out: Record<string, string> = {};
  for (const [field, v] of Object.entries(fields)) out[field] = typeof v === 'string' ? v : t(lang, v.key, v.params);
  return out;
}

function sendError(reply: FastifyReply, e: AppError, lang: Lang) {
  if (e.headers) for (const [k, v] of Object.entries(e.headers)) reply.header(k, v);
  const fields = renderFields(e.fields, lang);
  return reply
    .code(e.status)
    .type('application/json; charset=utf-8')
    .send({ error: { code: e.code, message: t(lang, e.key, e.params), ...(fields ? { fields } : {}) } });
}

