-- Resident services: what the resident page shows besides cases. Public notices (居务公开) with read
-- receipts, the community service menu (群众点单), and the home a resident declares so the page knows
-- whose notices and services to show before staff have verified and linked the account.

-- A resident's self-declared home compound (and building). A verified link (resident_account.resident_id,
-- made by community staff) takes precedence; this is only what the resident says, for reading public
-- information, never for anything that needs identity.
CREATE TABLE resident_home (
  account_id uuid PRIMARY KEY REFERENCES resident_account (id) ON DELETE CASCADE,
  compound_id uuid NOT NULL REFERENCES compound (id),
  building_id uuid REFERENCES building (id),
  updated_at timestamptz NOT NULL
);

-- A notice published to a region (district, street or community: the ids below the target level are
-- NULL) or to one compound (community level plus compound_id).
CREATE TABLE notice (
  id uuid PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('announcement', 'finance', 'property_fee', 'maintenance_fund')),
  title text NOT NULL,
  body text NOT NULL,
  important boolean NOT NULL DEFAULT false,
  city_id uuid NOT NULL REFERENCES region (id),
  district_id uuid REFERENCES region (id),
  street_id uuid REFERENCES region (id),
  community_id uuid REFERENCES region (id),
  compound_id uuid REFERENCES compound (id),
  org_id uuid NOT NULL REFERENCES org (id),
  created_by uuid NOT NULL REFERENCES app_user (id),
  published_at timestamptz NOT NULL,
  withdrawn_at timestamptz,
  withdraw_reason text
);
-- residents read by community (and street, district); staff list by their region
CREATE INDEX notice_community ON notice (community_id, published_at DESC) WHERE withdrawn_at IS NULL;
CREATE INDEX notice_street ON notice (street_id, published_at DESC) WHERE withdrawn_at IS NULL;
CREATE INDEX notice_district ON notice (district_id, published_at DESC);
CREATE INDEX notice_org ON notice (org_id, published_at DESC);

-- Read receipts: one row per notice and resident account, the first reading wins.
CREATE TABLE notice_read (
  notice_id uuid NOT NULL REFERENCES notice (id) ON DELETE CASCADE,
  account_id uuid NOT NULL REFERENCES resident_account (id) ON DELETE CASCADE,
  read_at timestamptz NOT NULL,
  PRIMARY KEY (notice_id, account_id)
);

-- The service menu (群众点单): what a community (street, district) offers its residents.
CREATE TABLE service_item (
  id uuid PRIMARY KEY,
  category text NOT NULL CHECK (category IN ('elderly', 'health', 'certificate', 'family', 'employment', 'other')),
  name text NOT NULL,
  description text NOT NULL,
  contact_phone text,
  hours text,
  city_id uuid NOT NULL REFERENCES region (id),
  district_id uuid REFERENCES region (id),
  street_id uuid REFERENCES region (id),
  community_id uuid REFERENCES region (id),
  org_id uuid NOT NULL REFERENCES org (id),
  created_by uuid NOT NULL REFERENCES app_user (id),
  active boolean NOT NULL DEFAULT true,
  sort_order integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX service_item_community ON service_item (community_id) WHERE active;
CREATE INDEX service_item_street ON service_item (street_id) WHERE active;
CREATE INDEX service_item_district ON service_item (district_id);

-- Who publishes: community, street and district bodies publish notices and services (the platform
-- administrator city-wide ones); property companies publish fee and maintenance-fund notices for the
-- compounds they manage.
INSERT INTO role_permission (role_code, permission)
SELECT r.code, p.permission FROM role r
JOIN (VALUES
  ('platform_admin', 'notice.publish'), ('platform_admin', 'service.publish'),
  ('district_admin', 'notice.publish'), ('district_admin', 'service.publish'),
  ('street_admin', 'notice.publish'), ('street_admin', 'service.publish'),
  ('street_staff', 'notice.publish'), ('street_staff', 'service.publish'),
  ('community_admin', 'notice.publish'), ('community_admin', 'service.publish'),
  ('community_staff', 'notice.publish'), ('community_staff', 'service.publish'),
  ('property_staff', 'notice.publish')
) AS p (role_code, permission) ON p.role_code = r.code;
