import type { ColumnType, Generated } from 'kysely';
import type { RegistryTables } from '../modules/registry/tables.ts';
import type { DispatchTables } from '../modules/dispatch/tables.ts';
import type { TaxonomyTables } from '../modules/taxonomy/tables.ts';
import type { CaseTables } from '../modules/cases/tables.ts';
import type { NotificationTables } from '../modules/notifications/tables.ts';
import type { MetricTables } from '../modules/metrics/tables.ts';
import type { PrivacyTables } from '../modules/privacy/tables.ts';
import type { InteropTables } from '../modules/interop/tables.ts';
import type { ResidentServiceTables } from '../modules/resident/tables.ts';
import type { PropertyTables } from '../modules/property/tables.ts';
import type { ConsoleTables } from '../modules/console/tables.ts';

/**
 * Row types of the database, for Kysely. Foundation tables are here; each domain module declares
 * its own tables in `server/modules/<module>/tables.ts` and is added to `DB` below.
 */
export type Timestamp = ColumnType<Date, Date | string, Date | string>;
export type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
export type Json<T = unknown> = ColumnType<T, string, string>;

export type RegionLevel = 'city' | 'district' | 'street' | 'community' | 'grid';

export interface RegionTable {
  id: string;
  parent_id: string | null;
  level: RegionLevel;
  code: string;
  name: string;
  city_id: string | null;
  district_id: string | null;
  street_id: string | null;
  community_id: string | null;
  grid_id: string | null;
  geometry: Json<GeoJsonGeometry> | null;
  min_lng: number | null;
  min_lat: number | null;
  max_lng: number | null;
  max_lat: number | null;
  households: number | null;
  /** grids: the grid chief (网格长), added by the registry's migration 0101 */
  chief_user_id: ColumnType<string | null, string | null | undefined, string | null>;
  sort_order: Generated<number>;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface GeoJsonGeometry {
  type: 'Polygon' | 'MultiPolygon';
  coordinates: number[][][] | number[][][][];
}

export type OrgKind =
  | 'platform'
  | 'government'
  | 'street_office'
  | 'community_committee'
  | 'department'
  | 'property_company'
  | 'owners_committee'
  | 'party_org'
  | 'social_org';

export interface OrgTable {
  id: string;
  kind: OrgKind;
  name: string;
  region_id: string | null;
  parent_id: string | null;
  dept_type: string | null;
  code: string | null;
  contact_phone: string | null;
  active: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface AppUserTable {
  id: string;
  username: string;
  display_name: string;
  org_id: string;
  grid_id: string | null;
  password_hash: string;
  password_changed_at: ColumnType<Date, Date | string | undefined, Date | string>;
  must_change_password: Generated<boolean>;
  failed_attempts: Generated<number>;
  locked_until: Timestamp | null;
  active: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface RoleTable {
  code: string;
  name_zh: string;
  name_en: string;
  builtin: Generated<boolean>;
}

export interface RolePermissionTable {
  role_code: string;
  permission: string;
}

export interface UserRoleTable {
  user_id: string;
  role_code: string;
}

export interface ResidentAccountTable {
  id: string;
  phone_enc: string;
  phone_hash: string;
  resident_id: string | null;
  display_name: string | null;
  sms_opt_in: Generated<boolean>;
  sms_language: Generated<string>;
  sms_opt_in_at: Timestamp | null;
  created_at: CreatedAt;
  last_login_at: Timestamp | null;
}

export interface OtpCodeTable {
  id: string;
  phone_hash: string;
  code_hash: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  attempts: Generated<number>;
  used_at: Timestamp | null;
  ip: string | null;
}

export interface SessionTable {
  id: string;
  token_hash: string;
  user_id: string | null;
  resident_account_id: string | null;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  ip: string | null;
  user_agent: string | null;
}

export interface ApiTokenTable {
  id: string;
  name: string;
  kind: string;
  scopes: string[];
  token_hash: string;
  org_id: string;
  created_by: string | null;
  created_at: CreatedAt;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface IdempotencyKeyTable {
  principal: string;
  key: string;
  request_hash: string;
  status_code: number;
  response: Json;
  created_at: CreatedAt;
}

export interface AuditLogTable {
  seq: Generated<number>;
  at: Timestamp;
  actor_kind: string;
  actor_id: string | null;
  org_id: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  before_digest: string | null;
  after_digest: string | null;
  details: Json<Record<string, unknown>> | null;
  request_id: string | null;
  ip: string | null;
  digest: string;
  txid: Generated<string>;
}

export interface AuditSealTable {
  pos: number;
  audit_seq: number;
  audit_at: Timestamp;
  prev_hash: string;
  hash: string;
  sealed_at: CreatedAt;
}

export interface AuditSealStateTable {
  id: number;
  xid_watermark: string;
  last_pos: number;
  last_hash: string;
  /** audit records before this instant were dropped by retention (their seals remain) */
  retained_from: Timestamp | null;
}

export interface ScheduledTaskTable {
  name: string;
  interval_seconds: number;
  next_run_at: Timestamp;
  locked_until: Timestamp | null;
  last_started_at: Timestamp | null;
  last_finished_at: Timestamp | null;
  last_error: string | null;
  runs: Generated<number>;
  failures: Generated<number>;
}

export interface JobTable {
  id: string;
  kind: string;
  payload: Json<Record<string, unknown>>;
  run_at: Timestamp;
  attempts: Generated<number>;
  max_attempts: Generated<number>;
  locked_until: Timestamp | null;
  last_error: string | null;
  done_at: Timestamp | null;
  created_at: CreatedAt;
}

export interface FileObjectTable {
  id: string;
  sha256: string;
  size_bytes: number;
  mime: string;
  original_name: string | null;
  uploaded_by_user: string | null;
  uploaded_by_resident: string | null;
  created_at: CreatedAt;
}

export interface SettingTable {
  key: string;
  value: Json;
  updated_at: CreatedAt;
  updated_by: string | null;
}

export interface FoundationTables {
  region: RegionTable;
  org: OrgTable;
  app_user: AppUserTable;
  role: RoleTable;
  role_permission: RolePermissionTable;
  user_role: UserRoleTable;
  resident_account: ResidentAccountTable;
  otp_code: OtpCodeTable;
  user_session: SessionTable;
  api_token: ApiTokenTable;
  idempotency_key: IdempotencyKeyTable;
  audit_log: AuditLogTable;
  audit_seal: AuditSealTable;
  audit_seal_state: AuditSealStateTable;
  scheduled_task: ScheduledTaskTable;
  job: JobTable;
  file_object: FileObjectTable;
  setting: SettingTable;
  schema_migration: { name: string; checksum: string; applied_at: CreatedAt };
}

// Modules add their tables here: `export interface DB extends FoundationTables, CaseTables {}`.
export interface DB extends FoundationTables, RegistryTables, DispatchTables, TaxonomyTables, CaseTables, NotificationTables, MetricTables, PrivacyTables, InteropTables, ResidentServiceTables, PropertyTables, ConsoleTables {}
