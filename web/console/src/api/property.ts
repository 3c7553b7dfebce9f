import { i18next } from '../i18n';

/** Property oversight (server module property): the shapes the console reads. Amounts are in fen. */

export interface CompanyRow {
  id: string; name: string; creditCode: string | null; qualification: string | null; contactName: string | null; contactPhone: string | null; hasPartyOrg: boolean;
  compounds: number; latestQuarter: string | null; latestTotal: number | null; latestGrade: string | null; yellowCards: number; redCards: number;
}
export interface CreditRecord {
  id: string; kind: 'score' | 'yellow_card' | 'red_card' | 'interview' | 'interview_outcome'; at: string; quarter: string; compound_id: string | null;
  behaviour_code: string | null; deduction: number; summary: string; reason: string | null;
}
export type PartCode = 'contract' | 'complaints' | 'inspection' | 'owner';
export const PARTS: PartCode[] = ['contract', 'complaints', 'inspection', 'owner'];
export interface ScoreRow {
  company_org_id: string; company_name: string; compound_id: string | null; compound_name: string | null; quarter: string; total: number; grade: string;
  parts: Record<PartCode, number | null>; details: Record<string, unknown>; deductions: number; computed_at: string;
}
export interface CreditFile {
  company: { id: string; name: string; code: string | null };
  profile: { qualification: string | null; contact_name: string | null; contact_phone: string | null; has_party_org: boolean } | null;
  records: CreditRecord[];
  scores: ScoreRow[];
}
export interface CompanyDetail {
  company: { id: string; name: string; code: string | null };
  compounds: { id: string; name: string; governance_model: string | null }[];
  contracts: { id: string; compound_id: string; compound_name: string; starts_on: string; ends_on: string; star_level: number; fee_rates: Record<string, number> }[];
}
export interface Behaviour { code: string; name_zh: string; name_en: string; deduction: number }
export interface StandardItem { code: string; part_code: PartCode; name_zh: string; name_en: string; points: number; metric: string | null }
export interface Standard {
  parts: { code: PartCode; name_zh: string; name_en: string; weight: number }[];
  items: StandardItem[];
  grades: { grade: string; min: number }[];
  interviewBelow: number;
}
export interface InspectionRow { id: string; compound_id: string; compound_name: string; quarter: string; inspected_at: string; unannounced: boolean; note: string | null; inspector_name: string; score: number }
export interface Interview { id: string; company_org_id: string; company_name?: string; quarter: string; score: number; status: 'open' | 'done'; due_at: string; held_on: string | null; outcome: string | null }
export interface WarningRow {
  id: string; compound_name: string; company_name: string | null; risk: number; signals: { code: string; points: number; facts: Record<string, number> }[];
  created_at: string; updated_at: string; acknowledged_at: string | null; note: string | null;
}
export interface Tally { eligibleHouseholds: number; eligibleArea: number; votedHouseholds: number; votedArea: number; agreeHouseholds: number; agreeArea: number; participationMet: boolean; approvalMet: boolean }
export interface Proposal {
  id: string; compound_id: string; compound_name?: string; title: string; description: string; budget_fen: number; quotes: { vendor: string; amountFen: number }[];
  status: 'draft' | 'voting' | 'approved' | 'rejected' | 'spent'; voting_closes_at: string | null; tally: Tally | null; spent_fen: number | null; created_at: string;
}
export interface Collection { id: string; name: string | null; chargedFen: number; collectedFen: number; rate: number | null }
export interface Ledger {
  compoundName: string; chargedFen: number; collectedFen: number; rate: number | null; arrearsFen: number;
  households: { householdId: string; label: string; areaM2: number | null; chargedFen: number; collectedFen: number; paidFen: number; arrearsFen: number }[];
}

/** The columns of the payment sheet, as the server reads them (its header row is in Simplified Chinese). */
export const PAYMENT_SHEET_HEADER = '楼栋 | 单元 | 房号 | 金额(元) | 缴费日期 | 方式 | 票据号';

/** 1234 fen → "12.34" (yuan, two decimals). */
export const yuan = (fen: number | null | undefined) => (fen == null ? '' : (fen / 100).toLocaleString(i18next.language, { minimumFractionDigits: 2, maximumFractionDigits: 2 }));
/** An amount entered in yuan → integer fen, as the API takes it. */
export const fen = (yuanAmount: number) => Math.round(yuanAmount * 100);
export const percent = (rate: number | null | undefined) => (rate == null ? '—' : `${(rate * 100).toFixed(1)}%`);
/** A name the server keeps in both languages, in the UI's. */
export const nameOf = (x: { name_zh: string; name_en: string }) => (i18next.language === 'en' ? x.name_en : x.name_zh);

/** The quarter ("2026-Q4") a day falls in, and the quarters before it. */
export function quarterOf(d: Date): string {
  return `${d.getFullYear()}-Q${Math.floor(d.getMonth() / 3) + 1}`;
}
export function recentQuarters(n: number, from = new Date()): string[] {
  const out: string[] = [];
  let y = from.getFullYear();
  let q = Math.floor(from.getMonth() / 3) + 1;
  for (let i = 0; i < n; i++) {
    out.push(`${y}-Q${q}`);
    if (--q === 0) [y, q] = [y - 1, 4];
  }
  return out;
}
