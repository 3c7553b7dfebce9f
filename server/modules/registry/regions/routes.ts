import { Type } from 'typebox';
import type { App } from '../../../platform/module.ts';
import { Body, IdParams, Nullable, responses, Uuid } from '../../../platform/http/schemas.ts';
import { idempotent } from '../../../platform/http/idempotency.ts';
import * as service from './service.ts';

const Level = Type.Union(['city', 'district', 'street', 'community', 'grid'].map((l) => Type.Literal(l)));
const Geometry = Type.Object(
  { type: Type.Union([Type.Literal('Polygon'), Type.Literal('MultiPolygon')]), coordinates: Type.Array(Type.Any()) },
  { additionalProperties: false, description: 'GeoJSON Polygon or MultiPolygon, [lng, lat] positions, closed rings' },
);
const Ref = Type.Object({ id: Uuid, code: Type.String(), name: Type.String() });
const BBox = Nullable(Type.Array(Type.Number(), { minItems: 4, maxItems: 4, description: '[minLng, minLat, maxLng, maxLat]' }));

const Region = Type.Object({
  id: Uuid,
  parentId: Nullable(Uuid),
  level: Type.String(),
  code: Type.String(),
  name: Type.String(),
  households: Nullable(Type.Integer({ description: 'entered household count (the registry count is in the detail)' })),
  chiefUserId: Nullable(Uuid),
  bbox: BBox,
  geometry: Type.Optional(Nullable(Geometry)),
});

const RegionDetail = Type.Intersect([
  Region,
  Type.Object({
    ancestors: Type.Object({ cityId: Nullable(Uuid), districtId: Nullable(Uuid), streetId: Nullable(Uuid), communityId: Nullable(Uuid) }),
    registered: Type.Object({ households: Type.Integer(), residents: Type.Integer() }),
    chief: Nullable(Type.Object({ id: Uuid, displayName: Type.String() })),
    workers: Type.Array(Type.Object({ id: Uuid, displayName: Type.String() })),
  }),
]);

type Row = Awaited<ReturnType<typeof service.listRegions>>[number] & { geometry?: unknown };
const present = (r: Row) => ({
  id: r.id,
  parentId: r.parent_id,
  level: r.level,
  code: r.code,
  name: r.name,
  households: r.households,
  chiefUserId: r.chief_user_id,
  bbox: r.min_lng === null ? null : [r.min_lng, r.min_lat!, r.max_lng!, r.max_lat!],
  ...(r.geometry !== undefined ? { geometry: r.geometry as never } : {}),
});

const presentDetail = (r: Awaited<ReturnType<typeof service.getRegion>>) => ({
  ...present(r),
  ancestors: { cityId: r.city_id, districtId: r.district_id, streetId: r.street_id, communityId: r.community_id },
  registered: r.registered,
  chief: r.chief,
  workers: r.workers,
});

const GridRef = Type.Object({ id: Uuid, code: Type.String(), name: Type.String() });

export function regionRoutes(app: App) {
  app.get(
    '/api/regions',
    { config: { access: { permission: 'region.read' } },
      schema: {
        tags: ['registry'],
        summary: 'The jurisdiction tree: the caller’s subtree and its ancestors (flat list with parentId)',
        description: 'Filter by parentId (children of one region) or level. Polygons only with geometry=true.',
        querystring: Type.Object(
          { parentId: Type.Optional(Uuid), level: Type.Optional(Level), geometry: Type.Optional(Type.Boolean()) },
          { additionalProperties: false },
        ),
        response: responses({ 200: Type.Array(Region) }),
      },
    },
    async (req) => (await service.listRegions(req.ctx, req.query as never)).map(present),
  );

  app.get(
    '/api/regions/:id',
    { config: { access: { permission: 'region.read' } }, schema: { tags: ['registry'], summary: 'One region with its polygon, registry counts and grid staff', params: IdParams, response: responses({ 200: RegionDetail }) } },
    async (req) => presentDetail(await service.getRegion(req.ctx, req.params.id)),
  );

  const RegionFields = {
    name: Type.String({ minLength: 1, maxLength: 60 }),
    geometry: Type.Optional(Nullable(Geometry)),
    households: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 100000 }))),
    chiefUserId: Type.Optional(Nullable(Uuid)),
  };

  app.post(
    '/api/regions',
    { config: { access: { permission: 'region.write' } },
      schema: {
        tags: ['registry'],
        summary: 'Create a district, street, community or grid under a parent in scope',
        description:
          'The code must extend the parent’s: 12-digit division codes down to communities, and for grids the 15-digit unified number (community code + 3-digit serial). A grid without a code gets the next free serial.',
        body: Body({ parentId: Uuid, code: Type.Optional(Type.String({ pattern: '^\\d{12}(\\d{3})?$' })), ...RegionFields }),
        response: responses({ 201: Type.Object({ id: Uuid, code: Type.String() }) }),
      },
    },
    (req, reply) => idempotent(req, reply, async (ctx) => ({ status: 201, body: await service.createRegion(ctx, req.body) })),
  );

  app.patch(
    '/api/regions/:id',
    { config: { access: { permission: 'region.write' } },
      schema: {
        tags: ['registry'],
        summary: 'Change a region’s name, polygon, entered household count or grid chief (网格长)',
        params: IdParams,
        body: Body({ ...RegionFields, name: Type.Optional(RegionFields.name) }),
        response: responses({ 200: RegionDetail }),
      },
    },
    async (req) => presentDetail(await service.updateRegion(req.ctx, req.params.id, req.body)),
  );

  app.get(
    '/api/grids/locate',
    { config: { access: 'signed-in' },
      schema: {
        tags: ['registry'],
        summary: 'The grid holding a point, with its community, street and district (404 outside every grid)',
        description: 'A point on an edge or vertex shared by several grids belongs to the grid with the smallest code.',
        querystring: Type.Object({ lat: Type.Number({ minimum: -90, maximum: 90 }), lng: Type.Number({ minimum: -180, maximum: 180 }) }, { additionalProperties: false }),
        response: responses({ 200: Type.Object({ grid: GridRef, community: Nullable(GridRef), street: Nullable(GridRef), district: Nullable(GridRef) }) }),
      },
    },
    async (req) => service.locateGrid(req.ctx, req.query.lng, req.query.lat),
  );

  app.get(
    '/api/grids/warnings',
    { config: { access: { permission: 'region.read' } },
      schema: {
        tags: ['registry'],
        summary: 'Grids of a community above the household norm, overlapping polygons, gaps, area outside the community',
        querystring: Type.Object({ communityId: Uuid }, { additionalProperties: false }),
        response: responses({
          200: Type.Object({
            community: GridRef,
            householdNorm: Type.Integer(),
            overNorm: Type.Array(Type.Object({ grid: GridRef, households: Type.Integer(), norm: Type.Integer() })),
            overlaps: Type.Array(Type.Object({ a: GridRef, b: GridRef, areaM2: Type.Number() })),
            gaps: Type.Array(Type.Object({ areaM2: Type.Number(), geometry: Geometry })),
            outsideCommunity: Type.Array(Type.Object({ grid: GridRef, areaM2: Type.Number() })),
            withoutPolygon: Type.Array(GridRef),
          }),
        }),
      },
    },
    async (req) => service.gridWarnings(req.ctx, req.query.communityId),
  );

  const Settings = Type.Object({ householdNorm: Type.Integer({ minimum: 1, maximum: 100000, description: 'households above which a grid is flagged (default 300)' }) });
  app.get(
    '/api/registry/settings',
    { config: { access: { permission: 'region.read' } }, schema: { tags: ['registry'], summary: 'Registry settings (the grid household norm)', response: responses({ 200: Settings }) } },
    async (req) => service.getSettings(req.ctx),
  );
  app.put(
    '/api/registry/settings',
    { config: { access: { permission: 'region.write' } }, schema: { tags: ['registry'], summary: 'Change the registry settings (platform administrators)', body: Body({ householdNorm: Settings.properties.householdNorm }), response: responses({ 200: Settings }) } },
    async (req) => service.putSettings(req.ctx, req.body),
  );
}
