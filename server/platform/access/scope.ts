import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { OrgKind, RegionLevel } from '../../db/schema.ts';

/**
 * What a principal may reach. Region-bound bodies (government offices, street offices, community
 * committees, grid workers) reach a subtree of the jurisdiction; other bodies (functional
 * departments, property companies, owners' committees …) reach only what is assigned to them.
 */
export type Scope =
  | { kind: 'all' }
  | { kind: 'region'; level: RegionLevel; regionId: string }
  | { kind: 'org'; orgId: string };

export const NO_SCOPE: Scope = { kind: 'org', orgId: '00000000-0000-0000-0000-000000000000' };

const REGION_BOUND: Partial<Record<OrgKind, true>> = { government: true, street_office: true, community_committee: true };

export function scopeFor(
  org: { id: string; kind: OrgKind; region_id: string | null; region_level: RegionLevel | null },
  gridId: string | null,
): Scope {
  if (org.kind === 'platform') return { kind: 'all' };
  if (gridId) return { kind: 'region', level: 'grid', regionId: gridId };
  if (REGION_BOUND[org.kind] && org.region_id && org.region_level) {
    return { kind: 'region', level: org.region_level, regionId: org.region_id };
  }
  return { kind: 'org', orgId: org.id };
}

export const regionColumn: Record<RegionLevel, 'city_id' | 'district_id' | 'street_id' | 'community_id' | 'grid_id'> = {
  city: 'city_id',
  district: 'district_id',
  street: 'street_id',
  community: 'community_id',
  grid: 'grid_id',
};

export interface ScopeTarget {
  /** table alias whose city_id … grid_id columns place the row in the jurisdiction */
  regionOf?: string;
  /** for org-bound principals: the condition that the row is assigned to (or owned by) the org */
  assignedTo?: (orgId: string) => Expression<SqlBool>;
}

/**
 * The one place scope turns into SQL. Every store that reads or changes scoped rows puts this
 * condition into its WHERE clause; a row outside it is simply not found (404, never 403).
 */
export function inScope<DB, TB extends keyof DB>(eb: ExpressionBuilder<DB, TB>, scope: Scope, target: ScopeTarget): Expression<SqlBool> {
  if (scope.kind === 'all') return sql<boolean>`true`;
  if (scope.kind === 'region') {
    if (!target.regionOf) return sql<boolean>`false`;
    return eb(sql.ref(`${target.regionOf}.${regionColumn[scope.level]}`), '=', scope.regionId) as Expression<SqlBool>;
  }
  return target.assignedTo ? target.assignedTo(scope.orgId) : sql<boolean>`false`;
}

/** Same as inScope, for a row already loaded in memory (region ids and the orgs it is assigned to). */
export function rowInScope(
  scope: Scope,
  row: { city_id?: string | null; district_id?: string | null; street_id?: string | null; community_id?: string | null; grid_id?: string | null },
  assignedOrgIds: string[] = [],
): boolean {
  if (scope.kind === 'all') return true;
  if (scope.kind === 'region') return row[regionColumn[scope.level]] === scope.regionId;
  return assignedOrgIds.includes(scope.orgId);
}
