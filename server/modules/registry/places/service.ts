import { audit } from '../../../platform/audit/index.ts';
import { inTransaction, type Ctx } from '../../../platform/context.ts';
import { badRequest, conflict, invalid, notFound } from '../../../platform/errors.ts';
import { newId } from '../../../platform/ids.ts';
import { hasPermission, requirePermission, scopeOf } from '../../../platform/access/index.ts';
import * as regions from '../regions/store.ts';
import { normalizeBuildingNumber, normalizeRoom, normalizeUnitNumber } from '../normalize.ts';
import type { CompoundTable, Occupancy } from '../tables.ts';
import * as store from './store.ts';

/** "阳光花园3号楼2单元301" */
export function householdLabel(h: { compound_name: string | null; building_number: string; unit_no: string; room_no: string }) {
  return `${h.compound_name ?? ''}${h.building_number}${h.unit_no ? `${h.unit_no}单元` : ''}${h.room_no}`;
}

const located = (r: { city_id: string | null; district_id: string | null; street_id: string | null; community_id: string | null }) => ({
  city_id: r.city_id!,
  district_id: r.district_id!,
  street_id: r.street_id!,
  community_id: r.community_id!,
});

// ---- compounds

export async function listCompounds(ctx: Ctx, f: { communityId?: string; q?: string }) {
  requirePermission(ctx, 'region.read');
  return store.listCompounds(ctx.db, scopeOf(ctx), f);
}

export async function getCompound(ctx: Ctx, id: string) {
  requirePermission(ctx, 'region.read');
  const c = await store.findCompound(ctx.db, scopeOf(ctx), id);
  if (!c) throw notFound();
  return c;
}

export interface CompoundInput {
  communityId: string;
  name: string;
  type: CompoundTable['type'];
  management: CompoundTable['management'];
  propertyCompanyOrgId?: string | null;
  ownersCommitteeOrgId?: string | null;
  workUnit?: string | null;
  address: string;
  lng?: number | null;
  lat?: number | null;
  builtYear?: number | null;
}

async function checkCompoundOrgs(ctx: Ctx, input: Partial<CompoundInput>, management: CompoundTable['management']) {
  if (input.propertyCompanyOrgId && (await store.orgKind(ctx.db, input.propertyCompanyOrgId)) !== 'property_company') throw invalid('propertyCompanyOrgId', 'error.not_found');
  if (input.ownersCommitteeOrgId && (await store.orgKind(ctx.db, input.ownersCommitteeOrgId)) !== 'owners_committee') throw invalid('ownersCommitteeOrgId', 'error.not_found');
  if (management === 'property_company' && input.propertyCompanyOrgId === null) throw invalid('propertyCompanyOrgId', 'validation.required');
}

export async function createCompound(ctx: Ctx, input: CompoundInput) {
  requirePermission(ctx, 'place.write');
  const community = await regions.findRegionInScope(ctx.db, scopeOf(ctx), input.communityId);
  if (!community || community.level !== 'community') throw invalid('communityId', 'error.not_found');
  if (input.management === 'property_company' && !input.propertyCompanyOrgId) throw invalid('propertyCompanyOrgId', 'validation.required');
  await checkCompoundOrgs(ctx, input, input.management);
  if (await store.compoundByName(ctx.db, community.id, input.name)) throw conflict('COMPOUND_EXISTS', 'registry.compound_exists');
  const id = newId();
  const row = {
    id,
    name: input.name,
    type: input.type,
    management: input.management,
    property_company_org_id: input.propertyCompanyOrgId ?? null,
    owners_committee_org_id: input.ownersCommitteeOrgId ?? null,
    work_unit: input.workUnit ?? null,
    address: input.address,
    lng: input.lng ?? null,
    lat: input.lat ?? null,
    built_year: input.builtYear ?? null,
    ...located(community),
    grid_id: null,
  };
  return inTransaction(ctx, async (trx, c) => {
    await store.insertCompound(trx, row);
    await audit(c, { action: 'compound.create', entityType: 'compound', entityId: id, after: row });
    return { id };
  });
}

export async function updateCompound(ctx: Ctx, id: string, input: Partial<Omit<CompoundInput, 'communityId'>>) {
  requirePermission(ctx, 'place.write');
  const before = await getCompound(ctx, id);
  if (Object.keys(input).length === 0) throw badRequest({ _: { key: 'validation.required' } });
  await checkCompoundOrgs(ctx, input, input.management ?? before.management);
  if (input.name && input.name !== before.name && (await store.compoundByName(ctx.db, before.community_id, input.name))) throw conflict('COMPOUND_EXISTS', 'registry.compound_exists');
  const set = {
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.type !== undefined ? { type: input.type } : {}),
    ...(input.management !== undefined ? { management: input.management } : {}),
    ...(input.propertyCompanyOrgId !== undefined ? { property_company_org_id: input.propertyCompanyOrgId } : {}),
    ...(input.ownersCommitteeOrgId !== undefined ? { owners_committee_org_id: input.ownersCommitteeOrgId } : {}),
    ...(input.workUnit !== undefined ? { work_unit: input.workUnit } : {}),
    ...(input.address !== undefined ? { address: input.address } : {}),
    ...(input.lng !== undefined ? { lng: input.lng } : {}),
    ...(input.lat !== undefined ? { lat: input.lat } : {}),
    ...(input.builtYear !== undefined ? { built_year: input.builtYear } : {}),
    updated_at: ctx.platform.clock.now(),
  };
  await inTransaction(ctx, async (trx, c) => {
    await store.updateCompound(trx, id, set);
    await audit(c, { action: 'compound.update', entityType: 'compound', entityId: id, before, after: set, details: { fields: Object.keys(input) } });
  });
  return getCompound(ctx, id);
}

// ---- buildings

export async function listBuildings(ctx: Ctx, f: { compoundId?: string; gridId?: string; communityId?: string }) {
  requirePermission(ctx, 'region.read');
  return store.listBuildings(ctx.db, scopeOf(ctx), f);
}

export async function getBuilding(ctx: Ctx, id: string) {
  requirePermission(ctx, 'region.read');
  const b = await store.findBuilding(ctx.db, scopeOf(ctx), id);
  if (!b) throw notFound();
  return { ...b, units: await store.unitsOf(ctx.db, id) };
}

/** A grid in the caller's scope inside the given community: a building lies in exactly one grid of its community. */
async function gridFor(ctx: Ctx, gridId: string, communityId: string) {
  const g = await regions.findRegionInScope(ctx.db, scopeOf(ctx), gridId);
  if (!g || g.level !== 'grid') throw invalid('gridId', 'error.not_found');
  if (g.community_id !== communityId) throw invalid('gridId', 'registry.grid_other_community');
  return g;
}

export interface BuildingInput {
  compoundId?: string | null;
  communityId?: string;
  number: string;
  gridId: string;
  floors?: number | null;
  unitCount?: number | null;
  address?: string | null;
  lng?: number | null;
  lat?: number | null;
}

export async function createBuilding(ctx: Ctx, input: BuildingInput) {
  requirePermission(ctx, 'place.write');
  const scope = scopeOf(ctx);
  let communityId: string;
  let compoundName = '';
  let compoundAddress = '';
  if (input.compoundId) {
    const c = await store.findCompound(ctx.db, scope, input.compoundId);
    if (!c) throw invalid('compoundId', 'error.not_found');
    communityId = c.community_id;
    compoundName = c.name;
    compoundAddress = c.address;
  } else {
    if (!input.communityId) throw invalid('communityId', 'validation.required');
    communityId = input.communityId;
  }
  const grid = await gridFor(ctx, input.gridId, communityId);
  const numberKey = normalizeBuildingNumber(input.number);
  if (!numberKey) throw invalid('number', 'validation.required');
  if (await store.buildingByKey(ctx.db, input.compoundId ?? null, communityId, numberKey)) throw conflict('BUILDING_EXISTS', 'registry.building_exists');
  const id = newId();
  const row = {
    id,
    compound_id: input.compoundId ?? null,
    number: input.number.trim(),
    number_key: numberKey,
    address: input.address ?? `${compoundAddress}${compoundName}${input.number.trim()}`,
    floors: input.floors ?? null,
    unit_count: input.unitCount ?? null,
    lng: input.lng ?? null,
    lat: input.lat ?? null,
    ...located(grid),
    grid_id: grid.id,
  };
  return inTransaction(ctx, async (trx, c) => {
    await store.insertBuilding(trx, row);
    for (let u = 1; u <= (input.unitCount ?? 0); u++) await store.ensureUnit(trx, row, String(u), newId());
    await audit(c, { action: 'building.create', entityType: 'building', entityId: id, after: row });
    return { id };
  });
}

export async function updateBuilding(ctx: Ctx, id: string, input: Partial<Omit<BuildingInput, 'compoundId' | 'communityId'>>) {
  requirePermission(ctx, 'place.write');
  const before = await getBuilding(ctx, id);
  if (Object.keys(input).length === 0) throw badRequest({ _: { key: 'validation.required' } });
  const grid = input.gridId && input.gridId !== before.grid_id ? await gridFor(ctx, input.gridId, before.community_id) : null;
  const numberKey = input.number !== undefined ? normalizeBuildingNumber(input.number) : undefined;
  if (numberKey !== undefined && numberKey !== before.number_key && (await store.buildingByKey(ctx.db, before.compound_id, before.community_id, numberKey))) {
    throw conflict('BUILDING_EXISTS', 'registry.building_exists');
  }
  const set = {
    ...(input.number !== undefined ? { number: input.number.trim(), number_key: numberKey } : {}),
    ...(grid ? { grid_id: grid.id } : {}),
    ...(input.floors !== undefined ? { floors: input.floors } : {}),
    ...(input.unitCount !== undefined ? { unit_count: input.unitCount } : {}),
    ...(input.address !== undefined && input.address !== null ? { address: input.address } : {}),
    ...(input.lng !== undefined ? { lng: input.lng } : {}),
    ...(input.lat !== undefined ? { lat: input.lat } : {}),
    updated_at: ctx.platform.clock.now(),
  };
  await inTransaction(ctx, async (trx, c) => {
    await store.updateBuilding(trx, id, set);
    if (grid) await store.moveBuildingPlace(trx, id, grid.id);
    for (let u = 1; u <= (input.unitCount ?? 0); u++) await store.ensureUnit(trx, before, String(u), newId());
    await audit(c, { action: 'building.update', entityType: 'building', entityId: id, before, after: set, details: { fields: Object.keys(input), movedToGrid: grid?.id ?? null } });
  });
  return getBuilding(ctx, id);
}

// ---- households

export async function listHouseholds(ctx: Ctx, f: { buildingId?: string; unitId?: string; gridId?: string; compoundId?: string }) {
  requirePermission(ctx, 'region.read');
  if (!f.buildingId && !f.unitId && !f.gridId && !f.compoundId) throw invalid('buildingId', 'validation.required');
  return store.listHouseholds(ctx.db, scopeOf(ctx), f);
}

/** A household; its members (names, relations, history) only for callers who may read residents. */
export async function getHousehold(ctx: Ctx, id: string) {
  requirePermission(ctx, 'region.read');
  const h = await store.findHousehold(ctx.db, scopeOf(ctx), id);
  if (!h) throw notFound();
  const members = hasPermission(ctx, 'resident.read') && scopeOf(ctx).kind !== 'org' ? await store.householdMembers(ctx.db, id) : null;
  return { ...h, members };
}

export interface HouseholdInput {
  buildingId: string;
  unit?: string | null;
  room: string;
  floor?: number | null;
  areaM2?: number | null;
  occupancy: Occupancy;
}

/** Unit and room as stored: normalised, the unit taken from the room text when it holds one ("2-501"). */
export function flatOf(unit: string | null | undefined, room: string) {
  const r = normalizeRoom(room);
  const u = unit ? normalizeUnitNumber(unit) : (r.unit ?? '');
  return { unit: u, room: r.room };
}

/** Finds or creates the household of a flat (natural key building + unit + room); used by the API, moves and imports. */
export async function ensureHousehold(
  ctx: Ctx,
  building: { id: string; compound_id: string | null; city_id: string; district_id: string; street_id: string; community_id: string; grid_id: string },
  flat: { unit: string; room: string },
  extra: { floor?: number | null; areaM2?: number | null; occupancy?: Occupancy },
): Promise<{ id: string; created: boolean }> {
  const existing = await store.householdByKey(ctx.db, building.id, flat.unit, flat.room);
  if (existing) return { id: existing.id, created: false };
  const id = newId();
  const unitId = flat.unit ? await store.ensureUnit(ctx.db, building, flat.unit, newId()) : null;
  const row = {
    id,
    building_id: building.id,
    unit_id: unitId,
    unit_no: flat.unit,
    room_no: flat.room,
    floor: extra.floor ?? guessFloor(flat.room),
    area_m2: extra.areaM2 ?? null,
    occupancy: extra.occupancy ?? 'owner',
    compound_id: building.compound_id,
    city_id: building.city_id,
    district_id: building.district_id,
    street_id: building.street_id,
    community_id: building.community_id,
    grid_id: building.grid_id,
  };
  await store.insertHousehold(ctx.db, row);
  await audit(ctx, { action: 'household.create', entityType: 'household', entityId: id, after: row });
  return { id, created: true };
}

/** Room numbers carry the floor in front of a two-digit door number (501 → 5, 1203 → 12). */
function guessFloor(room: string): number | null {
  return /^\d{3,4}$/.test(room) ? Math.floor(Number(room) / 100) || null : null;
}

export async function createHousehold(ctx: Ctx, input: HouseholdInput) {
  requirePermission(ctx, 'place.write');
  const b = await store.findBuilding(ctx.db, scopeOf(ctx), input.buildingId);
  if (!b) throw invalid('buildingId', 'error.not_found');
  const flat = flatOf(input.unit, input.room);
  if (!flat.room) throw invalid('room', 'validation.required');
  return inTransaction(ctx, async (_trx, c) => {
    const r = await ensureHousehold(c, b, flat, input);
    if (!r.created) throw conflict('HOUSEHOLD_EXISTS', 'registry.household_exists', { id: r.id });
    return { id: r.id };
  });
}

export async function updateHousehold(ctx: Ctx, id: string, input: { floor?: number | null; areaM2?: number | null; occupancy?: Occupancy }) {
  requirePermission(ctx, 'place.write');
  const before = await getHousehold(ctx, id);
  if (Object.keys(input).length === 0) throw badRequest({ _: { key: 'validation.required' } });
  const set = {
    ...(input.floor !== undefined ? { floor: input.floor } : {}),
    ...(input.areaM2 !== undefined ? { area_m2: input.areaM2 } : {}),
    ...(input.occupancy !== undefined ? { occupancy: input.occupancy } : {}),
    updated_at: ctx.platform.clock.now(),
  };
  await inTransaction(ctx, async (trx, c) => {
    await store.updateHousehold(trx, id, set);
    await audit(c, { action: 'household.update', entityType: 'household', entityId: id, before: { ...before, members: undefined }, after: set });
  });
  return getHousehold(ctx, id);
}
