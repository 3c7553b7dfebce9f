import { sql } from 'kysely';
import { expect } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import type { RouteInfo } from '../../server/app.ts';
import type { Executor } from '../../server/db/index.ts';
import { DEMO_RESIDENT_PHONE } from '../../server/demo/load.ts';
import type { TestServer } from '../support/harness.ts';
import type { JsonSchema } from './generate.ts';

/** The routes the security tests cover: everything under /api and /open311 that is not hidden from OpenAPI. */
export function apiRoutes(s: TestServer): RouteInfo[] {
  return s.routes.filter(
    (r) => (r.url.startsWith('/api/') || r.url.startsWith('/open311/')) && !(r.schema as { hide?: boolean } | undefined)?.hide && !r.url.startsWith('/api/docs'),
  );
}

export const routeKey = (r: Pick<RouteInfo, 'method' | 'url'>) => `${r.method} ${r.url}`;
export const schemaOf = (r: RouteInfo, part: 'body' | 'querystring' | 'params') => r.schema?.[part] as JsonSchema | undefined;

/** Path parameters of a route pattern, e.g. ['id'] for /api/users/:id. */
export const pathParams = (url: string) => [...url.matchAll(/:(\w+)/g)].map((m) => m[1]);
/** Parameters that name an object (id, caseId …), as opposed to codes from a catalogue. */
export const idParams = (url: string) => pathParams(url).filter((p) => p === 'id' || /Id$/.test(p));

export function fillPath(url: string, params: Record<string, string>): string {
  return url.replace(/:(\w+)/g, (_, name: string) => {
    if (!(name in params)) throw new Error(`no value for :${name} in ${url}`);
    return params[name];
  });
}

export function withQuery(path: string, query: Record<string, unknown> | undefined): string {
  if (!query || Object.keys(query).length === 0) return path;
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (Array.isArray(v)) for (const item of v) qs.append(k, typeof item === 'string' ? item : JSON.stringify(item));
    else qs.append(k, typeof v === 'string' ? v : JSON.stringify(v));
  }
  return `${path}?${qs}`;
}

/** Every failure must have the one error shape, as JSON (Open311 routes: the specification's error list, JSON or XML). */
export function expectErrorShape(res: LightMyRequestResponse, context: string) {
  if (res.raw.req.url?.startsWith('/open311/')) return expectOpen311Error(res, context);
  expect(String(res.headers['content-type']), context).toMatch(/^application\/json/);
  const body = res.json();
  expect(body, context).toEqual({ error: { code: expect.any(String), message: expect.any(String), ...(body?.error?.fields ? { fields: expect.any(Object) } : {}) } });
  expect(Object.keys(body.error).sort(), context).toEqual(body.error.fields ? ['code', 'fields', 'message'] : ['code', 'message']);
  if (body.error.fields) for (const v of Object.values(body.error.fields)) expect(typeof v, context).toBe('string');
  if (body.error.code === 'VALIDATION_FAILED') expect(body.error.fields, `${context}: a validation failure names its fields`).toBeDefined();
}

function expectOpen311Error(res: LightMyRequestResponse, context: string) {
  const type = String(res.headers['content-type']);
  // a path that does not even decode is refused by the router before any Open311 route is chosen
  if (res.statusCode === 400 && type.startsWith('application/json') && !Array.isArray(res.json())) {
    expect(res.json().error.code, context).toBe('BAD_REQUEST');
    return;
  }
  if (type.startsWith('text/xml')) {
    expect(res.body, context).toMatch(new RegExp(`<errors><error><code>${res.statusCode}</code><description>[^<]*</description></error></errors>$`));
    return;
  }
  expect(type, context).toMatch(/^application\/json/);
  expect(res.json(), context).toEqual([{ code: res.statusCode, description: expect.any(String) }]);
}

/**
 * A cheap fingerprint of every table's content: row count and a sum of row hashes per table (rows
 * of partitioned tables are counted under their parent). Equal before and after a batch of refused
 * requests means nothing was written, not even partly.
 */
export async function fingerprint(db: Executor): Promise<Record<string, string>> {
  const tables = await sql<{ name: string }>`
    SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY 1`.execute(db);
  const parts = tables.rows.map(
    (t) => sql`SELECT ${t.name}::text AS t, count(*)::text || ':' || coalesce(sum(hashtext(x::text)::bigint), 0)::text AS f FROM ${sql.table(t.name)} x`,
  );
  const r = await sql<{ t: string; f: string }>`${sql.join(parts, sql` UNION ALL `)}`.execute(db);
  return Object.fromEntries(r.rows.map((x) => [x.t, x.f]));
}

/** The demo accounts, plus people the tests add so that every kind of outsider exists. */
export const STAFF = ['admin', 'district', 'street', 'community', 'grid', 'dept', 'property', 'community2', 'leader'] as const;
export type Caller = (typeof STAFF)[number] | 'sibling' | 'district2' | 'integration' | 'resident' | 'anonymous';

export interface Callers {
  token(c: Caller): string | undefined;
  permissions(c: Caller): ReadonlySet<string>;
  kind(c: Caller): 'user' | 'integration' | 'resident' | 'anonymous';
  all: Caller[];
}

const STRONG = 'Sec-Test-Pass-2026!';

async function ok(res: LightMyRequestResponse, what: string) {
  if (res.statusCode >= 300) throw new Error(`${what}: ${res.statusCode} ${res.body}`);
  return res.json();
}

/** Creates a staff account through the API (as admin) and signs it in, past the forced password change. */
async function addStaff(s: TestServer, admin: string, username: string, orgId: string, role: string): Promise<string> {
  await ok(await s.request({ method: 'POST', url: '/api/users', token: admin, payload: { username, displayName: username, orgId, roles: [role], password: STRONG } }), `create ${username}`);
  const token = await s.login(username, STRONG);
  await s.request({ method: 'POST', url: '/api/auth/password', token, payload: { currentPassword: STRONG, newPassword: `${STRONG}x` } });
  return s.login(username, `${STRONG}x`);
}

/** Signs a resident in the way the resident page does: a code by SMS, then phone + code. */
export async function residentToken(s: TestServer, phone = DEMO_RESIDENT_PHONE): Promise<string> {
  await ok(await s.request({ method: 'POST', url: '/api/auth/resident/code', payload: { phone } }), 'resident code');
  const res = await s.request({ method: 'POST', url: '/api/auth/resident/login', payload: { phone, code: s.sms.lastCode(phone) } });
  return (await ok(res, 'resident login')).token;
}

/**
 * Every kind of caller the access tests need: the demo staff, an administrator of another community
 * in the same street as `community` ("sibling"), a district administrator of the second district
 * ("district2"), an integration token of the first district holding `region.read`, a resident and nobody.
 */
export async function signInCallers(s: TestServer): Promise<Callers> {
  const tokens = new Map<Caller, string>();
  for (const u of STAFF) tokens.set(u, await s.login(u));
  const admin = tokens.get('admin')!;
  const me = await ok(await s.request({ method: 'GET', url: '/api/auth/me', token: tokens.get('community') }), 'me');
  const home = await s.platform.db.selectFrom('region').select(['street_id', 'id']).where('id', '=', me.scope.regionId).executeTakeFirstOrThrow();
  const siblingOrg = await s.platform.db
    .selectFrom('org as o')
    .innerJoin('region as r', 'r.id', 'o.region_id')
    .select('o.id')
    .where('o.kind', '=', 'community_committee')
    .where('r.street_id', '=', home.street_id)
    .where('r.id', '<>', home.id)
    .executeTakeFirstOrThrow();
  tokens.set('sibling', await addStaff(s, admin, 'sec-sibling', siblingOrg.id, 'community_admin'));
  const me2 = await ok(await s.request({ method: 'GET', url: '/api/auth/me', token: tokens.get('community2') }), 'me2');
  const district2 = await s.platform.db.selectFrom('region').select('district_id').where('id', '=', me2.scope.regionId).executeTakeFirstOrThrow();
  const gov2 = await s.platform.db.selectFrom('org').select('id').where('kind', '=', 'government').where('region_id', '=', district2.district_id).executeTakeFirstOrThrow();
  tokens.set('district2', await addStaff(s, admin, 'sec-district2', gov2.id, 'district_admin'));
  tokens.set('resident', await residentToken(s));
  const integration = await ok(
    await s.request({ method: 'POST', url: '/api/integrations/tokens', token: tokens.get('district'), payload: { name: 'sec-test', kind: 'generic', scopes: ['region.read'] } }),
    'integration token',
  );
  tokens.set('integration', integration.token);

  const permissions = new Map<Caller, ReadonlySet<string>>();
  permissions.set('integration', new Set(['region.read']));
  for (const [c, token] of tokens) {
    if (c === 'integration') continue;
    const who = await ok(await s.request({ method: 'GET', url: '/api/auth/me', token }), `me ${c}`);
    permissions.set(c, new Set(who.kind === 'user' ? who.permissions : []));
  }
  permissions.set('anonymous', new Set());
  return {
    token: (c) => tokens.get(c),
    permissions: (c) => permissions.get(c)!,
    kind: (c) => (c === 'anonymous' || c === 'resident' || c === 'integration' ? c : 'user'),
    all: [...tokens.keys(), 'anonymous'],
  };
}
