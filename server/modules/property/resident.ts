import { requireResident } from '../../platform/access/index.ts';
import { audit } from '../../platform/audit/index.ts';
import { inTransaction, now, type Ctx } from '../../platform/context.ts';
import { badRequest, conflict, forbidden, notFound, type FieldErrors } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { Executor } from '../../db/index.ts';
import { derivedModel } from './companies.ts';
import { loadStandard } from './credit.ts';
import { booksOf } from './fees.ts';
import { talliesOf } from './fund.ts';
import { quarterOf } from './rules.ts';
import { toLocal } from '../cases/worktime.ts';

/** The signed-in resident's home as the registry knows it: their current household and its compound. */
async function myHome(ctx: Ctx, db: Executor = ctx.db) {
  const p = requireResident(ctx);
  if (!p.residentId) throw notFound('property.no_home');
  const home = await db
    .selectFrom('resident as r')
    .innerJoin('household as h', 'h.id', 'r.household_id')
    .innerJoin('compound as c', 'c.id', 'h.compound_id')
    .select(['r.id as resident_id', 'h.id as household_id', 'h.occupancy', 'h.area_m2', 'c.id as compound_id', 'c.name as compound_name', 'c.management', 'c.property_company_org_id', 'c.owners_committee_org_id'])
    .where('r.id', '=', p.residentId)
    .where('r.status', '=', 'active')
    .executeTakeFirst();
  if (!home) throw notFound('property.no_home');
  return home;
}

/** Owner-only actions (rating, voting) are for members of an owner-occupied household. */
function requireOwner(home: Awaited<ReturnType<typeof myHome>>) {
  if (home.occupancy !== 'owner') throw forbidden('property.owners_only');
}

export async function myProperty(ctx: Ctx) {
  const home = await myHome(ctx);
  const company = home.management === 'property_company' && home.property_company_org_id ? home.property_company_org_id : null;
  const [g, contract, org, score, rated, std] = await Promise.all([
    ctx.db.selectFrom('property_compound').select('governance_model').where('compound_id', '=', home.compound_id).executeTakeFirst(),
    ctx.db.selectFrom('property_contract').select(['starts_on', 'ends_on', 'star_level', 'fee_rates']).where('compound_id', '=', home.compound_id).orderBy('starts_on', 'desc').executeTakeFirst(),
    company ? ctx.db.selectFrom('org').select(['id', 'name']).where('id', '=', company).executeTakeFirst() : undefined,
    company ? ctx.db.selectFrom('credit_score').select(['quarter', 'total', 'grade']).where('company_org_id', '=', company).where('compound_id', 'is', null).orderBy('quarter', 'desc').executeTakeFirst() : undefined,
    ctx.db.selectFrom('property_rating').select('id').where('household_id', '=', home.household_id).where('quarter', '=', quarterOf(now(ctx), ctx.platform.config.timeZone)).executeTakeFirst(),
    loadStandard(ctx.db),
  ]);
  return {
    compoundId: home.compound_id,
    compoundName: home.compound_name,
    governanceModel: g?.governance_model ?? derivedModel(home),
    company: org ? { id: org.id, name: org.name, latestScore: score ? { quarter: score.quarter, total: score.total, grade: score.grade } : null } : null,
    contract: contract ? { startsOn: contract.starts_on, endsOn: contract.ends_on, starLevel: contract.star_level, feeRates: contract.fee_rates as unknown as Record<string, number> } : null,
    isOwner: home.occupancy === 'owner',
    ratedThisQuarter: Boolean(rated),
    ratingItems: std.items.filter((i) => i.part_code === 'owner').map((i) => ({ code: i.code, nameZh: i.name_zh, nameEn: i.name_en })),
  };
}

/** One rating per household per quarter (the unique index decides a race), from an owner of the compound. */
export async function rateCompany(ctx: Ctx, input: { scores: { code: string; score: number }[]; comment?: string | null }) {
  return inTransaction(ctx, async (trx, ctx) => {
    const home = await myHome(ctx, trx);
    requireOwner(home);
    if (home.management !== 'property_company' || !home.property_company_org_id) throw conflict('NO_COMPANY', 'property.not_managed');
    const std = await loadStandard(trx);
    const items = std.items.filter((i) => i.part_code === 'owner');
    const fields: FieldErrors = {};
    const scores: Record<string, number> = {};
    input.scores.forEach((s, n) => {
      if (!items.some((i) => i.code === s.code)) fields[`scores.${n}.code`] = { key: 'property.unknown_item' };
      else if (s.code in scores) fields[`scores.${n}.code`] = { key: 'property.duplicate_code' };
      scores[s.code] = s.score;
    });
    for (const i of items) if (!(i.code in scores)) fields[`scores.${i.code}`] = { key: 'validation.required' };
    if (Object.keys(fields).length) throw badRequest(fields);
    const quarter = quarterOf(now(ctx), ctx.platform.config.timeZone);
    const id = newId();
    const r = await trx
      .insertInto('property_rating')
      .values({ id, compound_id: home.compound_id, company_org_id: home.property_company_org_id, household_id: home.household_id, resident_id: home.resident_id, quarter, scores: JSON.stringify(scores), comment: input.comment ?? null, created_at: now(ctx) })
      .onConflict((oc) => oc.columns(['household_id', 'quarter']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!r) throw conflict('ALREADY_RATED', 'property.already_rated', { quarter });
    await audit(ctx, { action: 'property.rating.create', entityType: 'property_rating', entityId: id, details: { quarter, compoundId: home.compound_id } });
    return { id, quarter };
  });
}

export async function myBill(ctx: Ctx) {
  const home = await myHome(ctx);
  const month = toLocal(now(ctx), ctx.platform.config.timeZone).date.slice(0, 7);
  const [charges, payments] = await Promise.all([
    ctx.db.selectFrom('fee_charge').select(['period', 'area_m2', 'rate_fen', 'amount_fen']).where('household_id', '=', home.household_id).orderBy('period', 'desc').limit(120).execute(),
    ctx.db.selectFrom('fee_payment').select(['paid_on', 'amount_fen', 'method', 'reference']).where('household_id', '=', home.household_id).orderBy('paid_on', 'desc').limit(120).execute(),
  ]);
  const [due, paid] = await Promise.all([
    ctx.db.selectFrom('fee_charge').select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount_fen'), eb.val(0)).as('s')).where('household_id', '=', home.household_id).where('period', '<=', month).executeTakeFirstOrThrow(),
    ctx.db.selectFrom('fee_payment').select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount_fen'), eb.val(0)).as('s')).where('household_id', '=', home.household_id).executeTakeFirstOrThrow(),
  ]);
  return { compoundName: home.compound_name, areaM2: home.area_m2, charges, payments, dueFen: Number(due.s), paidFen: Number(paid.s), arrearsFen: Math.max(0, Number(due.s) - Number(paid.s)) };
}

/** The books of the resident's own compound, and nothing else. */
export async function myBooks(ctx: Ctx) {
  const home = await myHome(ctx);
  const books = await booksOf(ctx.db, home.compound_id);
  const [myVotes, running] = await Promise.all([
    ctx.db.selectFrom('fund_vote').select(['proposal_id', 'choice']).where('household_id', '=', home.household_id).execute(),
    talliesOf(ctx.db, books.proposals.filter((p) => p.status === 'voting')),
  ]);
  const proposals = books.proposals.map((p) => ({ ...p, tally: running.get(p.id) ?? p.tally, myVote: myVotes.find((v) => v.proposal_id === p.id)?.choice ?? null }));
  return { compoundId: home.compound_id, compoundName: home.compound_name, statements: books.statements, proposals };
}

/** An owner household's vote; one per household (the primary key decides a race), while voting is open. */
export async function vote(ctx: Ctx, input: { proposalId: string; choice: 'agree' | 'disagree' | 'abstain' }) {
  return inTransaction(ctx, async (trx, ctx) => {
    const home = await myHome(ctx, trx);
    const p = await trx.selectFrom('fund_proposal').select(['id', 'status', 'voting_closes_at', 'compound_id']).where('id', '=', input.proposalId).where('compound_id', '=', home.compound_id).executeTakeFirst();
    if (!p) throw notFound();
    requireOwner(home);
    if (p.status !== 'voting' || now(ctx).getTime() >= p.voting_closes_at!.getTime()) throw conflict('VOTING_CLOSED', 'property.voting_closed');
    if (!home.area_m2) throw conflict('NO_AREA', 'property.no_area');
    const r = await trx
      .insertInto('fund_vote')
      .values({ proposal_id: p.id, household_id: home.household_id, resident_id: home.resident_id, choice: input.choice, area_m2: home.area_m2, voted_at: now(ctx) })
      .onConflict((oc) => oc.columns(['proposal_id', 'household_id']).doNothing())
      .returning('proposal_id')
      .executeTakeFirst();
    if (!r) throw conflict('ALREADY_VOTED', 'property.already_voted');
    await audit(ctx, { action: 'property.fund.vote', entityType: 'fund_proposal', entityId: p.id, details: { choice: input.choice } });
    return { proposalId: p.id, choice: input.choice };
  });
}
