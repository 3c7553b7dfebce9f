import { Type } from 'typebox';
import type { App } from '../../../platform/module.ts';
import { Body, IdParams, Nullable, responses, Uuid } from '../../../platform/http/schemas.ts';
import { idempotent } from '../../../platform/http/idempotency.ts';
import * as service from './service.ts';

const CompoundType = Type.Union(['commercial', 'old', 'work_unit', 'resettlement'].map((t) => Type.Literal(t)), { description: '商品房 / 老旧小区 / 单位院 / 安置房' });
const Management = Type.Union(['property_company', 'residents_committee', 'work_unit'].map((t) => Type.Literal(t)), { description: '物业 / 居委会自管 / 单位自管' });
const Occupancy = Type.Union(['owner', 'tenant', 'vacant'].map((t) => Type.Literal(t)), { description: '自住 / 出租 / 空置' });
const Lng = Nullable(Type.Number({ minimum: -180, maximum: 180 }));
const Lat = Nullable(Type.Number({ minimum: -90, maximum: 90 }));
const Created = Type.Object({ id: Uuid });

const Compound = Type.Object({
  id: Uuid,
  name: Type.String(),
  type: Type.String(),
  management: Type.String(),
  propertyCompanyOrgId: Nullable(Uuid),
  propertyCompanyName: Nullable(Type.String()),
  ownersCommitteeOrgId: Nullable(Uuid),
  workUnit: Nullable(Type.String()),
  address: Type.String(),
  lng: Nullable(Type.Number()),
  lat: Nullable(Type.Number()),
  builtYear: Nullable(Type.Integer()),
  communityId: Uuid,
});
type CompoundRow = Awaited<ReturnType<typeof service.getCompound>>;
const presentCompound = (c: CompoundRow) => ({
  id: c.id,
  name: c.name,
  type: c.type,
  management: c.management,
  propertyCompanyOrgId: c.property_company_org_id,
  propertyCompanyName: c.property_company_name,
  ownersCommitteeOrgId: c.owners_committee_org_id,
  workUnit: c.work_unit,
  address: c.address,
  lng: c.lng,
  lat: c.lat,
  builtYear: c.built_year,
  communityId: c.community_id,
});

const Building = Type.Object({
  id: Uuid,
  compoundId: Nullable(Uuid),
  compoundName: Nullable(Type.String()),
  number: Type.String(),
  numberKey: Type.String(),
  address: Type.String(),
  floors: Nullable(Type.Integer()),
  unitCount: Nullable(Type.Integer()),
  lng: Nullable(Type.Number()),
  lat: Nullable(Type.Number()),
  communityId: Uuid,
  gridId: Uuid,
  households: Type.Optional(Type.Integer()),
  units: Type.Optional(Type.Array(Type.Object({ id: Uuid, number: Type.String(), name: Type.String() }))),
});
type BuildingRow = Awaited<ReturnType<typeof service.listBuildings>>[number] | Awaited<ReturnType<typeof service.getBuilding>>;
const presentBuilding = (b: BuildingRow) => ({
  id: b.id,
  compoundId: b.compound_id,
  compoundName: b.compound_name,
  number: b.number,
  numberKey: b.number_key,
  address: b.address,
  floors: b.floors,
  unitCount: b.unit_count,
  lng: b.lng,
  lat: b.lat,
  communityId: b.community_id,
  gridId: b.grid_id,
  ...('household_count' in b ? { households: b.household_count ?? 0 } : {}),
  ...('units' in b ? { units: b.units } : {}),
});

const Household = Type.Object({
  id: Uuid,
  label: Type.String({ description: 'compound + building + unit + room, e.g. 阳光花园3号楼2单元301' }),
  buildingId: Uuid,
  unitId: Nullable(Uuid),
  unit: Type.String(),
  room: Type.String(),
  floor: Nullable(Type.Integer()),
  areaM2: Nullable(Type.Number()),
  occupancy: Type.String(),
  compoundId: Nullable(Uuid),
  communityId: Uuid,
  gridId: Uuid,
  memberCount: Type.Optional(Type.Integer()),
  members: Type.Optional(
    Type.Union([
      Type.Array(
        Type.Object({
          residentId: Uuid,
          name: Type.String(),
          relation: Type.String(),
          from: Type.String({ format: 'date' }),
          to: Nullable(Type.String({ format: 'date' })),
          reasonIn: Nullable(Type.String()),
          reasonOut: Nullable(Type.String()),
        }),
      ),
      Type.Null(),
    ], { description: 'current and past members; null when the caller may not read residents' }),
  ),
});
type HouseholdRow = Awaited<ReturnType<typeof service.listHouseholds>>[number] | Awaited<ReturnType<typeof service.getHousehold>>;
const presentHousehold = (h: HouseholdRow) => ({
  id: h.id,
  label: service.householdLabel(h),
  buildingId: h.building_id,
  unitId: h.unit_id,
  unit: h.unit_no,
  room: h.room_no,
  floor: h.floor,
  areaM2: h.area_m2,
  occupancy: h.occupancy,
  compoundId: h.compound_id,
  communityId: h.community_id,
  gridId: h.grid_id,
  ...('member_count' in h ? { memberCount: h.member_count ?? 0 } : {}),
  ...('members' in h
    ? {
        members: h.members?.map((m) => ({ residentId: m.resident_id, name: m.name, relation: m.relation, from: m.valid_from, to: m.valid_to, reasonIn: m.reason_in, reasonOut: m.reason_out })) ?? null,
      }
    : {}),
});

export function placeRoutes(app: App) {
  const tags = ['places'];
  const compoundFields = {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    type: CompoundType,
    management: Management,
    propertyCompanyOrgId: Type.Optional(Nullable(Uuid)),
    ownersCommitteeOrgId: Type.Optional(Nullable(Uuid)),
    workUnit: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
    address: Type.String({ minLength: 1, maxLength: 200 }),
    lng: Type.Optional(Lng),
    lat: Type.Optional(Lat),
    builtYear: Type.Optional(Nullable(Type.Integer({ minimum: 1900, maximum: 2100 }))),
  };
  const optional = <T extends Record<string, import('typebox').TSchema>>(o: T) =>
    Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Type.Optional(v)])) as { [K in keyof T]: import('typebox').TOptional<T[K]> };

  app.get(
    '/api/compounds',
    { config: { access: { permission: 'region.read' } },
      schema: {
        tags,
        summary: 'Compounds (小区) in scope; property companies and owners’ committees see the compounds they serve',
        querystring: Type.Object({ communityId: Type.Optional(Uuid), q: Type.Optional(Type.String({ maxLength: 50 })) }, { additionalProperties: false }),
        response: responses({ 200: Type.Array(Compound) }),
      },
    },
    async (req) => (await service.listCompounds(req.ctx, req.query)).map(presentCompound),
  );
  app.get('/api/compounds/:id', { config: { access: { permission: 'region.read' } }, schema: { tags, summary: 'One compound', params: IdParams, response: responses({ 200: Compound }) } }, async (req) =>
    presentCompound(await service.getCompound(req.ctx, req.params.id)),
  );
  app.post(
    '/api/compounds',
    { config: { access: { permission: 'place.write' } }, schema: { tags, summary: 'Create a compound in a community', body: Body({ communityId: Uuid, ...compoundFields }), response: responses({ 201: Created }) } },
    (req, reply) => idempotent(req, reply, async (ctx) => ({ status: 201, body: await service.createCompound(ctx, req.body) })),
  );
  app.patch(
    '/api/compounds/:id',
    { config: { access: { permission: 'place.write' } }, schema: { tags, summary: 'Change a compound', params: IdParams, body: Body(optional(compoundFields)), response: responses({ 200: Compound }) } },
    async (req) => presentCompound(await service.updateCompound(req.ctx, req.params.id, req.body)),
  );

  const buildingFields = {
    number: Type.String({ minLength: 1, maxLength: 30, description: 'as written: 3号楼, 3栋, A座' }),
    gridId: Uuid,
    floors: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 200 }))),
    unitCount: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 50 }))),
    address: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    lng: Type.Optional(Lng),
    lat: Type.Optional(Lat),
  };
  app.get(
    '/api/buildings',
    { config: { access: { permission: 'region.read' } },
      schema: {
        tags,
        summary: 'Buildings (楼栋) in scope, with household counts',
        querystring: Type.Object({ compoundId: Type.Optional(Uuid), gridId: Type.Optional(Uuid), communityId: Type.Optional(Uuid) }, { additionalProperties: false }),
        response: responses({ 200: Type.Array(Building) }),
      },
    },
    async (req) => (await service.listBuildings(req.ctx, req.query)).map(presentBuilding),
  );
  app.get('/api/buildings/:id', { config: { access: { permission: 'region.read' } }, schema: { tags, summary: 'One building with its units', params: IdParams, response: responses({ 200: Building }) } }, async (req) =>
    presentBuilding(await service.getBuilding(req.ctx, req.params.id)),
  );
  app.post(
    '/api/buildings',
    { config: { access: { permission: 'place.write' } },
      schema: {
        tags,
        summary: 'Create a building in a compound (or loose in a community) and one grid of that community',
        body: Body({ compoundId: Type.Optional(Nullable(Uuid)), communityId: Type.Optional(Uuid), ...buildingFields }),
        response: responses({ 201: Created }),
      },
    },
    (req, reply) => idempotent(req, reply, async (ctx) => ({ status: 201, body: await service.createBuilding(ctx, req.body) })),
  );
  app.patch(
    '/api/buildings/:id',
    { config: { access: { permission: 'place.write' } },
      schema: {
        tags,
        summary: 'Change a building; moving it to another grid moves its households and residents with it',
        params: IdParams,
        body: Body(optional(buildingFields)),
        response: responses({ 200: Building }),
      },
    },
    async (req) => presentBuilding(await service.updateBuilding(req.ctx, req.params.id, req.body)),
  );

  app.get(
    '/api/households',
    { config: { access: { permission: 'region.read' } },
      schema: {
        tags,
        summary: 'Households (户) of a building, unit, grid or compound',
        querystring: Type.Object(
          { buildingId: Type.Optional(Uuid), unitId: Type.Optional(Uuid), gridId: Type.Optional(Uuid), compoundId: Type.Optional(Uuid) },
          { additionalProperties: false },
        ),
        response: responses({ 200: Type.Array(Household) }),
      },
    },
    async (req) => (await service.listHouseholds(req.ctx, req.query)).map(presentHousehold),
  );
  app.get(
    '/api/households/:id',
    { config: { access: { permission: 'region.read' } }, schema: { tags, summary: 'One household with its members and their history', params: IdParams, response: responses({ 200: Household }) } },
    async (req) => presentHousehold(await service.getHousehold(req.ctx, req.params.id)),
  );
  const householdFields = {
    floor: Type.Optional(Nullable(Type.Integer({ minimum: -5, maximum: 200 }))),
    areaM2: Type.Optional(Nullable(Type.Number({ minimum: 1, maximum: 10000 }))),
  };
  app.post(
    '/api/households',
    { config: { access: { permission: 'place.write' } },
      schema: {
        tags,
        summary: 'Create a household; the same flat typed another way ("3栋2-501") is refused as existing (409)',
        body: Body({ buildingId: Uuid, unit: Type.Optional(Nullable(Type.String({ maxLength: 20 }))), room: Type.String({ minLength: 1, maxLength: 30 }), occupancy: Occupancy, ...householdFields }),
        response: responses({ 201: Created }),
      },
    },
    (req, reply) => idempotent(req, reply, async (ctx) => ({ status: 201, body: await service.createHousehold(ctx, req.body) })),
  );
  app.patch(
    '/api/households/:id',
    { config: { access: { permission: 'place.write' } }, schema: { tags, summary: 'Change a household’s floor, area or occupancy', params: IdParams, body: Body({ ...householdFields, occupancy: Type.Optional(Occupancy) }), response: responses({ 200: Household }) } },
    async (req) => presentHousehold(await service.updateHousehold(req.ctx, req.params.id, req.body)),
  );
}
