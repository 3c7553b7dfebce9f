import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/harness.ts';

let s: TestServer;
let admin: string;
let community: string;
beforeAll(async () => {
  s = await startTestServer();
  [admin, community] = await Promise.all([s.login('admin'), s.login('community')]);
});
afterAll(() => s.close());

const TOP = ['sanitation', 'noise', 'pollution', 'facilities', 'greening', 'illegal_building', 'street_order', 'traffic', 'property', 'safety', 'utilities', 'neighbor_dispute', 'social_services', 'other'];

describe('taxonomy', () => {
  it('lists the 14 seeded top-level codes in order, with three languages and their items', async () => {
    const res = await s.request({ method: 'GET', url: '/api/taxonomy' });
    expect(res.statusCode).toBe(200);
    const tops = res.json();
    expect(tops.map((t: { code: string }) => t.code)).toEqual(TOP);
    expect(tops[0].name).toEqual({ 'zh-CN': '环境卫生', 'zh-TW': '環境衛生', en: 'Sanitation' });
    expect(tops.reduce((n: number, t: { children: unknown[] }) => n + t.children.length, 0)).toBe(112);
    expect(tops[0].children[0].code).toBe('sanitation.exposed_garbage');
    const services = (await s.request({ method: 'GET', url: '/api/taxonomy/services' })).json();
    expect(services).toHaveLength(112);
    expect(services[0]).toEqual(expect.objectContaining({ parentCode: 'sanitation', parentName: expect.objectContaining({ en: 'Sanitation' }) }));
  });

  it('administrators edit names and deactivate items; codes never change; others may not', async () => {
    expect((await s.request({ method: 'PATCH', url: '/api/taxonomy/noise.pet_barking', token: community, payload: { active: false } })).statusCode).toBe(403);
    const renamed = await s.request({ method: 'PATCH', url: '/api/taxonomy/noise.pet_barking', token: admin, payload: { name: { en: 'Barking dogs' }, keywords: ['狗叫'], active: false } });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toEqual(expect.objectContaining({ code: 'noise.pet_barking', active: false, keywords: ['狗叫'], name: expect.objectContaining({ en: 'Barking dogs', 'zh-CN': '宠物扰民' }) }));
    expect((await s.request({ method: 'PATCH', url: '/api/taxonomy/noise.pet_barking', token: admin, payload: { code: 'noise.dogs' } })).statusCode).toBe(400);
    const list = (await s.request({ method: 'GET', url: '/api/taxonomy' })).json();
    expect(list.find((t: { code: string }) => t.code === 'noise').children.some((c: { code: string }) => c.code === 'noise.pet_barking')).toBe(false);
    const all = (await s.request({ method: 'GET', url: '/api/taxonomy?includeInactive=true', token: admin })).json();
    expect(all.find((t: { code: string }) => t.code === 'noise').children.some((c: { code: string }) => c.code === 'noise.pet_barking')).toBe(true);
    // an inactive category takes no new cases
    const r = await s.request({ method: 'POST', url: '/api/cases', token: community, payload: { description: '狗叫', category: 'noise.pet_barking', channel: 'phone' } });
    expect(r.statusCode).toBe(400);
  });

  it('adds a new second-level code under its parent', async () => {
    const r = await s.request({ method: 'POST', url: '/api/taxonomy', token: admin, payload: { code: 'traffic.shared_bikes', parentCode: 'traffic', name: { 'zh-CN': '共享单车乱停', 'zh-TW': '共享單車亂停', en: 'Shared bikes parked badly' } } });
    expect(r.statusCode).toBe(201);
    expect((await s.request({ method: 'POST', url: '/api/taxonomy', token: admin, payload: { code: 'traffic.shared_bikes', parentCode: 'traffic', name: { 'zh-CN': 'x', 'zh-TW': 'x', en: 'x' } } })).statusCode).toBe(409);
    expect((await s.request({ method: 'POST', url: '/api/taxonomy', token: admin, payload: { code: 'noise.bikes', parentCode: 'traffic', name: { 'zh-CN': 'x', 'zh-TW': 'x', en: 'x' } } })).statusCode).toBe(400);
  });

  it('the seed inserts only codes never seeded: running it again keeps administrators’ edits', async () => {
    await s.request({ method: 'PATCH', url: '/api/taxonomy/other', token: admin, payload: { name: { 'zh-CN': '其它事项' } } });
    const { readFileSync } = await import('node:fs');
    const seed = readFileSync(new URL('../../db/migrations/0201_taxonomy_seed.sql', import.meta.url), 'utf8');
    const { sql } = await import('kysely');
    await sql.raw(seed).execute(s.platform.db);
    const other = (await s.request({ method: 'GET', url: '/api/taxonomy' })).json().find((t: { code: string }) => t.code === 'other');
    expect(other.name['zh-CN']).toBe('其它事项');
  });
});

describe('case rules administration', () => {
  it('the calendar: administrators add a make-up day; the working-time arithmetic uses it', async () => {
    const r = await s.request({ method: 'PUT', url: '/api/calendar/2027-02-20', token: admin, payload: { kind: 'workday', name: '春节调休上班' } });
    expect(r.statusCode).toBe(200);
    expect((await s.request({ method: 'PUT', url: '/api/calendar/2027-02-21', token: community, payload: { kind: 'workday', name: 'x' } })).statusCode).toBe(403);
    const year = (await s.request({ method: 'GET', url: '/api/calendar?year=2027', token: community })).json();
    expect(year.find((d: { date: string }) => d.date === '2027-02-20')).toEqual({ date: '2027-02-20', kind: 'workday', name: '春节调休上班' });
    expect((await s.request({ method: 'GET', url: '/api/calendar?year=2026', token: community })).json().filter((d: { kind: string }) => d.kind === 'workday').map((d: { date: string }) => d.date))
      .toEqual(['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10']);
  });

  it('SLA and routing rules are data an administrator changes', async () => {
    const put = await s.request({ method: 'PUT', url: '/api/sla-rules', token: admin, payload: { category: 'greening', priority: 'normal', registerClock: 'work_hours', registerAmount: 2, responseClock: 'work_hours', responseAmount: 4, handleClock: 'work_days', handleAmount: 10, verifyClock: 'work_days', verifyAmount: 1, warnFraction: 0.25 } });
    expect(put.statusCode).toBe(200);
    const rules = (await s.request({ method: 'GET', url: '/api/sla-rules', token: community })).json();
    expect(rules.find((r: { category: string; priority: string }) => r.category === 'greening' && r.priority === 'normal').handleAmount).toBe(10);
    const district = await s.login('district');
    const orgs = (await s.request({ method: 'GET', url: '/api/orgs?kind=department', token: district })).json();
    const housing = orgs.find((o: { deptType: string }) => o.deptType === 'housing');
    const add = await s.request({ method: 'POST', url: '/api/routing-rules', token: admin, payload: { category: 'greening.tree_trimming', target: 'org', targetOrgId: housing.id } });
    expect(add.statusCode).toBe(201);
    const building = await s.platform.db.selectFrom('building').select('id').where('district_id', '=', housing.regionId).orderBy('id').executeTakeFirstOrThrow();
    const c = await s.request({ method: 'POST', url: '/api/cases', token: district, payload: { description: '树枝挡住窗户', category: 'greening.tree_trimming', channel: 'phone', buildingId: building.id } });
    expect(c.statusCode).toBe(201);
    expect(c.json().assignedOrgId).toBe(housing.id);
  });
});
