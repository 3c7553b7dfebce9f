import type { ColumnType, Generated } from 'kysely';
import type { Json, Timestamp } from '../../db/schema.ts';

type Ts = Timestamp;
type DateCol = ColumnType<string, string, string>;

export interface CasesTable {
  id: string;
  case_no: string;
  channel: string;
  type: string;
  category: string;
  category_top: string;
  title: string;
  description: string;
  priority: 'normal' | 'urgent';
  status: string;
  version: Generated<number>;
  lng: number | null;
  lat: number | null;
  address: string | null;
  building_id: string | null;
  compound_id: string | null;
  city_id: string;
  district_id: string;
  street_id: string;
  community_id: string;
  grid_id: string | null;
  reporter_account_id: string | null;
  reporter_user_id: string | null;
  reporter_name_enc: string | null;
  reporter_phone_enc: string | null;
  reporter_phone_hash: string | null;
  anonymous: Generated<boolean>;
  created_by_token: string | null;
  handling_level: 'community' | 'street' | 'district';
  dispatch_org_id: string;
  assigned_org_id: string | null;
  supervisor_org_id: string | null;
  handle_due_at: Ts | null;
  overdue: Generated<boolean>;
  merged_into: string | null;
  parked_until: DateCol | null;
  return_count: Generated<number>;
  rework_count: Generated<number>;
  reopen_count: Generated<number>;
  escalation_count: Generated<number>;
  resolved: boolean | null;
  satisfaction: 'satisfied' | 'basically_satisfied' | 'dissatisfied' | null;
  evaluation_comment: string | null;
  evaluated_by_callback: boolean | null;
  reported_at: Ts;
  registered_at: Ts | null;
  dispatched_at: Ts | null;
  accepted_at: Ts | null;
  handled_at: Ts | null;
  verified_at: Ts | null;
  closed_at: Ts | null;
  evaluated_at: Ts | null;
  updated_at: Ts;
}

export interface CaseAssignmentTable {
  case_id: string;
  org_id: string;
  role: 'main' | 'assist' | 'supervisor' | 'whistled';
  district_id: string;
  since: Ts;
  until: Ts | null;
}

export interface CaseEventTable {
  id: string;
  district_id: string;
  case_id: string;
  at: Ts;
  type: string;
  from_status: string | null;
  to_status: string | null;
  actor_kind: string;
  actor_id: string | null;
  actor_org_id: string | null;
  actor_name: string | null;
  note: string | null;
  data: Json<Record<string, unknown>>;
}

export interface CaseAttachmentTable {
  case_id: string;
  file_id: string;
  kind: 'before' | 'after' | 'other';
  district_id: string;
  event_id: string | null;
  added_at: Ts;
}

export type DeadlineKind = 'register' | 'response' | 'handle' | 'verify' | 'whistle_checkin' | 'extension_review' | 'supervision_ack' | 'escalation' | 'park_review';

export interface CaseDeadlineTable {
  id: string;
  case_id: string;
  district_id: string;
  kind: DeadlineKind;
  org_id: string;
  level: string | null;
  ref_id: string | null;
  clock: string;
  started_at: Ts;
  due_at: Ts;
  warn_at: Ts | null;
  state: Generated<'open' | 'met' | 'missed' | 'cancelled'>;
  warned_at: Ts | null;
  missed_at: Ts | null;
  met_at: Ts | null;
}

export interface WhistleTable {
  id: string;
  case_id: string;
  district_id: string;
  whistler_org_id: string;
  urgent: boolean;
  note: string | null;
  created_at: Ts;
  checkin_due_at: Ts;
}

export interface WhistleCallTable {
  id: string;
  whistle_id: string;
  case_id: string;
  district_id: string;
  org_id: string;
  due_at: Ts;
  checked_in_at: Ts | null;
  checked_in_by: string | null;
  reported_at: Ts | null;
  report_note: string | null;
  escalated_at: Ts | null;
  rated_on_time: boolean | null;
  rated_effective: boolean | null;
  rated_at: Ts | null;
}

export interface SupervisionTable {
  id: string;
  case_id: string;
  district_id: string;
  supervisor_org_id: string;
  target_org_id: string;
  note: string;
  created_at: Ts;
  due_at: Ts;
  acknowledged_at: Ts | null;
  acknowledged_by: string | null;
}

export interface ExtensionRequestTable {
  id: string;
  case_id: string;
  district_id: string;
  org_id: string;
  reason: string;
  requested_until: Ts;
  state: Generated<'pending' | 'approved' | 'refused' | 'withdrawn'>;
  created_at: Ts;
  decided_at: Ts | null;
  decided_by: string | null;
}

export interface WorkflowTransitionTable {
  from_state: string;
  action: string;
  variant: string;
  actor: string;
  to_state: string | null;
  permission: string | null;
  requires_reason: boolean;
  deadline_rule: string;
  sort_order: number;
}

export interface RoutingRuleTable {
  id: string;
  category: string;
  region_id: string | null;
  compound_id: string | null;
  target: 'org' | 'dept_type' | 'property_company' | 'community';
  target_org_id: string | null;
  target_dept_type: string | null;
  assist_dept_types: Generated<string[]>;
  assist_org_ids: Generated<string[]>;
  supervisor: Generated<'none' | 'community' | 'street'>;
  active: Generated<boolean>;
  note: string | null;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface SlaRuleTable {
  id: string;
  category: string;
  priority: 'normal' | 'urgent';
  register_clock: string;
  register_amount: number;
  response_clock: string;
  response_amount: number;
  handle_clock: string;
  handle_amount: number;
  verify_clock: string;
  verify_amount: number;
  warn_fraction: number;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface HolidayCalendarTable {
  date: DateCol;
  kind: 'holiday' | 'workday';
  name: string;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface CaseTables {
  cases: CasesTable;
  case_assignment: CaseAssignmentTable;
  case_event: CaseEventTable;
  case_attachment: CaseAttachmentTable;
  case_deadline: CaseDeadlineTable;
  whistle: WhistleTable;
  whistle_call: WhistleCallTable;
  supervision: SupervisionTable;
  extension_request: ExtensionRequestTable;
  workflow_transition: WorkflowTransitionTable;
  routing_rule: RoutingRuleTable;
  sla_rule: SlaRuleTable;
  holiday_calendar: HolidayCalendarTable;
}
