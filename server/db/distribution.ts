/**
 * How each table would be placed on a Citus cluster distributed by district (docs/scaling.md §6).
 * One list for the migration's keys (0802_scale_district_keys.sql), the DDL (`npm run citus:ddl`)
 * and the docs; server/db/district-keys.test.ts checks it against the catalog, so a new table or a
 * key that breaks the rules fails there.
 *
 * - distributed: rows grow with cases or residents; district_id NOT NULL, in the primary key, in
 *   every unique constraint and index, and in both sides of every foreign key between them.
 * - reference: small tables that say how the city works, copied to every node; they point only at
 *   other reference tables.
 * - local: stays on the coordinator; never the target of a distributed table's foreign key and never
 *   pointing into a distributed table. The reason says why it is not distributed.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Executor } from './index.ts';

/** The distribution column of every distributed table. */
export const DISTRIBUTION_COLUMN = 'district_id';

/** Distributed by district, co-located with `cases` (the first is the co-location anchor). */
export const distributedTables = [
  'cases', 'case_event', 'case_assignment', 'case_deadline', 'case_attachment', 'whistle', 'whistle_call', 'supervision',
  'extension_request', 'dispatch_suggestion', 'hot_spot', 'hot_spot_case',
  'compound', 'building', 'unit', 'household', 'household_member', 'resident', 'resident_tag', 'visit',
  'fee_charge', 'fee_payment', 'property_warning',
] as const;

/** Copied to every node: the taxonomy, rules, calendar, places and who works where. */
export const referenceTables = {
  region: 'the place tree; every scope predicate joins it',
  org: 'organisations; assignments and routing name them',
  app_user: 'staff accounts; tens of thousands of rows, named by cases and visits',
  user_role: 'roles of staff accounts',
  role: 'role catalogue',
  role_permission: 'role catalogue',
  resident_account: 'resident log-ins (one per phone, city-wide); cases name the reporter',
  taxonomy: 'case categories',
  workflow_transition: 'the case workflow',
  sla_rule: 'deadlines per category and priority',
  routing_rule: 'who gets a case; its compound is checked by the code, not by a foreign key',
  holiday_calendar: 'working-day calendar for deadlines',
  setting: 'configuration',
  care_tag: 'care-tag catalogue',
  credit_behaviour: 'property credit catalogue',
  credit_item: 'property credit catalogue',
  credit_part: 'property credit catalogue',
  property_company: 'property companies (one row per company organisation)',
  hotline_category_map: 'hotline category → taxonomy',
  open311_attribute: 'Open311 service attributes per category',
  reply_template: 'reply templates per organisation',
} as const;

/** Stays on the coordinator, with the reason. */
export const localTables = {
  audit_log: 'one hash chain for the city, ordered by transaction; a distributed table cannot keep that order',
  audit_seal: 'seals of the audit chain',
  audit_seal_state: 'seals of the audit chain',
  metric_daily: 'rollups by organisation and day, not by district; ≤ 50 M rows a year, read a few hundred subjects at a time',
  metric_delta: 'short-lived deltas folded into metric_daily',
  notification: 'addressed to users, organisations and accounts, not to a place; read by recipient',
  notification_read: 'follows notification',
  notice: 'notices from city to compound level; a city-wide notice has no district',
  notice_read: 'follows notice',
  file_object: 'uploads of every module (cases, contracts, imports), looked up by id alone',
  idempotency_key: 'per caller, short-lived',
  user_session: 'per log-in, short-lived',
  otp_code: 'per phone, short-lived',
  api_token: 'integration tokens',
  job: 'the background job queue',
  scheduled_task: 'the background job schedule',
  schema_migration: 'the migrator\'s record',
  saved_view: 'per user',
  export_approval: 'a few per day',
  import_job: 'a few per day; rows land in the registry',
  import_problem: 'follows import_job',
  legal_hold: 'a few rows; the resident is checked in scope by the code',
  resident_id_claim: 'one row per ID number, keyed by its blind index, which does not carry the district: the city-wide uniqueness of the ID number',
  resident_change: 'change log of a resident, who may move across districts; read by resident id',
  resident_home: 'per resident account (city-wide), which may have its home in any district',
  classifier_example: 'training texts, city-wide',
  classifier_model: 'trained models, city-wide',
  classifier_training: 'training runs',
  hotline_link: 'hotline integration settings',
  hotline_order: 'keyed by the hotline\'s order number, which does not carry the district; looked up by it on every callback',
  hotline_callback: 'follows hotline_order',
  hotline_outbox_cursor: 'hotline integration cursor',
  open311_request: 'keyed by the Open311 token, which does not carry the district',
  service_item: 'resident services published from city to community level',
  property_compound: 'per compound (thousands); the compound is checked by the code',
  property_contract: 'per compound and period (thousands)',
  property_inspection: 'per compound and quarter (thousands)',
  property_inspection_item: 'follows property_inspection',
  property_interview: 'per company and quarter',
  property_rating: 'one per household and quarter from the residents who answer; read per company',
  fee_statement: 'per compound and quarter',
  fund_proposal: 'per compound, a few a year',
  fund_vote: 'follows fund_proposal',
  credit_record: 'per company, scored city-wide',
  credit_run: 'scoring runs',
  credit_score: 'per company and quarter, ranked city-wide',
} as const;

export type DistributedTable = (typeof distributedTables)[number];

/** The statements that turn a migrated database into a Citus cluster distributed by district. */
export function citusDdl(shardCount = 32): string {
  const [anchor, ...rest] = distributedTables;
  const list = (names: readonly string[]) => names.map((n) => `'${n}'`).join(', ');
  return [
    'CREATE EXTENSION IF NOT EXISTS citus;',
    '-- reference tables: small, read everywhere, copied to every node',
    `SELECT create_reference_table(t) FROM unnest(ARRAY[${list(Object.keys(referenceTables))}]) t;`,
    '-- distributed by district, all co-located with cases: a district\'s rows live on one shard',
    `SELECT create_distributed_table('${anchor}', '${DISTRIBUTION_COLUMN}', shard_count => ${shardCount});`,
    `SELECT create_distributed_table(t, '${DISTRIBUTION_COLUMN}', colocate_with => '${anchor}') FROM unnest(ARRAY[${list(rest)}]) t;`,
    `-- local tables stay on the coordinator: ${Object.keys(localTables).join(', ')}`,
    '',
  ].join('\n');
}

/** The facts of the catalog the rules are about (current schema, partitions folded into their parent). */
interface Catalog {
  tables: string[];
  districtColumn: Map<string, { notNull: boolean }>;
  keys: { table: string; name: string; kind: 'primary' | 'unique'; columns: string[] }[];
  foreignKeys: { table: string; name: string; columns: string[]; refTable: string; refColumns: string[] }[];
}

async function readCatalog(db: Executor): Promise<Catalog> {
  const tables = await sql<{ name: string }>`
    SELECT c.relname AS name FROM pg_class c
    WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p') AND NOT c.relispartition
    ORDER BY 1`.execute(db);
  const columns = await sql<{ table: string; nullable: string }>`
    SELECT table_name AS table, is_nullable AS nullable FROM information_schema.columns
    WHERE table_schema = current_schema() AND column_name = ${DISTRIBUTION_COLUMN}`.execute(db);
  const cols = (rel: RawBuilder<unknown>, nums: RawBuilder<unknown>) =>
    sql<string[]>`array(SELECT a.attname::text FROM unnest(${nums}) WITH ORDINALITY k(n, o) JOIN pg_attribute a ON a.attrelid = ${rel} AND a.attnum = k.n ORDER BY k.o)`;
  // unique indexes cover the constraints too (each unique or primary-key constraint has one)
  const keys = await sql<{ table: string; name: string; primary: boolean; columns: string[] }>`
    SELECT t.relname AS table, ic.relname AS name, i.indisprimary AS primary, ${cols(sql`i.indrelid`, sql`i.indkey::int2[]`)} AS columns
    FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_class ic ON ic.oid = i.indexrelid
    WHERE t.relnamespace = current_schema()::regnamespace AND NOT t.relispartition AND i.indisunique`.execute(db);
  const fks = await sql<{ table: string; name: string; columns: string[]; ref_table: string; ref_columns: string[] }>`
    SELECT t.relname AS table, con.conname AS name, r.relname AS ref_table,
      ${cols(sql`con.conrelid`, sql`con.conkey`)} AS columns, ${cols(sql`con.confrelid`, sql`con.confkey`)} AS ref_columns
    FROM pg_constraint con JOIN pg_class t ON t.oid = con.conrelid JOIN pg_class r ON r.oid = con.confrelid
    WHERE con.contype = 'f' AND t.relnamespace = current_schema()::regnamespace AND NOT t.relispartition AND NOT r.relispartition`.execute(db);
  return {
    tables: tables.rows.map((r) => r.name),
    districtColumn: new Map(columns.rows.map((r) => [r.table, { notNull: r.nullable === 'NO' }])),
    keys: keys.rows.map((k) => ({ table: k.table, name: k.name, kind: k.primary ? 'primary' : 'unique', columns: k.columns })),
    foreignKeys: fks.rows.map((f) => ({ table: f.table, name: f.name, columns: f.columns, refTable: f.ref_table, refColumns: f.ref_columns })),
  };
}

type Placement = 'distributed' | 'reference' | 'local';

export function placementOf(table: string): Placement | undefined {
  if ((distributedTables as readonly string[]).includes(table)) return 'distributed';
  if (table in referenceTables) return 'reference';
  if (table in localTables) return 'local';
  return undefined;
}

/**
 * Every way the live schema breaks the distribution rules, one sentence each (empty when it is
 * ready to distribute).
 */
export async function distributionProblems(db: Executor): Promise<string[]> {
  const cat = await readCatalog(db);
  const problems: string[] = [];
  const classified = [...distributedTables, ...Object.keys(referenceTables), ...Object.keys(localTables)];
  for (const t of cat.tables) if (!placementOf(t)) problems.push(`${t}: not classified in server/db/distribution.ts`);
  for (const t of new Set(classified)) if (!cat.tables.includes(t)) problems.push(`${t}: classified but not in the schema`);
  for (const t of classified) if (classified.indexOf(t) !== classified.lastIndexOf(t)) problems.push(`${t}: classified twice`);
  for (const t of distributedTables) {
    const c = cat.districtColumn.get(t);
    if (!c) problems.push(`${t}: has no ${DISTRIBUTION_COLUMN}`);
    else if (!c.notNull) problems.push(`${t}: ${DISTRIBUTION_COLUMN} may be null`);
    const keys = cat.keys.filter((k) => k.table === t);
    if (!keys.some((k) => k.kind === 'primary')) problems.push(`${t}: has no primary key`);
    for (const k of keys) if (!k.columns.includes(DISTRIBUTION_COLUMN)) problems.push(`${t}: ${k.kind} key ${k.name} (${k.columns.join(', ')}) lacks ${DISTRIBUTION_COLUMN}`);
  }
  for (const fk of cat.foreignKeys) {
    const from = placementOf(fk.table);
    const to = placementOf(fk.refTable);
    const what = `${fk.table}: foreign key ${fk.name} → ${fk.refTable}`;
    if (from === 'distributed' && to === 'distributed') {
      const i = fk.columns.indexOf(DISTRIBUTION_COLUMN);
      if (i < 0 || fk.refColumns[i] !== DISTRIBUTION_COLUMN) problems.push(`${what} does not join on ${DISTRIBUTION_COLUMN} on both sides`);
    } else if (from === 'distributed' && to === 'local') {
      problems.push(`${what}: a distributed table may point only at distributed or reference tables`);
    } else if (from === 'reference' && to !== 'reference') {
      problems.push(`${what}: a reference table may point only at reference tables`);
    } else if (from === 'local' && to === 'distributed') {
      problems.push(`${what}: a local table may not point into a distributed table`);
    }
  }
  return problems;
}
