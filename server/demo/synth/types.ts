/** Plain data produced by the synthetic-city generator (no database types here on purpose). */

export type RegionLevel = 'city' | 'district' | 'street' | 'community' | 'grid';

/** GeoJSON polygon, [lng, lat], closed rings, counter-clockwise outer ring. */
export interface Polygon { type: 'Polygon'; coordinates: number[][][] }

export interface SynthRegion {
  key: string;
  level: RegionLevel;
  /** 12-digit division code (city to community); grids: the 15-digit unified grid number. */
  code: string;
  name: string;
  parentKey: string | null;
  geometry: Polygon | null;
  /** Grids: households generated in the grid. Higher levels: the sum over their grids. */
  households: number | null;
  /** Position among its siblings, from 0. */
  sort: number;
}

export type SynthOrgKind = 'platform' | 'government' | 'street_office' | 'community_committee' | 'department' | 'property_company' | 'owners_committee' | 'party_org' | 'social_org';

export interface SynthOrg {
  key: string;
  kind: SynthOrgKind;
  name: string;
  regionKey: string | null;
  deptType?: string;
  parentKey?: string;
  /** 18-character unified social credit code (统一社会信用代码), valid check character; unique. */
  code?: string;
}

export type CompoundType = 'commercial' | 'old' | 'work_unit' | 'resettlement'; // 商品房 / 老旧小区 / 单位院 / 安置房

export interface SynthCompound {
  key: string;
  name: string;
  communityKey: string;
  type: CompoundType;
  propertyCompanyKey: string | null;
  managedBy: 'property_company' | 'residents_committee' | 'work_unit';
  ownersCommitteeKey: string | null;
  address: string;
  point: [number, number];
  builtYear: number;
  /** Work-unit compounds: the unit whose logistics office runs the compound (e.g. 济南第二机床厂后勤处). */
  workUnit?: string;
}

export interface SynthBuilding {
  key: string;
  compoundKey: string;
  gridKey: string;
  number: string; // e.g. "3号楼"
  address: string;
  floors: number;
  unitCount: number;
  householdsPerUnitFloor: number;
  point: [number, number];
}

export type Occupancy = 'owner' | 'tenant' | 'vacant';

export interface SynthHousehold {
  key: string;
  buildingKey: string;
  unit: number;
  floor: number;
  room: string; // e.g. "2单元301"
  areaM2: number;
  occupancy: Occupancy;
  /** How many residents `SynthCity.residents()` yields for this household (0 when vacant). */
  memberCount?: number;
}

export type PoliticalStatus = 'party_member' | 'probationary_party_member' | 'league_member' | 'democratic_party' | 'masses';

export type CareTag = 'elderly_alone' | 'advanced_age' | 'subsistence_allowance' | 'extreme_poverty' | 'disabled' | 'veteran' | 'left_behind_child' | 'key_attention';

export type Relation = 'head' | 'spouse' | 'child' | 'parent' | 'grandchild' | 'sibling' | 'tenant' | 'other';

export interface SynthResident {
  key: string;
  name: string;
  gender: 'male' | 'female';
  birthDate: string; // YYYY-MM-DD, equals the ID number
  idNumber: string;
  phone: string | null;
  ethnicity: string; // 汉族, 回族, 满族 …
  politicalStatus: PoliticalStatus;
  householdKey: string | null;
  relation: Relation;
  registeredAddress: string;
  registeredRegionCode: string; // 6 digits, 户籍地
  separated: boolean; // 人户分离: registered elsewhere than where they live
  careTags: { tag: CareTag; since: string }[];
}

export interface SynthCity {
  seed: string;
  /** The "today" all ages, tags and dates are computed against (YYYY-MM-DD). */
  asOf?: string;
  regions: SynthRegion[];
  orgs: SynthOrg[];
  compounds: SynthCompound[];
  buildings: SynthBuilding[];
  households: SynthHousehold[];
  /** lazily produced, deterministic for the seed; iterating twice yields the same people */
  residents(): Generator<SynthResident>;
  residentCount: number;
}

export interface CityOptions {
  seed?: string;
  districts?: number;
  streetsPerDistrict?: number;
  communitiesPerStreet?: number;
  gridsPerCommunity?: number;
  residents?: number;
  /** Reference date (YYYY-MM-DD) for ages and tag dates; fixed by default so output never depends on the clock. */
  asOf?: string;
}
