-- Property oversight (物业监管): who manages what, credit scores (信用评价), cards, interviews,
-- early warnings, property fees (物业费), the maintenance fund (维修基金) and public books.
-- Money is integer fen (分); areas are m² with two decimals; quarters are 'YYYY-Qn'.

-- A property company's profile (the org row holds its name and credit code).
CREATE TABLE property_company (
  org_id uuid PRIMARY KEY REFERENCES org (id),
  qualification text,
  contact_name text,
  contact_phone text,
  has_party_org boolean NOT NULL DEFAULT false,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- The governance model per compound (三方共治): 1+3 (party org + residents' committee + owners'
-- committee + property company), 1+2, 1+1. Null means "derived from the registry" (docs/property.md).
CREATE TABLE property_compound (
  compound_id uuid PRIMARY KEY REFERENCES compound (id),
  governance_model text CHECK (governance_model IN ('1+3', '1+2', '1+1')),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Service contracts (物业服务合同) per compound.
CREATE TABLE property_contract (
  id uuid PRIMARY KEY,
  compound_id uuid NOT NULL REFERENCES compound (id),
  company_org_id uuid NOT NULL REFERENCES org (id),
  starts_on date NOT NULL,
  ends_on date NOT NULL,
  star_level integer NOT NULL CHECK (star_level BETWEEN 1 AND 5),
  -- fen per m² per month by property type: {"residential": 150, "commercial": 300}
  fee_rates jsonb NOT NULL,
  file_id uuid REFERENCES file_object (id),
  created_by uuid,
  created_at timestamptz NOT NULL,
  CHECK (ends_on > starts_on)
);
CREATE INDEX property_contract_compound ON property_contract (compound_id, starts_on DESC);

-- The scoring standard: four parts with weights (sum 100), line items whose points sum to their part's weight.
CREATE TABLE credit_part (
  code text PRIMARY KEY CHECK (code IN ('contract', 'complaints', 'inspection', 'owner')),
  name_zh text NOT NULL,
  name_en text NOT NULL,
  weight integer NOT NULL CHECK (weight BETWEEN 0 AND 100),
  sort_order integer NOT NULL
);
CREATE TABLE credit_item (
  code text PRIMARY KEY,
  part_code text NOT NULL REFERENCES credit_part (code),
  name_zh text NOT NULL,
  name_en text NOT NULL,
  points integer NOT NULL CHECK (points BETWEEN 0 AND 100),
  -- complaint items name the case-loop rate they are computed from
  metric text CHECK (metric IN ('response', 'resolution', 'satisfaction', 'on_time')),
  active boolean NOT NULL DEFAULT true,
  sort_order integer NOT NULL
);
INSERT INTO credit_part (code, name_zh, name_en, weight, sort_order) VALUES
  ('contract', '物业服务合同和企业公开承诺及相关制度履行情况', 'Contract and public commitments', 20, 1),
  ('complaints', '物业服务投诉问题处理情况', 'Complaint handling', 30, 2),
  ('inspection', '小区现场检查情况', 'On-site inspection', 30, 3),
  ('owner', '业主评价情况', 'Owner evaluation', 20, 4);
INSERT INTO credit_item (code, part_code, name_zh, name_en, points, metric, sort_order) VALUES
  ('contract.publicity', 'contract', '服务内容、标准和收费公示', 'Services, standards and fees posted', 5, NULL, 1),
  ('contract.staffing', 'contract', '人员配备符合合同约定', 'Staffing as the contract requires', 5, NULL, 2),
  ('contract.commitments', 'contract', '公开承诺履行', 'Public commitments kept', 5, NULL, 3),
  ('contract.records', 'contract', '制度和台账健全', 'Rules and records kept', 5, NULL, 4),
  ('complaints.response', 'complaints', '按时响应率', 'Response on time', 8, 'response', 1),
  ('complaints.resolution', 'complaints', '解决率', 'Resolution rate', 10, 'resolution', 2),
  ('complaints.satisfaction', 'complaints', '满意率', 'Satisfaction rate', 8, 'satisfaction', 3),
  ('complaints.on_time', 'complaints', '按时办结(未超期)率', 'Handled without going overdue', 4, 'on_time', 4),
  ('inspection.cleaning', 'inspection', '环境卫生', 'Cleanliness', 8, NULL, 1),
  ('inspection.greening', 'inspection', '绿化养护', 'Green spaces', 6, NULL, 2),
  ('inspection.security', 'inspection', '秩序维护与安防', 'Order and security', 6, NULL, 3),
  ('inspection.facilities', 'inspection', '共用设施设备维护', 'Shared facilities maintained', 6, NULL, 4),
  ('inspection.fire', 'inspection', '消防安全', 'Fire safety', 4, NULL, 5),
  ('owner.attitude', 'owner', '服务态度', 'Service attitude', 5, NULL, 1),
  ('owner.environment', 'owner', '环境卫生', 'Cleanliness', 5, NULL, 2),
  ('owner.security', 'owner', '安全秩序', 'Safety and order', 5, NULL, 3),
  ('owner.repairs', 'owner', '维修及时', 'Repairs on time', 5, NULL, 4);

-- Inspections (小区现场检查) filled in by street / housing-bureau inspectors, announced or not (明察暗访).
CREATE TABLE property_inspection (
  id uuid PRIMARY KEY,
  compound_id uuid NOT NULL REFERENCES compound (id),
  company_org_id uuid NOT NULL REFERENCES org (id),
  quarter text NOT NULL,
  inspected_at timestamptz NOT NULL,
  unannounced boolean NOT NULL,
  inspector_user_id uuid NOT NULL REFERENCES app_user (id),
  inspector_org_id uuid NOT NULL REFERENCES org (id),
  note text,
  city_id uuid NOT NULL, district_id uuid NOT NULL, street_id uuid NOT NULL, community_id uuid NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX property_inspection_quarter ON property_inspection (company_org_id, quarter);
CREATE INDEX property_inspection_compound ON property_inspection (compound_id, quarter);
CREATE TABLE property_inspection_item (
  inspection_id uuid NOT NULL REFERENCES property_inspection (id),
  item_code text NOT NULL REFERENCES credit_item (code),
  points numeric(5, 2) NOT NULL,
  max_points integer NOT NULL,
  note text,
  photo_file_ids uuid[] NOT NULL DEFAULT '{}',
  PRIMARY KEY (inspection_id, item_code),
  CHECK (points >= 0 AND points <= max_points)
);

-- Owner ratings (业主评价): one per household and quarter, by a resident living in an owner-occupied household.
CREATE TABLE property_rating (
  id uuid PRIMARY KEY,
  compound_id uuid NOT NULL REFERENCES compound (id),
  company_org_id uuid NOT NULL REFERENCES org (id),
  household_id uuid NOT NULL REFERENCES household (id),
  resident_id uuid NOT NULL REFERENCES resident (id),
  quarter text NOT NULL,
  scores jsonb NOT NULL,
  comment text,
  created_at timestamptz NOT NULL,
  UNIQUE (household_id, quarter)
);
CREATE INDEX property_rating_company ON property_rating (company_org_id, quarter);

-- Quarterly scores: one row per company and compound, and one per company overall (compound_id null).
CREATE TABLE credit_score (
  id uuid PRIMARY KEY,
  company_org_id uuid NOT NULL REFERENCES org (id),
  compound_id uuid REFERENCES compound (id),
  quarter text NOT NULL,
  total numeric(6, 2) NOT NULL,
  grade text NOT NULL,
  parts jsonb NOT NULL,
  details jsonb NOT NULL,
  deductions numeric(6, 2) NOT NULL DEFAULT 0,
  district_id uuid NOT NULL,
  street_id uuid,
  computed_at timestamptz NOT NULL,
  run_id uuid NOT NULL
);
CREATE UNIQUE INDEX credit_score_key ON credit_score (company_org_id, quarter, coalesce(compound_id, '00000000-0000-0000-0000-000000000000'::uuid));
CREATE INDEX credit_score_quarter ON credit_score (quarter, district_id);

CREATE TABLE credit_run (
  id uuid PRIMARY KEY,
  quarter text NOT NULL,
  run_by uuid,
  companies integer NOT NULL,
  compounds integer NOT NULL,
  interviews integer NOT NULL,
  at timestamptz NOT NULL
);

-- Defined bad behaviour (不良行为) and what it costs.
CREATE TABLE credit_behaviour (
  code text PRIMARY KEY,
  name_zh text NOT NULL,
  name_en text NOT NULL,
  deduction integer NOT NULL CHECK (deduction BETWEEN 0 AND 100),
  active boolean NOT NULL DEFAULT true
);
INSERT INTO credit_behaviour (code, name_zh, name_en, deduction) VALUES
  ('fee_mismatch', '收费与合同约定不符', 'Fees not as the contract says', 5),
  ('fund_misuse', '维修基金使用造假或暗箱操作', 'Maintenance fund misused or hidden', 10),
  ('service_abandoned', '擅自撤离或停止服务', 'Left or stopped service without notice', 10),
  ('complaint_ignored', '投诉拒不处理', 'Complaints ignored', 3),
  ('safety_hazard', '安全隐患拒不整改', 'Safety hazard not fixed', 5),
  ('books_unpublished', '未按季度公开收支', 'Quarterly books not published', 3),
  ('obstructs_inspection', '拒绝或阻挠检查', 'Refused or obstructed inspection', 5);

-- The credit file (信用档案): append-only, like the audit log.
CREATE TABLE credit_record (
  id uuid PRIMARY KEY,
  company_org_id uuid NOT NULL REFERENCES org (id),
  kind text NOT NULL CHECK (kind IN ('score', 'yellow_card', 'red_card', 'interview', 'interview_outcome')),
  at timestamptz NOT NULL,
  quarter text NOT NULL,
  compound_id uuid REFERENCES compound (id),
  behaviour_code text REFERENCES credit_behaviour (code),
  deduction numeric(6, 2) NOT NULL DEFAULT 0,
  -- a yellow card that has led to a red one names it; a red card names the two yellows
  ref_ids uuid[] NOT NULL DEFAULT '{}',
  summary text NOT NULL,
  reason text,
  actor_user_id uuid,
  actor_org_id uuid
);
CREATE INDEX credit_record_company ON credit_record (company_org_id, at DESC);
CREATE TRIGGER credit_record_append_only BEFORE UPDATE OR DELETE ON credit_record
  FOR EACH ROW EXECUTE FUNCTION linli_append_only();

-- Interviews (约谈): a task for the housing bureau when a company's quarterly score is below the line.
CREATE TABLE property_interview (
  id uuid PRIMARY KEY,
  company_org_id uuid NOT NULL REFERENCES org (id),
  quarter text NOT NULL,
  score numeric(6, 2) NOT NULL,
  district_id uuid NOT NULL,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
  due_at timestamptz NOT NULL,
  outcome text,
  held_on date,
  done_at timestamptz,
  done_by uuid,
  created_at timestamptz NOT NULL,
  UNIQUE (company_org_id, quarter)
);

-- Early warnings (提前预警介入): a compound's risk score crossing the threshold, with its signals.
CREATE TABLE property_warning (
  id uuid PRIMARY KEY,
  compound_id uuid NOT NULL REFERENCES compound (id),
  company_org_id uuid REFERENCES org (id),
  risk integer NOT NULL,
  signals jsonb NOT NULL,
  city_id uuid NOT NULL, district_id uuid NOT NULL, street_id uuid NOT NULL, community_id uuid NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  acknowledged_at timestamptz,
  acknowledged_by uuid,
  note text
);
-- one open warning per compound: a later run updates it instead of warning again
CREATE UNIQUE INDEX property_warning_open ON property_warning (compound_id) WHERE acknowledged_at IS NULL;
CREATE INDEX property_warning_district ON property_warning (district_id, created_at DESC);

-- Property fees: monthly charges per household from the contract's rate and the household's area.
CREATE TABLE fee_charge (
  id uuid PRIMARY KEY,
  household_id uuid NOT NULL REFERENCES household (id),
  compound_id uuid NOT NULL REFERENCES compound (id),
  company_org_id uuid NOT NULL REFERENCES org (id),
  contract_id uuid NOT NULL REFERENCES property_contract (id),
  period text NOT NULL CHECK (period ~ '^\d{4}-(0[1-9]|1[0-2])$'),
  area_m2 numeric(8, 2) NOT NULL,
  rate_fen integer NOT NULL,
  amount_fen integer NOT NULL CHECK (amount_fen >= 0),
  city_id uuid NOT NULL, district_id uuid NOT NULL, street_id uuid NOT NULL, community_id uuid NOT NULL,
  created_at timestamptz NOT NULL,
  UNIQUE (household_id, period)
);
CREATE INDEX fee_charge_compound ON fee_charge (compound_id, period);
CREATE TABLE fee_payment (
  id uuid PRIMARY KEY,
  household_id uuid NOT NULL REFERENCES household (id),
  compound_id uuid NOT NULL REFERENCES compound (id),
  company_org_id uuid NOT NULL REFERENCES org (id),
  amount_fen integer NOT NULL CHECK (amount_fen > 0),
  paid_on date NOT NULL,
  method text NOT NULL CHECK (method IN ('cash', 'bank', 'wechat', 'alipay', 'other')),
  reference text,
  source text NOT NULL CHECK (source IN ('manual', 'import')),
  recorded_by uuid,
  city_id uuid NOT NULL, district_id uuid NOT NULL, street_id uuid NOT NULL, community_id uuid NOT NULL,
  created_at timestamptz NOT NULL
);
-- a receipt number is recorded once per compound: importing the same sheet twice adds nothing
CREATE UNIQUE INDEX fee_payment_reference ON fee_payment (compound_id, reference) WHERE reference IS NOT NULL;
CREATE INDEX fee_payment_household ON fee_payment (household_id, paid_on);
CREATE INDEX fee_payment_compound ON fee_payment (compound_id, paid_on);

-- Public books (收支公开): the quarterly property-fee income and spending a company must publish.
CREATE TABLE fee_statement (
  id uuid PRIMARY KEY,
  compound_id uuid NOT NULL REFERENCES compound (id),
  company_org_id uuid NOT NULL REFERENCES org (id),
  quarter text NOT NULL,
  income_fen bigint NOT NULL CHECK (income_fen >= 0),
  spending jsonb NOT NULL,
  note text,
  published_at timestamptz NOT NULL,
  published_by uuid,
  UNIQUE (compound_id, quarter)
);

-- Maintenance fund (维修基金) proposals, owners' votes, spending with invoices.
CREATE TABLE fund_proposal (
  id uuid PRIMARY KEY,
  compound_id uuid NOT NULL REFERENCES compound (id),
  title text NOT NULL,
  description text NOT NULL,
  budget_fen bigint NOT NULL CHECK (budget_fen > 0),
  quotes jsonb NOT NULL,
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'voting', 'approved', 'rejected', 'spent')),
  voting_closes_at timestamptz,
  -- the electorate, fixed when voting opens: owner households and their floor area
  eligible_households integer,
  eligible_area numeric(12, 2),
  tally jsonb,
  decided_at timestamptz,
  spent_fen bigint,
  invoices jsonb,
  spent_at timestamptz,
  created_by uuid,
  created_by_org uuid,
  city_id uuid NOT NULL, district_id uuid NOT NULL, street_id uuid NOT NULL, community_id uuid NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX fund_proposal_compound ON fund_proposal (compound_id, created_at DESC);
CREATE TABLE fund_vote (
  proposal_id uuid NOT NULL REFERENCES fund_proposal (id),
  household_id uuid NOT NULL REFERENCES household (id),
  resident_id uuid NOT NULL REFERENCES resident (id),
  choice text NOT NULL CHECK (choice IN ('agree', 'disagree', 'abstain')),
  area_m2 numeric(8, 2) NOT NULL,
  voted_at timestamptz NOT NULL,
  PRIMARY KEY (proposal_id, household_id)
);

-- 公职人员: a registry tag, so the organisation department's confidential arrears list can find them.
INSERT INTO care_tag (code, name_zh, name_en, sort_order) VALUES ('public_servant', '公职人员', 'Public servant', 20) ON CONFLICT (code) DO NOTHING;

INSERT INTO setting (key, value) VALUES
  ('property.grades', '[{"grade":"AAA","min":85},{"grade":"AA","min":80},{"grade":"A","min":70},{"grade":"B","min":60},{"grade":"C","min":0}]'),
  ('property.interview_below', '60'),
  ('property.red_card_deduction', '10'),
  -- Civil Code art. 278: two thirds by number and by area take part; of those, more than half by number and by area agree
  ('property.fund_vote_rules', '{"participation":{"num":2,"den":3,"strict":false},"approval":{"num":1,"den":2,"strict":true}}'),
  ('property.warning', '{"threshold":40,"weights":{"complaints_rising":25,"dissatisfaction":20,"overdue":10,"overdue_max":30,"collection_falling":20,"yellow_card":15,"red_card":30,"owners_dispute":20}}')
ON CONFLICT (key) DO NOTHING;

INSERT INTO role (code, name_zh, name_en, builtin) VALUES
  ('housing_inspector', '住建局物业监管员', 'Housing bureau property inspector', true),
  ('org_department', '组织部门', 'Organisation department', true)
ON CONFLICT (code) DO NOTHING;

INSERT INTO role_permission (role_code, permission)
SELECT r.code, p.permission FROM role r
JOIN (VALUES
  ('platform_admin', 'property.read'), ('platform_admin', 'property.manage'), ('platform_admin', 'property.standard'),
  ('platform_admin', 'property.inspect'), ('platform_admin', 'property.evaluate'), ('platform_admin', 'property.card'),
  ('platform_admin', 'property.warning'), ('platform_admin', 'property.fees'), ('platform_admin', 'property.fund'),
  ('district_admin', 'property.read'), ('district_admin', 'property.manage'), ('district_admin', 'property.standard'),
  ('district_admin', 'property.inspect'), ('district_admin', 'property.evaluate'), ('district_admin', 'property.card'),
  ('district_admin', 'property.warning'),
  ('district_staff', 'property.read'),
  ('street_admin', 'property.read'), ('street_admin', 'property.inspect'), ('street_admin', 'property.warning'), ('street_admin', 'property.fund'),
  ('street_staff', 'property.read'), ('street_staff', 'property.inspect'),
  ('community_admin', 'property.read'), ('community_admin', 'property.warning'), ('community_admin', 'property.fund'),
  ('community_staff', 'property.read'),
  ('property_staff', 'property.read'), ('property_staff', 'property.fees'), ('property_staff', 'property.fund'),
  ('command_viewer', 'property.read'),
  ('housing_inspector', 'property.read'), ('housing_inspector', 'property.manage'), ('housing_inspector', 'property.inspect'),
  ('housing_inspector', 'property.evaluate'), ('housing_inspector', 'property.card'), ('housing_inspector', 'property.warning'),
  ('housing_inspector', 'region.read'),
  ('org_department', 'property.read'), ('org_department', 'property.arrears_confidential')
) AS p (role_code, permission) ON p.role_code = r.code
ON CONFLICT DO NOTHING;
