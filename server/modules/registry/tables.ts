import type { ColumnType, Generated } from 'kysely';
import type { CreatedAt, Json, Timestamp } from '../../db/schema.ts';

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
  /** normalised number, the natural key within the compound ("3号楼" → "3") */
  number_key: string;
  address: string;
  floors: number | null;
  unit_count: number | null;
  lng: number | null;
  lat: number | null;
  grid_id: string;
  created_at: CreatedAt;
  updated_at: Timestamp | undefined;
}

/** Five region ids where the grid may still be unknown (a newcomer not yet housed). */
export interface LocatedLoose extends Located {
  grid_id: string | null;
}

export interface UnitTable {
  id: string;
  building_id: string;
  /** the building's (docs/scaling.md §6) */
  district_id: string;
  number: string;
  name: string;
  created_at: CreatedAt;
}

export type Occupancy = 'owner' | 'tenant' | 'vacant';

export interface HouseholdTable extends Located {
  id: string;
  building_id: string;
  unit_id: string | null;
  unit_no: string;
  room_no: string;
  floor: number | null;
  area_m2: number | null;
  occupancy: Occupancy;
  compound_id: string | null;
  grid_id: string;
  created_at: CreatedAt;
  updated_at: Timestamp | undefined;
}

export interface CareTagTable {
  code: string;
  name_zh: string;
  name_en: string;
  sort_order: Generated<number>;
  active: Generated<boolean>;
}

export type PoliticalStatus = 'party_member' | 'probationary_party_member' | 'league_member' | 'democratic_party' | 'masses';
export type Relation = 'head' | 'spouse' | 'child' | 'parent' | 'grandchild' | 'sibling' | 'tenant' | 'other';
export type ResidentStatus = 'active' | 'moved_out' | 'deceased';
/** Dates are 'YYYY-MM-DD' text on both engines (server/db/types.ts). */
type DateText = ColumnType<string, string, string>;

export interface ResidentTable extends LocatedLoose {
  id: string;
  name: string;
  name_key: string;
  gender: 'male' | 'female';
  birth_date: DateText;
  id_enc: string;
  id_hash: string;
  id_tail: string;
  phone_enc: string | null;
  phone_hash: string | null;
  phone_tail: string | null;
  ethnicity: string | null;
  political_status: PoliticalStatus | null;
  registered_address: string | null;
  registered_region_code: string | null;
  separated: boolean | null;
  status: Generated<ResidentStatus>;
  household_id: string | null;
  relation: Relation | null;
  building_id: string | null;
  compound_id: string | null;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp | undefined;
}

export interface HouseholdMemberTable {
  id: string;
  resident_id: string;
  household_id: string;
  /** the household's: a membership stays where it was when the resident moves on */
  district_id: string;
  relation: Relation;
  valid_from: DateText;
  valid_to: DateText | null;
  reason_in: string | null;
  reason_out: string | null;
  created_by: string | null;
  closed_by: string | null;
  created_at: CreatedAt;
}

export interface ResidentTagTable {
  id: string;
  resident_id: string;
  /** the resident's: tags move with the resident (residents/store.ts updateResident) */
  district_id: string;
  tag: string;
  valid_from: DateText;
  valid_to: DateText | null;
  note: string | null;
  created_by: string | null;
  ended_by: string | null;
  created_at: CreatedAt;
}

export interface ResidentChangeTable {
  id: string;
  resident_id: string;
  at: Timestamp;
  actor_id: string | null;
  source: string;
  changes: Json<Record<string, { from: unknown; to: unknown }>>;
}

/** One row per ID number claimed in the city (its blind index): the row lock behind lockIdNumbers. */
export interface ResidentIdClaimTable {
  id_hash: string;
}

export interface VisitTable extends LocatedLoose {
  id: string;
  resident_id: string;
  household_id: string | null;
  visitor_id: string;
  visited_at: Timestamp;
  method: 'home' | 'phone' | 'other';
  notes: string;
  next_visit_on: DateText | null;
  created_at: CreatedAt;
}

export type ImportKind = 'residents' | 'households' | 'buildings';

/** How a file's headers were understood: header as written → field, and what was missing or unknown. */
export interface ImportColumns {
  matched: Record<string, string>;
  missing: string[];
  unknown: string[];
}

export interface ImportJobTable {
  id: string;
  kind: ImportKind;
  status: 'validated' | 'confirmed' | 'failed';
  file_id: string;
  file_name: string | null;
  format: 'xlsx' | 'csv';
  columns: Json<ImportColumns>;
  total_rows: Generated<number>;
  valid_rows: Generated<number>;
  problem_rows: Generated<number>;
  result: Json<Record<string, number>> | null;
  created_by: string;
  confirmed_by: string | null;
  city_id: string | null;
  district_id: string | null;
  street_id: string | null;
  community_id: string | null;
  grid_id: string | null;
  created_at: CreatedAt;
  confirmed_at: Timestamp | null;
}

export interface ImportProblemTable {
  job_id: string;
  seq: number;
  row_number: number;
  column_name: string | null;
  code: string;
  params: Json<Record<string, string | number>> | null;
}

export interface RegistryTables {
  compound: CompoundTable;
  building: BuildingTable;
  unit: UnitTable;
  household: HouseholdTable;
  care_tag: CareTagTable;
  resident: ResidentTable;
  household_member: HouseholdMemberTable;
  resident_tag: ResidentTagTable;
  resident_change: ResidentChangeTable;
  resident_id_claim: ResidentIdClaimTable;
  visit: VisitTable;
  import_job: ImportJobTable;
  import_problem: ImportProblemTable;
}
