-- Registry, part 1: compounds (小区) and buildings (楼栋). Every building lies in exactly one grid; the
-- five region ids place both in the jurisdiction for scoping. Later registry migrations add units,
-- households, residents and what the registry module needs.
CREATE TABLE compound (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  -- commercial 商品房, old 老旧小区, work_unit 单位院, resettlement 安置房
  type text NOT NULL CHECK (type IN ('commercial', 'old', 'work_unit', 'resettlement')),
  -- who runs it: a property company, the residents' committee (self-managed) or a work unit
  management text NOT NULL CHECK (management IN ('property_company', 'residents_committee', 'work_unit')),
  property_company_org_id uuid REFERENCES org (id),
  owners_committee_org_id uuid REFERENCES org (id),
  work_unit text,
  address text NOT NULL,
  lng double precision,
  lat double precision,
  built_year integer,
  city_id uuid NOT NULL,
  district_id uuid NOT NULL,
  street_id uuid NOT NULL,
  community_id uuid NOT NULL REFERENCES region (id),
  grid_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX compound_community ON compound (community_id);
CREATE INDEX compound_property_company ON compound (property_company_org_id);

CREATE TABLE building (
  id uuid PRIMARY KEY,
  compound_id uuid REFERENCES compound (id),
  number text NOT NULL,
  address text NOT NULL,
  floors integer,
  unit_count integer,
  lng double precision,
  lat double precision,
  city_id uuid NOT NULL,
  district_id uuid NOT NULL,
  street_id uuid NOT NULL,
  community_id uuid NOT NULL,
  grid_id uuid NOT NULL REFERENCES region (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX building_compound ON building (compound_id);
CREATE INDEX building_grid ON building (grid_id);
CREATE UNIQUE INDEX building_compound_number ON building (compound_id, number);
