import type { CreatedAt, Timestamp } from '../../db/schema.ts';

/** Region ids every located row carries (see docs/architecture.md, Scope). */
export interface Located {
  city_id: string;
  district_id: string;
  street_id: string;
  community_id: string;
}

export interface CompoundTable extends Located {
  id: string;
  name: string;
  type: 'commercial' | 'old' | 'work_unit' | 'resettlement';
  management: 'property_company' | 'residents_committee' | 'work_unit';
  property_company_org_id: string | null;
  owners_committee_org_id: string | null;
  work_unit: string | null;
  address: string;
  lng: number | null;
  lat: number | null;
  built_year: number | null;
  grid_id: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp | undefined;
}

export interface BuildingTable extends Located {
  id: string;
  compound_id: string | null;
  number: string;
  address: string;
  floors: number | null;
  unit_count: number | null;
  lng: number | null;
  lat: number | null;
  grid_id: string;
  created_at: CreatedAt;
  updated_at: Timestamp | undefined;
}

export interface RegistryTables {
  compound: CompoundTable;
  building: BuildingTable;
}
