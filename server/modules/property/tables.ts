import type { ColumnType, Generated } from 'kysely';
import type { Json, Timestamp } from '../../db/schema.ts';

type DateText = ColumnType<string, string, string>;
interface Located {
  city_id: string;
  district_id: string;
  street_id: string;
  community_id: string;
}

export type PartCode = 'contract' | 'complaints' | 'inspection' | 'owner';
export type ComplaintMetric = 'response' | 'resolution' | 'satisfaction' | 'on_time';
export type GovernanceModel = '1+3' | '1+2' | '1+1';

export interface PropertyTables {
  property_company: { org_id: string; qualification: string | null; contact_name: string | null; contact_phone: string | null; has_party_org: Generated<boolean>; updated_at: Timestamp };
  property_compound: { compound_id: string; governance_model: GovernanceModel | null; updated_at: Timestamp };
  property_contract: {
    id: string; compound_id: string; company_org_id: string; starts_on: DateText; ends_on: DateText; star_level: number;
    fee_rates: Json<Record<string, number>>; file_id: string | null; created_by: string | null; created_at: Timestamp;
  };
  credit_part: { code: PartCode; name_zh: string; name_en: string; weight: number; sort_order: number };
  credit_item: { code: string; part_code: PartCode; name_zh: string; name_en: string; points: number; metric: ComplaintMetric | null; active: Generated<boolean>; sort_order: number };
  property_inspection: Located & {
    id: string; compound_id: string; company_org_id: string; quarter: string; inspected_at: Timestamp; unannounced: boolean;
    inspector_user_id: string; inspector_org_id: string; note: string | null; created_at: Timestamp;
  };
  property_inspection_item: { inspection_id: string; item_code: string; points: number; max_points: number; note: string | null; photo_file_ids: ColumnType<string[], string[] | undefined, string[]> };
  property_rating: { id: string; compound_id: string; company_org_id: string; household_id: string; resident_id: string; quarter: string; scores: Json<Record<string, number>>; comment: string | null; created_at: Timestamp };
  credit_score: {
    id: string; company_org_id: string; compound_id: string | null; quarter: string; total: number; grade: string;
    parts: Json<Record<string, number | null>>; details: Json<Record<string, unknown>>; deductions: Generated<number>;
    district_id: string; street_id: string | null; computed_at: Timestamp; run_id: string;
  };
  credit_run: { id: string; quarter: string; run_by: string | null; companies: number; compounds: number; interviews: number; at: Timestamp };
  credit_behaviour: { code: string; name_zh: string; name_en: string; deduction: number; active: Generated<boolean> };
  credit_record: {
    id: string; company_org_id: string; kind: 'score' | 'yellow_card' | 'red_card' | 'interview' | 'interview_outcome'; at: Timestamp; quarter: string;
    compound_id: string | null; behaviour_code: string | null; deduction: Generated<number>; ref_ids: ColumnType<string[], string[] | undefined, never>;
    summary: string; reason: string | null; actor_user_id: string | null; actor_org_id: string | null;
  };
  property_interview: {
    id: string; company_org_id: string; quarter: string; score: number; district_id: string; status: Generated<'open' | 'done'>; due_at: Timestamp;
    outcome: string | null; held_on: DateText | null; done_at: Timestamp | null; done_by: string | null; created_at: Timestamp;
  };
  property_warning: Located & {
    id: string; compound_id: string; company_org_id: string | null; risk: number; signals: Json<WarningSignal[]>;
    created_at: Timestamp; updated_at: Timestamp; acknowledged_at: Timestamp | null; acknowledged_by: string | null; note: string | null;
  };
  fee_charge: Located & {
    id: string; household_id: string; compound_id: string; company_org_id: string; contract_id: string; period: string;
    area_m2: number; rate_fen: number; amount_fen: number; created_at: Timestamp;
  };
  fee_payment: Located & {
    id: string; household_id: string; compound_id: string; company_org_id: string; amount_fen: number; paid_on: DateText;
    method: 'cash' | 'bank' | 'wechat' | 'alipay' | 'other'; reference: string | null; source: 'manual' | 'import'; recorded_by: string | null; created_at: Timestamp;
  };
  fee_statement: { id: string; compound_id: string; company_org_id: string; quarter: string; income_fen: number; spending: Json<{ item: string; amountFen: number }[]>; note: string | null; published_at: Timestamp; published_by: string | null };
  fund_proposal: Located & {
    id: string; compound_id: string; title: string; description: string; budget_fen: number; quotes: Json<{ vendor: string; amountFen: number; fileId: string | null }[]>;
    status: Generated<'draft' | 'voting' | 'approved' | 'rejected' | 'spent'>; voting_closes_at: Timestamp | null;
    eligible_households: number | null; eligible_area: number | null; tally: Json<VoteTally> | null; decided_at: Timestamp | null;
    spent_fen: number | null; invoices: Json<{ number: string; amountFen: number; issuedOn: string; fileId: string | null }[]> | null; spent_at: Timestamp | null;
    created_by: string | null; created_by_org: string | null; created_at: Timestamp; updated_at: Timestamp;
  };
  fund_vote: { proposal_id: string; household_id: string; resident_id: string; choice: 'agree' | 'disagree' | 'abstain'; area_m2: number; voted_at: Timestamp };
}

export interface WarningSignal {
  code: string;
  points: number;
  facts: Record<string, number>;
}

export interface VoteTally {
  eligibleHouseholds: number;
  eligibleArea: number;
  votedHouseholds: number;
  votedArea: number;
  agreeHouseholds: number;
  agreeArea: number;
  participationMet: boolean;
  approvalMet: boolean;
}
