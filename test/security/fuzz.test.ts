import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteInfo } from '../../server/app.ts';
import { startTestServer } from '../support/harness.ts';
import { DEMO_PASSWORD } from '../../server/demo/load.ts';
import { fixtureEnv, loadFixtures, type FixtureEnv } from './fixtures.ts';
import { BAD_PATH_SEGMENTS, deepJson, edgeCasesOf, invalidOf, minimalValid, validArb } from './generate.ts';
import { apiRoutes, expectErrorShape, fillPath, fingerprint, pathParams, routeKey, schemaOf, signInCallers, withQuery, type Callers } from './support.ts';

// Every route is exercised from its own JSON schemas with wrong types, missing and extra fields,
// huge strings, deep nesting, unicode edge cases, bad numbers, malformed JSON, wrong content types,
// bad path parameters and hostile headers, as a caller with every permission and as nobody.
// Rules: never a 5xx; every failure has the standard error shape; a refused request writes nothing
// (every table's fingerprint is unchanged after each batch of refused requests).
// Bounded: LINLI_FUZZ_SEED fixes the run, LINLI_FUZZ_RUNS is the number of schema-random valid bodies per route.

const SEED = Number(process.env.LINLI_FUZZ_SEED ?? 20_260_711);
const RUNS = Number(process.env.LINLI_FUZZ_RUNS ?? 25);

const s = await startTestServer({ config: { rateLimitPerMinute: 1_000_000 } });
const routes = apiRoutes(s);
const { fixtures, examples } = await loadFixtures();
let callers: Callers;
let env: FixtureEnv;
const sent = new Map<string, { refused: number; edge: number }>();

beforeAll(async () => {
  callers = await signInCallers(s);
  env = fixtureEnv(s, callers);
});
afterAll(async () => {
  const rows = [...sent].map(([route, n]) => `  ${String(n.refused + n.edge).padStart(5)}  (${String(n.refused).padStart(4)} must-refuse, ${String(n.edge).padStart(4)} edge)  ${route}`);
  const total = [...sent.values()].reduce((a, n) => a + n.refused + n.edge, 0);
  console.log(`fuzz (seed ${SEED}, ${RUNS} random valid bodies per route): ${total} requests\n${rows.join('\n')}`);
  await s.close();
});

let logins = 0;
/** Signs the administrator in from an address of its own each time (sign-in is limited per address). */
async function adminSession(): Promise<string> {
  logins++;
  const res = await s.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin', password: DEMO_PASSWORD }, remoteAddress: `10.77.${logins >> 8}.${logins & 255}` });
  return res.json().token;
}

interface Case {
  /** refused: must be a 4xx and write nothing; edge: anything but a 5xx */
  kind: 'refused' | 'edge';
  what: string;
  url: string;
  payload?: string | object | unknown[];
  headers?: Record<string, string>;
}

const hasBody = (r: RouteInfo) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method);
const json = (v: unknown) => ({ payload: JSON.stringify(v), headers: { 'content-type': 'application/json' } });

/** Everything to send to one route, starting from a request it accepts (or one shaped like it). */
async function casesFor(r: RouteInfo): Promise<Case[]> {
  const cases: Case[] = [];
  const paramNames = pathParams(r.url);
  const params: Record<string, string> = fixtures[r.url] ? await fixtures[r.url].create(env) : ((minimalValid(schemaOf(r, 'params') ?? { type: 'object' }, SEED) as Record<string, string>) ?? {});
  const url = fillPath(r.url, Object.fromEntries(paramNames.map((p) => [p, params[p] ?? randomUUID()])));
  const querySchema = schemaOf(r, 'querystring');
  const bodySchema = schemaOf(r, 'body');
  const example = examples[routeKey(r)] ? ((await examples[routeKey(r)](env)) as Record<string, unknown>) : undefined;
  const validBody = (example ?? (bodySchema ? minimalValid(bodySchema, SEED) : undefined)) as Record<string, unknown> | undefined;
  const base = (what: string, kind: Case['kind'], extra: Partial<Case> = {}): Case => ({ kind, what, url, ...(validBody !== undefined ? json(validBody) : {}), ...extra });

  // path parameters that are not what the route expects
  for (const p of paramNames) {
    for (const bad of BAD_PATH_SEGMENTS) {
      cases.push(base(`:${p} = ${bad.slice(0, 30)}`, 'refused', { url: fillPath(r.url, { ...params, [p]: bad }) }));
    }
  }
  // query strings: each defect of the query schema, unknown keys, repeated keys, broken encoding
  if (querySchema) {
    const q = (minimalValid(querySchema, SEED) ?? {}) as Record<string, unknown>;
    for (const d of invalidOf(querySchema, q)) {
      // a query string is text: only defects that survive being written as text can be refused
      if (d.value === null || typeof d.value !== 'object' || Array.isArray(d.value)) continue;
      if (d.what.includes(': null') || d.what.includes(': string') || d.what.startsWith('without')) continue;
      cases.push(base(`query ${d.what}`, 'edge', { url: withQuery(url, d.value as Record<string, unknown>) }));
    }
    cases.push(base('query unknown key', 'refused', { url: withQuery(url, { ...q, zzUnknown: '1' }) }));
    for (const raw of ['%ZZ', 'a[b][c]=d', `x=${'y'.repeat(20_000)}`, '__proto__[admin]=1', 'constructor[prototype][x]=1', '=', '&&&', '%00=%00']) {
      cases.push(base(`query ?${raw.slice(0, 30)}`, 'edge', { url: `${url}?${raw}` }));
    }
    for (const v of fc.sample(validArb(querySchema), { seed: SEED, numRuns: RUNS })) {
      cases.push(base('query random valid', 'edge', { url: withQuery(url, v as Record<string, unknown>) }));
    }
  }
  if (hasBody(r)) {
    // bodies: every single defect of the schema
    if (bodySchema && validBody !== undefined) {
      for (const d of invalidOf(bodySchema, validBody)) cases.push(base(`body ${d.what}`, 'refused', json(d.value)));
      for (const d of edgeCasesOf(bodySchema, validBody)) cases.push(base(`body ${d.what}`, 'edge', json(d.value)));
      for (const v of fc.sample(validArb(bodySchema), { seed: SEED, numRuns: RUNS })) cases.push(base('body random valid', 'edge', json(v)));
    }
    // malformed JSON and prototype pollution: refused by the parser whatever the route
    // well-formed JSON of any shape is refused only where the route takes a body
    const wellFormed: Case['kind'] = bodySchema ? 'refused' : 'edge';
    for (const raw of ['{"a":', '{"a":1}garbage', '{"__proto__":{"isAdmin":true}}', '{"constructor":{"prototype":{"isAdmin":true}}}', '[', '{\'a\':1}', '{"a":NaN}', '{"a":1e999999}x', '['.repeat(50_000)]) {
      cases.push(base(`json ${raw.slice(0, 30)}`, 'refused', { payload: raw, headers: { 'content-type': 'application/json' } }));
    }
    cases.push(base('json too large', 'refused', { payload: JSON.stringify({ a: 'x'.repeat(s.platform.config.bodyLimitBytes + 10) }), headers: { 'content-type': 'application/json' } }));
    cases.push(base('json nested 100k deep', wellFormed, { payload: deepJson(100_000), headers: { 'content-type': 'application/json' } }));
    // content types the route does not take
    const text = JSON.stringify(validBody ?? {});
    for (const ct of ['application/xml', 'application/x-yaml', 'image/png', 'application/octet-stream']) {
      cases.push(base(`content-type ${ct}`, 'refused', { payload: text, headers: { 'content-type': ct } }));
    }
    for (const ct of ['text/plain', 'application/json; charset=utf-16', 'application/x-www-form-urlencoded', 'APPLICATION/JSON', 'application/json;;;']) {
      cases.push(base(`content-type ${ct}`, 'edge', { payload: ct.includes('form') ? 'a=1&a=2&b[c]=d&__proto__[x]=1' : text, headers: { 'content-type': ct } }));
    }
    // malformed multipart: no boundary, a boundary that never comes, a truncated part, a zip bomb's first bytes
    const boundary = '----linli-fuzz';
    for (const [what, ct, payload] of [
      ['no boundary', 'multipart/form-data', '--x\r\n\r\n'],
      ['unterminated', `multipart/form-data; boundary=${boundary}`, `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.xlsx"\r\n\r\nPK\u0003\u0004`],
      ['header garbage', `multipart/form-data; boundary=${boundary}`, `--${boundary}\r\n\u0000\u0000: \r\n\r\n--${boundary}--`],
      ['empty', `multipart/form-data; boundary=${boundary}`, ''],
    ] as const) {
      cases.push(base(`multipart ${what}`, wellFormed, { payload, headers: { 'content-type': ct } }));
    }
  }
  // hostile headers on a request that is otherwise fine
  for (const [h, v] of [
    ['accept-language', 'zz-ZZ;q=abc, *;q=-1, ' + 'x'.repeat(2000)],
    ['x-request-id', 'x'.repeat(5000)],
    ['x-request-id', '../../\u0000'],
    ['cookie', 'linli_session=%E0%A4%A; x=%'],
    ['cookie', `linli_session=${'a'.repeat(8000)}`],
    ['authorization', 'Bearer ' + 'x'.repeat(5000)],
    ['authorization', 'Bearer lnl_s_\u00ff\u00fe'],
    ['authorization', 'Basic YWRtaW46YWRtaW4='],
    ['idempotency-key', '键'],
    ['idempotency-key', 'k'.repeat(300)],
  ] as const) {
    cases.push(base(`header ${h}: ${v.slice(0, 20)}`, 'edge', { headers: { ...(validBody !== undefined ? { 'content-type': 'application/json' } : {}), [h]: v } }));
  }
  return cases;
}

/**
 * Routes whose every accepted call costs seconds of work (training a model): the fuzzer sends them
 * only what must be refused; what they do when accepted is covered by their module's tests.
 */
const EXPENSIVE = new Set(['POST /api/classifier/retrain']);

describe('schema fuzzer: never a 5xx, always the error shape, nothing written by a refused request', () => {
  it.each(routes.map((r) => [routeKey(r), r] as const))('%s', async (key, r) => {
    // a fresh session for each route: the fuzzer may sign itself out
    const identities: [string, string | undefined][] = [
      [r.access === 'resident' ? 'resident' : 'admin', r.access === 'resident' ? callers.token('resident') : await adminSession()],
      ['anonymous', undefined],
    ];
    const counts = { refused: 0, edge: 0 };
    for (const [who, token] of identities) {
      const cases = await casesFor(r);
      const before = await fingerprint(s.platform.db);
      for (const c of cases.filter((x) => x.kind === 'refused')) {
        const res = await s.app.inject({ method: r.method as never, url: c.url, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...c.headers }, ...(c.payload !== undefined ? { payload: c.payload as string } : {}) });
        const context = `${key} as ${who}, ${c.what}: ${res.statusCode} ${res.body.slice(0, 300)}`;
        expect(res.statusCode, context).toBeGreaterThanOrEqual(400);
        expect(res.statusCode, context).toBeLessThan(500);
        expectErrorShape(res, context);
        counts.refused++;
      }
      expect(await fingerprint(s.platform.db), `${key} as ${who}: refused requests wrote nothing`).toEqual(before);
      for (const c of cases.filter((x) => x.kind === 'edge' && (!EXPENSIVE.has(key) || !token))) {
        const headers: Record<string, string> = { ...c.headers };
        if (token && !('authorization' in headers)) headers.authorization = `Bearer ${token}`;
        const res = await s.app.inject({ method: r.method as never, url: c.url, headers, ...(c.payload !== undefined ? { payload: c.payload as string } : {}) });
        const context = `${key} as ${who}, ${c.what}: ${res.statusCode} ${res.body.slice(0, 300)}`;
        expect(res.statusCode, context).toBeLessThan(500);
        if (res.statusCode >= 400) expectErrorShape(res, context);
        counts.edge++;
      }
    }
    sent.set(key, counts);
  });
});
