import { Type } from 'typebox';
import type { App } from '../../../platform/module.ts';
import type { Ctx } from '../../../platform/context.ts';
import { Body, DateTime, IdParams, Nullable, responses, Uuid } from '../../../platform/http/schemas.ts';
import { idempotent } from '../../../platform/http/idempotency.ts';
import { householdLabel } from '../places/service.ts';
import { POLITICAL_STATUSES, RELATIONS, ageOn } from './rules.ts';
import * as service from './service.ts';
import type { ResidentRow } from './store.ts';

const literals = (xs: readonly string[], description?: string) => Type.Union(xs.map((x) => Type.Literal(x)), description ? { description } : {});
export const Relation = literals(RELATIONS, '与户主关系: head 户主, spouse 配偶, child 子女, parent 父母, grandchild 孙辈, sibling 兄弟姐妹, tenant 租户, other 其他');
export const PoliticalStatus = literals(POLITICAL_STATUSES, '政治面貌: 中共党员, 预备党员, 共青团员, 民主党派, 群众');
const DateOnly = Type.String({ format: 'date' });

const ResidentSummary = Type.Object({
  id: Uuid,
  name: Type.String(),
  gender: Type.String(),
  birthDate: DateOnly,
  age: Type.Integer(),
  idNumber: Type.String({ description: 'masked: 370***********1234' }),
  phone: Nullable(Type.String({ description: 'masked: 138****8000' })),
  ethnicity: Nullable(Type.String()),
  politicalStatus: Nullable(Type.String()),
  separated: Nullable(Type.Boolean({ description: '人户分离; null when not housed' })),
  status: Type.String(),
  household: Nullable(Type.Object({ id: Uuid, label: Type.String() })),
  relation: Nullable(Type.String()),
  communityId: Uuid,
  gridId: Nullable(Uuid),
  tags: Type.Array(Type.String({ description: 'care tags in force today' })),
});

const ResidentDetail = Type.Intersect([
  ResidentSummary,
  Type.Object({
    registeredAddress: Nullable(Type.String()),
    registeredRegionCode: Nullable(Type.String()),
    accountLinked: Type.Boolean(),
    createdAt: DateTime,
    updatedAt: DateTime,
    memberships: Type.Array(
      Type.Object({ householdId: Uuid, label: Type.String(), relation: Type.String(), from: DateOnly, to: Nullable(DateOnly), reasonIn: Nullable(Type.String()), reasonOut: Nullable(Type.String()) }),
    ),
    tagHistory: Type.Array(Type.Object({ id: Uuid, tag: Type.String(), nameZh: Type.String(), nameEn: Type.String(), from: DateOnly, to: Nullable(DateOnly), note: Nullable(Type.String()) })),
    changes: Type.Array(Type.Object({ at: DateTime, actorId: Nullable(Uuid), source: Type.String(), changes: Type.Record(Type.String(), Type.Object({ from: Type.Any(), to: Type.Any() })) })),
  }),
]);

export function presentResident(ctx: Ctx, r: ResidentRow) {
  const m = service.masked(ctx, r);
  return {
    id: r.id,
    name: r.name,
    gender: r.gender,
    birthDate: r.birth_date,
    age: ageOn(r.birth_date, service.today(ctx)),
    idNumber: m.idNumber,
    phone: m.phone,
    ethnicity: r.ethnicity,
    politicalStatus: r.political_status,
    separated: r.separated,
    status: r.status,
    household: r.household_id ? { id: r.household_id, label: householdLabel({ compound_name: r.compound_name, building_number: r.building_number ?? '', unit_no: r.unit_no ?? '', room_no: r.room_no ?? '' }) } : null,
    relation: r.relation,
    communityId: r.community_id,
    gridId: r.grid_id,
    tags: r.tags ?? [],
  };
}

function presentDetail(ctx: Ctx, r: Awaited<ReturnType<typeof service.getResident>>) {
  return {
    ...presentResident(ctx, r),
    registeredAddress: r.registered_address,
    registeredRegionCode: r.registered_region_code,
    accountLinked: r.accountLinked,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at ?? r.created_at).toISOString(),
    memberships: r.memberships.map((m) => ({ householdId: m.household_id, label: householdLabel(m), relation: m.relation, from: m.valid_from, to: m.valid_to, reasonIn: m.reason_in, reasonOut: m.reason_out })),
    tagHistory: r.tagHistory.map((t) => ({ id: t.id, tag: t.tag, nameZh: t.name_zh, nameEn: t.name_en, from: t.valid_from, to: t.valid_to, note: t.note })),
    changes: r.changes.map((c) => ({ at: new Date(c.at).toISOString(), actorId: c.actor_id, source: c.source, changes: c.changes as never })),
  };
}

/** The filters of the resident list, shared with the export. */
export const ResidentFilter = {
  q: Type.Optional(Type.String({ maxLength: 100, description: 'name (简/繁), phone, ID number, masked ID or phone tail (****1234), or an address (3号楼2单元501)' })),
  tag: Type.Optional(Type.String({ maxLength: 40 })),
  gridId: Type.Optional(Uuid),
  communityId: Type.Optional(Uuid),
  compoundId: Type.Optional(Uuid),
  buildingId: Type.Optional(Uuid),
  householdId: Type.Optional(Uuid),
  separated: Type.Optional(Type.Boolean()),
  status: Type.Optional(literals(['active', 'moved_out', 'deceased', 'all'])),
};

const TagInput = Type.Object({ tag: Type.String({ maxLength: 40 }), from: Type.Optional(DateOnly), note: Type.Optional(Nullable(Type.String({ maxLength: 500 }))) }, { additionalProperties: false });

export function residentRoutes(app: App) {
  const tags = ['residents'];

  app.get(
    '/api/residents',
    { config: { access: { permission: 'resident.read' } },
      schema: {
        tags,
        summary: 'Search residents within the caller’s jurisdiction (ID numbers and phones masked)',
        querystring: Type.Object(
          { ...ResidentFilter, cursor: Type.Optional(Type.String({ maxLength: 400 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })) },
          { additionalProperties: false },
        ),
        response: responses({ 200: Type.Object({ items: Type.Array(ResidentSummary), nextCursor: Nullable(Type.String()) }) }),
      },
    },
    async (req) => {
      const r = await service.searchResidents(req.ctx, req.query as service.SearchQuery);
      return { items: r.items.map((x) => presentResident(req.ctx, x)), nextCursor: r.nextCursor };
    },
  );

  app.post(
    '/api/residents',
    { config: { access: { permission: 'resident.write' } },
      schema: {
        tags,
        summary: 'Register a resident; the smallest body is {name, idNumber, phone?} (a newcomer not yet housed, placed in the caller’s community)',
        description: 'Birth date and gender come from the ID number. A wrong check digit is 400 with error.fields.idNumber. Someone already registered here is 409 RESIDENT_EXISTS; active elsewhere 409 RESIDENT_REGISTERED_ELSEWHERE; someone who moved out is taken over with their history.',
        body: Body({
          name: Type.String({ minLength: 1, maxLength: 50 }),
          idNumber: Type.String({ minLength: 1, maxLength: 30 }),
          phone: Type.Optional(Nullable(Type.String({ maxLength: 30 }))),
          gender: Type.Optional(literals(['male', 'female'])),
          birthDate: Type.Optional(DateOnly),
          ethnicity: Type.Optional(Nullable(Type.String({ maxLength: 20 }))),
          politicalStatus: Type.Optional(Nullable(PoliticalStatus)),
          registeredAddress: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
          registeredRegionCode: Type.Optional(Nullable(Type.String({ pattern: '^\\d{6}(\\d{3}(\\d{3})?)?$' }))),
          householdId: Type.Optional(Nullable(Uuid)),
          relation: Type.Optional(Nullable(Relation)),
          movedInOn: Type.Optional(DateOnly),
          communityId: Type.Optional(Nullable(Uuid)),
          tags: Type.Optional(Type.Array(TagInput, { maxItems: 20 })),
        }),
        response: responses({ 201: ResidentDetail }),
      },
    },
    (req, reply) =>
      idempotent(req, reply, async (ctx) => {
        const { id } = await service.createResident(ctx, req.body);
        return { status: 201, body: presentDetail(ctx, await service.getResident(ctx, id)) };
      }),
  );

  app.get(
    '/api/residents/:id',
    { config: { access: { permission: 'resident.read' } }, schema: { tags, summary: 'One resident (masked) with household, tag and change history', params: IdParams, response: responses({ 200: ResidentDetail }) } },
    async (req) => presentDetail(req.ctx, await service.getResident(req.ctx, req.params.id)),
  );

  app.patch(
    '/api/residents/:id',
    { config: { access: { permission: 'resident.write' } },
      schema: {
        tags,
        summary: 'Change a resident’s own fields (each change is kept: old → new, numbers masked)',
        params: IdParams,
        body: Body({
          name: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
          idNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 30 })),
          phone: Type.Optional(Nullable(Type.String({ maxLength: 30 }))),
          ethnicity: Type.Optional(Nullable(Type.String({ maxLength: 20 }))),
          politicalStatus: Type.Optional(Nullable(PoliticalStatus)),
          registeredAddress: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
          registeredRegionCode: Type.Optional(Nullable(Type.String({ pattern: '^\\d{6}(\\d{3}(\\d{3})?)?$' }))),
        }),
        response: responses({ 200: ResidentDetail }),
      },
    },
    async (req) => presentDetail(req.ctx, await service.updateResident(req.ctx, req.params.id, req.body)),
  );

  app.post(
    '/api/residents/:id/reveal',
    { config: { access: { permission: 'resident.reveal' } },
      schema: {
        tags,
        summary: 'The full ID number and phone (permission resident.reveal; every call is audited)',
        params: IdParams,
        response: responses({ 200: Type.Object({ idNumber: Type.String(), phone: Nullable(Type.String()) }) }),
      },
    },
    async (req, reply) => {
      reply.header('cache-control', 'no-store');
      return service.reveal(req.ctx, req.params.id);
    },
  );

  app.post(
    '/api/residents/:id/move',
    { config: { access: { permission: 'resident.write' } },
      schema: {
        tags,
        summary: 'Move in (householdId), change relation (same household, new relation) or move out (householdId null)',
        description: 'Closes the open household membership on the day and opens a new one; history is never overwritten.',
        params: IdParams,
        body: Body({
          householdId: Nullable(Uuid),
          relation: Type.Optional(Relation),
          on: Type.Optional(DateOnly),
          note: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
          outcome: Type.Optional(literals(['moved_out', 'deceased'])),
        }),
        response: responses({ 200: ResidentDetail }),
      },
    },
    async (req) => presentDetail(req.ctx, await service.moveResident(req.ctx, req.params.id, req.body)),
  );

  app.post(
    '/api/residents/:id/tags',
    { config: { access: { permission: 'resident.write' } }, schema: { tags, summary: 'Add a care tag (重点人群) from a date', params: IdParams, body: TagInput, response: responses({ 201: Type.Object({ id: Uuid }) }) } },
    (req, reply) => idempotent(req, reply, async (ctx) => ({ status: 201, body: await service.addTag(ctx, req.params.id, req.body) })),
  );

  app.post(
    '/api/residents/:id/tags/:tagId/end',
    { config: { access: { permission: 'resident.write' } },
      schema: {
        tags,
        summary: 'End a care tag on a date (kept in the history)',
        params: Type.Object({ id: Uuid, tagId: Uuid }, { additionalProperties: false }),
        body: Body({ on: Type.Optional(DateOnly) }),
        response: responses({ 200: ResidentDetail }),
      },
    },
    async (req) => presentDetail(req.ctx, await service.endTag(req.ctx, req.params.id, req.params.tagId, req.body)),
  );

  const Visit = Type.Object({
    id: Uuid,
    visitedAt: DateTime,
    method: Type.String(),
    notes: Type.String(),
    nextVisitOn: Nullable(DateOnly),
    visitor: Type.Object({ id: Uuid, displayName: Type.String() }),
  });
  app.get(
    '/api/residents/:id/visits',
    { config: { access: { permission: 'resident.read' } }, schema: { tags, summary: 'Visits (走访) to a resident, newest first', params: IdParams, response: responses({ 200: Type.Array(Visit) }) } },
    async (req) =>
      (await service.listVisits(req.ctx, req.params.id)).map((v) => ({
        id: v.id,
        visitedAt: new Date(v.visited_at).toISOString(),
        method: v.method,
        notes: v.notes,
        nextVisitOn: v.next_visit_on,
        visitor: { id: v.visitor_id, displayName: v.visitor_name },
      })),
  );
  app.post(
    '/api/residents/:id/visits',
    { config: { access: { permission: 'visit.write' } },
      schema: {
        tags,
        summary: 'Record a visit (grid workers, community staff)',
        params: IdParams,
        body: Body({
          visitedAt: Type.Optional(DateTime),
          method: literals(['home', 'phone', 'other'], '入户 / 电话 / 其他'),
          notes: Type.String({ minLength: 1, maxLength: 2000 }),
          nextVisitOn: Type.Optional(Nullable(DateOnly)),
        }),
        response: responses({ 201: Type.Object({ id: Uuid }) }),
      },
    },
    (req, reply) => idempotent(req, reply, async (ctx) => ({ status: 201, body: await service.addVisit(ctx, req.params.id, req.body) })),
  );
  app.get(
    '/api/visits/due',
    { config: { access: { permission: 'resident.read' } },
      schema: {
        tags,
        summary: 'Residents whose last visit asked for another one by a day (default today)',
        querystring: Type.Object({ on: Type.Optional(DateOnly), gridId: Type.Optional(Uuid) }, { additionalProperties: false }),
        response: responses({ 200: Type.Array(Type.Object({ residentId: Uuid, name: Type.String(), gridId: Nullable(Uuid), lastVisitAt: DateTime, nextVisitOn: DateOnly })) }),
      },
    },
    async (req) =>
      (await service.visitsDue(req.ctx, req.query)).map((v) => ({
        residentId: v.resident_id,
        name: v.name,
        gridId: v.grid_id,
        lastVisitAt: new Date(v.visited_at).toISOString(),
        nextVisitOn: v.next_visit_on!,
      })),
  );

  app.get(
    '/api/care-tags',
    { config: { access: { permission: 'resident.read' } },
      schema: {
        tags,
        summary: 'Care tags (重点人群) a resident can carry',
        response: responses({ 200: Type.Array(Type.Object({ code: Type.String(), nameZh: Type.String(), nameEn: Type.String() })) }),
      },
    },
    async (req) => (await service.careTags(req.ctx)).map((t) => ({ code: t.code, nameZh: t.name_zh, nameEn: t.name_en })),
  );

  app.post(
    '/api/residents/:id/link-account',
    { config: { access: { permission: 'resident.write' } },
      schema: {
        tags,
        summary: 'Link a resident sign-in account (by its phone) to this record after verifying the person',
        description: 'verification: phone_match (the account’s phone is the phone on record) or in_person (staff checked an ID document). Audited.',
        params: IdParams,
        body: Body({ phone: Type.String({ maxLength: 30 }), verification: literals(['phone_match', 'in_person']) }),
        response: responses({ 200: Type.Object({ accountId: Uuid }) }),
      },
    },
    async (req) => service.linkAccount(req.ctx, req.params.id, req.body),
  );
  app.delete(
    '/api/residents/:id/link-account',
    { config: { access: { permission: 'resident.write' } }, schema: { tags, summary: 'Unlink the resident account from this record', params: IdParams, response: responses({ 204: Type.Null() }) } },
    async (req, reply) => {
      await service.unlinkAccount(req.ctx, req.params.id);
      reply.code(204);
      return null;
    },
  );
}
