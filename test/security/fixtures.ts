import { readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { LightMyRequestResponse } from 'fastify';
import type { TestServer } from '../support/harness.ts';
import type { Caller, Callers } from './support.ts';

/**
 * Fixture providers for the object-level authorisation test (test/security/access.test.ts): for
 * every route pattern with an id parameter, how to make an object that belongs to someone, so the
 * test can try to reach it as people of another district, community and department and as a resident.
 *
 * A module adds its own in `server/modules/<module>/security.fixtures.ts`:
 *
 *   export const fixtures: Fixtures = {
 *     '/api/cases/:id': { create: async (f) => ({ id: (await f.as('community', { method: 'POST', url: '/api/cases', payload: … })).id }) },
 *   };
 *
 * and, optionally, `export const examples: Examples = { 'POST /api/cases': async (f) => ({ … }) }`.
 * The access test fails when a route with an id parameter has no provider.
 */
export interface FixtureEnv {
  s: TestServer;
  callers: Callers;
  /** a request as one of the callers; throws unless it succeeded; returns the JSON body */
  as(caller: Caller, req: { method: string; url: string; payload?: unknown }): Promise<any>;
}

export interface Fixture {
  /** who owns the object (default: the demo `community` administrator) */
  owner?: Caller;
  /** makes (or finds) the object; returns the path parameters that name it */
  create(f: FixtureEnv): Promise<Record<string, string>>;
  /** callers outside the owner's organisation who may reach the object by design (district departments see the district's places) */
  visibleTo?: Caller[];
  /** a body the owner's request is accepted with, per method (default: no body) */
  body?: Partial<Record<string, unknown>>;
}

export type Fixtures = Record<string, Fixture>;

/**
 * Bodies a route accepts, by 'METHOD /pattern' (for creating routes, whose valid bodies name
 * existing things). The fuzzer starts from them, so its edge cases reach the store and the database
 * instead of stopping at "orgId not found". Routes without one start from a body generated from the schema.
 */
export type Examples = Record<string, (f: FixtureEnv) => Promise<unknown>>;

let serial = 0;
const unique = (prefix: string) => `${prefix}-${process.pid}-${++serial}`;

/** The foundation's routes: staff accounts, integration tokens. */
const foundation: Fixtures = {
  '/api/users/:id': {
    async create(f) {
      const me = await f.as('community', { method: 'GET', url: '/api/auth/me' });
      const created = await f.as('community', { method: 'POST', url: '/api/users', payload: { username: unique('bola-user'), displayName: '被测账号', orgId: me.orgId, roles: ['grid_worker'] } });
      return { id: created.id };
    },
    body: { PATCH: { displayName: '改过的名字' } },
  },
  '/api/users/:id/reset-password': {
    async create(f) {
      return foundation['/api/users/:id'].create(f);
    },
  },
  '/api/integrations/tokens/:id': {
    // community administrators do not manage integrations; the district does
    owner: 'district',
    async create(f) {
      const t = await f.as('district', { method: 'POST', url: '/api/integrations/tokens', payload: { name: unique('bola-token'), kind: 'generic', scopes: ['region.read'] } });
      return { id: t.id };
    },
  },
};

const foundationExamples: Examples = {
  'POST /api/auth/login': async () => ({ username: unique('nobody'), password: 'wrong-password' }),
  'POST /api/auth/resident/code': async () => ({ phone: '13912345678' }),
  'POST /api/auth/resident/login': async () => ({ phone: '13912345678', code: '000000' }),
  'POST /api/orgs': async (f) => {
    const me = await f.as('district', { method: 'GET', url: '/api/auth/me' });
    return { kind: 'department', name: unique('部门'), deptType: 'housing', regionId: me.scope.regionId };
  },
  'POST /api/users': async (f) => {
    const me = await f.as('community', { method: 'GET', url: '/api/auth/me' });
    return { username: unique('fuzz'), displayName: '测试', orgId: me.orgId, roles: ['grid_worker'] };
  },
  'PATCH /api/users/:id': async () => ({ displayName: '改过的名字', active: true }),
  'POST /api/integrations/tokens': async () => ({ name: unique('token'), kind: 'generic', scopes: ['region.read'] }),
};

const modulesDir = fileURLToPath(new URL('../../server/modules/', import.meta.url));

/** The foundation's providers and examples, and those every module ships in security.fixtures.ts. */
export async function loadFixtures(): Promise<{ fixtures: Fixtures; examples: Examples }> {
  const fixtures: Fixtures = { ...foundation };
  const examples: Examples = { ...foundationExamples };
  const merge = <T>(into: Record<string, T>, from: Record<string, T> | undefined, file: string) => {
    for (const [k, v] of Object.entries(from ?? {})) {
      if (into[k]) throw new Error(`${file}: ${k} is provided twice`);
      into[k] = v;
    }
  };
  for (const m of readdirSync(modulesDir)) {
    const file = path.join(modulesDir, m, 'security.fixtures.ts');
    if (!existsSync(file)) continue;
    const mod = (await import(pathToFileURL(file).href)) as { fixtures?: Fixtures; examples?: Examples };
    merge(fixtures, mod.fixtures, file);
    merge(examples, mod.examples, file);
  }
  return { fixtures, examples };
}

export function fixtureEnv(s: TestServer, callers: Callers): FixtureEnv {
  return {
    s,
    callers,
    async as(caller, req) {
      const res: LightMyRequestResponse = await s.request({ method: req.method as never, url: req.url, payload: req.payload as never, token: callers.token(caller) });
      if (res.statusCode >= 300) throw new Error(`fixture: ${req.method} ${req.url} as ${caller}: ${res.statusCode} ${res.body}`);
      return res.body ? res.json() : null;
    },
  };
}
