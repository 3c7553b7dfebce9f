import type { Examples, FixtureEnv, Fixtures } from '../../../test/security/fixtures.ts';

/** A building of the demo `community` administrator's community. */
async function ownBuilding(f: FixtureEnv) {
  const me = await f.as('community', { method: 'GET', url: '/api/auth/me' });
  const org = await f.s.platform.db.selectFrom('org').select('region_id').where('id', '=', me.orgId).executeTakeFirstOrThrow();
  return f.s.platform.db.selectFrom('building').select('id').where('community_id', '=', org.region_id!).orderBy('id').executeTakeFirstOrThrow();
}

/**
 * An open hot spot of the `community` administrator's community: the threshold is lowered to two
 * reports, and two noise reports at one of its buildings raise one (or join the open one).
 */
async function openHotSpot(f: FixtureEnv) {
  await f.as('admin', { method: 'PUT', url: '/api/dispatch/settings', payload: { hotSpots: { buildingThreshold: 2 } } });
  const b = await ownBuilding(f);
  for (let i = 0; i < 2; i++) {
    await f.as('community', { method: 'POST', url: '/api/cases', payload: { description: '安全测试：楼下酒吧夜里音乐声太大', category: 'noise.commercial', channel: 'walk_in', buildingId: b.id } });
  }
  const list = await f.as('community', { method: 'GET', url: '/api/hotspots?status=open&category=noise' });
  return { id: list.items[0].id as string };
}

/** The dispatch module's objects for the object-level authorisation test (test/security/access.test.ts). */
export const fixtures: Fixtures = {
  '/api/cases/:id/similar': {
    async create(f) {
      const c = await f.as('community', { method: 'POST', url: '/api/cases', payload: { description: '安全测试：路灯不亮', category: 'facilities.street_light', channel: 'walk_in' } });
      return { id: c.id };
    },
  },
  '/api/hotspots/:id': { create: openHotSpot },
  '/api/hotspots/:id/acknowledge': { create: openHotSpot, body: { POST: { note: '已约谈酒吧经营者，限时整改' } } },
};

export const examples: Examples = {
  'POST /api/dispatch/suggest': async (f) => ({ text: '小区门口路灯坏了好几天', buildingId: (await ownBuilding(f)).id }),
};
