import type { Fixtures, Examples, FixtureEnv } from '../../../test/security/fixtures.ts';
import { newId } from '../../platform/ids.ts';

let serial = 0;
const unique = (p: string) => `${p}${process.pid}${++serial}`;

/** A hotline token and link of the first district, landing in the demo community. */
async function link(f: FixtureEnv) {
  const t = await f.as('district', { method: 'POST', url: '/api/integrations/tokens', payload: { name: unique('sec-hotline-'), kind: 'hotline', scopes: ['hotline.push'] } });
  const me = await f.as('community', { method: 'GET', url: '/api/auth/me' });
  const l = await f.as('district', { method: 'POST', url: '/api/interop/hotline/links', payload: { name: 'sec', tokenId: t.id, defaultCommunityId: me.scope.regionId, callbackUrl: 'https://hotline.example.com/cb' } });
  return { linkId: l.id as string, tokenId: t.id as string, communityId: me.scope.regionId as string };
}

/** A hotline order (its case in the demo community), written as the import would. */
async function hotlineOrder(f: FixtureEnv) {
  const { linkId } = await link(f);
  const c = await f.as('community', { method: 'POST', url: '/api/cases', payload: { description: '安全测试：热线工单', category: 'facilities.street_light', channel: 'hotline_12345' } });
  const row = await f.s.platform.db.selectFrom('cases').select(['city_id', 'district_id', 'street_id', 'community_id', 'grid_id']).where('id', '=', c.id).executeTakeFirstOrThrow();
  const orderNo = unique('SEC');
  const now = f.s.platform.clock.now();
  await f.s.platform.db.insertInto('hotline_order').values({
    order_no: orderNo, link_id: linkId, case_id: c.id, source: 'push', request_hash: 'x', hotline_category: '安全测试', category_mapped: false, needs_review: true,
    reviewed_by: null, received_at: now, hotline_deadline: null, urgency: 'normal', created_at: now, ...row,
  }).execute();
  return { caseId: c.id as string, orderNo, linkId, row };
}

export const fixtures: Fixtures = {
  '/api/interop/hotline/orders/:caseId/reviewed': {
    async create(f) {
      return { caseId: (await hotlineOrder(f)).caseId };
    },
  },
  '/api/interop/hotline/links/:id': {
    owner: 'district',
    async create(f) {
      return { id: (await link(f)).linkId };
    },
    body: { PATCH: { active: true } },
  },
  '/api/interop/hotline/outbox/:id/retry': {
    owner: 'district',
    async create(f) {
      const o = await hotlineOrder(f);
      const id = newId();
      const now = f.s.platform.clock.now();
      await f.s.platform.db.insertInto('hotline_callback').values({
        id, event_id: newId(), link_id: o.linkId, order_no: o.orderNo, case_id: o.caseId, kind: 'handled', payload: JSON.stringify({ orderNo: o.orderNo }),
        next_attempt_at: new Date(now.getTime() + 3_600_000), event_at: now, created_at: now, ...o.row,
      }).execute();
      return { id };
    },
  },
  '/api/interop/open311/pending/:id/place': {
    owner: 'district',
    async create(f) {
      const t = await f.as('district', { method: 'POST', url: '/api/integrations/tokens', payload: { name: unique('sec-open311-'), kind: 'open311', scopes: ['open311'] } });
      const body = new URLSearchParams({ api_key: t.token, service_code: 'facilities.street_light', address_string: '安全测试 无此地址', 'attribute[light_state]': 'off' });
      const res = await f.s.request({ method: 'POST', url: '/open311/v2/requests.json', payload: body.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      if (res.statusCode !== 201) throw new Error(`open311 submit: ${res.statusCode} ${res.body}`);
      const token = res.json()[0].token;
      const row = await f.s.platform.db.selectFrom('open311_request').select('id').where('token', '=', token).executeTakeFirstOrThrow();
      // the owner places it at a building of the first district (ids differ per database, so set here)
      const b = await f.s.platform.db.selectFrom('building').select('id').orderBy('id').executeTakeFirstOrThrow();
      fixtures['/api/interop/open311/pending/:id/place'].body = { POST: { buildingId: b.id } };
      return { id: row.id };
    },
  },
  '/api/interop/open311/pending/:id/reject': {
    owner: 'district',
    async create(f) {
      return fixtures['/api/interop/open311/pending/:id/place'].create(f);
    },
    body: { POST: { reason: '安全测试' } },
  },
};

export const examples: Examples = {
  'POST /api/interop/hotline/links': async (f) => {
    const t = await f.as('district', { method: 'POST', url: '/api/integrations/tokens', payload: { name: unique('sec-hotline-ex-'), kind: 'hotline', scopes: ['hotline.push'] } });
    const me = await f.as('community', { method: 'GET', url: '/api/auth/me' });
    return { name: 'example', tokenId: t.id, defaultCommunityId: me.scope.regionId };
  },
};
