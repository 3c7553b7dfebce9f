import { sql } from 'kysely';
import { requirePermission } from '../../platform/access/index.ts';
import { now, type Ctx } from '../../platform/context.ts';
import { addMonths } from './rules.ts';

export async function behaviours(ctx: Ctx) {
  requirePermission(ctx, 'property.read');
  return ctx.db.selectFrom('credit_behaviour').selectAll().where('active', '=', true).orderBy('code').execute();
}

/**
 * The public ranking (公开排名): companies by their overall score of the quarter (default: the latest
 * evaluated one), within a district or a street, with grade and the cards of the last 12 months.
 * Only names, scores, grades and card counts: the credit file in summary.
 */
export async function publicRanking(ctx: Ctx, q: { districtId?: string; streetId?: string; quarter?: string }) {
  const quarter =
    q.quarter ??
    (await ctx.db.selectFrom('credit_score').select('quarter').where('compound_id', 'is', null).$if(Boolean(q.districtId), (s) => s.where('district_id', '=', q.districtId!)).orderBy('quarter', 'desc').executeTakeFirst())?.quarter;
  if (!quarter) return { quarter: null, companies: [] };
  const since = addMonths(now(ctx), -12);
  let query = ctx.db
    .selectFrom('credit_score as s')
    .innerJoin('org as o', 'o.id', 's.company_org_id')
    .select(['o.id', 'o.name', 's.total', 's.grade'])
    .select((eb) => [
      eb.selectFrom('credit_record as r').select(sql<number>`count(*)::int`.as('n')).whereRef('r.company_org_id', '=', 's.company_org_id').where('r.kind', '=', 'yellow_card').where('r.at', '>', since).as('yellow_cards'),
      eb.selectFrom('credit_record as r').select(sql<number>`count(*)::int`.as('n')).whereRef('r.company_org_id', '=', 's.company_org_id').where('r.kind', '=', 'red_card').where('r.at', '>', since).as('red_cards'),
    ])
    .where('s.quarter', '=', quarter)
    .where('s.compound_id', 'is', null)
    .orderBy('s.total', 'desc')
    .orderBy('o.name')
    .limit(500);
  if (q.districtId) query = query.where('s.district_id', '=', q.districtId);
  if (q.streetId) query = query.where((eb) => eb.exists(eb.selectFrom('compound as c').select(sql`1`.as('x')).whereRef('c.property_company_org_id', '=', 's.company_org_id').where('c.street_id', '=', q.streetId!)));
  const rows = await query.execute();
  return { quarter, companies: rows.map((r, i) => ({ rank: i + 1, companyId: r.id, name: r.name, total: r.total, grade: r.grade, yellowCards: r.yellow_cards ?? 0, redCards: r.red_cards ?? 0 })) };
}
