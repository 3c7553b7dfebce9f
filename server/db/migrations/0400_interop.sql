-- Interoperability: Open311 GeoReport v2 clients and the 12345 hotline (docs/interop.md).

-- Extra questions an Open311 client asks for a service (GET services/{code}: attributes). Rows are
-- data: an administrator adds or changes them; the answers are appended to the case description.
CREATE TABLE open311_attribute (
  service_code text NOT NULL REFERENCES taxonomy (code),
  code text NOT NULL CHECK (code ~ '^[A-Za-z][A-Za-z0-9_]{0,63}$'),
  datatype text NOT NULL CHECK (datatype IN ('string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist')),
  required boolean NOT NULL DEFAULT false,
  description text NOT NULL,
  datatype_description text,
  -- for the list types: [{"key": "...", "name": "..."}]
  "values" jsonb NOT NULL DEFAULT '[]',
  sort_order integer NOT NULL DEFAULT 0,
  PRIMARY KEY (service_code, code)
);
INSERT INTO open311_attribute (service_code, code, datatype, required, description, datatype_description, "values", sort_order) VALUES
  ('facilities.street_light', 'pole_number', 'string', false, '路灯杆编号（灯杆上的铭牌）', '如 LX-0123', '[]', 1),
  ('facilities.street_light', 'light_state', 'singlevaluelist', true, '路灯状态', NULL,
   '[{"key":"off","name":"不亮"},{"key":"flicker","name":"闪烁"},{"key":"daytime","name":"白天常亮"}]', 2),
  ('noise.construction', 'noise_time', 'datetime', false, '噪声发生的时间', NULL, '[]', 1),
  ('sanitation.bin_overflow', 'bin_count', 'number', false, '满溢的垃圾桶数量', NULL, '[]', 1);

-- What an Open311 client posted. The case is created at once when the place is known; a request
-- with only an address Linli cannot find waits here with its token until a dispatcher places it.
CREATE TABLE open311_request (
  id uuid PRIMARY KEY,
  token text NOT NULL UNIQUE,
  api_token_id uuid NOT NULL REFERENCES api_token (id),
  case_id uuid UNIQUE,
  state text NOT NULL CHECK (state IN ('pending', 'registered', 'rejected')),
  service_code text NOT NULL,
  description text NOT NULL,
  address text,
  media_url text,
  -- reporter's name, email, phone, device and account ids (encrypted JSON): never returned
  reporter_enc text,
  account_id text,
  -- where the token's organisation sits (scope of who may place a pending request)
  city_id uuid, district_id uuid, street_id uuid, community_id uuid, grid_id uuid,
  created_at timestamptz NOT NULL,
  resolved_at timestamptz,
  resolved_by uuid
);
CREATE INDEX open311_request_pending ON open311_request (district_id, created_at) WHERE state = 'pending';

-- A live link to the hotline platform: the integration token it calls with, the shared signing
-- secret (HMAC, both directions), where results go, and where orders Linli cannot place land.
CREATE TABLE hotline_link (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  api_token_id uuid NOT NULL UNIQUE REFERENCES api_token (id),
  secret_enc text NOT NULL,
  callback_url text,
  default_community_id uuid NOT NULL REFERENCES region (id),
  city_id uuid, district_id uuid, street_id uuid, community_id uuid, grid_id uuid,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL,
  created_by uuid
);

-- The hotline's own categories → the taxonomy. Unmapped categories fall back to the classifier.
CREATE TABLE hotline_category_map (
  hotline_category text PRIMARY KEY CHECK (length(hotline_category) BETWEEN 1 AND 100),
  category text NOT NULL REFERENCES taxonomy (code),
  updated_at timestamptz NOT NULL,
  updated_by uuid
);
INSERT INTO hotline_category_map (hotline_category, category, updated_at) VALUES
  ('城市管理-路灯', 'facilities.street_light', now()),
  ('城市管理-占道经营', 'street_order.road_occupying_vendor', now()),
  ('城市管理-私搭乱建', 'illegal_building.unauthorized_structure', now()),
  ('环境保护-噪声扰民', 'noise.construction', now()),
  ('环境保护-油烟污染', 'pollution.cooking_fumes', now()),
  ('环境卫生-垃圾清运', 'sanitation.accumulated_waste', now()),
  ('物业管理-电梯故障', 'property.elevator_failure', now()),
  ('公用事业-停水', 'utilities.water_outage', now()),
  ('公用事业-供暖', 'utilities.heating', now()),
  ('交通管理-违章停车', 'traffic.illegal_parking', now());

-- One hotline work order (工单) and the case it became. The order number is unique across the
-- hotline: a second push or import of it finds this row instead of making a second case.
CREATE TABLE hotline_order (
  order_no text PRIMARY KEY CHECK (length(order_no) BETWEEN 1 AND 64),
  link_id uuid REFERENCES hotline_link (id),
  case_id uuid NOT NULL UNIQUE,
  source text NOT NULL CHECK (source IN ('push', 'import')),
  request_hash text NOT NULL,
  hotline_category text,
  -- false: the category was not in the mapping and the classifier chose; a dispatcher should look
  category_mapped boolean NOT NULL,
  needs_review boolean NOT NULL,
  reviewed_by uuid,
  received_at timestamptz NOT NULL,
  hotline_deadline timestamptz,
  urgency text NOT NULL CHECK (urgency IN ('normal', 'urgent')),
  city_id uuid NOT NULL, district_id uuid NOT NULL, street_id uuid NOT NULL, community_id uuid NOT NULL, grid_id uuid,
  created_at timestamptz NOT NULL
);
CREATE INDEX hotline_order_review ON hotline_order (district_id, created_at) WHERE needs_review;

-- Results going back to the hotline (outbox). Filled from the case events of hotline cases; each
-- row is retried with backoff until the hotline acknowledges it with a 2xx.
CREATE TABLE hotline_callback (
  id uuid PRIMARY KEY,
  event_id uuid NOT NULL UNIQUE,
  link_id uuid NOT NULL REFERENCES hotline_link (id),
  order_no text NOT NULL REFERENCES hotline_order (order_no),
  case_id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('returned', 'handled', 'extended', 'closed')),
  payload jsonb NOT NULL,
  state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  last_status integer,
  last_error text,
  delivered_at timestamptz,
  event_at timestamptz NOT NULL,
  city_id uuid NOT NULL, district_id uuid NOT NULL, street_id uuid NOT NULL, community_id uuid NOT NULL, grid_id uuid,
  created_at timestamptz NOT NULL
);
CREATE INDEX hotline_callback_due ON hotline_callback (next_attempt_at) WHERE state = 'pending';
CREATE INDEX hotline_callback_order ON hotline_callback (order_no, event_at);

-- How far the outbox filler has read the case events (one row).
CREATE TABLE hotline_outbox_cursor (
  id integer PRIMARY KEY CHECK (id = 1),
  read_until timestamptz NOT NULL
);
INSERT INTO hotline_outbox_cursor (id, read_until) VALUES (1, '2000-01-01T00:00:00Z');

INSERT INTO role_permission (role_code, permission) VALUES
  ('platform_admin', 'interop.admin'), ('district_admin', 'interop.admin');
CREATE INDEX building_address ON building (address); -- Open311 address_string and hotline addresses find buildings by their registered address
