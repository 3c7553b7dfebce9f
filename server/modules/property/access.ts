import { sql, type ExpressionBuilder } from 'kysely';
import type { Executor } from '../../db/index.ts';
import { inScope, scopeOf, type Scope } from '../../platform/access/index.ts';
import type { Ctx } from '../../platform/context.ts';
import { invalid, notFound } from '../../platform/errors.ts';
import { placeTarget } from '../registry/places/store.ts';
import { getSetting } from '../registry/regions/store.ts';

/**
 * Where property oversight reaches. Region-bound staff reach the compounds of their region; a property
 * company or owners' committee its own compounds (the registry's rule); the housing bureau (住建局, a
 * department) oversees every compound of its region: supervising property is its assigned work.
 */
export function propertyScope(ctx: Ctx): Scope {
  const p = ctx.principal;
  if (p.kind === 'user' && p.deptType === 'housing' && p.orgRegionId && p.orgRegionLevel) return { kind: 'region', level: p.orgRegionLevel, regionId: p.orgRegionId };
  return scopeOf(ctx);
}

export const compoundTarget = placeTarget('c', 'c');

/** The compounds a caller may reach, as a condition on `compound as c`. */
export const compoundInScope = (scope: Scope) => <D, T extends keyof D>(eb: ExpressionBuilder<D, T>) => inScope(eb, scope, compoundTarget);

export interface CompoundRow {
  id: string;
  name: string;
  management: string;
  property_company_org_id: string | null;
  owners_committee_org_id: string | null;
  city_id: string;
  district_id: string;
  street_id: string;
  community_id: string;
}

/** A compound in scope, or 404. */
export async function compoundOr404(db: Executor, scope: Scope, id: string, lock = false): Promise<CompoundRow> {
  let q = db
    .selectFrom('compound as c')
    .select(['c.id', 'c.name', 'c.management', 'c.property_company_org_id', 'c.owners_committee_org_id', 'c.city_id', 'c.district_id', 'c.street_id', 'c.community_id'])
    .where('c.id', '=', id)
    .where(compoundInScope(scope));
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) throw notFound();
  return row;
}

/** The property company running the compound; fees, contracts and inspections need one (400 otherwise). */
export function managedBy(c: Pick<CompoundRow, 'management' | 'property_company_org_id'>): string {
  const company = c.management === 'property_company' ? c.property_company_org_id : null;
  if (!company) throw invalid('compoundId', 'property.not_managed');
  return company;
}

/** A property company that manages at least one compound in scope, or 404. */
export async function companyOr404(db: Executor, scope: Scope, id: string) {
  const row = await db
    .selectFrom('org as o')
    .select(['o.id', 'o.name', 'o.code', 'o.region_id'])
    .where('o.id', '=', id)
    .where('o.kind', '=', 'property_company')
    .where((eb) => eb.exists(eb.selectFrom('compound as c').select(sql`1`.as('x')).whereRef('c.property_company_org_id', '=', 'o.id').where(compoundInScope(scope))))
    .executeTakeFirst();
  if (!row) throw notFound();
  return row;
}

/** A property setting (stored with the registry's setting helpers), or its default when none is stored. */
export async function setting<T>(db: Executor, key: string, fallback: T): Promise<T> {
  return (await getSetting<T>(db, key)) ?? fallback;
}

export const userId = (ctx: Ctx) => (ctx.principal.kind === 'user' ? ctx.principal.id : null);
export const orgId = (ctx: Ctx) => (ctx.principal.kind === 'user' || ctx.principal.kind === 'integration' ? ctx.principal.orgId : null);

/** The offices that step in for a compound: its community committee, street office, the district's housing bureau. */
export async function overseersOf(db: Executor, c: { community_id: string; street_id: string; district_id: string }): Promise<string[]> {
  const rows = await db
    .selectFrom('org')
    .select('id')
    .where('active', '=', true)
    .where((eb) =>
      eb.or([
        eb.and([eb('kind', '=', 'community_committee'), eb('region_id', '=', c.community_id)]),
        eb.and([eb('kind', '=', 'street_office'), eb('region_id', '=', c.street_id)]),
        eb.and([eb('kind', '=', 'department'), eb('dept_type', '=', 'housing'), eb('region_id', '=', c.district_id)]),
      ]),
    )
    .execute();
  return rows.map((r) => r.id);
}

export async function housingBureausOf(db: Executor, districtId: string): Promise<string[]> {
  const rows = await db.selectFrom('org').select('id').where('kind', '=', 'department').where('dept_type', '=', 'housing').where('region_id', '=', districtId).where('active', '=', true).execute();
  return rows.map((r) => r.id);
}
