-- The case loop: cases, their append-only events, assignments, attachments, deadlines, whistles,
-- supervision notices, extension requests, routing rules, SLA rules, the holiday calendar and the
-- workflow as data. docs/case-workflow.md describes all of it.

-- One row per case. The five region ids place the case for scope; handling_level and
-- dispatch_org_id say who dispatches it now (community, or street/district after escalation);
-- assigned_org_id is the main handling unit (the routing result until it is dispatched).
CREATE TABLE cases (
  id uuid PRIMARY KEY,
  case_no text NOT NULL UNIQUE,
  channel text NOT NULL CHECK (channel IN ('resident_app', 'grid_patrol', 'hotline_12345', 'open311', 'walk_in', 'phone')),
  type text NOT NULL CHECK (type IN ('complaint', 'help', 'enquiry', 'suggestion', 'report', 'praise')),
  category text NOT NULL REFERENCES taxonomy (code),
  category_top text NOT NULL REFERENCES taxonomy (code),
  title text NOT NULL,
  description text NOT NULL,
  priority text NOT NULL CHECK (priority IN ('normal', 'urgent')),
  status text NOT NULL,
  version integer NOT NULL DEFAULT 1,
  lng double precision,
  lat double precision,
  address text,
  building_id uuid,
  compound_id uuid,
  city_id uuid NOT NULL,
  district_id uuid NOT NULL,
  street_id uuid NOT NULL,
  community_id uuid NOT NULL,
  grid_id uuid,
  -- reporter: a resident account, and/or a name and phone (encrypted), or nobody (anonymous)
  reporter_account_id uuid REFERENCES resident_account (id),
  reporter_user_id uuid REFERENCES app_user (id),
  reporter_name_enc text,
  reporter_phone_enc text,
  reporter_phone_hash text,
  anonymous boolean NOT NULL DEFAULT false,
  created_by_token uuid,
  handling_level text NOT NULL CHECK (handling_level IN ('community', 'street', 'district')),
  dispatch_org_id uuid NOT NULL REFERENCES org (id),
  assigned_org_id uuid REFERENCES org (id),
  supervisor_org_id uuid REFERENCES org (id),
  handle_due_at timestamptz,
  overdue boolean NOT NULL DEFAULT false,
  merged_into uuid REFERENCES cases (id),
  parked_until date,
  return_count integer NOT NULL DEFAULT 0,
  rework_count integer NOT NULL DEFAULT 0,
  reopen_count integer NOT NULL DEFAULT 0,
  escalation_count integer NOT NULL DEFAULT 0,
  resolved boolean,
  satisfaction text CHECK (satisfaction IN ('satisfied', 'basically_satisfied', 'dissatisfied')),
  evaluation_comment text,
  evaluated_by_callback boolean,
  reported_at timestamptz NOT NULL,
  registered_at timestamptz,
  dispatched_at timestamptz,
  accepted_at timestamptz,
  handled_at timestamptz,
  verified_at timestamptz,
  closed_at timestamptz,
  evaluated_at timestamptz,
  updated_at timestamptz NOT NULL
);
-- the work queues: a handling unit's open cases by deadline, a dispatcher's by arrival
CREATE INDEX cases_assigned_queue ON cases (assigned_org_id, status, handle_due_at);
CREATE INDEX cases_dispatch_queue ON cases (dispatch_org_id, status, reported_at DESC);
CREATE INDEX cases_district ON cases (district_id, reported_at DESC, id DESC);
CREATE INDEX cases_street ON cases (street_id, reported_at DESC, id DESC);
CREATE INDEX cases_community ON cases (community_id, reported_at DESC, id DESC);
CREATE INDEX cases_grid ON cases (grid_id, reported_at DESC, id DESC);
CREATE INDEX cases_reported ON cases (reported_at DESC, id DESC);
CREATE INDEX cases_reporter_account ON cases (reporter_account_id, reported_at DESC) WHERE reporter_account_id IS NOT NULL;
CREATE INDEX cases_overdue ON cases (district_id, overdue) WHERE overdue;

-- Which organisations a case is or was assigned to, and as what. Org-bound principals (departments,
-- property companies) see a case while and after they held any role on it.
CREATE TABLE case_assignment (
  case_id uuid NOT NULL REFERENCES cases (id),
  org_id uuid NOT NULL REFERENCES org (id),
  role text NOT NULL CHECK (role IN ('main', 'assist', 'supervisor', 'whistled')),
  district_id uuid NOT NULL,
  since timestamptz NOT NULL,
  until timestamptz,
  PRIMARY KEY (case_id, org_id, role, since)
);
CREATE INDEX case_assignment_org ON case_assignment (org_id, case_id);

-- Append-only history of every case, partitioned by month like audit_log.
CREATE TABLE case_event (
  id uuid NOT NULL,
  district_id uuid NOT NULL,
  case_id uuid NOT NULL,
  at timestamptz NOT NULL,
  type text NOT NULL,
  from_status text,
  to_status text,
  actor_kind text NOT NULL,
  actor_id uuid,
  actor_org_id uuid,
  actor_name text,
  note text,
  data jsonb NOT NULL DEFAULT '{}',
  PRIMARY KEY (district_id, at, id)
) PARTITION BY RANGE (at);
CREATE TABLE case_event_default PARTITION OF case_event DEFAULT;
CREATE INDEX case_event_case ON case_event (case_id, at);
CREATE INDEX case_event_at ON case_event (at);
CREATE TRIGGER case_event_append_only BEFORE UPDATE OR DELETE ON case_event
  FOR EACH ROW EXECUTE FUNCTION linli_append_only();

CREATE TABLE case_attachment (
  case_id uuid NOT NULL REFERENCES cases (id),
  file_id uuid NOT NULL REFERENCES file_object (id),
  kind text NOT NULL CHECK (kind IN ('before', 'after', 'other')),
  district_id uuid NOT NULL,
  event_id uuid,
  added_at timestamptz NOT NULL,
  PRIMARY KEY (case_id, file_id)
);
CREATE INDEX case_attachment_file ON case_attachment (file_id);

-- Every clock that runs on a case. The sweeper claims due rows (FOR UPDATE SKIP LOCKED).
CREATE TABLE case_deadline (
  id uuid PRIMARY KEY,
  case_id uuid NOT NULL REFERENCES cases (id),
  district_id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('register', 'response', 'handle', 'verify', 'whistle_checkin', 'extension_review', 'supervision_ack', 'escalation', 'park_review')),
  org_id uuid NOT NULL REFERENCES org (id),
  level text,
  ref_id uuid,
  clock text NOT NULL,
  started_at timestamptz NOT NULL,
  due_at timestamptz NOT NULL,
  warn_at timestamptz,
  state text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'met', 'missed', 'cancelled')),
  warned_at timestamptz,
  missed_at timestamptz,
  met_at timestamptz
);
CREATE INDEX case_deadline_case ON case_deadline (case_id, kind);
CREATE INDEX case_deadline_due ON case_deadline (due_at) WHERE state = 'open';
CREATE INDEX case_deadline_warn ON case_deadline (warn_at) WHERE state = 'open' AND warned_at IS NULL;

-- 吹哨报到: a street or community summons departments; each call has its check-in deadline.
CREATE TABLE whistle (
  id uuid PRIMARY KEY,
  case_id uuid NOT NULL REFERENCES cases (id),
  district_id uuid NOT NULL,
  whistler_org_id uuid NOT NULL REFERENCES org (id),
  urgent boolean NOT NULL,
  note text,
  created_at timestamptz NOT NULL,
  checkin_due_at timestamptz NOT NULL
);
CREATE INDEX whistle_case ON whistle (case_id);
CREATE TABLE whistle_call (
  id uuid PRIMARY KEY,
  whistle_id uuid NOT NULL REFERENCES whistle (id),
  case_id uuid NOT NULL REFERENCES cases (id),
  district_id uuid NOT NULL,
  org_id uuid NOT NULL REFERENCES org (id),
  due_at timestamptz NOT NULL,
  checked_in_at timestamptz,
  checked_in_by uuid,
  reported_at timestamptz,
  report_note text,
  escalated_at timestamptz,
  rated_on_time boolean,
  rated_effective boolean,
  rated_at timestamptz,
  UNIQUE (whistle_id, org_id)
);
CREATE INDEX whistle_call_org ON whistle_call (org_id, due_at);
CREATE INDEX whistle_call_case ON whistle_call (case_id);

-- 督办: a supervisor's notice the handling unit must acknowledge.
CREATE TABLE supervision (
  id uuid PRIMARY KEY,
  case_id uuid NOT NULL REFERENCES cases (id),
  district_id uuid NOT NULL,
  supervisor_org_id uuid NOT NULL REFERENCES org (id),
  target_org_id uuid NOT NULL REFERENCES org (id),
  note text NOT NULL,
  created_at timestamptz NOT NULL,
  due_at timestamptz NOT NULL,
  acknowledged_at timestamptz,
  acknowledged_by uuid
);
CREATE INDEX supervision_case ON supervision (case_id);

-- 延期申请: requested by the handling unit, decided by the dispatcher.
CREATE TABLE extension_request (
  id uuid PRIMARY KEY,
  case_id uuid NOT NULL REFERENCES cases (id),
  district_id uuid NOT NULL,
  org_id uuid NOT NULL REFERENCES org (id),
  reason text NOT NULL,
  requested_until timestamptz NOT NULL,
  state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'approved', 'refused', 'withdrawn')),
  created_at timestamptz NOT NULL,
  decided_at timestamptz,
  decided_by uuid
);
CREATE INDEX extension_request_case ON extension_request (case_id, state);

-- The workflow as data: which action moves a case from which state to which, who may do it (a
-- permission and the actor's relation to the case) and which clocks it starts or stops.
CREATE TABLE workflow_transition (
  from_state text NOT NULL,
  action text NOT NULL,
  variant text NOT NULL DEFAULT '',
  actor text NOT NULL CHECK (actor IN ('dispatcher', 'assignee', 'verifier', 'reporter', 'whistler', 'whistled', 'supervisor', 'supervised')),
  to_state text,
  permission text,
  requires_reason boolean NOT NULL DEFAULT false,
  deadline_rule text NOT NULL DEFAULT '',
  sort_order integer NOT NULL DEFAULT 0,
  PRIMARY KEY (from_state, action, variant, actor)
);

-- Routing: category (top-level or second-level code) × region (any level, NULL = everywhere) ×
-- optional compound → the main unit, assisting units and a supervisor. Targets are concrete
-- organisations, or a department type resolved in the case's district (police: the street's station
-- first), or the compound's property company, or the community for manual dispatch.
CREATE TABLE routing_rule (
  id uuid PRIMARY KEY,
  category text NOT NULL REFERENCES taxonomy (code),
  region_id uuid REFERENCES region (id),
  compound_id uuid REFERENCES compound (id),
  target text NOT NULL CHECK (target IN ('org', 'dept_type', 'property_company', 'community')),
  target_org_id uuid REFERENCES org (id),
  target_dept_type text,
  assist_dept_types text[] NOT NULL DEFAULT '{}',
  assist_org_ids uuid[] NOT NULL DEFAULT '{}',
  supervisor text NOT NULL DEFAULT 'none' CHECK (supervisor IN ('none', 'community', 'street')),
  active boolean NOT NULL DEFAULT true,
  note text,
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (target <> 'org' OR target_org_id IS NOT NULL),
  CHECK (target <> 'dept_type' OR target_dept_type IS NOT NULL)
);
CREATE INDEX routing_rule_category ON routing_rule (category) WHERE active;

-- Time limits per category (top or second level) and priority, each on one of four clocks:
-- urgent_hours 紧急工作时 (continuous), work_hours 工作时, work_days 工作日, calendar_days 自然日.
CREATE TABLE sla_rule (
  id uuid PRIMARY KEY,
  category text NOT NULL REFERENCES taxonomy (code),
  priority text NOT NULL CHECK (priority IN ('normal', 'urgent')),
  register_clock text NOT NULL,
  register_amount numeric NOT NULL CHECK (register_amount > 0),
  response_clock text NOT NULL,
  response_amount numeric NOT NULL CHECK (response_amount > 0),
  handle_clock text NOT NULL,
  handle_amount numeric NOT NULL CHECK (handle_amount > 0),
  verify_clock text NOT NULL DEFAULT 'work_days',
  verify_amount numeric NOT NULL DEFAULT 1 CHECK (verify_amount > 0),
  warn_fraction numeric NOT NULL DEFAULT 0.2 CHECK (warn_fraction >= 0 AND warn_fraction < 1),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (category, priority),
  CHECK (register_clock IN ('urgent_hours', 'work_hours', 'work_days', 'calendar_days')),
  CHECK (response_clock IN ('urgent_hours', 'work_hours', 'work_days', 'calendar_days')),
  CHECK (handle_clock IN ('urgent_hours', 'work_hours', 'work_days', 'calendar_days')),
  CHECK (verify_clock IN ('urgent_hours', 'work_hours', 'work_days', 'calendar_days'))
);

-- Days that differ from the Monday–Friday week: public holidays, and make-up working days (调休).
CREATE TABLE holiday_calendar (
  date date PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('holiday', 'workday')),
  name text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
