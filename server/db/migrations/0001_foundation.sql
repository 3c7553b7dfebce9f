-- Foundation: jurisdiction tree, organisations, identity, access, audit, idempotency, jobs, files.
-- Runs unchanged on PGlite and on PostgreSQL 15+. Migration number ranges per module are listed in
-- docs/architecture.md.

-- Creates monthly partitions of a table partitioned by range of a timestamptz column, from the month
-- of `first_month` for `months` months. Time-ordered tables (audit, case events) use it so old months
-- can be detached and archived. A month whose rows already sit in the default partition (history
-- loaded before its partition existed) is left there.
CREATE OR REPLACE FUNCTION linli_ensure_month_partitions(parent text, first_month date, months int)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  m date := date_trunc('month', first_month)::date;
  part text;
  key_col text;
  occupied boolean;
BEGIN
  SELECT a.attname INTO key_col
  FROM pg_partitioned_table p JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0]
  WHERE p.partrelid = parent::regclass;
  FOR i IN 0..months - 1 LOOP
    part := parent || '_' || to_char(m, 'YYYYMM');
    IF to_regclass(part) IS NULL THEN
      EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE %I >= %L AND %I < %L)',
        parent || '_default', key_col, m::timestamptz, key_col, (m + interval '1 month')::timestamptz) INTO occupied;
      IF NOT occupied THEN
        EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
          part, parent, m::timestamptz, (m + interval '1 month')::timestamptz);
      END IF;
    END IF;
    m := (m + interval '1 month')::date;
  END LOOP;
END $$;

-- Every partitioned table gets its partitions.
CREATE OR REPLACE FUNCTION linli_ensure_all_partitions(first_month date, months int)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  t text;
BEGIN
  FOR t IN SELECT c.relname FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid
           JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() LOOP
    PERFORM linli_ensure_month_partitions(t, first_month, months);
  END LOOP;
END $$;

-- The jurisdiction tree: city > district > street > community > grid. Every row stores the ids of
-- its ancestors and of itself at its own level (a street row has street_id = id), so "is this inside
-- my scope" is one equality, here and on every table that carries these five columns.
CREATE TABLE region (
  id uuid PRIMARY KEY,
  parent_id uuid REFERENCES region (id),
  level text NOT NULL CHECK (level IN ('city', 'district', 'street', 'community', 'grid')),
  -- national division code (12 digits, city to community); grids: the unified 15-digit grid number
  code text NOT NULL UNIQUE,
  name text NOT NULL,
  city_id uuid,
  district_id uuid,
  street_id uuid,
  community_id uuid,
  grid_id uuid,
  -- GeoJSON Polygon or MultiPolygon, and its bounding box for a fast first filter
  geometry jsonb,
  min_lng double precision,
  min_lat double precision,
  max_lng double precision,
  max_lat double precision,
  households integer,
  sort_order integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX region_parent ON region (parent_id, sort_order);
CREATE INDEX region_level ON region (level);
CREATE INDEX region_district ON region (district_id);
CREATE INDEX region_street ON region (street_id);
CREATE INDEX region_community ON region (community_id);
CREATE INDEX region_bbox ON region (level, min_lng, max_lng);

-- Bodies that act: government offices, street offices, community committees, functional
-- departments, property companies, owners' committees, party and social organisations.
CREATE TABLE org (
  id uuid PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('platform', 'government', 'street_office', 'community_committee', 'department',
    'property_company', 'owners_committee', 'party_org', 'social_org')),
  name text NOT NULL,
  -- the region the body governs (government, street office, community committee) or sits in
  region_id uuid REFERENCES region (id),
  parent_id uuid REFERENCES org (id),
  -- functional departments: urban_management 城管, housing 住建, civil_affairs 民政, police 公安, market 市场监管 …
  dept_type text,
  code text UNIQUE,
  contact_phone text,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX org_region ON org (region_id);
CREATE INDEX org_kind ON org (kind, dept_type);

CREATE TABLE app_user (
  id uuid PRIMARY KEY,
  username text NOT NULL,
  display_name text NOT NULL,
  org_id uuid NOT NULL REFERENCES org (id),
  -- grid workers: the grid they patrol (their scope)
  grid_id uuid REFERENCES region (id),
  password_hash text NOT NULL,
  password_changed_at timestamptz NOT NULL DEFAULT now(),
  must_change_password boolean NOT NULL DEFAULT false,
  failed_attempts integer NOT NULL DEFAULT 0,
  locked_until timestamptz,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX app_user_username ON app_user (lower(username));
CREATE INDEX app_user_org ON app_user (org_id);

-- Roles are data: an administrator can change what each role may do.
CREATE TABLE role (
  code text PRIMARY KEY,
  name_zh text NOT NULL,
  name_en text NOT NULL,
  builtin boolean NOT NULL DEFAULT false
);
CREATE TABLE role_permission (
  role_code text NOT NULL REFERENCES role (code) ON DELETE CASCADE,
  permission text NOT NULL,
  PRIMARY KEY (role_code, permission)
);
CREATE TABLE user_role (
  user_id uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  role_code text NOT NULL REFERENCES role (code),
  PRIMARY KEY (user_id, role_code)
);

-- Residents sign in with a phone number and a one-time code; linked to a resident record only
-- after community staff verify them.
CREATE TABLE resident_account (
  id uuid PRIMARY KEY,
  phone_enc text NOT NULL,
  phone_hash text NOT NULL UNIQUE,
  resident_id uuid,
  display_name text,
  sms_opt_in boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_login_at timestamptz
);

CREATE TABLE otp_code (
  id uuid PRIMARY KEY,
  phone_hash text NOT NULL,
  code_hash text NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  used_at timestamptz,
  ip text
);
CREATE INDEX otp_code_phone ON otp_code (phone_hash, created_at DESC);
CREATE INDEX otp_code_ip ON otp_code (ip, created_at DESC);

-- Login sessions of staff and residents; the token itself is never stored, only its hash.
CREATE TABLE user_session (
  id uuid PRIMARY KEY,
  token_hash text NOT NULL UNIQUE,
  user_id uuid REFERENCES app_user (id) ON DELETE CASCADE,
  resident_account_id uuid REFERENCES resident_account (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz,
  ip text,
  user_agent text,
  CHECK ((user_id IS NULL) <> (resident_account_id IS NULL))
);
CREATE INDEX user_session_user ON user_session (user_id);

-- Integration tokens (Open311 clients, the 12345 hotline, scripts): named, scoped, revocable.
CREATE TABLE api_token (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  kind text NOT NULL,
  scopes text[] NOT NULL,
  token_hash text NOT NULL UNIQUE,
  -- the organisation on whose behalf the integration acts (cases it creates are in its scope)
  org_id uuid NOT NULL REFERENCES org (id),
  created_by uuid REFERENCES app_user (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);

-- A replayed POST with the same Idempotency-Key returns the stored first answer.
CREATE TABLE idempotency_key (
  principal text NOT NULL,
  key text NOT NULL,
  request_hash text NOT NULL,
  status_code integer NOT NULL,
  response jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (principal, key)
);
CREATE INDEX idempotency_key_created ON idempotency_key (created_at);

-- Audit: append-only, partitioned by month. Each record carries the digest of its own content; the
-- sealer links records into a hash chain in audit_seal (see server/platform/audit).
CREATE TABLE audit_log (
  seq bigint GENERATED ALWAYS AS IDENTITY,
  at timestamptz NOT NULL,
  actor_kind text NOT NULL,
  actor_id uuid,
  org_id uuid,
  action text NOT NULL,
  entity_type text NOT NULL,
  entity_id text,
  before_digest text,
  after_digest text,
  details jsonb,
  request_id text,
  ip text,
  digest text NOT NULL,
  txid xid8 NOT NULL DEFAULT pg_current_xact_id(),
  PRIMARY KEY (seq, at)
) PARTITION BY RANGE (at);
CREATE TABLE audit_log_default PARTITION OF audit_log DEFAULT;
CREATE INDEX audit_log_entity ON audit_log (entity_type, entity_id);
CREATE INDEX audit_log_actor ON audit_log (actor_id, at);
CREATE INDEX audit_log_at ON audit_log (at);

CREATE TABLE audit_seal (
  pos bigint PRIMARY KEY,
  audit_seq bigint NOT NULL UNIQUE,
  audit_at timestamptz NOT NULL,
  prev_hash text NOT NULL,
  hash text NOT NULL,
  sealed_at timestamptz NOT NULL DEFAULT now()
);

-- Audit records and seals are never changed or removed by the application.
CREATE OR REPLACE FUNCTION linli_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION linli_append_only();
CREATE TRIGGER audit_seal_append_only BEFORE UPDATE OR DELETE ON audit_seal
  FOR EACH ROW EXECUTE FUNCTION linli_append_only();

-- Background work lives in tables so that any number of server processes share it safely.
CREATE TABLE scheduled_task (
  name text PRIMARY KEY,
  interval_seconds integer NOT NULL,
  next_run_at timestamptz NOT NULL,
  locked_until timestamptz,
  last_started_at timestamptz,
  last_finished_at timestamptz,
  last_error text,
  runs bigint NOT NULL DEFAULT 0,
  failures bigint NOT NULL DEFAULT 0
);

CREATE TABLE job (
  id uuid PRIMARY KEY,
  kind text NOT NULL,
  payload jsonb NOT NULL DEFAULT '{}',
  run_at timestamptz NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL DEFAULT 10,
  locked_until timestamptz,
  last_error text,
  done_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX job_due ON job (run_at) WHERE done_at IS NULL;

-- Uploaded photos and files, stored on disk by content hash.
CREATE TABLE file_object (
  id uuid PRIMARY KEY,
  sha256 text NOT NULL,
  size_bytes bigint NOT NULL,
  mime text NOT NULL,
  original_name text,
  uploaded_by_user uuid REFERENCES app_user (id),
  uploaded_by_resident uuid REFERENCES resident_account (id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX file_object_sha ON file_object (sha256);

-- Built-in roles and what they may do. Later migrations add permissions of their modules.
INSERT INTO role (code, name_zh, name_en, builtin) VALUES
  ('platform_admin', '平台管理员', 'Platform administrator', true),
  ('district_admin', '区级管理员', 'District administrator', true),
  ('district_staff', '区级工作人员', 'District staff', true),
  ('street_admin', '街道管理员', 'Street administrator', true),
  ('street_staff', '街道工作人员', 'Street staff', true),
  ('community_admin', '社区管理员', 'Community administrator', true),
  ('community_staff', '社区工作人员', 'Community staff', true),
  ('grid_worker', '网格员', 'Grid worker', true),
  ('dept_handler', '职能部门承办人', 'Department handler', true),
  ('property_staff', '物业企业工作人员', 'Property company staff', true),
  ('command_viewer', '指挥中心值班员', 'Command-centre viewer', true);

INSERT INTO role_permission (role_code, permission)
SELECT r.code, p.permission FROM role r
JOIN (VALUES
  ('platform_admin', 'admin.orgs'), ('platform_admin', 'admin.users'), ('platform_admin', 'admin.roles'),
  ('platform_admin', 'admin.integrations'), ('platform_admin', 'audit.read'), ('platform_admin', 'audit.verify'),
  ('platform_admin', 'region.read'), ('platform_admin', 'region.write'),
  ('district_admin', 'admin.users'), ('district_admin', 'admin.integrations'), ('district_admin', 'audit.read'),
  ('district_admin', 'region.read'), ('district_admin', 'region.write'),
  ('district_staff', 'region.read'),
  ('street_admin', 'admin.users'), ('street_admin', 'region.read'), ('street_admin', 'region.write'),
  ('street_staff', 'region.read'),
  ('community_admin', 'admin.users'), ('community_admin', 'region.read'), ('community_admin', 'region.write'),
  ('community_staff', 'region.read'),
  ('grid_worker', 'region.read'),
  ('dept_handler', 'region.read'),
  ('property_staff', 'region.read'),
  ('command_viewer', 'region.read')
) AS p (role_code, permission) ON p.role_code = r.code;

-- The sealer's progress: every audit record of a transaction id below xid_watermark is sealed.
CREATE TABLE audit_seal_state (
  id integer PRIMARY KEY CHECK (id = 1),
  xid_watermark xid8 NOT NULL,
  last_pos bigint NOT NULL,
  last_hash text NOT NULL
);
INSERT INTO audit_seal_state (id, xid_watermark, last_pos, last_hash) VALUES (1, '0'::xid8, 0, 'genesis');
CREATE INDEX audit_log_txid ON audit_log (txid);

-- Small named settings an administrator can change (metric weights, thresholds, demo marker).
CREATE TABLE setting (
  key text PRIMARY KEY,
  value jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid
);
