import { audit } from '../../../platform/audit/index.ts';
import type { Executor } from '../../../db/index.ts';
import { inTransaction, type Ctx } from '../../../platform/context.ts';
import { badRequest, conflict, invalid, notFound, unauthorized } from '../../../platform/errors.ts';
import { newId } from '../../../platform/ids.ts';
import { requirePermission, scopeOf } from '../../../platform/access/index.ts';
import type { GeoJsonGeometry, RegionLevel } from '../../../db/schema.ts';
import {
  areaM2, bboxesOverlap, bboxOf, differenceOf, intersectionOf, locatePoint, unionOf, validateAreaGeometry, type AreaGeometry,
} from '../../../platform/geo.ts';
import { CHILD_LEVEL, checkChildCode, nextGridCode } from './codes.ts';
import * as store from './store.ts';

export const HOUSEHOLD_NORM_KEY = 'registry.household_norm';
export const DEFAULT_HOUSEHOLD_NORM = 300;
/** Overlaps and gaps smaller than this (m²) are drawing noise, not findings. */
const AREA_TOLERANCE_M2 = 1;

/** Where the caller looks from when reading the tree (see store.Anchor). */
function anchorOf(ctx: Ctx): store.Anchor | null {
  const scope = scopeOf(ctx);
  if (scope.kind === 'all') return null;
  if (scope.kind === 'region') return { level: scope.level, regionId: scope.regionId };
  const p = ctx.principal;
  if (p.kind === 'user' && p.orgRegionId && p.orgRegionLevel) return { level: p.orgRegionLevel, regionId: p.orgRegionId };
  // an organisation without a region sees nothing of the tree
  return { level: 'city', regionId: '00000000-0000-0000-0000-000000000000' };
}

export async function listRegions(ctx: Ctx, q: { parentId?: string; level?: RegionLevel; geometry?: boolean }) {
  requirePermission(ctx, 'region.read');
  return store.listRegions(ctx.db, anchorOf(ctx), q, !!q.geometry);
}

export async function getRegion(ctx: Ctx, id: string) {
  requirePermission(ctx, 'region.read');
  const r = await store.findVisibleRegion(ctx.db, anchorOf(ctx), id);
  if (!r) throw notFound();
  const counts = (await store.registryCounts(ctx.db, r.level, [r.id])).get(r.id) ?? { households: 0, residents: 0 };
  const workers = r.level === 'grid' ? await store.gridStaff(ctx.db, [r.id]) : [];
  const names = await store.userNames(ctx.db, r.chief_user_id ? [r.chief_user_id] : []);
  return {
    ...r,
    registered: counts,
    chief: r.chief_user_id ? { id: r.chief_user_id, displayName: names.get(r.chief_user_id) ?? '' } : null,
    workers: workers.map((w) => ({ id: w.id, displayName: w.display_name })),
  };
}

function checkGeometry(field: string, value: unknown): AreaGeometry {
  const v = validateAreaGeometry(value);
  if (!v.ok) throw invalid(field, `registry.geometry_${v.problem}`);
  return v.geometry;
}

const bboxColumns = (g: AreaGeometry | null) => {
  if (!g) return { min_lng: null, min_lat: null, max_lng: null, max_lat: null };
  const b = bboxOf(g);
  return { min_lng: b.minLng, min_lat: b.minLat, max_lng: b.maxLng, max_lat: b.maxLat };
};

export interface RegionInput {
  parentId: string;
  name: string;
  code?: string;
  geometry?: unknown;
  households?: number | null;
  chiefUserId?: string | null;
}

async function checkChief(ctx: Ctx, level: RegionLevel, chiefUserId: string | null | undefined) {
  if (chiefUserId === undefined || chiefUserId === null) return;
  if (level !== 'grid') throw invalid('chiefUserId', 'registry.chief_grid_only');
  const u = await store.findUserInScope(ctx.db, scopeOf(ctx), chiefUserId);
  if (!u || !u.active) throw invalid('chiefUserId', 'error.not_found');
}

/** A street, community or grid under a parent in the caller's scope; grids get the next free number when no code is given. */
export async function createRegion(ctx: Ctx, input: RegionInput) {
  requirePermission(ctx, 'region.write');
  const parent = await store.findRegionInScope(ctx.db, scopeOf(ctx), input.parentId);
  if (!parent) throw invalid('parentId', 'error.not_found');
  const level = CHILD_LEVEL[parent.level];
  if (!level) throw invalid('parentId', 'registry.region_no_children');
  const siblings = await store.childCodes(ctx.db, parent.id);
  let code = input.code;
  if (code === undefined) {
    if (level !== 'grid') throw invalid('code', 'validation.required');
    code = nextGridCode(parent.code, siblings.map((s) => s.code)) ?? undefined;
    if (!code) throw conflict('GRID_NUMBERS_EXHAUSTED', 'registry.grid_numbers_exhausted');
  }
  const problem = checkChildCode(parent, code);
  if (problem) throw invalid('code', `registry.code_${problem}`, { parent: parent.code });
  const geometry = input.geometry === undefined || input.geometry === null ? null : checkGeometry('geometry', input.geometry);
  await checkChief(ctx, level, input.chiefUserId);
  if (await store.codeTaken(ctx.db, code)) throw conflict('REGION_CODE_TAKEN', 'registry.code_taken', { code });
  const id = newId();
  const row = {
    id,
    parent_id: parent.id,
    level,
    code,
    name: input.name,
    city_id: parent.city_id,
    district_id: parent.district_id,
    street_id: parent.street_id,
    community_id: parent.community_id,
    grid_id: parent.grid_id,
    [`${level}_id`]: id,
    geometry: geometry ? JSON.stringify(geometry) : null,
    ...bboxColumns(geometry),
    households: input.households ?? null,
    chief_user_id: input.chiefUserId ?? null,
    sort_order: siblings.reduce((m, s) => Math.max(m, s.sort_order + 1), 0),
  };
  return inTransaction(ctx, async (trx, c) => {
    await store.insertRegion(trx, row);
    await audit(c, { action: 'region.create', entityType: 'region', entityId: id, after: row, details: { level, code } });
    return { id, code };
  });
}

export async function updateRegion(ctx: Ctx, id: string, input: Partial<Omit<RegionInput, 'parentId' | 'code'>>) {
  requirePermission(ctx, 'region.write');
  const before = await store.findRegionInScope(ctx.db, scopeOf(ctx), id);
  if (!before) throw notFound();
  if (Object.keys(input).length === 0) throw badRequest({ _: { key: 'validation.required' } });
  const geometry = input.geometry === undefined ? undefined : input.geometry === null ? null : checkGeometry('geometry', input.geometry);
  await checkChief(ctx, before.level, input.chiefUserId);
  const set = {
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(geometry !== undefined ? { geometry: geometry ? JSON.stringify(geometry) : null, ...bboxColumns(geometry) } : {}),
    ...(input.households !== undefined ? { households: input.households } : {}),
    ...(input.chiefUserId !== undefined ? { chief_user_id: input.chiefUserId } : {}),
    updated_at: ctx.platform.clock.now(),
  };
  await inTransaction(ctx, async (trx, c) => {
    await store.updateRegion(trx, id, set);
    await audit(c, { action: 'region.update', entityType: 'region', entityId: id, before, after: set, details: { fields: Object.keys(input) } });
  });
  return getRegion(ctx, id);
}

/**
 * The grid holding a point. A point on an edge or vertex shared by several grids belongs to the one
 * with the smallest code, so every point has exactly one answer. Jurisdiction boundaries are not
 * personal data: any signed-in caller (staff, resident, integration) may ask.
 */
export async function locateGrid(ctx: Ctx, lng: number, lat: number) {
  if (ctx.principal.kind === 'anonymous') throw unauthorized();
  const hit = await gridAt(ctx.db, lng, lat);
  if (!hit) throw notFound('registry.no_grid_here');
  const parents = await store.regionsByIds(ctx.db, [hit.community_id, hit.street_id, hit.district_id].filter((x): x is string => !!x));
  const byLevel = (level: RegionLevel) => {
    const r = parents.find((p) => p.level === level);
    return r ? { id: r.id, code: r.code, name: r.name } : null;
  };
  return { grid: { id: hit.id, code: hit.code, name: hit.name }, community: byLevel('community'), street: byLevel('street'), district: byLevel('district') };
}

/** The grid holding a point (edges and vertices: the smallest code), or null outside every grid. Used by case intake too. */
export async function gridAt(db: Executor, lng: number, lat: number) {
  const candidates = await store.gridsAround(db, lng, lat);
  return candidates.find((g) => g.geometry && locatePoint([lng, lat], g.geometry as AreaGeometry) !== 'outside') ?? null;
}

export async function householdNorm(ctx: Ctx): Promise<number> {
  return (await store.getSetting<number>(ctx.db, HOUSEHOLD_NORM_KEY)) ?? DEFAULT_HOUSEHOLD_NORM;
}

export async function getSettings(ctx: Ctx) {
  requirePermission(ctx, 'region.read');
  return { householdNorm: await householdNorm(ctx) };
}

/** The norm is one city-wide rule, so only a platform-wide administrator changes it. */
export async function putSettings(ctx: Ctx, input: { householdNorm: number }) {
  const p = requirePermission(ctx, 'region.write');
  if (scopeOf(ctx).kind !== 'all') throw invalid('householdNorm', 'registry.settings_city_only');
  const before = await getSettings(ctx);
  await inTransaction(ctx, async (trx, c) => {
    await store.putSetting(trx, HOUSEHOLD_NORM_KEY, input.householdNorm, p.kind === 'user' ? p.id : null, ctx.platform.clock.now());
    await audit(c, { action: 'registry.settings', entityType: 'setting', entityId: HOUSEHOLD_NORM_KEY, before, after: input });
  });
  return { householdNorm: input.householdNorm };
}

type GridRef = { id: string; code: string; name: string };
const round = (x: number) => Math.round(x * 10) / 10;

/**
 * What is wrong with a community's grids: more households than the norm (registry count, or the
 * entered count where no household is registered yet), polygons that overlap, area of the community
 * no grid covers (gaps), grid area outside the community, grids without a polygon. Areas come from
 * exact polygon clipping (polygon-clipping) measured in m²; slivers under 1 m² are ignored.
 */
export async function gridWarnings(ctx: Ctx, communityId: string) {
  requirePermission(ctx, 'region.read');
  const community = await store.findVisibleRegion(ctx.db, anchorOf(ctx), communityId);
  if (!community || community.level !== 'community') throw notFound();
  const grids = await store.communityGrids(ctx.db, community.id);
  const norm = await householdNorm(ctx);
  const counts = await store.registryCounts(ctx.db, 'grid', grids.map((g) => g.id));
  const ref = (g: GridRef) => ({ id: g.id, code: g.code, name: g.name });

  const overNorm = grids
    .map((g) => {
      const registered = counts.get(g.id)?.households ?? 0;
      return { grid: ref(g), households: registered > 0 ? registered : g.households ?? 0 };
    })
    .filter((g) => g.households > norm)
    .map((g) => ({ ...g, norm }));

  const shaped = grids.filter((g) => g.geometry).map((g) => ({ g, geom: g.geometry as AreaGeometry, box: bboxOf(g.geometry as AreaGeometry) }));
  const refLat = shaped.length ? (shaped[0].box.minLat + shaped[0].box.maxLat) / 2 : 0;
  const overlaps: { a: ReturnType<typeof ref>; b: ReturnType<typeof ref>; areaM2: number }[] = [];
  for (let i = 0; i < shaped.length; i++) {
    for (let j = i + 1; j < shaped.length; j++) {
      if (!bboxesOverlap(shaped[i].box, shaped[j].box)) continue;
      const area = areaM2(intersectionOf(shaped[i].geom, shaped[j].geom), refLat);
      if (area > AREA_TOLERANCE_M2) overlaps.push({ a: ref(shaped[i].g), b: ref(shaped[j].g), areaM2: round(area) });
    }
  }

  const gaps: { areaM2: number; geometry: GeoJsonGeometry }[] = [];
  const outside: { grid: ReturnType<typeof ref>; areaM2: number }[] = [];
  if (community.geometry) {
    const area = community.geometry as AreaGeometry;
    for (const piece of differenceOf(area, unionOf(shaped.map((s) => s.geom)))) {
      const m2 = areaM2([piece], refLat || (bboxOf(area).minLat + bboxOf(area).maxLat) / 2);
      if (m2 > AREA_TOLERANCE_M2) gaps.push({ areaM2: round(m2), geometry: { type: 'Polygon', coordinates: piece } });
    }
    for (const s of shaped) {
      const m2 = areaM2(differenceOf(s.geom, asRings(area)), refLat);
      if (m2 > AREA_TOLERANCE_M2) outside.push({ grid: ref(s.g), areaM2: round(m2) });
    }
  }
  return {
    community: { id: community.id, code: community.code, name: community.name },
    householdNorm: norm,
    overNorm,
    overlaps,
    gaps,
    outsideCommunity: outside,
    withoutPolygon: grids.filter((g) => !g.geometry).map(ref),
  };
}

const asRings = (g: AreaGeometry) => (g.type === 'Polygon' ? [g.coordinates] : g.coordinates);
