import type { Executor } from '../../db/index.ts';
import { PREPARE } from '../../db/prepared.ts';
import type { UserPrincipal, IntegrationPrincipal } from '../../platform/context.ts';
import { invalid } from '../../platform/errors.ts';
import { gridAt } from '../registry/regions/service.ts';
import type { CasesConfig, RoutingRule } from './config.ts';

export interface Place {
  lng: number | null;
  lat: number | null;
  address: string | null;
  buildingId: string | null;
  compoundId: string | null;
  propertyCompanyOrgId: string | null;
  city_id: string;
  district_id: string;
  street_id: string;
  community_id: string;
  grid_id: string | null;
  /** region ids from the smallest up, for routing rules bound to a region */
  chain: string[];
}

const regionCols = ['city_id', 'district_id', 'street_id', 'community_id', 'grid_id'] as const;

/**
 * Where a case is: from a building (its grid), from a point (the grid containing it: bounding box
 * in SQL, point-in-polygon here), or — for staff and integrations reporting without a place — the
 * caller's own grid or community. Outside every grid is a 400 on `location`.
 */
export async function resolvePlace(
  db: Executor,
  input: { location?: { lat: number; lng: number; address?: string }; buildingId?: string },
  caller: UserPrincipal | IntegrationPrincipal | null,
  cfg: CasesConfig,
): Promise<Place> {
  const address = input.location?.address ?? null;
  if (input.buildingId) {
    const b = await db
      .selectFrom('building as b')
      .modifyFront(PREPARE)
      .leftJoin('compound as cp', 'cp.id', 'b.compound_id')
      .select(['b.id', 'b.address', 'b.lng', 'b.lat', 'b.compound_id', 'cp.property_company_org_id', 'cp.management', ...regionCols.map((c) => `b.${c}` as const)])
      .where('b.id', '=', input.buildingId)
      .executeTakeFirst();
    if (!b) throw invalid('buildingId', 'error.not_found');
    return {
      lng: input.location?.lng ?? b.lng,
      lat: input.location?.lat ?? b.lat,
      address: address ?? b.address,
      buildingId: b.id,
      compoundId: b.compound_id,
      propertyCompanyOrgId: b.management === 'property_company' ? b.property_company_org_id : null,
      city_id: b.city_id, district_id: b.district_id, street_id: b.street_id, community_id: b.community_id, grid_id: b.grid_id,
      chain: [b.grid_id, b.community_id, b.street_id, b.district_id, b.city_id],
    };
  }
  if (input.location) {
    const { lng, lat } = input.location;
    const grid = await gridAt(db, lng, lat);
    if (!grid) throw invalid('location', 'cases.outside_area');
    return {
      lng, lat, address, buildingId: null, compoundId: null, propertyCompanyOrgId: null,
      city_id: grid.city_id!, district_id: grid.district_id!, street_id: grid.street_id!, community_id: grid.community_id!, grid_id: grid.id,
      chain: [grid.id, grid.community_id!, grid.street_id!, grid.district_id!, grid.city_id!],
    };
  }
  // no place given: the caller's grid (grid worker) or community
  const own = caller?.kind === 'user' && caller.gridId ? caller.gridId : caller ? cfg.orgs.get(caller.orgId)?.regionId ?? null : null;
  const region = own
    ? await db.selectFrom('region').select(['id', 'level', ...regionCols]).where('id', '=', own).executeTakeFirst()
    : undefined;
  if (!region || (region.level !== 'community' && region.level !== 'grid')) throw invalid('location', 'cases.place_required');
  return {
    lng: null, lat: null, address, buildingId: null, compoundId: null, propertyCompanyOrgId: null,
    city_id: region.city_id!, district_id: region.district_id!, street_id: region.street_id!, community_id: region.community_id!,
    grid_id: region.level === 'grid' ? region.id : null,
    chain: [region.grid_id, region.community_id, region.street_id, region.district_id, region.city_id].filter((x): x is string => !!x),
  };
}

export interface Route {
  mainOrgId: string;
  assistOrgIds: string[];
  supervisorOrgId: string | null;
  /** false: no rule matched, the community dispatches by hand */
  matched: boolean;
}

/**
 * Who gets a case: the most specific active rule (second-level category over top-level, compound
 * over region, smaller region over larger, region-bound over everywhere). Property matters inside a
 * compound with a property company go to that company with the community as supervisor.
 */
export function route(cfg: CasesConfig, category: string, place: Place): Route {
  const top = cfg.categories.get(category)?.top ?? category;
  const community = cfg.regionOrg.get(place.community_id)!;
  if (top === 'property' && place.propertyCompanyOrgId) {
    return { mainOrgId: place.propertyCompanyOrgId, assistOrgIds: [], supervisorOrgId: community, matched: true };
  }
  const rank = (r: RoutingRule) => {
    if (r.compound_id && r.compound_id !== place.compoundId) return -1;
    const regionIdx = r.region_id ? place.chain.indexOf(r.region_id) : place.chain.length;
    if (regionIdx < 0) return -1;
    return (r.category === category ? 1000 : 0) + (r.compound_id ? 100 : 0) + (10 - regionIdx);
  };
  const candidates = cfg.routing
    .filter((r) => r.category === category || r.category === top)
    .map((r) => ({ r, score: rank(r) }))
    .filter((x) => x.score >= 0)
    .sort((a, b) => b.score - a.score || a.r.id.localeCompare(b.r.id));
  for (const { r } of candidates) {
    const main = targetOf(cfg, r, place, community);
    if (!main) continue;
    const assist = [
      ...r.assist_org_ids,
      ...r.assist_dept_types.map((t) => deptFor(cfg, t, place)).filter((x): x is string => !!x),
    ].filter((o, i, all) => o !== main && all.indexOf(o) === i);
    const supervisorOrgId = r.supervisor === 'community' ? community : r.supervisor === 'street' ? cfg.regionOrg.get(place.street_id) ?? null : null;
    return { mainOrgId: main, assistOrgIds: assist, supervisorOrgId, matched: r.target !== 'community' };
  }
  return { mainOrgId: community, assistOrgIds: [], supervisorOrgId: null, matched: false };
}

function deptFor(cfg: CasesConfig, deptType: string, place: Place): string | null {
  // a street-level unit (police station) before the district's department
  return cfg.deptIn.get(`${place.street_id}:${deptType}`) ?? cfg.deptIn.get(`${place.district_id}:${deptType}`) ?? null;
}

function targetOf(cfg: CasesConfig, r: RoutingRule, place: Place, community: string): string | null {
  switch (r.target) {
    case 'org':
      return r.target_org_id && cfg.orgs.get(r.target_org_id)?.active ? r.target_org_id : null;
    case 'dept_type':
      return deptFor(cfg, r.target_dept_type!, place);
    case 'property_company':
      return place.propertyCompanyOrgId;
    case 'community':
      return community;
  }
}
