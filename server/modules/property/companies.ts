import { sql } from 'kysely';
import { requirePermission } from '../../platform/access/index.ts';
import { audit } from '../../platform/audit/index.ts';
import { inTransaction, now, type Ctx } from '../../platform/context.ts';
import { invalid } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { companyOr404, compoundInScope, compoundOr404, managedBy, propertyScope, userId } from './access.ts';
import { addMonths, quarterOf } from './rules.ts';
import type { GovernanceModel } from './tables.ts';

/**
 * 三方共治 as the registry shows it: with a property company and an owners' committee 1+3, a company
 * alone 1+2, self-managed (residents' committee or work unit) 1+1. Recorded values win.
 */
export function derivedModel(c: { management: string; owners_committee_org_id: string | null }): GovernanceModel {
  if (c.management !== 'property_company') return '1+1';
  return c.owners_committee_org_id ? '1+3' : '1+2';
}

export async function listCompanies(ctx: Ctx, q: { streetId?: string; q?: string }) {
  requirePermission(ctx, 'property.read');
  const scope = propertyScope(ctx);
  const since = addMonths(now(ctx), -12);
  let query = ctx.db
    .selectFrom('org as o')
    .leftJoin('property_company as p', 'p.org_id', 'o.id')
    .select(['o.id', 'o.name', 'o.code', 'p.qualification', 'p.contact_name', 'p.contact_phone', 'p.has_party_org'])
    .select((eb) => [
      eb.selectFrom('compound as c').select(sql<number>`count(*)::int`.as('n')).whereRef('c.property_company_org_id', '=', 'o.id').where('c.management', '=', 'property_company').as('compounds'),
      eb.selectFrom('credit_score as s').select('s.total').whereRef('s.company_org_id', '=', 'o.id').where('s.compound_id', 'is', null).orderBy('s.quarter', 'desc').limit(1).as('latest_total'),
      eb.selectFrom('credit_score as s').select('s.grade').whereRef('s.company_org_id', '=', 'o.id').where('s.compound_id', 'is', null).orderBy('s.quarter', 'desc').limit(1).as('latest_grade'),
      eb.selectFrom('credit_score as s').select('s.quarter').whereRef('s.company_org_id', '=', 'o.id').where('s.compound_id', 'is', null).orderBy('s.quarter', 'desc').limit(1).as('latest_quarter'),
      eb.selectFrom('credit_record as r').select(sql<number>`count(*)::int`.as('n')).whereRef('r.company_org_id', '=', 'o.id').where('r.kind', '=', 'yellow_card').where('r.at', '>', since).as('yellow_cards'),
      eb.selectFrom('credit_record as r').select(sql<number>`count(*)::int`.as('n')).whereRef('r.company_org_id', '=', 'o.id').where('r.kind', '=', 'red_card').where('r.at', '>', since).as('red_cards'),
    ])
    .where('o.kind', '=', 'property_company')
    .where((eb) =>
      eb.exists(
        eb.selectFrom('compound as c').select(sql`1`.as('x')).whereRef('c.property_company_org_id', '=', 'o.id').where(compoundInScope(scope)).$if(Boolean(q.streetId), (s) => s.where('c.street_id', '=', q.streetId!)),
      ),
    )
    .orderBy('o.name')
    .limit(1000);
  if (q.q) query = query.where('o.name', 'like', `%${q.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`);
  return query.execute();
}

/** Compounds in the oversight scope (a housing bureau reaches its whole region), with company and governance model. */
export async function listCompounds(ctx: Ctx, q: { managed?: boolean }) {
  requirePermission(ctx, 'property.read');
  const rows = await ctx.db
    .selectFrom('compound as c')
    .leftJoin('org as o', 'o.id', 'c.property_company_org_id')
    .leftJoin('property_compound as g', 'g.compound_id', 'c.id')
    .select(['c.id', 'c.name', 'c.management', 'c.owners_committee_org_id', 'c.street_id', 'c.community_id', 'c.property_company_org_id as company_id', 'o.name as company_name', 'g.governance_model'])
    .where(compoundInScope(propertyScope(ctx)))
    .$if(q.managed === true, (s) => s.where('c.management', '=', 'property_company').where('c.property_company_org_id', 'is not', null))
    .orderBy('c.name')
    .limit(5000)
    .execute();
  return rows.map((r) => ({
    id: r.id, name: r.name, management: r.management, streetId: r.street_id, communityId: r.community_id, companyId: r.company_id, companyName: r.company_name,
    governanceModel: r.governance_model ?? derivedModel(r), governanceRecorded: r.governance_model !== null,
  }));
}

export async function getCompany(ctx: Ctx, id: string) {
  requirePermission(ctx, 'property.read');
  const scope = propertyScope(ctx);
  const company = await companyOr404(ctx.db, scope, id);
  const [profile, compounds, contracts] = await Promise.all([
    ctx.db.selectFrom('property_company').selectAll().where('org_id', '=', id).executeTakeFirst(),
    ctx.db
      .selectFrom('compound as c')
      .leftJoin('property_compound as g', 'g.compound_id', 'c.id')
      .select(['c.id', 'c.name', 'c.management', 'c.owners_committee_org_id', 'c.street_id', 'c.community_id', 'g.governance_model'])
      .where('c.property_company_org_id', '=', id)
      .where(compoundInScope(scope))
      .orderBy('c.name')
      .execute(),
    ctx.db.selectFrom('property_contract as k').innerJoin('compound as c', 'c.id', 'k.compound_id').selectAll('k').select('c.name as compound_name').where('k.company_org_id', '=', id).where(compoundInScope(scope)).orderBy('k.starts_on', 'desc').execute(),
  ]);
  return { company, profile: profile ?? null, compounds: compounds.map((c) => ({ ...c, governance_model: c.governance_model ?? derivedModel(c) })), contracts };
}

export async function updateCompany(ctx: Ctx, id: string, input: { qualification?: string | null; contactName?: string | null; contactPhone?: string | null; hasPartyOrg?: boolean }) {
  requirePermission(ctx, 'property.manage');
  const scope = propertyScope(ctx);
  return inTransaction(ctx, async (trx, ctx) => {
    await companyOr404(trx, scope, id);
    const before = await trx.selectFrom('property_company').selectAll().where('org_id', '=', id).forUpdate().executeTakeFirst();
    const row = {
      qualification: input.qualification !== undefined ? input.qualification : before?.qualification ?? null,
      contact_name: input.contactName !== undefined ? input.contactName : before?.contact_name ?? null,
      contact_phone: input.contactPhone !== undefined ? input.contactPhone : before?.contact_phone ?? null,
      has_party_org: input.hasPartyOrg ?? before?.has_party_org ?? false,
      updated_at: now(ctx),
    };
    await trx.insertInto('property_company').values({ org_id: id, ...row }).onConflict((oc) => oc.column('org_id').doUpdateSet(row)).execute();
    await audit(ctx, { action: 'property.company.update', entityType: 'org', entityId: id, before, after: row, details: { fields: Object.keys(input) } });
    return getCompany(ctx, id);
  });
}

export async function getCompoundOversight(ctx: Ctx, id: string) {
  requirePermission(ctx, 'property.read');
  const scope = propertyScope(ctx);
  const c = await compoundOr404(ctx.db, scope, id);
  const [g, contracts, company] = await Promise.all([
    ctx.db.selectFrom('property_compound').select('governance_model').where('compound_id', '=', id).executeTakeFirst(),
    ctx.db.selectFrom('property_contract').selectAll().where('compound_id', '=', id).orderBy('starts_on', 'desc').execute(),
    c.property_company_org_id ? ctx.db.selectFrom('org').select(['id', 'name']).where('id', '=', c.property_company_org_id).executeTakeFirst() : undefined,
  ]);
  return { compound: c, governanceModel: g?.governance_model ?? derivedModel(c), governanceRecorded: Boolean(g?.governance_model), company: company ?? null, contracts };
}

export async function setGovernance(ctx: Ctx, id: string, model: GovernanceModel | null) {
  requirePermission(ctx, 'property.manage');
  const scope = propertyScope(ctx);
  return inTransaction(ctx, async (trx, ctx) => {
    await compoundOr404(trx, scope, id, true);
    const before = await trx.selectFrom('property_compound').select('governance_model').where('compound_id', '=', id).executeTakeFirst();
    await trx.insertInto('property_compound').values({ compound_id: id, governance_model: model, updated_at: now(ctx) }).onConflict((oc) => oc.column('compound_id').doUpdateSet({ governance_model: model, updated_at: now(ctx) })).execute();
    await audit(ctx, { action: 'property.governance.set', entityType: 'compound', entityId: id, details: { from: before?.governance_model ?? null, to: model } });
    return getCompoundOversight(ctx, id);
  });
}

export interface ContractInput {
  startsOn: string;
  endsOn: string;
  starLevel: number;
  feeRates: Record<string, number>;
  fileId?: string | null;
}

export async function createContract(ctx: Ctx, compoundId: string, input: ContractInput) {
  requirePermission(ctx, 'property.manage');
  const scope = propertyScope(ctx);
  if (input.endsOn <= input.startsOn) throw invalid('endsOn', 'property.ends_before_start');
  if (!('residential' in input.feeRates)) throw invalid('feeRates.residential', 'validation.required');
  return inTransaction(ctx, async (trx, ctx) => {
    const c = await compoundOr404(trx, scope, compoundId, true);
    const company = managedBy(c);
    if (input.fileId && !(await trx.selectFrom('file_object').select('id').where('id', '=', input.fileId).executeTakeFirst())) throw invalid('fileId', 'property.unknown_file');
    const overlap = await trx.selectFrom('property_contract').select('id').where('compound_id', '=', compoundId).where('starts_on', '<=', input.endsOn).where('ends_on', '>=', input.startsOn).executeTakeFirst();
    if (overlap) throw invalid('startsOn', 'property.contract_overlap');
    const id = newId();
    await trx
      .insertInto('property_contract')
      .values({ id, compound_id: compoundId, company_org_id: company, starts_on: input.startsOn, ends_on: input.endsOn, star_level: input.starLevel, fee_rates: JSON.stringify(input.feeRates), file_id: input.fileId ?? null, created_by: userId(ctx), created_at: now(ctx) })
      .execute();
    await audit(ctx, { action: 'property.contract.create', entityType: 'property_contract', entityId: id, details: { compoundId, company, quarter: quarterOf(now(ctx), ctx.platform.config.timeZone) } });
    return { id };
  });
}
