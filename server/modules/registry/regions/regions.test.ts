import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../../test/support/harness.ts';
import { checkChildCode, nextGridCode } from './codes.ts';

let s: TestServer;
let community: string;
let community2: string;
let grid: string;
let admin: string;
let communityId: string;

const get = (url: string, token: string) => s.request({ method: 'GET', url, token });
const post = (url: string, token: string, payload: unknown) => s.request({ method: 'POST', url, token, payload: payload as never });
const patch = (url: string, token: string, payload: unknown) => s.request({ method: 'PATCH', url, token, payload: payload as never });
const rect = (w: number, s_: number, e: number, n: number) => ({ type: 'Polygon', coordinates: [[[w, s_], [e, s_], [e, n], [w, n], [w, s_]]] });

interface Region { id: string; parentId: string | null; level: string; code: string; name: string; bbox: number[] | null; geometry?: { coordinates: number[][][] } }

beforeAll(async () => {
  s = await startTestServer();
  [community, community2, grid, admin] = await Promise.all(['community', 'community2', 'grid', 'admin'].map((u) => s.login(u)));
  communityId = (await get('/api/auth/me', community)).json().scope.regionId;
});
afterAll(() => s.close());

describe('codes', () => {
  it('each level extends its parent’s code; grids are the community code plus a 3-digit serial', () => {
    expect(checkChildCode({ level: 'city', code: '370100000000' }, '370102000000')).toBeNull();
    expect(checkChildCode({ level: 'city', code: '370100000000' }, '370202000000')).toBe('parent_prefix');
    expect(checkChildCode({ level: 'city', code: '370100000000' }, '370100000000')).toBe('zero_serial');
    expect(checkChildCode({ level: 'district', code: '370102000000' }, '370102003000')).toBeNull();
    expect(checkChildCode({ level: 'district', code: '370102000000' }, '370102003001')).toBe('format');
    expect(checkChildCode({ level: 'street', code: '370102003000' }, '370102003012')).toBeNull();
    expect(checkChildCode({ level: 'street', code: '370102003000' }, '370102004012')).toBe('parent_prefix');
    expect(checkChildCode({ level: 'community', code: '370102003012' }, '370102003012004')).toBeNull();
    expect(checkChildCode({ level: 'community', code: '370102003012' }, '370102003012000')).toBe('zero_serial');
    expect(checkChildCode({ level: 'community', code: '370102003012' }, '37010200301200')).toBe('format');
    expect(checkChildCode({ level: 'grid', code: '370102003012004' }, '370102003012004001')).toBe('format');
    expect(nextGridCode('370102003012', ['370102003012001', '370102003012003'])).toBe('370102003012002');
  });
});

describe('the tree', () => {
  it('a community sees its subtree and its ancestors, not its neighbours', async () => {
    const mine = (await get('/api/regions', community)).json() as Region[];
    const levels = mine.map((r) => r.level);
    expect(levels.filter((l) => l === 'city')).toHaveLength(1);
    expect(levels.filter((l) => l === 'community')).toHaveLength(1);
    expect(levels.filter((l) => l === 'grid').length).toBeGreaterThanOrEqual(3);
    const theirs = (await get('/api/regions?level=community', community2)).json() as Region[];
    expect(theirs.map((r) => r.id)).not.toContain(communityId);
    expect((await get(`/api/regions/${communityId}`, community2)).statusCode).toBe(404);
    const withGeometry = (await get(`/api/regions?parentId=${communityId}&geometry=true`, community)).json() as Region[];
    expect(withGeometry[0].geometry!.coordinates[0].length).toBe(5);
  });

  it('a grid shows its registry counts, chief and workers', async () => {
    const gridId = (await get('/api/auth/me', grid)).json().gridId;
    const detail = (await get(`/api/regions/${gridId}`, grid)).json();
    expect(detail.level).toBe('grid');
    expect(detail.code).toMatch(/^\d{15}$/);
    expect(detail.registered.households).toBeGreaterThan(0);
    expect(detail.registered.residents).toBeGreaterThan(0);
    expect(detail.chief).not.toBeNull();
    expect(detail.workers.length).toBe(1);
  });

  it('creates a grid under a community in scope: code validated, next serial by default; 400 with fields on bad input', async () => {
    const community_ = (await get(`/api/regions/${communityId}`, community)).json();
    const bad = await post('/api/regions', community, { parentId: communityId, code: '370000000000001', name: '坏编码', geometry: { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1]]] } });
    expect(bad.statusCode).toBe(400);
    expect(Object.keys(bad.json().error.fields)).toEqual(['code']);
    const badGeometry = await post('/api/regions', community, { parentId: communityId, name: '坏多边形', geometry: { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1]]] } });
    expect(badGeometry.json().error.fields.geometry).toBeDefined();
    const created = await post('/api/regions', community, { parentId: communityId, name: '新网格' });
    expect(created.statusCode).toBe(201);
    expect(created.json().code.slice(0, 12)).toBe(community_.code);
    const dup = await post('/api/regions', community, { parentId: communityId, name: '重复', code: created.json().code });
    expect(dup.statusCode).toBe(409);
    expect((await post('/api/regions', community2, { parentId: communityId, name: '越界' })).statusCode).toBe(400);
    expect((await post('/api/regions', grid, { parentId: communityId, name: '无权' })).statusCode).toBe(403);
    const changed = await patch(`/api/regions/${created.json().id}`, community, { name: '新网格（改）', households: 120 });
    expect(changed.json()).toMatchObject({ name: '新网格（改）', households: 120 });
  });
});

describe('point in grid', () => {
  let grids: Region[];
  beforeAll(async () => {
    grids = ((await get(`/api/regions?parentId=${communityId}&geometry=true`, community)).json() as Region[]).filter((g) => g.geometry).sort((a, b) => a.code.localeCompare(b.code));
  });
  const locate = (lng: number, lat: number, token = community) => get(`/api/grids/locate?lat=${lat}&lng=${lng}`, token);

  it('a point inside a grid finds it with its community, street and district', async () => {
    const g = grids[0];
    const [w, so, e, n] = g.bbox!;
    const res = await locate((w + e) / 2, (so + n) / 2);
    expect(res.statusCode).toBe(200);
    expect(res.json().grid.id).toBe(g.id);
    expect(res.json().community.id).toBe(communityId);
    expect(res.json().street).not.toBeNull();
    expect(res.json().district).not.toBeNull();
  });

  it('a point on an edge shared by two grids, and on a shared vertex, goes to the smaller code', async () => {
    // find two grids sharing a vertical edge
    let pair: [Region, Region] | null = null;
    for (const a of grids) for (const b of grids) if (a !== b && a.bbox![2] === b.bbox![0] && a.bbox![1] < b.bbox![3] && b.bbox![1] < a.bbox![3]) pair = pair ?? [a, b];
    expect(pair).not.toBeNull();
    const [a, b] = pair!;
    const x = a.bbox![2];
    const y = (Math.max(a.bbox![1], b.bbox![1]) + Math.min(a.bbox![3], b.bbox![3])) / 2;
    const expected = a.code < b.code ? a : b;
    expect((await locate(x, y)).json().grid.id).toBe(expected.id);
    // a vertex of the first grid: every grid touching it contains it; the smallest code wins
    const [w, , , n] = grids[0].bbox!;
    const touching = grids.filter((g) => g.bbox![0] <= w && w <= g.bbox![2] && g.bbox![1] <= n && n <= g.bbox![3]);
    expect((await locate(w, n)).json().grid.id).toBe(touching.sort((p, q) => p.code.localeCompare(q.code))[0].id);
    // the answer is the same for every caller, whatever their scope
    expect((await locate(x, y, community2)).json().grid.id).toBe(expected.id);
  });

  it('a point outside every grid is 404; an anonymous caller is 401; bad coordinates 400', async () => {
    expect((await locate(0.5, 0.5)).statusCode).toBe(404);
    expect((await s.request({ method: 'GET', url: '/api/grids/locate?lat=36.6&lng=117' })).statusCode).toBe(401);
    expect((await locate(500, 1)).statusCode).toBe(400);
  });
});

describe('grid warnings', () => {
  it('flags grids over the household norm, overlaps and gaps, from exact polygon areas', async () => {
    const clean = (await get(`/api/grids/warnings?communityId=${communityId}`, community)).json();
    // the generated grids tile their community exactly
    expect(clean.overlaps).toEqual([]);
    expect(clean.gaps).toEqual([]);
    expect(clean.householdNorm).toBe(300);

    const grids = ((await get(`/api/regions?parentId=${communityId}&geometry=true&level=grid`, community)).json() as Region[]).filter((g) => g.geometry);
    const [w, so, e, n] = grids[0].bbox!;
    const original = grids[0].geometry;
    // shrink the first grid to its western half: a gap opens
    expect((await patch(`/api/regions/${grids[0].id}`, community, { geometry: rect(w, so, (w + e) / 2, n) })).statusCode).toBe(200);
    let warn = (await get(`/api/grids/warnings?communityId=${communityId}`, community)).json();
    expect(warn.gaps).toHaveLength(1);
    expect(warn.gaps[0].areaM2).toBeGreaterThan(100);
    // grow it over its neighbour: an overlap
    expect((await patch(`/api/regions/${grids[0].id}`, community, { geometry: rect(w, so, e + (e - w) * 0.2, n) })).statusCode).toBe(200);
    warn = (await get(`/api/grids/warnings?communityId=${communityId}`, community)).json();
    expect(warn.overlaps.length).toBeGreaterThanOrEqual(1);
    expect(warn.overlaps[0].a.id === grids[0].id || warn.overlaps[0].b.id === grids[0].id).toBe(true);
    await patch(`/api/regions/${grids[0].id}`, community, { geometry: original });

    // the norm is a setting: lower it and the grids are over it
    expect((await s.request({ method: 'PUT', url: '/api/registry/settings', token: community, payload: { householdNorm: 10 } })).statusCode).toBe(400);
    expect((await s.request({ method: 'PUT', url: '/api/registry/settings', token: admin, payload: { householdNorm: 10 } })).statusCode).toBe(200);
    warn = (await get(`/api/grids/warnings?communityId=${communityId}`, community)).json();
    expect(warn.householdNorm).toBe(10);
    expect(warn.overNorm.length).toBeGreaterThanOrEqual(3);
    await s.request({ method: 'PUT', url: '/api/registry/settings', token: admin, payload: { householdNorm: 300 } });
    expect((await get(`/api/grids/warnings?communityId=${communityId}`, community2)).statusCode).toBe(404);
  });
});
