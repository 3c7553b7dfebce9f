import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import type { Executor } from '../../db/index.ts';
import { requirePermission, type Scope } from '../../platform/access/index.ts';
import { audit } from '../../platform/audit/index.ts';
import { inTransaction, now, type Ctx } from '../../platform/context.ts';
import { badRequest, conflict, invalid, notFound, type FieldErrors } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { toLocal } from '../cases/worktime.ts';
import { compoundInScope, compoundOr404, managedBy, propertyScope, userId, type CompoundRow } from './access.ts';
import { chargeFen, QUARTER } from './rules.ts';

const currentMonth = (ctx: Ctx) => toLocal(now(ctx), ctx.platform.config.timeZone).date.slice(0, 7);

/** Charges for one month for every household of the compound with a known area, at the contract's residential rate. */
export async function createCharges(ctx: Ctx, compoundId: string, period: string) {
  requirePermission(ctx, 'property.fees');
  const scope = propertyScope(ctx);
  return inTransaction(ctx, async (trx, ctx) => {
    const c = await compoundOr404(trx, scope, compoundId, true);
    const company = managedBy(c);
    const first = `${period}-01`;
    const contract = await trx.selectFrom('property_contract').select(['id', 'fee_rates']).where('compound_id', '=', compoundId).where('starts_on', '<=', first).where('ends_on', '>=', first).orderBy('starts_on', 'desc').executeTakeFirst();
    if (!contract) throw conflict('NO_CONTRACT', 'property.no_contract', { period });
    const rates = contract.fee_rates as unknown as Record<string, number>;
    const rate = rates.residential;
    const households = await trx.selectFrom('household').select(['id', 'area_m2', 'city_id', 'district_id', 'street_id', 'community_id']).where('compound_id', '=', compoundId).orderBy('id').execute();
    const rows = households
      .filter((h) => h.area_m2 !== null && h.area_m2 > 0)
      .map((h) => ({
        id: newId(), household_id: h.id, compound_id: compoundId, company_org_id: company, contract_id: contract.id, period, area_m2: h.area_m2!, rate_fen: rate,
        amount_fen: chargeFen(h.area_m2!, rate), city_id: h.city_id, district_id: h.district_id, street_id: h.street_id, community_id: h.community_id, created_at: now(ctx),
      }));
    let created = 0;
    for (let i = 0; i < rows.length; i += 500) {
      const r = await trx.insertInto('fee_charge').values(rows.slice(i, i + 500)).onConflict((oc) => oc.columns(['household_id', 'period', 'district_id']).doNothing()).returning('id').execute();
      created += r.length;
    }
    await audit(ctx, { action: 'property.fees.charge', entityType: 'compound', entityId: compoundId, details: { period, created, withoutArea: households.length - rows.length } });
    return { period, created, existing: rows.length - created, withoutArea: households.length - rows.length };
  });
}

export interface PaymentInput {
  householdId: string;
  amountFen: number;
  paidOn: string;
  method: 'cash' | 'bank' | 'wechat' | 'alipay' | 'other';
  reference?: string | null;
}

async function householdIn(db: Executor, scope: Scope, householdId: string) {
  const h = await db
    .selectFrom('household as h')
    .innerJoin('compound as c', 'c.id', 'h.compound_id')
    .select(['h.id', 'h.compound_id', 'h.city_id', 'h.district_id', 'h.street_id', 'h.community_id', 'c.management', 'c.property_company_org_id', 'c.owners_committee_org_id', 'c.name'])
    .where('h.id', '=', householdId)
    .where(compoundInScope(scope))
    .executeTakeFirst();
  if (!h) throw notFound();
  return h;
}

async function insertPayments(db: Executor, ctx: Ctx, rows: (PaymentInput & { compound: CompoundRow; company: string; located: { city_id: string; district_id: string; street_id: string; community_id: string } })[], source: 'manual' | 'import') {
  if (!rows.length) return 0;
  const r = await db
    .insertInto('fee_payment')
    .values(rows.map((p) => ({
      id: newId(), household_id: p.householdId, compound_id: p.compound.id, company_org_id: p.company, amount_fen: p.amountFen, paid_on: p.paidOn, method: p.method,
      reference: p.reference ?? null, source, recorded_by: userId(ctx), city_id: p.located.city_id, district_id: p.located.district_id, street_id: p.located.street_id, community_id: p.located.community_id, created_at: now(ctx),
    })))
    .onConflict((oc) => oc.columns(['compound_id', 'reference', 'district_id']).where('reference', 'is not', null).doNothing())
    .returning('id')
    .execute();
  return r.length;
}

export async function recordPayment(ctx: Ctx, input: PaymentInput) {
  requirePermission(ctx, 'property.fees');
  const scope = propertyScope(ctx);
  if (input.paidOn > toLocal(now(ctx), ctx.platform.config.timeZone).date) throw invalid('paidOn', 'property.in_future');
  return inTransaction(ctx, async (trx, ctx) => {
    const h = await householdIn(trx, scope, input.householdId);
    const compound = { id: h.compound_id!, name: h.name, management: h.management, property_company_org_id: h.property_company_org_id, owners_committee_org_id: h.owners_committee_org_id, city_id: h.city_id, district_id: h.district_id, street_id: h.street_id, community_id: h.community_id };
    const company = managedBy(compound);
    const n = await insertPayments(trx, ctx, [{ ...input, compound, company, located: compound }], 'manual');
    if (!n) throw conflict('DUPLICATE_RECEIPT', 'property.duplicate_receipt');
    await audit(ctx, { action: 'property.fees.payment', entityType: 'household', entityId: input.householdId, details: { amountFen: input.amountFen, paidOn: input.paidOn } });
    return { recorded: n };
  });
}

const METHOD: Record<string, PaymentInput['method']> = { 现金: 'cash', 银行: 'bank', 转账: 'bank', 微信: 'wechat', 支付宝: 'alipay', cash: 'cash', bank: 'bank', wechat: 'wechat', alipay: 'alipay' };

/** The first sheet as rows of trimmed text, header first. */
async function readSheet(bytes: Buffer): Promise<string[][]> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch {
    throw invalid('file', 'property.not_xlsx');
  }
  const ws = wb.worksheets[0];
  if (!ws) throw invalid('file', 'property.not_xlsx');
  const rows: string[][] = [];
  ws.eachRow({ includeEmpty: false }, (row) => {
    const cells: string[] = [];
    for (let i = 1; i <= 7; i++) {
      const v = row.getCell(i).value;
      cells.push(v instanceof Date ? v.toISOString().slice(0, 10) : v === null || v === undefined ? '' : typeof v === 'object' && 'result' in v ? String(v.result ?? '') : String(v).trim());
    }
    rows.push(cells);
  });
  return rows;
}

export const IMPORT_HEADER = ['楼栋', '单元', '房号', '金额(元)', '缴费日期', '方式', '票据号'];
export const IMPORT_MAX_ROWS = 5000;

/**
 * Payments from the company's spreadsheet (楼栋 | 单元 | 房号 | 金额(元) | 缴费日期 | 方式 | 票据号).
 * Any bad row refuses the whole sheet (nothing written); receipts already recorded are skipped, so
 * importing the same sheet twice adds nothing.
 */
export async function importPayments(ctx: Ctx, compoundId: string, bytes: Buffer) {
  requirePermission(ctx, 'property.fees');
  const scope = propertyScope(ctx);
  const rows = await readSheet(bytes);
  if (!rows.length || rows[0].slice(0, 3).join('|') !== IMPORT_HEADER.slice(0, 3).join('|')) throw invalid('file', 'property.import_header', { header: IMPORT_HEADER.join(' | ') });
  const body = rows.slice(1);
  if (body.length > IMPORT_MAX_ROWS) throw invalid('file', 'property.import_too_many', { max: IMPORT_MAX_ROWS });
  return inTransaction(ctx, async (trx, ctx) => {
    const c = await compoundOr404(trx, scope, compoundId, true);
    const company = managedBy(c);
    const households = await trx
      .selectFrom('household as h')
      .innerJoin('building as b', 'b.id', 'h.building_id')
      .select(['h.id', 'b.number_key', 'h.unit_no', 'h.room_no', 'h.city_id', 'h.district_id', 'h.street_id', 'h.community_id'])
      .where('h.compound_id', '=', compoundId)
      .execute();
    const key = (b: string, u: string, r: string) => `${b.replace(/(号楼|栋|幢|号)$/u, '')}|${u.replace(/单元$/u, '')}|${r.replace(/室$/u, '')}`;
    const byKey = new Map(households.map((h) => [key(h.number_key, h.unit_no, h.room_no), h]));
    const today = toLocal(now(ctx), ctx.platform.config.timeZone).date;
    const fields: FieldErrors = {};
    const payments: Parameters<typeof insertPayments>[2] = [];
    body.forEach((r, i) => {
      const line = i + 2;
      const h = byKey.get(key(r[0], r[1], r[2]));
      const yuan = Number(r[3]);
      const method = METHOD[r[5]] ?? (r[5] ? undefined : 'other');
      if (!h) fields[`row.${line}`] = { key: 'property.import_household' };
      else if (!/^\d+(\.\d{1,2})?$/.test(r[3]) || yuan <= 0 || yuan > 1_000_000) fields[`row.${line}`] = { key: 'property.import_amount' };
      else if (!/^\d{4}-\d{2}-\d{2}$/.test(r[4]) || r[4] > today) fields[`row.${line}`] = { key: 'property.import_date' };
      else if (!method) fields[`row.${line}`] = { key: 'property.import_method' };
      else payments.push({ householdId: h.id, amountFen: Math.round(yuan * 100), paidOn: r[4], method, reference: r[6] || null, compound: c, company, located: h });
    });
    if (Object.keys(fields).length) throw badRequest(fields);
    const refs = payments.map((p) => p.reference).filter((x): x is string => Boolean(x));
    if (new Set(refs).size !== refs.length) throw invalid('file', 'property.import_duplicate_receipt');
    let imported = 0;
    for (let i = 0; i < payments.length; i += 500) imported += await insertPayments(trx, ctx, payments.slice(i, i + 500), 'import');
    await audit(ctx, { action: 'property.fees.import', entityType: 'compound', entityId: compoundId, details: { rows: payments.length, imported } });
    return { rows: payments.length, imported, skipped: payments.length - imported };
  });
}

/**
 * What each household was charged and has paid, payments applied to the oldest charges first: a
 * charge is collected as far as the household's payments reach it. Collection rates use this too.
 */
const allocation = (where: ReturnType<typeof sql>) => sql`
  WITH paid AS (
    SELECT household_id, sum(amount_fen)::bigint AS paid FROM fee_payment
    WHERE household_id IN (SELECT f.household_id FROM fee_charge f WHERE ${where}) GROUP BY household_id
  ),
  ch AS (
    SELECT f.*, coalesce(p.paid, 0) AS paid_total,
      coalesce(sum(f.amount_fen) OVER (PARTITION BY f.household_id ORDER BY f.period ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before
    FROM fee_charge f LEFT JOIN paid p ON p.household_id = f.household_id
    WHERE ${where}
  )
  SELECT ch.*, greatest(0, least(ch.amount_fen, ch.paid_total - ch.before))::bigint AS collected FROM ch`;

export async function ledger(ctx: Ctx, compoundId: string, q: { from?: string; to?: string }) {
  requirePermission(ctx, 'property.read');
  const scope = propertyScope(ctx);
  const c = await compoundOr404(ctx.db, scope, compoundId);
  const to = q.to ?? currentMonth(ctx);
  const from = q.from ?? '0000-01';
  const rows = await sql<{ household_id: string; label: string; area_m2: number | null; charged: number; collected: number; paid_total: number; due_total: number }>`
    WITH a AS (${allocation(sql`f.compound_id = ${compoundId}`)})
    SELECT h.id AS household_id, concat(b.number, '-', h.unit_no, '-', h.room_no) AS label, h.area_m2,
      coalesce(sum(a.amount_fen) FILTER (WHERE a.period BETWEEN ${from} AND ${to}), 0)::bigint AS charged,
      coalesce(sum(a.collected) FILTER (WHERE a.period BETWEEN ${from} AND ${to}), 0)::bigint AS collected,
      coalesce((SELECT sum(amount_fen) FROM fee_payment p WHERE p.household_id = h.id), 0)::bigint AS paid_total,
      coalesce(sum(a.amount_fen) FILTER (WHERE a.period <= ${currentMonth(ctx)}), 0)::bigint AS due_total
    FROM household h JOIN building b ON b.id = h.building_id LEFT JOIN a ON a.household_id = h.id
    WHERE h.compound_id = ${compoundId}
    GROUP BY h.id, b.number, h.unit_no, h.room_no, h.area_m2
    ORDER BY b.number, h.unit_no, h.room_no`.execute(ctx.db);
  const households = rows.rows.map((r) => ({ householdId: r.household_id, label: r.label, areaM2: r.area_m2, chargedFen: r.charged, collectedFen: r.collected, paidFen: r.paid_total, arrearsFen: Math.max(0, r.due_total - r.paid_total) }));
  const charged = households.reduce((a, h) => a + h.chargedFen, 0);
  const collected = households.reduce((a, h) => a + h.collectedFen, 0);
  return { compoundId: c.id, compoundName: c.name, from, to, chargedFen: charged, collectedFen: collected, rate: charged ? collected / charged : null, arrearsFen: households.reduce((a, h) => a + h.arrearsFen, 0), households };
}

/** Collection rate (collected ÷ charged for charges of the months) per compound, company or street, in scope. */
export async function collection(ctx: Ctx, q: { groupBy: 'compound' | 'company' | 'street'; from: string; to: string }) {
  requirePermission(ctx, 'property.read');
  const scope = propertyScope(ctx);
  return collectionRows(ctx.db, scope, q);
}

export async function collectionRows(db: Executor, scope: Scope, q: { groupBy: 'compound' | 'company' | 'street'; from: string; to: string; compoundIds?: string[] }) {
  const visible = await db.selectFrom('compound as c').select('c.id').where(compoundInScope(scope)).$if(Boolean(q.compoundIds), (s) => s.where('c.id', 'in', q.compoundIds!)).execute();
  const ids = visible.map((v) => v.id);
  if (!ids.length) return [];
  const key = q.groupBy === 'compound' ? sql`a.compound_id` : q.groupBy === 'company' ? sql`a.company_org_id` : sql`a.street_id`;
  const name = q.groupBy === 'compound' ? sql`(SELECT name FROM compound WHERE id = g.id)` : q.groupBy === 'company' ? sql`(SELECT name FROM org WHERE id = g.id)` : sql`(SELECT name FROM region WHERE id = g.id)`;
  const rows = await sql<{ id: string; name: string; charged: number; collected: number }>`
    WITH a AS (${allocation(sql`f.compound_id = ANY(${ids}::uuid[])`)}),
    g AS (SELECT ${key} AS id, sum(a.amount_fen)::bigint AS charged, sum(a.collected)::bigint AS collected FROM a WHERE a.period BETWEEN ${q.from} AND ${q.to} GROUP BY 1)
    SELECT g.id, ${name} AS name, g.charged, g.collected FROM g ORDER BY g.collected::float8 / nullif(g.charged, 0) ASC NULLS LAST`.execute(db);
  return rows.rows.map((r) => ({ id: r.id, name: r.name, chargedFen: r.charged, collectedFen: r.collected, rate: r.charged ? r.collected / r.charged : null }));
}

/**
 * Arrears of party members and public servants (seed 000: 把物业费缴纳作为信用评价的重要指标), for the
 * organisation department only. Every reading is audited with what was shown.
 */
export async function confidentialArrears(ctx: Ctx) {
  requirePermission(ctx, 'property.arrears_confidential');
  const scope = propertyScope(ctx);
  const month = currentMonth(ctx);
  const rows = await sql<{ resident_id: string; name: string; political_status: string | null; public_servant: boolean; household_id: string; compound_name: string; label: string; arrears: number }>`
    WITH due AS (SELECT household_id, sum(amount_fen)::bigint AS due FROM fee_charge WHERE period <= ${month} GROUP BY household_id),
    paid AS (SELECT household_id, sum(amount_fen)::bigint AS paid FROM fee_payment GROUP BY household_id),
    owing AS (SELECT d.household_id, d.due - coalesce(p.paid, 0) AS arrears FROM due d LEFT JOIN paid p ON p.household_id = d.household_id WHERE d.due > coalesce(p.paid, 0))
    SELECT r.id AS resident_id, r.name, r.political_status,
      EXISTS (SELECT 1 FROM resident_tag t WHERE t.resident_id = r.id AND t.tag = 'public_servant' AND t.valid_to IS NULL) AS public_servant,
      h.id AS household_id, c.name AS compound_name, concat(b.number, '-', h.unit_no, '-', h.room_no) AS label, o.arrears
    FROM owing o
    JOIN household h ON h.id = o.household_id
    JOIN building b ON b.id = h.building_id
    JOIN compound c ON c.id = h.compound_id
    JOIN resident r ON r.household_id = h.id AND r.status = 'active'
    WHERE c.id IN ${ctx.db.selectFrom('compound as c').select('c.id').where(compoundInScope(scope))}
      AND (r.political_status IN ('party_member', 'probationary_party_member')
        OR EXISTS (SELECT 1 FROM resident_tag t WHERE t.resident_id = r.id AND t.tag = 'public_servant' AND t.valid_to IS NULL))
    ORDER BY o.arrears DESC, r.id
    LIMIT 2000`.execute(ctx.db);
  await inTransaction(ctx, async (_trx, ctx) => {
    await audit(ctx, { action: 'property.arrears_confidential.read', entityType: 'fee_charge', details: { rows: rows.rows.length, residents: rows.rows.map((r) => r.resident_id) } });
  });
  return rows.rows.map((r) => ({ residentId: r.resident_id, name: r.name, politicalStatus: r.political_status, publicServant: r.public_servant, householdId: r.household_id, compoundName: r.compound_name, household: r.label, arrearsFen: r.arrears }));
}

// ---- public books (收支公开) ----

export interface StatementInput {
  quarter: string;
  incomeFen: number;
  spending: { item: string; amountFen: number }[];
  note?: string | null;
}

export async function publishStatement(ctx: Ctx, compoundId: string, input: StatementInput) {
  requirePermission(ctx, 'property.fees');
  const scope = propertyScope(ctx);
  if (!QUARTER.test(input.quarter)) throw invalid('quarter', 'property.quarter_invalid');
  return inTransaction(ctx, async (trx, ctx) => {
    const c = await compoundOr404(trx, scope, compoundId, true);
    const company = managedBy(c);
    const id = newId();
    const r = await trx
      .insertInto('fee_statement')
      .values({ id, compound_id: compoundId, company_org_id: company, quarter: input.quarter, income_fen: input.incomeFen, spending: JSON.stringify(input.spending), note: input.note ?? null, published_at: now(ctx), published_by: userId(ctx) })
      .onConflict((oc) => oc.columns(['compound_id', 'quarter']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!r) throw conflict('STATEMENT_PUBLISHED', 'property.statement_published', { quarter: input.quarter });
    await audit(ctx, { action: 'property.statement.publish', entityType: 'fee_statement', entityId: id, details: { compoundId, quarter: input.quarter } });
    return { id };
  });
}

/** The compound's public books: published quarterly statements and every maintenance-fund proposal with its tally. */
export async function booksOf(db: Executor, compoundId: string) {
  const [statements, proposals] = await Promise.all([
    db.selectFrom('fee_statement').select(['id', 'quarter', 'income_fen', 'spending', 'note', 'published_at']).where('compound_id', '=', compoundId).orderBy('quarter', 'desc').execute(),
    db.selectFrom('fund_proposal').selectAll().where('compound_id', '=', compoundId).where('status', '!=', 'draft').orderBy('created_at', 'desc').execute(),
  ]);
  return { statements, proposals };
}

export async function staffBooks(ctx: Ctx, compoundId: string) {
  requirePermission(ctx, 'property.read');
  await compoundOr404(ctx.db, propertyScope(ctx), compoundId);
  return booksOf(ctx.db, compoundId);
}
