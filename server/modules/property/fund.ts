import { requirePermission } from '../../platform/access/index.ts';
import { audit } from '../../platform/audit/index.ts';
import { inTransaction, now, type Ctx } from '../../platform/context.ts';
import { conflict, invalid, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { Executor } from '../../db/index.ts';
import { compoundInScope, compoundOr404, orgId, propertyScope, setting, userId } from './access.ts';
import { decideVote, type VoteRules } from './rules.ts';
import type { VoteTally } from './tables.ts';

export const DEFAULT_VOTE_RULES: VoteRules = { participation: { num: 2, den: 3, strict: false }, approval: { num: 1, den: 2, strict: true } };

export interface ProposalInput {
  compoundId: string;
  title: string;
  description: string;
  budgetFen: number;
  quotes: { vendor: string; amountFen: number; fileId?: string | null }[];
}

export async function createProposal(ctx: Ctx, input: ProposalInput) {
  requirePermission(ctx, 'property.fund');
  const scope = propertyScope(ctx);
  return inTransaction(ctx, async (trx, ctx) => {
    const c = await compoundOr404(trx, scope, input.compoundId);
    const files = input.quotes.map((q) => q.fileId).filter((x): x is string => Boolean(x));
    if (files.length && (await trx.selectFrom('file_object').select('id').where('id', 'in', files).execute()).length !== new Set(files).size) throw invalid('quotes', 'property.unknown_file');
    const id = newId();
    const at = now(ctx);
    await trx
      .insertInto('fund_proposal')
      .values({
        id, compound_id: c.id, title: input.title, description: input.description, budget_fen: input.budgetFen,
        quotes: JSON.stringify(input.quotes.map((q) => ({ vendor: q.vendor, amountFen: q.amountFen, fileId: q.fileId ?? null }))),
        created_by: userId(ctx), created_by_org: orgId(ctx), city_id: c.city_id, district_id: c.district_id, street_id: c.street_id, community_id: c.community_id, created_at: at, updated_at: at,
      })
      .execute();
    await audit(ctx, { action: 'property.fund.propose', entityType: 'fund_proposal', entityId: id, details: { compoundId: c.id, budgetFen: input.budgetFen } });
    return { id };
  });
}

async function proposalIn(db: Executor, ctx: Ctx, id: string, lock = false) {
  let q = db.selectFrom('fund_proposal as p').innerJoin('compound as c', 'c.id', 'p.compound_id').selectAll('p').where('p.id', '=', id).where(compoundInScope(propertyScope(ctx)));
  if (lock) q = q.forUpdate();
  const p = await q.executeTakeFirst();
  if (!p) throw notFound();
  return p;
}

/** The electorate: owner-occupied households of the compound with a known floor area. */
export async function electorate(db: Executor, compoundId: string) {
  const r = await db
    .selectFrom('household')
    .select((eb) => [eb.fn.countAll<number>().as('households'), eb.fn.coalesce(eb.fn.sum<number>('area_m2'), eb.val(0)).as('area')])
    .where('compound_id', '=', compoundId)
    .where('occupancy', '=', 'owner')
    .where('area_m2', '>', 0)
    .executeTakeFirstOrThrow();
  return { households: Number(r.households), area: Number(r.area) };
}

type Electorate = { id: string; eligible_households: number | null; eligible_area: number | null };

export async function tallyOf(db: Executor, p: Electorate) {
  return (await talliesOf(db, [p])).get(p.id)!;
}

/** The running tallies of proposals, from one read of their votes and of the stored rules. */
export async function talliesOf(db: Executor, proposals: Electorate[]) {
  const out = new Map<string, VoteTally>();
  if (!proposals.length) return out;
  const [votes, rules] = await Promise.all([
    db.selectFrom('fund_vote').select(['proposal_id', 'choice', 'area_m2']).where('proposal_id', 'in', proposals.map((p) => p.id)).execute(),
    setting<VoteRules>(db, 'property.fund_vote_rules', DEFAULT_VOTE_RULES),
  ]);
  for (const p of proposals) {
    const mine = votes.filter((v) => v.proposal_id === p.id).map((v) => ({ choice: v.choice, area: v.area_m2 }));
    out.set(p.id, decideVote({ households: p.eligible_households ?? 0, area: p.eligible_area ?? 0 }, mine, rules));
  }
  return out;
}

export async function getProposal(ctx: Ctx, id: string) {
  requirePermission(ctx, 'property.read');
  const p = await proposalIn(ctx.db, ctx, id);
  return { ...p, tally: p.status === 'voting' ? await tallyOf(ctx.db, p) : p.tally };
}

export async function listProposals(ctx: Ctx, q: { compoundId?: string; status?: string }) {
  requirePermission(ctx, 'property.read');
  let query = ctx.db.selectFrom('fund_proposal as p').innerJoin('compound as c', 'c.id', 'p.compound_id').selectAll('p').select('c.name as compound_name').where(compoundInScope(propertyScope(ctx))).orderBy('p.created_at', 'desc').limit(500);
  if (q.compoundId) query = query.where('p.compound_id', '=', q.compoundId);
  if (q.status) query = query.where('p.status', '=', q.status as 'draft');
  return query.execute();
}

/** Opens voting: fixes the electorate (households and floor area) at this moment. */
export async function openVoting(ctx: Ctx, id: string, closesAt: string) {
  requirePermission(ctx, 'property.fund');
  return inTransaction(ctx, async (trx, ctx) => {
    const p = await proposalIn(trx, ctx, id, true);
    if (p.status !== 'draft') throw conflict('PROPOSAL_STATE', 'property.proposal_state', { status: p.status });
    const closes = new Date(closesAt);
    if (closes.getTime() <= now(ctx).getTime()) throw invalid('closesAt', 'property.closes_in_past');
    const e = await electorate(trx, p.compound_id);
    if (!e.households) throw conflict('NO_ELECTORATE', 'property.no_electorate');
    await trx.updateTable('fund_proposal').set({ status: 'voting', voting_closes_at: closes, eligible_households: e.households, eligible_area: e.area, updated_at: now(ctx) }).where('id', '=', id).execute();
    await audit(ctx, { action: 'property.fund.open', entityType: 'fund_proposal', entityId: id, details: { closesAt, households: e.households, area: e.area } });
    return getProposal(ctx, id);
  });
}

/** Closes voting once the deadline has passed, or earlier when every eligible household has voted. */
export async function closeVoting(ctx: Ctx, id: string) {
  requirePermission(ctx, 'property.fund');
  return inTransaction(ctx, async (trx, ctx) => {
    const p = await proposalIn(trx, ctx, id, true);
    if (p.status !== 'voting') throw conflict('PROPOSAL_STATE', 'property.proposal_state', { status: p.status });
    const tally = await tallyOf(trx, p);
    if (now(ctx).getTime() < p.voting_closes_at!.getTime() && tally.votedHouseholds < tally.eligibleHouseholds) throw conflict('VOTING_OPEN', 'property.voting_open');
    const status = tally.approvalMet ? 'approved' : 'rejected';
    await trx.updateTable('fund_proposal').set({ status, tally: JSON.stringify(tally), decided_at: now(ctx), updated_at: now(ctx) }).where('id', '=', id).execute();
    await audit(ctx, { action: 'property.fund.close', entityType: 'fund_proposal', entityId: id, details: { status, ...tally } });
    return getProposal(ctx, id);
  });
}

export async function recordSpending(ctx: Ctx, id: string, invoices: { number: string; amountFen: number; issuedOn: string; fileId?: string | null }[]) {
  requirePermission(ctx, 'property.fund');
  return inTransaction(ctx, async (trx, ctx) => {
    const p = await proposalIn(trx, ctx, id, true);
    if (p.status !== 'approved') throw conflict('PROPOSAL_STATE', 'property.proposal_state', { status: p.status });
    const files = invoices.map((i) => i.fileId).filter((x): x is string => Boolean(x));
    if (files.length && (await trx.selectFrom('file_object').select('id').where('id', 'in', files).execute()).length !== new Set(files).size) throw invalid('invoices', 'property.unknown_file');
    const spent = invoices.reduce((a, i) => a + i.amountFen, 0);
    if (spent > p.budget_fen) throw invalid('invoices', 'property.over_budget', { budget: p.budget_fen / 100 });
    await trx.updateTable('fund_proposal').set({ status: 'spent', spent_fen: spent, invoices: JSON.stringify(invoices.map((i) => ({ ...i, fileId: i.fileId ?? null }))), spent_at: now(ctx), updated_at: now(ctx) }).where('id', '=', id).execute();
    await audit(ctx, { action: 'property.fund.spend', entityType: 'fund_proposal', entityId: id, details: { spentFen: spent, invoices: invoices.length } });
    return getProposal(ctx, id);
  });
}
