import type { Examples, FixtureEnv, Fixtures } from '../../../test/security/fixtures.ts';

let serial = 0;

/** A compound of the demo `community` administrator's community, made the demo resident's declared home. */
async function homeInCommunity(f: FixtureEnv) {
  const me = await f.as('community', { method: 'GET', url: '/api/auth/me' });
  const org = await f.s.platform.db.selectFrom('org').select('region_id').where('id', '=', me.orgId).executeTakeFirstOrThrow();
  const c = await f.s.platform.db.selectFrom('compound').select('id').where('community_id', '=', org.region_id!).orderBy('id').executeTakeFirstOrThrow();
  await f.as('resident', { method: 'PUT', url: '/api/my/home', payload: { compoundId: c.id } });
  return c.id;
}

async function notice(f: FixtureEnv) {
  const n = await f.as('community', { method: 'POST', url: '/api/notices', payload: { kind: 'announcement', title: `安全测试公告 ${++serial}`, body: '本周六停水' } });
  return { id: n.id as string };
}

/** The resident-services module's objects for the object-level authorisation test (test/security/access.test.ts). */
export const fixtures: Fixtures = {
  '/api/notices/:id': { create: notice },
  '/api/notices/:id/withdraw': { create: notice, body: { POST: { reason: '发布有误' } } },
  '/api/my/notices/:id/read': {
    owner: 'resident',
    async create(f) {
      await homeInCommunity(f);
      return notice(f);
    },
  },
  '/api/my/compounds/:id/buildings': {
    owner: 'resident',
    async create(f) {
      return { id: await homeInCommunity(f) };
    },
  },
  '/api/service-items/:id': {
    async create(f) {
      const s = await f.as('community', { method: 'POST', url: '/api/service-items', payload: { category: 'elderly', name: `助餐 ${++serial}`, description: '老年助餐，每天中午送餐上门' } });
      return { id: s.id };
    },
    body: { PATCH: { hours: '周一至周五 11:00–12:30' } },
  },
};

export const examples: Examples = {
  'PUT /api/my/home': async (f) => ({ compoundId: await homeInCommunity(f) }),
  'POST /api/notices': async () => ({ kind: 'finance', title: '二季度收支公示', body: '收入 12,000 元，支出 9,800 元' }),
  'POST /api/service-items': async () => ({ category: 'certificate', name: '开具居住证明', description: '带身份证到社区服务站办理' }),
};
