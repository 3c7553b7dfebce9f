-- Dispatch, part 2: what was suggested for each case (category and handler) and what the dispatcher
-- decided, and hot spots (the same problem reported again and again at one place).

-- Who decided is recorded like a case event's actor: an id without a foreign key (the audit log has
-- the full record; an organisation may act through a staff member without an account of their own,
-- as the demo city's history does). The classifier's examples follow the same rule.
ALTER TABLE classifier_example DROP CONSTRAINT classifier_example_created_by_fkey;

-- One row per case, written at intake when a model was in use. The region ids place the row in the
-- jurisdiction (scope, dashboard by region). No foreign key to cases: the table belongs to another
-- module, and the row is history that outlives an archived case.
CREATE TABLE dispatch_suggestion (
  case_id uuid PRIMARY KEY,
  district_id uuid NOT NULL,
  city_id uuid NOT NULL,
  street_id uuid NOT NULL,
  community_id uuid NOT NULL,
  grid_id uuid,
  suggested_at timestamptz NOT NULL,
  model_version integer NOT NULL,
  -- top-level code, and the second-level one within it when the model had one
  category text NOT NULL,
  sub_category text,
  confidence real NOT NULL CHECK (confidence BETWEEN 0 AND 1),
  -- the routing rules' handler for the suggested category at the case's place
  handler_org_id uuid REFERENCES org (id),
  handler_matched boolean NOT NULL,
  -- the dispatcher's first decisions: the category at registration, the handler at dispatch
  category_final text,
  category_outcome text CHECK (category_outcome IN ('accepted', 'corrected')),
  category_decided_at timestamptz,
  category_decided_by uuid,
  handler_final uuid REFERENCES org (id),
  handler_outcome text CHECK (handler_outcome IN ('accepted', 'corrected')),
  handler_decided_at timestamptz,
  handler_decided_by uuid,
  CHECK ((category_outcome IS NULL) = (category_decided_at IS NULL)),
  CHECK ((handler_outcome IS NULL) = (handler_decided_at IS NULL))
);
CREATE INDEX dispatch_suggestion_category_decided ON dispatch_suggestion (district_id, category_decided_at) WHERE category_decided_at IS NOT NULL;
CREATE INDEX dispatch_suggestion_handler_decided ON dispatch_suggestion (district_id, handler_decided_at) WHERE handler_decided_at IS NOT NULL;

-- A hot spot: at least `threshold` reports of one top-level category at one building or in one grid
-- within `window_days`. At most one open hot spot per place and category; later reports join it.
CREATE TABLE hot_spot (
  id uuid PRIMARY KEY,
  district_id uuid NOT NULL,
  city_id uuid NOT NULL,
  street_id uuid NOT NULL,
  community_id uuid NOT NULL,
  grid_id uuid,
  place_kind text NOT NULL CHECK (place_kind IN ('building', 'grid')),
  place_id uuid NOT NULL,
  category text NOT NULL,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'acknowledged')),
  window_days integer NOT NULL CHECK (window_days > 0),
  threshold integer NOT NULL CHECK (threshold > 1),
  case_count integer NOT NULL CHECK (case_count > 0),
  first_reported_at timestamptz NOT NULL,
  last_reported_at timestamptz NOT NULL,
  raised_at timestamptz NOT NULL,
  acknowledged_at timestamptz,
  acknowledged_by uuid,
  acknowledge_note text,
  CHECK ((status = 'acknowledged') = (acknowledged_at IS NOT NULL))
);
-- two reports arriving together cannot raise two hot spots for one place and category
CREATE UNIQUE INDEX hot_spot_open ON hot_spot (place_kind, place_id, category) WHERE status = 'open';
CREATE INDEX hot_spot_community ON hot_spot (community_id, last_reported_at DESC);
CREATE INDEX hot_spot_street ON hot_spot (street_id, last_reported_at DESC);
CREATE INDEX hot_spot_district ON hot_spot (district_id, last_reported_at DESC);

CREATE TABLE hot_spot_case (
  hot_spot_id uuid NOT NULL REFERENCES hot_spot (id),
  case_id uuid NOT NULL,
  district_id uuid NOT NULL,
  PRIMARY KEY (hot_spot_id, case_id)
);

-- Duplicate search and hot-spot counts look at one building's recent reports.
CREATE INDEX cases_building_recent ON cases (building_id, reported_at DESC) WHERE building_id IS NOT NULL;

-- Acknowledging a hot spot: the bodies that govern a place (and the platform).
INSERT INTO role_permission (role_code, permission)
SELECT r.code, p.permission FROM role r
JOIN (VALUES
  ('platform_admin', 'hotspot.manage'),
  ('district_admin', 'hotspot.manage'), ('district_staff', 'hotspot.manage'),
  ('street_admin', 'hotspot.manage'), ('street_staff', 'hotspot.manage'),
  ('community_admin', 'hotspot.manage'), ('community_staff', 'hotspot.manage')
) AS p (role_code, permission) ON p.role_code = r.code
ON CONFLICT DO NOTHING;
