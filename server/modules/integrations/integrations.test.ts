import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/harness.ts';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

describe('integration tokens', () => {
  it('are shown once, stored hashed, work for their scopes only, and stop working when revoked', async () => {
    const admin = await s.login('district');
    const created = await s.request({ method: 'POST', url: '/api/integrations/tokens', token: admin, payload: { name: '区12345热线', kind: 'hotline', scopes: ['region.read', 'hotline.push'] } });
    expect(created.statusCode).toBe(201);
    const { id, token } = created.json();
    expect(token).toMatch(/^llk_/);
    const stored = await s.platform.db.selectFrom('api_token').select('token_hash').where('id', '=', id).executeTakeFirstOrThrow();
    expect(stored.token_hash).not.toContain(token.slice(4));

    const list = await s.request({ method: 'GET', url: '/api/integrations/tokens', token: admin });
    expect(JSON.stringify(list.json())).not.toContain(token);
    expect(list.json().find((t: { id: string }) => t.id === id)).toMatchObject({ name: '区12345热线', kind: 'hotline', revokedAt: null });

    expect((await s.request({ method: 'GET', url: '/api/orgs', token })).statusCode).toBe(200);
    // a scope it does not have
    expect((await s.request({ method: 'GET', url: '/api/users', token })).statusCode).toBe(403);

    expect((await s.request({ method: 'DELETE', url: `/api/integrations/tokens/${id}`, token: admin })).statusCode).toBe(204);
    const after = await s.request({ method: 'GET', url: '/api/orgs', token });
    expect(after.statusCode).toBe(401);
  });

  it('cannot carry a permission its creator lacks, and needs the integrations permission', async () => {
    const admin = await s.login('district');
    const res = await s.request({ method: 'POST', url: '/api/integrations/tokens', token: admin, payload: { name: 'x', kind: 'generic', scopes: ['admin.roles'] } });
    expect(res.statusCode).toBe(400);
    const grid = await s.login('grid');
    expect((await s.request({ method: 'POST', url: '/api/integrations/tokens', token: grid, payload: { name: 'x', kind: 'generic', scopes: ['region.read'] } })).statusCode).toBe(403);
  });

  it('revoking needs the integrations permission', async () => {
    const admin = await s.login('district');
    const { id } = (await s.request({ method: 'POST', url: '/api/integrations/tokens', token: admin, payload: { name: 'y', kind: 'open311', scopes: ['open311'] } })).json();
    const community2 = await s.login('community2');
    // community admins lack the permission entirely
    expect((await s.request({ method: 'DELETE', url: `/api/integrations/tokens/${id}`, token: community2 })).statusCode).toBe(403);
  });
});
