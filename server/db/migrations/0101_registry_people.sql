-- Registry, part 2: grid staff, units, households, residents with their history (membership,
-- care tags, field changes), visits, spreadsheet imports, and the registry's permissions and settings.
-- Personal data: ID numbers and phones are stored only encrypted (AES-GCM, *_enc) with a keyed blind
-- index for exact lookup (*_hash) and their last four characters (*_tail) for masked-tail search.

-- 网格长: the grid chief (a staff account). 网格员 are the accounts whose app_user.grid_id is the grid.
ALTER TABLE region ADD COLUMN chief_user_id uuid REFERENCES app_user (id);

-- Buildings are found by their normalised number within a compound ("3号楼" = "3栋" = "三号楼" → "3").
ALTER TABLE building ADD COLUMN number_key text;
UPDATE building SET number_key = regexp_replace(number, '(号楼|号|栋|幢|座|#楼|#|楼)$', '');
ALTER TABLE building ALTER COLUMN number_key SET NOT NULL;
CREATE UNIQUE INDEX building_compound_number_key ON building (compound_id, number_key) WHERE compound_id IS NOT NULL;
CREATE UNIQUE INDEX building_loose_number_key ON building (community_id, number_key) WHERE compound_id IS NULL;
CREATE INDEX building_community ON building (community_id);

-- 单元 of a building; households point at one when the building has units.
CREATE TABLE unit (
  id uuid PRIMARY KEY,
  building_id uuid NOT NULL REFERENCES building (id),
  -- normalised ("2单元" = "二单元" → "2")
  number text NOT NULL,
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (building_id, number)
);

-- 户: one flat. Natural key: building + unit + room, all normalised, so the same flat typed two ways
-- ("3号楼2单元501室", "3栋2-501") is one household.
CREATE TABLE household (
  id uuid PRIMARY KEY,
  building_id uuid NOT NULL REFERENCES building (id),
  unit_id uuid REFERENCES unit (id),
  unit_no text NOT NULL DEFAULT '',
  room_no text NOT NULL,
  floor integer,
  area_m2 numeric(8, 2),
  occupancy text NOT NULL CHECK (occupancy IN ('owner', 'tenant', 'vacant')),
  compound_id uuid REFERENCES compound (id),
  city_id uuid NOT NULL,
  district_id uuid NOT NULL,
  street_id uuid NOT NULL,
  community_id uuid NOT NULL,
  grid_id uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (building_id, unit_no, room_no)
);
CREATE INDEX household_grid ON household (grid_id);
CREATE INDEX household_community ON household (community_id);
CREATE INDEX household_compound ON household (compound_id);

-- Care groups (重点人群) are data: an administrator may add more.
CREATE TABLE care_tag (
  code text PRIMARY KEY,
  name_zh text NOT NULL,
  name_en text NOT NULL,
  sort_order integer NOT NULL DEFAULT 0,
  active boolean NOT NULL DEFAULT true
);
INSERT INTO care_tag (code, name_zh, name_en, sort_order) VALUES
  ('elderly_alone', '独居老人', 'Elderly living alone', 1),
  ('advanced_age', '高龄老人', 'Advanced age (80+)', 2),
  ('subsistence_allowance', '低保', 'Subsistence allowance', 3),
  ('extreme_poverty', '特困', 'Extreme poverty support', 4),
  ('disabled', '残疾人', 'Person with a disability', 5),
  ('veteran', '退役军人', 'Veteran', 6),
  ('left_behind_child', '留守儿童', 'Left-behind child', 7),
  ('key_attention', '重点关注', 'Key attention', 8);

-- 居民. The current household, relation and place are copies of the open household_member row,
-- kept in the same transaction, so search and scope need no join. A newcomer not yet housed is
-- placed at a community (grid_id null) or, when a grid worker registers them, at the worker's grid.
CREATE TABLE resident (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  -- the name in Simplified Chinese without spaces (張偉 → 张伟), byte-ordered for prefix search
  name_key text COLLATE "C" NOT NULL,
  gender text NOT NULL CHECK (gender IN ('male', 'female')),
  birth_date date NOT NULL,
  id_enc text NOT NULL,
  id_hash text NOT NULL,
  id_tail text NOT NULL,
  phone_enc text,
  phone_hash text,
  phone_tail text,
  ethnicity text,
  political_status text CHECK (political_status IN ('party_member', 'probationary_party_member', 'league_member', 'democratic_party', 'masses')),
  -- 户籍地: the registered address and its division code (6 digits or more) when known
  registered_address text,
  registered_region_code text,
  -- 人户分离, derived from the registered address and the household lived in (null: not housed)
  separated boolean,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'moved_out', 'deceased')),
  household_id uuid REFERENCES household (id),
  relation text,
  building_id uuid,
  compound_id uuid,
  city_id uuid NOT NULL,
  district_id uuid NOT NULL,
  street_id uuid NOT NULL,
  community_id uuid NOT NULL,
  grid_id uuid,
  created_by uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX resident_id_hash ON resident (id_hash);
CREATE INDEX resident_phone_hash ON resident (phone_hash);
CREATE INDEX resident_id_tail ON resident (id_tail);
CREATE INDEX resident_phone_tail ON resident (phone_tail);
CREATE INDEX resident_household ON resident (household_id);
CREATE INDEX resident_building ON resident (building_id);
CREATE INDEX resident_compound ON resident (compound_id);
-- name search within each level of scope: the planner walks the index of the caller's level in name order
CREATE INDEX resident_name ON resident (name_key, id);
CREATE INDEX resident_district_name ON resident (district_id, name_key, id);
CREATE INDEX resident_street_name ON resident (street_id, name_key, id);
CREATE INDEX resident_community_name ON resident (community_id, name_key, id);
CREATE INDEX resident_grid_name ON resident (grid_id, name_key, id);

-- Who lived in which household, as what, from when to when. Moving and relation changes close the
-- open row and open a new one; nothing is overwritten.
CREATE TABLE household_member (
  id uuid PRIMARY KEY,
  resident_id uuid NOT NULL REFERENCES resident (id),
  household_id uuid NOT NULL REFERENCES household (id),
  relation text NOT NULL CHECK (relation IN ('head', 'spouse', 'child', 'parent', 'grandchild', 'sibling', 'tenant', 'other')),
  valid_from date NOT NULL,
  valid_to date,
  reason_in text,
  reason_out text,
  created_by uuid,
  closed_by uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
CREATE UNIQUE INDEX household_member_open ON household_member (resident_id) WHERE valid_to IS NULL;
CREATE INDEX household_member_resident ON household_member (resident_id, valid_from);
CREATE INDEX household_member_household ON household_member (household_id, valid_from);

-- Care tags with their period; ending a tag sets valid_to, never deletes.
CREATE TABLE resident_tag (
  id uuid PRIMARY KEY,
  resident_id uuid NOT NULL REFERENCES resident (id),
  tag text NOT NULL REFERENCES care_tag (code),
  valid_from date NOT NULL,
  valid_to date,
  note text,
  created_by uuid,
  ended_by uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
CREATE UNIQUE INDEX resident_tag_open ON resident_tag (resident_id, tag) WHERE valid_to IS NULL;
CREATE INDEX resident_tag_tag ON resident_tag (tag, resident_id);
CREATE INDEX resident_tag_resident ON resident_tag (resident_id);

-- Changes of a resident's own fields: old and new values, personal numbers only masked.
CREATE TABLE resident_change (
  id uuid PRIMARY KEY,
  resident_id uuid NOT NULL REFERENCES resident (id),
  at timestamptz NOT NULL,
  actor_id uuid,
  source text NOT NULL,
  changes jsonb NOT NULL
);
CREATE INDEX resident_change_resident ON resident_change (resident_id, at);

-- 走访: a visit by a grid worker or community staff, placed where the resident lived at the time.
CREATE TABLE visit (
  id uuid PRIMARY KEY,
  resident_id uuid NOT NULL REFERENCES resident (id),
  household_id uuid REFERENCES household (id),
  visitor_id uuid NOT NULL REFERENCES app_user (id),
  visited_at timestamptz NOT NULL,
  method text NOT NULL CHECK (method IN ('home', 'phone', 'other')),
  notes text NOT NULL,
  next_visit_on date,
  city_id uuid NOT NULL,
  district_id uuid NOT NULL,
  street_id uuid NOT NULL,
  community_id uuid NOT NULL,
  grid_id uuid,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX visit_resident ON visit (resident_id, visited_at DESC);
CREATE INDEX visit_due ON visit (community_id, next_visit_on);

-- Spreadsheet imports: validated first (report rows below), written only when confirmed.
CREATE TABLE import_job (
  id uuid PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('residents', 'households', 'buildings')),
  status text NOT NULL CHECK (status IN ('validated', 'confirmed', 'failed')),
  file_id uuid NOT NULL REFERENCES file_object (id),
  file_name text,
  format text NOT NULL CHECK (format IN ('xlsx', 'csv')),
  columns jsonb NOT NULL,
  total_rows integer NOT NULL DEFAULT 0,
  valid_rows integer NOT NULL DEFAULT 0,
  problem_rows integer NOT NULL DEFAULT 0,
  result jsonb,
  created_by uuid NOT NULL REFERENCES app_user (id),
  confirmed_by uuid REFERENCES app_user (id),
  -- where the importer acts: their region (null for platform-wide accounts)
  city_id uuid,
  district_id uuid,
  street_id uuid,
  community_id uuid,
  grid_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  confirmed_at timestamptz
);
CREATE INDEX import_job_creator ON import_job (created_by, created_at DESC);

CREATE TABLE import_problem (
  job_id uuid NOT NULL REFERENCES import_job (id) ON DELETE CASCADE,
  seq integer NOT NULL,
  row_number integer NOT NULL,
  column_name text,
  code text NOT NULL,
  params jsonb,
  PRIMARY KEY (job_id, seq)
);

INSERT INTO setting (key, value) VALUES ('registry.household_norm', '300') ON CONFLICT (key) DO NOTHING;

INSERT INTO role_permission (role_code, permission)
SELECT r.code, p.permission FROM role r
JOIN (VALUES
  ('platform_admin', 'resident.read'), ('platform_admin', 'resident.write'), ('platform_admin', 'resident.reveal'),
  ('platform_admin', 'resident.export'), ('platform_admin', 'resident.export_unmasked'), ('platform_admin', 'resident.import'),
  ('platform_admin', 'place.write'), ('platform_admin', 'visit.write'),
  ('district_admin', 'resident.read'), ('district_admin', 'resident.write'), ('district_admin', 'resident.reveal'),
  ('district_admin', 'resident.export'), ('district_admin', 'resident.export_unmasked'), ('district_admin', 'resident.import'),
  ('district_admin', 'place.write'),
  ('district_staff', 'resident.read'), ('district_staff', 'resident.export'),
  ('street_admin', 'resident.read'), ('street_admin', 'resident.write'), ('street_admin', 'resident.reveal'),
  ('street_admin', 'resident.export'), ('street_admin', 'resident.export_unmasked'), ('street_admin', 'resident.import'),
  ('street_admin', 'place.write'),
  ('street_staff', 'resident.read'), ('street_staff', 'resident.export'),
  ('community_admin', 'resident.read'), ('community_admin', 'resident.write'), ('community_admin', 'resident.reveal'),
  ('community_admin', 'resident.export'), ('community_admin', 'resident.export_unmasked'), ('community_admin', 'resident.import'),
  ('community_admin', 'place.write'), ('community_admin', 'visit.write'),
  ('community_staff', 'resident.read'), ('community_staff', 'resident.write'), ('community_staff', 'resident.export'),
  ('community_staff', 'resident.import'), ('community_staff', 'place.write'), ('community_staff', 'visit.write'),
  ('grid_worker', 'resident.read'), ('grid_worker', 'resident.write'), ('grid_worker', 'visit.write')
) AS p (role_code, permission) ON p.role_code = r.code
ON CONFLICT DO NOTHING;

-- A compound is found by its name within its community (spreadsheets name it in a 小区 column).
CREATE UNIQUE INDEX compound_community_name ON compound (community_id, name);
