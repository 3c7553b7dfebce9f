import type { Fixtures } from '../../../test/security/fixtures.ts';

let serial = 0;

/** The console module's objects for the object-level authorisation test: a user's saved view, a unit's reply template. */
export const fixtures: Fixtures = {
  '/api/saved-views/:id': {
    async create(f) {
      const v = await f.as('community', { method: 'POST', url: '/api/saved-views', payload: { screen: 'queue.dispatch', name: `安全测试 ${process.pid}-${++serial}`, filters: { q: '路灯' } } });
      return { id: v.id };
    },
  },
  '/api/reply-templates/:id': {
    async create(f) {
      const t = await f.as('community', { method: 'POST', url: '/api/reply-templates', payload: { category: 'facilities', text: '已联系维修单位，三日内修复。' } });
      return { id: t.id };
    },
    body: { PUT: { category: 'facilities', text: '已联系维修单位，两日内修复。' } },
  },
};
