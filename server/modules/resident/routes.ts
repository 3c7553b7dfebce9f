import { Type } from 'typebox';
import type { App } from '../../platform/module.ts';
import { Body, DateTime, IdParams, Nullable, responses, Uuid } from '../../platform/http/schemas.ts';
import { idempotent } from '../../platform/http/idempotency.ts';
import * as service from './service.ts';
import type { HomePlace } from './store.ts';

const lit = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const Text = (max: number, min = 1) => Type.String({ minLength: min, maxLength: max });
const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);
const tags = ['resident services'];
const Page = { cursor: Type.Optional(Type.String({ maxLength: 200 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })) };

const Home = Type.Object({
  compoundId: Uuid, compoundName: Type.String(), buildingId: Nullable(Uuid), buildingNumber: Nullable(Type.String()),
  communityId: Uuid, communityName: Type.String(), streetId: Uuid, districtId: Uuid,
  verified: Type.Boolean({ description: 'true: from the resident record community staff linked the account to; false: declared by the resident' }),
});
const presentHome = (h: (HomePlace & { verified: boolean }) | null) => h && {
  compoundId: h.compound_id, compoundName: h.compound_name, buildingId: h.building_id, buildingNumber: h.building_number,
  communityId: h.community_id, communityName: h.community_name, streetId: h.street_id, districtId: h.district_id, verified: h.verified,
};

const Level = Type.Object({ cityId: Uuid, districtId: Nullable(Uuid), streetId: Nullable(Uuid), communityId: Nullable(Uuid) });
const level = (r: { city_id: string; district_id: string | null; street_id: string | null; community_id: string | null }) =>
  ({ cityId: r.city_id, districtId: r.district_id, streetId: r.street_id, communityId: r.community_id });

const NoticeBase = {
  id: Uuid, kind: Type.String({ description: service.NOTICE_KINDS.join(', ') }), title: Type.String(), body: Type.String(), important: Type.Boolean(),
  compoundId: Nullable(Uuid), orgId: Uuid, orgName: Type.String(), publishedAt: DateTime,
};
type NoticeRow = { id: string; kind: (typeof service.NOTICE_KINDS)[number]; title: string; body: string; important: boolean; compound_id: string | null; org_id: string; org_name: string; published_at: Date };
const noticeBase = (n: NoticeRow) => ({
  id: n.id, kind: n.kind, title: n.title, body: n.body, important: n.important, compoundId: n.compound_id, orgId: n.org_id, orgName: n.org_name, publishedAt: iso(n.published_at)!,
});
const StaffNotice = Type.Object({ ...NoticeBase, target: Level, withdrawnAt: Nullable(DateTime), withdrawReason: Nullable(Type.String()), readCount: Type.Integer() });
const staffNotice = (n: Awaited<ReturnType<typeof service.getNotice>>) => ({
  ...noticeBase(n), target: level(n), withdrawnAt: iso(n.withdrawn_at), withdrawReason: n.withdraw_reason, readCount: Number(n.read_count ?? 0),
});
const MyNotice = Type.Object({ ...NoticeBase, readAt: Nullable(DateTime) });

const ServiceItem = Type.Object({
  id: Uuid, category: Type.String({ description: service.SERVICE_CATEGORIES.join(', ') }), name: Type.String(), description: Type.String(), contactPhone: Nullable(Type.String()),
  hours: Nullable(Type.String()), sortOrder: Type.Integer(), orgId: Uuid, orgName: Type.String(),
});
const StaffServiceItem = Type.Object({ ...ServiceItem.properties, active: Type.Boolean(), target: Level, updatedAt: DateTime });
type ServiceRow = Awaited<ReturnType<typeof service.listServiceItems>>[number];
const serviceItem = (s: ServiceRow) => ({
  id: s.id, category: s.category, name: s.name, description: s.description, contactPhone: s.contact_phone, hours: s.hours, sortOrder: s.sort_order, orgId: s.org_id, orgName: s.org_name,
});
const staffServiceItem = (s: ServiceRow) => ({ ...serviceItem(s), active: s.active, target: level(s), updatedAt: iso(s.updated_at)! });

const Phone = Type.String({ minLength: 3, maxLength: 30, pattern: '^[0-9+() -]+$' });
const serviceFields = {
  category: lit(service.SERVICE_CATEGORIES),
  name: Text(60),
  description: Text(1000),
  contactPhone: Type.Optional(Phone),
  hours: Type.Optional(Text(100)),
  sortOrder: Type.Optional(Type.Integer({ minimum: 0, maximum: 10000 })),
};

export function residentRoutes(app: App) {
  // ── resident side ──
  app.get(
    '/api/my/home',
    { config: { access: 'resident' }, schema: { tags, summary: 'The resident’s home compound: verified by staff, or as the resident declared it (null when unknown)', response: responses({ 200: Type.Object({ home: Nullable(Home) }) }) } },
    async (req) => ({ home: presentHome(await service.homeOf(req.ctx)) }),
  );

  app.put(
    '/api/my/home',
    { config: { access: 'resident' },
      schema: {
        tags, summary: 'Declare one’s home compound (and building), for the notices and services shown',
        description: 'A verified link made by community staff takes precedence over what is declared here.',
        body: Body({ compoundId: Uuid, buildingId: Type.Optional(Uuid) }),
        response: responses({ 200: Type.Object({ home: Nullable(Home) }) }),
      },
    },
    async (req) => ({ home: presentHome(await service.setHome(req.ctx, req.body)) }),
  );

  app.get(
    '/api/my/compounds',
    { config: { access: 'resident', rateLimit: { name: 'compound-search', perAccount: 120, windowSeconds: 60 } },
      schema: {
        tags, summary: 'Compounds by name or address, or nearest to a point (at most 20), for the place pickers',
        querystring: Type.Object({
          q: Type.Optional(Type.String({ maxLength: 50 })),
          lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
          lng: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
        }, { additionalProperties: false }),
        response: responses({ 200: Type.Array(Type.Object({ id: Uuid, name: Type.String(), address: Type.String(), communityName: Type.String(), streetName: Type.String() })) }),
      },
    },
    async (req) => (await service.searchCompounds(req.ctx, req.query)).map((c) => ({ id: c.id, name: c.name, address: c.address, communityName: c.community_name, streetName: c.street_name })),
  );

  app.get(
    '/api/my/compounds/:id/buildings',
    { config: { access: 'resident' }, schema: { tags, summary: 'The buildings of a compound', params: IdParams, response: responses({ 200: Type.Array(Type.Object({ id: Uuid, number: Type.String(), address: Type.String() })) }) } },
    async (req) => service.buildingsOf(req.ctx, req.params.id),
  );

  app.get(
    '/api/my/notices',
    { config: { access: 'resident' },
      schema: {
        tags, summary: 'Public notices (居务公开) of the resident’s community and compound, newest first, with what the resident has read',
        querystring: Type.Object(Page, { additionalProperties: false }),
        response: responses({ 200: Type.Object({ home: Nullable(Home), items: Type.Array(MyNotice), nextCursor: Nullable(Type.String()) }) }),
      },
    },
    async (req) => {
      const r = await service.myNotices(req.ctx, req.query);
      return { home: presentHome(r.home), items: r.items.map((n) => ({ ...noticeBase(n), readAt: iso(n.read_at) })), nextCursor: r.nextCursor };
    },
  );

  app.post(
    '/api/my/notices/:id/read',
    { config: { access: 'resident' }, schema: { tags, summary: 'Read receipt: the resident has read the notice (the first time counts)', params: IdParams, response: responses({ 204: Type.Null() }) } },
    async (req, reply) => {
      await service.markRead(req.ctx, req.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/my/services',
    { config: { access: 'resident' }, schema: { tags, summary: 'The service menu (群众点单) of the resident’s community, street and district', response: responses({ 200: Type.Object({ home: Nullable(Home), items: Type.Array(ServiceItem) }) }) } },
    async (req) => {
      const r = await service.myServices(req.ctx);
      return { home: presentHome(r.home), items: r.items.map(serviceItem) };
    },
  );

  // ── staff side ──
  app.post(
    '/api/notices',
    { config: { access: { permission: 'notice.publish' } },
      schema: {
        tags, summary: 'Publish a notice to a region (default: one’s own) or to a compound',
        description: 'Community, street and district staff publish to a region in their jurisdiction or to a compound there; property companies and owners’ committees to a compound they manage (announcements, property fees, maintenance-fund use).',
        body: Body({
          kind: lit(service.NOTICE_KINDS), title: Text(100), body: Text(5000), important: Type.Optional(Type.Boolean({ description: 'asks residents for a read receipt' })),
          regionId: Type.Optional(Uuid), compoundId: Type.Optional(Uuid),
        }),
        response: responses({ 201: Type.Object({ id: Uuid }) }),
      },
    },
    (req, reply) => idempotent(req, reply, async (ctx) => ({ status: 201, body: await service.publishNotice(ctx, req.body) })),
  );

  app.get(
    '/api/notices',
    { config: { access: { permission: 'notice.publish' } },
      schema: { tags, summary: 'Notices in the caller’s jurisdiction (or published by the caller’s company), newest first, with read counts', querystring: Type.Object(Page, { additionalProperties: false }), response: responses({ 200: Type.Object({ items: Type.Array(StaffNotice), nextCursor: Nullable(Type.String()) }) }) } },
    async (req) => {
      const r = await service.listNotices(req.ctx, req.query);
      return { items: r.items.map(staffNotice), nextCursor: r.nextCursor };
    },
  );

  app.get(
    '/api/notices/:id',
    { config: { access: { permission: 'notice.publish' } }, schema: { tags, summary: 'One notice with its read count', params: IdParams, response: responses({ 200: StaffNotice }) } },
    async (req) => staffNotice(await service.getNotice(req.ctx, req.params.id)),
  );

  app.post(
    '/api/notices/:id/withdraw',
    { config: { access: { permission: 'notice.publish' } }, schema: { tags, summary: 'Withdraw a notice (residents no longer see it; the record stays)', params: IdParams, body: Body({ reason: Text(200) }), response: responses({ 200: StaffNotice }) } },
    async (req) => staffNotice(await service.withdrawNotice(req.ctx, req.params.id, req.body.reason)),
  );

  app.post(
    '/api/service-items',
    { config: { access: { permission: 'service.publish' } },
      schema: { tags, summary: 'Add an item to the service menu of a region (default: one’s own)', body: Body({ ...serviceFields, regionId: Type.Optional(Uuid) }), response: responses({ 201: Type.Object({ id: Uuid }) }) } },
    (req, reply) => idempotent(req, reply, async (ctx) => ({ status: 201, body: await service.createServiceItem(ctx, req.body) })),
  );

  app.get(
    '/api/service-items',
    { config: { access: { permission: 'service.publish' } }, schema: { tags, summary: 'Service menu items in the caller’s jurisdiction', response: responses({ 200: Type.Array(StaffServiceItem) }) } },
    async (req) => (await service.listServiceItems(req.ctx)).map(staffServiceItem),
  );

  app.patch(
    '/api/service-items/:id',
    { config: { access: { permission: 'service.publish' } },
      schema: {
        tags, summary: 'Change a service menu item, or take it off the menu (active: false)', params: IdParams,
        body: Body({
          category: Type.Optional(serviceFields.category), name: Type.Optional(serviceFields.name), description: Type.Optional(serviceFields.description),
          contactPhone: serviceFields.contactPhone, hours: serviceFields.hours, sortOrder: serviceFields.sortOrder, active: Type.Optional(Type.Boolean()),
        }),
        response: responses({ 200: StaffServiceItem }),
      },
    },
    async (req) => staffServiceItem(await service.updateServiceItem(req.ctx, req.params.id, req.body)),
  );
}
