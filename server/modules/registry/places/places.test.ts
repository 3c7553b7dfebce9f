import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../../test/support/harness.ts';

let s: TestServer;
let community: string;
let community2: string;
let property: string;
let communityId: string;

const get = (url: string, token: string) => s.request({ method: 'GET', url, token });
const post = (url: string, token: string, payload: unknown) => s.request({ method: 'POST', url, token, payload: payload as never });

beforeAll(async () => {
  s = await startTestServer();
  [community, community2, property] = await Promise.all(['community', 'community2', 'property'].map((u) => s.login(u)));
  communityId = (await get('/api/auth/me', community)).json().scope.regionId;
});
afterAll(() => s.close());

describe('compounds, buildings, households', () => {
  it('a property company sees the compounds it serves and their flats, never the people in them', async () => {
    const mine = (await get('/api/compounds', property)).json() as { id: string; propertyCompanyOrgId: string }[];
    const orgId = (await get('/api/auth/me', property)).json().orgId;
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((c) => c.propertyCompanyOrgId === orgId)).toBe(true);
    const households = (await get(`/api/households?compoundId=${mine[0].id}`, property)).json() as { id: string; memberCount: number }[];
    expect(households.length).toBeGreaterThan(0);
    const one = (await get(`/api/households/${households.find((h) => h.memberCount > 0)!.id}`, property)).json();
    expect(one.members).toBeNull();
    expect((await get('/api/residents', property)).statusCode).toBe(403);
    const all = (await get(`/api/compounds?communityId=${communityId}`, community)).json() as { id: string }[];
    const notMine = all.find((c) => !mine.some((m) => m.id === c.id));
    if (notMine) expect((await get(`/api/compounds/${notMine.id}`, property)).statusCode).toBe(404);
  });

  it('creates a compound, a building in one of its community’s grids, and refuses the same flat typed another way', async () => {
    const bad = await post('/api/compounds', community, { communityId, name: '', type: 'villa', management: 'property_company', address: 'x' });
    expect(bad.statusCode).toBe(400);
    expect(Object.keys(bad.json().error.fields).sort()).toEqual(['name', 'type']);
    const c = await post('/api/compounds', community, { communityId, name: '幸福里', type: 'old', management: 'residents_committee', address: '济南市历下区幸福路1号' });
    expect(c.statusCode).toBe(201);
    expect((await post('/api/compounds', community, { communityId, name: '幸福里', type: 'old', management: 'residents_committee', address: 'x' })).statusCode).toBe(409);
    const grids = (await get(`/api/regions?parentId=${communityId}&level=grid`, community)).json() as { id: string }[];
    const otherGrid = (await get('/api/regions?level=grid', community2)).json()[0].id;
    expect((await post('/api/buildings', community, { compoundId: c.json().id, number: '1号楼', gridId: otherGrid })).statusCode).toBe(400);
    const b = await post('/api/buildings', community, { compoundId: c.json().id, number: '1号楼', gridId: grids[0].id, floors: 6, unitCount: 2 });
    expect(b.statusCode).toBe(201);
    expect((await post('/api/buildings', community, { compoundId: c.json().id, number: '一栋', gridId: grids[0].id })).statusCode).toBe(409);
    expect((await get(`/api/buildings/${b.json().id}`, community)).json().units.map((u: { number: string }) => u.number)).toEqual(['1', '2']);
    const h = await post('/api/households', community, { buildingId: b.json().id, unit: '2单元', room: '501室', occupancy: 'owner', areaM2: 76.5 });
    expect(h.statusCode).toBe(201);
    const again = await post('/api/households', community, { buildingId: b.json().id, room: '2-501', occupancy: 'tenant' });
    expect(again.statusCode).toBe(409);
    const detail = (await get(`/api/households/${h.json().id}`, community)).json();
    expect(detail).toMatchObject({ label: '幸福里1号楼2单元501', unit: '2', room: '501', floor: 5, areaM2: 76.5 });

    // residents follow their building into another grid
    const r = await post('/api/residents', community, { name: '何搬网格', idNumber: '11010519491231002X', householdId: h.json().id });
    expect(r.statusCode).toBe(201);
    expect(r.json().gridId).toBe(grids[0].id);
    const moved = await s.request({ method: 'PATCH', url: `/api/buildings/${b.json().id}`, token: community, payload: { gridId: grids[1].id } });
    expect(moved.statusCode).toBe(200);
    expect((await get(`/api/residents/${r.json().id}`, community)).json().gridId).toBe(grids[1].id);
    expect((await get(`/api/households/${h.json().id}`, community)).json().gridId).toBe(grids[1].id);
    expect((await get(`/api/buildings/${b.json().id}`, community2)).statusCode).toBe(404);
  });
});
