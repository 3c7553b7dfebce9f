import { afterAll, beforeAll, expect } from 'vitest';
import { DEMO_RESIDENT_PHONE } from '../../demo/load.ts';
import { startTestServer, type TestServer } from '../../../test/support/harness.ts';

/** Shared set-up for the case tests: demo accounts, their organisations and places to report at. */
export interface CaseWorld {
  s: TestServer;
  tok: Record<string, string>;
  org: Record<string, string>;
  gridId: string;
  building: { id: string; grid_id: string; community_id: string; street_id: string; district_id: string };
  /** a building of the same community in a compound run by the `property` account's company */
  propertyBuilding: { id: string };
  otherBuilding: { id: string };
  resident: string;
  /** moves the manual clock; sessions stay valid */
  at(time: string): Promise<void>;
}

export const USERS = ['admin', 'community', 'community2', 'grid', 'dept', 'property', 'street', 'district', 'leader'] as const;

export async function caseWorld(s: TestServer): Promise<CaseWorld> {
  const tok: Record<string, string> = {};
  const org: Record<string, string> = {};
  let gridId = '';
  for (const u of USERS) {
    tok[u] = await s.login(u);
    const me = (await s.request({ method: 'GET', url: '/api/auth/me', token: tok[u] })).json();
    org[u] = me.orgId;
    if (u === 'grid') gridId = me.gridId;
  }
  const db = s.platform.db;
  const building = await db.selectFrom('building').select(['id', 'grid_id', 'community_id', 'street_id', 'district_id']).where('grid_id', '=', gridId).orderBy('id').executeTakeFirstOrThrow();
  const propertyBuilding = await db
    .selectFrom('building as b').innerJoin('compound as c', 'c.id', 'b.compound_id')
    .select('b.id').where('c.property_company_org_id', '=', org.property).where('c.management', '=', 'property_company').orderBy('b.id').executeTakeFirstOrThrow();
  const other = await db.selectFrom('org').select('region_id').where('id', '=', org.community2).executeTakeFirstOrThrow();
  const otherBuilding = await db.selectFrom('building').select('id').where('community_id', '=', other.region_id!).orderBy('id').executeTakeFirstOrThrow();
  await s.request({ method: 'POST', url: '/api/auth/resident/code', payload: { phone: DEMO_RESIDENT_PHONE } });
  const login = await s.request({ method: 'POST', url: '/api/auth/resident/login', payload: { phone: DEMO_RESIDENT_PHONE, code: s.sms.lastCode(DEMO_RESIDENT_PHONE) } });
  const world: CaseWorld = {
    s, tok, org, gridId, building, propertyBuilding, otherBuilding, resident: login.json().token,
    async at(time: string) {
      s.clock.set(time);
      // keep the test's sessions alive across the jump (signing in again would hit the login rate limit)
      const now = s.clock.now();
      await s.platform.db.updateTable('user_session').set({ created_at: now, last_seen_at: now, expires_at: new Date(now.getTime() + 12 * 3_600_000) }).where('revoked_at', 'is', null).execute();
    },
  };
  return world;
}

export function caseApi(w: CaseWorld) {
  const { s } = w;
  const api = {
    intake: (token: string, body: Record<string, unknown>, headers: Record<string, string> = {}) => s.request({ method: 'POST', url: '/api/cases', token, payload: body, headers }),
    act: (id: string, token: string, body: Record<string, unknown>) => s.request({ method: 'POST', url: `/api/cases/${id}/actions`, token, payload: body }),
    get: (id: string, token: string) => s.request({ method: 'GET', url: `/api/cases/${id}`, token }),
    /** an action that must succeed; returns the updated case */
    async ok(id: string, token: string, body: Record<string, unknown>) {
      const r = await api.act(id, token, body);
      expect(r.statusCode, `${String(body.action)}: ${r.body}`).toBe(200);
      return r.json();
    },
    async newCase(body: Record<string, unknown> = {}, token = w.tok.community) {
      const r = await api.intake(token, { description: '楼下路灯坏了好几天，晚上很黑', category: 'facilities.street_light', channel: 'walk_in', buildingId: w.building.id, ...body });
      expect(r.statusCode, r.body).toBe(201);
      return r.json() as { id: string; caseNo: string; assignedOrgId: string; gridId: string; deadlines: { kind: string; dueAt: string }[] };
    },
    /** a new case moved along the main path up to `until` */
    async caseAt(until: 'registered' | 'dispatched' | 'accepted' | 'handled' | 'verified' | 'closed' | 'evaluated', body: Record<string, unknown> = {}) {
      const c = await api.newCase(body);
      const path = ['registered', 'dispatched', 'accepted', 'handled', 'verified', 'closed', 'evaluated'];
      const steps: [string, Record<string, unknown>][] = [
        [w.tok.community, { action: 'register' }],
        [w.tok.community, { action: 'dispatch' }],
        [w.tok.dept, { action: 'accept' }],
        [w.tok.dept, { action: 'handle', note: '已更换灯泡' }],
        [w.tok.grid, { action: 'verify', passed: true }],
        [w.tok.community, { action: 'close' }],
        [w.tok.community, { action: 'evaluate', resolved: true, satisfaction: 'satisfied', comment: '电话回访' }],
      ];
      for (let i = 0; i <= path.indexOf(until); i++) await api.ok(c.id, steps[i][0], steps[i][1]);
      return c;
    },
    async countCases() {
      return Number((await s.platform.db.selectFrom('cases').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    },
  };
  return api;
}

export type CaseApi = ReturnType<typeof caseApi>;

/**
 * The usual set-up of a case test file: a server started with `options` before the file's tests (and
 * closed after them), its case world and API. The returned holder is filled in by then.
 */
export function caseSuite(options: Parameters<typeof startTestServer>[0] = {}): { s: TestServer; w: CaseWorld; api: CaseApi } {
  const suite = {} as { s: TestServer; w: CaseWorld; api: CaseApi };
  beforeAll(async () => {
    suite.s = await startTestServer(options);
    suite.w = await caseWorld(suite.s);
    suite.api = caseApi(suite.w);
  });
  afterAll(() => suite.s?.close());
  return suite;
}
