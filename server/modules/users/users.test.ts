import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/harness.ts';

let s: TestServer;
let admin: string;
let community: string;
let community2: string;
let street: string;
beforeAll(async () => {
  s = await startTestServer();
  [admin, community, community2, street] = await Promise.all(['admin', 'community', 'community2', 'street'].map((u) => s.login(u)));
});
afterAll(() => s.close());

const get = (url: string, token: string) => s.request({ method: 'GET', url, token });
const countUsers = async () => Number((await s.platform.db.selectFrom('app_user').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

describe('scope', () => {
  it('a community administrator sees the users of their community and not those of another district', async () => {
    const mine = (await get('/api/users', community)).json() as { username: string; id: string }[];
    // the property company of a compound in this community sits in it too
    expect(mine.map((u) => u.username).sort()).toEqual(['community', 'grid', 'property']);
    const theirs = (await get('/api/users', community2)).json() as { username: string; id: string }[];
    expect(theirs.map((u) => u.username)).toEqual(['community2']);
    // someone else's record is not found, not forbidden: they must not learn it exists
    const other = theirs[0];
    const res = await get(`/api/users/${other.id}`, community);
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('NOT_FOUND');
    const change = await s.request({ method: 'PATCH', url: `/api/users/${other.id}`, token: community, payload: { displayName: 'x' } });
    expect(change.statusCode).toBe(404);
  });

  it('a street administrator sees its communities’ people, the platform administrator everyone', async () => {
    const streetUsers = (await get('/api/users', street)).json().map((u: { username: string }) => u.username);
    expect(streetUsers).toEqual(expect.arrayContaining(['street', 'community', 'grid']));
    expect(streetUsers).not.toContain('community2');
    const all = (await get('/api/users', admin)).json().map((u: { username: string }) => u.username);
    expect(all).toEqual(expect.arrayContaining(['admin', 'district', 'street', 'community', 'grid', 'dept', 'property', 'community2']));
  });

  it('organisations are scoped the same way', async () => {
    const orgs = (await get('/api/orgs', community2)).json() as { id: string }[];
    expect(orgs.length).toBeGreaterThan(0);
    const ids = new Set(orgs.map((o) => o.id));
    const mine = (await get('/api/orgs', community)).json() as { id: string }[];
    expect(mine.some((o) => ids.has(o.id))).toBe(false);
  });

  it('each organisation carries its place in the jurisdiction, city down to its own region', async () => {
    const me = (await get('/api/auth/me', community)).json();
    const orgs = (await get('/api/orgs', community)).json() as { id: string; regionId: string; regionPath: { id: string; level: string; name: string }[] }[];
    const committee = orgs.find((o) => o.id === me.orgId)!;
    expect(committee.regionPath.map((r) => r.level)).toEqual(['city', 'district', 'street', 'community']);
    expect(committee.regionPath.at(-1)!.id).toBe(committee.regionId);
    expect(committee.regionPath).toEqual(me.scopePath);
    const platform = (await get('/api/orgs?kind=platform', admin)).json();
    expect(platform[0].regionPath).toEqual([]);
  });
});

describe('creating accounts', () => {
  it('rejects a bad body with field errors and writes nothing', async () => {
    const before = await countUsers();
    const res = await s.request({
      method: 'POST',
      url: '/api/users',
      token: admin,
      payload: { username: 'no spaces allowed', displayName: '', orgId: 'not-a-uuid', roles: 'grid_worker', isAdmin: true },
    });
    expect(res.statusCode).toBe(400);
    const fields = res.json().error.fields;
    expect(Object.keys(fields).sort()).toEqual(['displayName', 'isAdmin', 'orgId', 'roles', 'username']);
    expect(fields.isAdmin).toBe('不允许的字段');
    expect(await countUsers()).toBe(before);
  });

  it('creates a user with a temporary password that must be changed, once per Idempotency-Key', async () => {
    const me = (await get('/api/auth/me', community)).json();
    const body = { username: 'grid-wang', displayName: '王网格员', orgId: me.orgId, roles: ['grid_worker'] };
    const headers = { 'idempotency-key': 'create-grid-wang-1' };
    const before = await countUsers();
    const first = await s.request({ method: 'POST', url: '/api/users', token: community, payload: body, headers });
    expect(first.statusCode).toBe(201);
    const again = await s.request({ method: 'POST', url: '/api/users', token: community, payload: body, headers });
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    expect(await countUsers()).toBe(before + 1);
    const different = await s.request({ method: 'POST', url: '/api/users', token: community, payload: { ...body, displayName: '别的名字' }, headers });
    expect(different.statusCode).toBe(422);
    expect(await countUsers()).toBe(before + 1);

    const temp = first.json().temporaryPassword;
    const login = await s.request({ method: 'POST', url: '/api/auth/login', payload: { username: 'grid-wang', password: temp } });
    expect(login.json().user.mustChangePassword).toBe(true);
  });

  it('two requests with the same key at the same time create one account', async () => {
    const me = (await get('/api/auth/me', community)).json();
    const body = { username: 'grid-li', displayName: '李网格员', orgId: me.orgId, roles: ['grid_worker'] };
    const headers = { 'idempotency-key': 'race-1' };
    const before = await countUsers();
    const [a, b] = await Promise.all([1, 2].map(() => s.request({ method: 'POST', url: '/api/users', token: community, payload: body, headers })));
    expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
    expect(a.json().id).toBe(b.json().id);
    expect(await countUsers()).toBe(before + 1);
  });

  it('refuses a duplicate username with 409, and roles the administrator does not hold themselves', async () => {
    const me = (await get('/api/auth/me', community)).json();
    const dup = await s.request({ method: 'POST', url: '/api/users', token: community, payload: { username: 'GRID', displayName: 'x', orgId: me.orgId, roles: [] } });
    expect(dup.statusCode).toBe(409);
    const escalate = await s.request({ method: 'POST', url: '/api/users', token: community, payload: { username: 'sneaky', displayName: 'x', orgId: me.orgId, roles: ['platform_admin'] } });
    expect(escalate.statusCode).toBe(403);
    const otherOrg = (await get('/api/auth/me', community2)).json().orgId;
    const outside = await s.request({ method: 'POST', url: '/api/users', token: community, payload: { username: 'outsider', displayName: 'x', orgId: otherOrg, roles: [] } });
    expect(outside.statusCode).toBe(400);
    expect(outside.json().error.fields.orgId).toBeDefined();
  });

  it('a grid worker may not manage accounts at all', async () => {
    const grid = await s.login('grid');
    expect((await get('/api/users', grid)).statusCode).toBe(403);
  });
});

describe('roles are data', () => {
  it('taking a permission away from a role takes effect on the next request', async () => {
    const dept = await s.login('dept');
    expect((await get('/api/orgs', dept)).statusCode).toBe(200);
    const roles = (await get('/api/roles', admin)).json() as { code: string; permissions: string[] }[];
    const handler = roles.find((r) => r.code === 'dept_handler')!;
    const res = await s.request({ method: 'PUT', url: '/api/roles/dept_handler', token: admin, payload: { permissions: handler.permissions.filter((p) => p !== 'region.read') } });
    expect(res.statusCode).toBe(200);
    expect((await get('/api/orgs', dept)).statusCode).toBe(403);
    await s.request({ method: 'PUT', url: '/api/roles/dept_handler', token: admin, payload: { permissions: handler.permissions } });
    expect((await get('/api/orgs', dept)).statusCode).toBe(200);
  });

  it('an unknown permission is refused', async () => {
    const res = await s.request({ method: 'PUT', url: '/api/roles/dept_handler', token: admin, payload: { permissions: ['do.anything'] } });
    expect(res.statusCode).toBe(400);
  });
});

describe('stored idempotent answers', () => {
  it('keep no secret in plain text (the temporary password is replayed, but stored encrypted)', async () => {
    const me = (await get('/api/auth/me', community)).json();
    const headers = { 'idempotency-key': 'secret-check-1' };
    const body = { username: 'grid-zhao', displayName: '赵网格员', orgId: me.orgId, roles: ['grid_worker'] };
    const first = await s.request({ method: 'POST', url: '/api/users', token: community, payload: body, headers });
    const temp = first.json().temporaryPassword as string;
    const rows = await s.platform.db.selectFrom('idempotency_key').select('response').where('key', '=', 'secret-check-1').execute();
    expect(JSON.stringify(rows)).not.toContain(temp);
    const replay = await s.request({ method: 'POST', url: '/api/users', token: community, payload: body, headers });
    expect(replay.json().temporaryPassword).toBe(temp);
  });
});
