import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteInfo } from '../../server/app.ts';
import type { RouteAccess } from '../../server/platform/access/index.ts';
import { INTEGRATION_SCOPES } from '../../server/modules/integrations/service.ts';
import { startTestServer } from '../support/harness.ts';
import { fixtureEnv, loadFixtures, type FixtureEnv } from './fixtures.ts';
import { minimalValid, type JsonSchema } from './generate.ts';
import { apiRoutes, expectErrorShape, fillPath, idParams, pathParams, routeKey, schemaOf, signInCallers, type Caller, type Callers } from './support.ts';

// OWASP API Security Top 10 (2023): API1 broken object-level authorisation, API3 broken object
// property-level authorisation (mass assignment), API5 broken function-level authorisation.
// Generated from the application's route table, so routes added later are covered without edits here.

const s = await startTestServer({ config: { rateLimitPerMinute: 1_000_000 } });
const routes = apiRoutes(s);
const { fixtures } = await loadFixtures();
let callers: Callers;
let env: FixtureEnv;
beforeAll(async () => {
  callers = await signInCallers(s);
  env = fixtureEnv(s, callers);
});
afterAll(() => s.close());

function allows(c: Caller, access: RouteAccess): boolean {
  const kind = callers.kind(c);
  if (access === 'public') return true;
  if (access === 'signed-in') return kind !== 'anonymous';
  if (access === 'staff') return kind === 'user';
  if (access === 'resident') return kind === 'resident';
  return (kind === 'user' || kind === 'integration') && callers.permissions(c).has(access.permission);
}

const bodyFor = (r: RouteInfo, fixtureBody?: unknown) => {
  if (fixtureBody !== undefined) return fixtureBody;
  const schema = schemaOf(r, 'body');
  return schema ? minimalValid(schema) : undefined;
};

/** A request as a caller, with a body only where the route takes one. */
const call = (c: Caller, r: RouteInfo, url: string, body?: unknown) =>
  s.request({ method: r.method as never, url, token: callers.token(c), ...(body !== undefined ? { payload: body as never } : {}) });

describe('every route says who may call it', () => {
  it('each /api route declares config.access', () => {
    expect(routes.length).toBeGreaterThan(10);
    expect(routes.filter((r) => !r.access).map(routeKey)).toEqual([]);
  });

  it('each permission a route requires is one that roles or integration tokens can hold', async () => {
    const known = new Set([
      ...(await s.platform.db.selectFrom('role_permission').select('permission').distinct().execute()).map((p) => p.permission),
      ...INTEGRATION_SCOPES,
    ]);
    const unknown = routes.filter((r) => typeof r.access === 'object' && !known.has(r.access.permission)).map((r) => `${routeKey(r)} needs ${JSON.stringify(r.access)}`);
    expect(unknown).toEqual([]);
  });
});

describe('object-level authorisation (API1)', () => {
  const withIds = routes.filter((r) => idParams(r.url).length > 0);

  it('every route with an id parameter has a fixture provider (test/security/fixtures.ts or the module’s security.fixtures.ts)', () => {
    expect(withIds.length).toBeGreaterThan(0);
    expect(withIds.filter((r) => !fixtures[r.url]).map(routeKey)).toEqual([]);
  });

  const OUTSIDERS: Caller[] = ['community2', 'sibling', 'district2', 'dept', 'property', 'integration', 'resident'];

  it.each(withIds.filter((r) => fixtures[r.url]).map((r) => [routeKey(r), r] as const))(
    '%s: people of another district, community or department, and residents, cannot reach the object',
    async (_name, r) => {
      const fixture = fixtures[r.url];
      const owner = fixture.owner ?? 'community';
      const params = await fixture.create(env);
      for (const p of pathParams(r.url)) expect(params[p], `fixture gives :${p}`).toBeTruthy();
      const url = fillPath(r.url, params);
      const body = bodyFor(r, fixture.body?.[r.method]);
      for (const c of OUTSIDERS.filter((o) => o !== owner && !(r.method === 'GET' && fixture.visibleTo?.includes(o)))) {
        const res = await call(c, r, url, body);
        const context = `${routeKey(r)} as ${c}: ${res.statusCode} ${res.body}`;
        // not found when they may use the route at all (they must not learn that it exists), else forbidden
        if (allows(c, r.access!)) expect(res.statusCode, context).toBe(404);
        else expect([401, 403], context).toContain(res.statusCode);
        expectErrorShape(res, context);
      }
      // the same request from the owner works: the refusals were about who asked, not what
      const mine = await call(owner, r, url, body);
      expect(mine.statusCode, `${routeKey(r)} as owner ${owner}: ${mine.body}`).toBeLessThan(300);
    },
  );
});

describe('function-level authorisation (API5)', () => {
  it('every caller is refused every route its role does not allow: 401 for nobody, 403 for the signed-in', async () => {
    const tried: string[] = [];
    for (const r of routes) {
      const url = fillPath(r.url, Object.fromEntries(pathParams(r.url).map((p) => [p, idParams(r.url).includes(p) ? randomUUID() : 'community_admin'])));
      for (const c of callers.all) {
        if (allows(c, r.access!)) continue;
        const res = await call(c, r, url, bodyFor(r));
        const context = `${routeKey(r)} as ${c}: ${res.statusCode} ${res.body}`;
        expect(res.statusCode, context).toBe(callers.kind(c) === 'anonymous' ? 401 : 403);
        expectErrorShape(res, context);
        tried.push(`${c} ${routeKey(r)}`);
      }
    }
    // every role is missing something, so each one was tried
    for (const c of callers.all.filter((c) => c !== 'admin')) expect(tried.some((t) => t.startsWith(`${c} `)), c).toBe(true);
  }, 300_000); // every route × every caller in one test: grows with the API, no speed claim

  it('a refusal comes before validation: a forbidden caller learns nothing about the body it would need', async () => {
    const res = await s.request({ method: 'POST', url: '/api/orgs', token: callers.token('grid'), payload: { nonsense: true } });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.fields).toBeUndefined();
  });
});

/** Every nested object schema of a body, with its path. */
function objectSchemas(schema: JsonSchema, at = 'body'): [string, JsonSchema][] {
  const out: [string, JsonSchema][] = [];
  if (schema.type === 'object' || schema.properties) out.push([at, schema]);
  for (const [k, v] of Object.entries(schema.properties ?? {})) out.push(...objectSchemas(v, `${at}.${k}`));
  for (const alt of schema.anyOf ?? schema.oneOf ?? []) out.push(...objectSchemas(alt, at));
  if (schema.items) out.push(...objectSchemas(schema.items, `${at}[]`));
  return out;
}

/** A token for routes only integrations may call (scopes such as hotline.push that no role holds). */
async function integrationToken(scope: string): Promise<string> {
  const res = await s.request({ method: 'POST', url: '/api/integrations/tokens', token: callers.token('district'), payload: { name: `sec-${scope}`, kind: 'generic', scopes: [scope] } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().token;
}

describe('mass assignment (API3)', () => {
  const withBody = routes.filter((r) => schemaOf(r, 'body'));

  it('every request body (and every object inside one) refuses unknown fields', () => {
    const loose = withBody.flatMap((r) => objectSchemas(schemaOf(r, 'body')!).filter(([, o]) => o.additionalProperties !== false).map(([at]) => `${routeKey(r)} ${at}`));
    expect(loose).toEqual([]);
  });

  it.each(withBody.map((r) => [routeKey(r), r] as const))('%s: read-only and unknown fields are a 400 naming the field', async (_name, r) => {
    const body = schemaOf(r, 'body')!;
    // path parameters that pass their own schema (a uuid, a date …), so only the body can be refused
    const validParams = (minimalValid(schemaOf(r, 'params') ?? { type: 'object' }) ?? {}) as Record<string, string>;
    const url = fillPath(r.url, Object.fromEntries(pathParams(r.url).map((p) => [p, idParams(r.url).includes(p) ? randomUUID() : validParams[p] ?? 'community_admin'])));
    const token = allows('admin', r.access!)
      ? callers.token('admin')
      : r.access === 'resident'
        ? callers.token('resident')
        : typeof r.access === 'object' && (INTEGRATION_SCOPES as readonly string[]).includes(r.access.permission)
          ? await integrationToken(r.access.permission)
          : undefined;
    for (const extra of ['id', 'createdAt', 'updatedAt', 'orgId', 'ownerId', 'status', 'isAdmin', 'permissions']) {
      if (body.properties && extra in body.properties) continue;
      const payload = { ...(minimalValid(body) as object), [extra]: extra === 'id' ? randomUUID() : 'x' };
      const res = await s.request({ method: r.method as never, url, token, payload });
      const context = `${routeKey(r)} + ${extra}: ${res.statusCode} ${res.body}`;
      expect(res.statusCode, context).toBe(400);
      // Open311 routes answer with the specification's error list; the description names the field
      if (r.url.startsWith('/open311/')) expect(res.body, context).toMatch(new RegExp(`<description>[^<]*\\b${extra}\\b|"description":"[^"]*\\b${extra}\\b`));
      else expect(res.json().error.fields?.[extra], context).toBeDefined();
    }
  });
});
