// `npm run generate -- --residents N [--cases M --years Y] [--seed S] [--force]`: fills the configured
// database (PGlite in LINLI_DATA_DIR, or DATABASE_URL) with a synthetic city and its case history for
// tests and benchmarks. The demo city is its small case (2,000 residents, seed "linli-demo").
// Measured speeds: docs/registry.md (residents) and docs/benchmarks.md (cases).
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { loadConfig } from '../server/config.ts';
import { openDatabase, type Database, type DB } from '../server/db/index.ts';
import { copyInto, insertBatches, type BulkInsert } from '../server/db/bulk.ts';
import { copyHistory, ensureHistoryPartitions, generateCaseHistory, type HistoryResult } from '../server/demo/history.ts';
import { migrate } from '../server/db/migrate.ts';
import { DataDirLockedError, lockDataDir } from '../server/db/lock.ts';
import { typeParsers } from '../server/db/types.ts';
import { createLogger, createPlatform, resolveSecret } from '../server/platform/index.ts';
import { SealPool } from './lib/seal-pool.ts';
import { loadDemo, DEMO_SEED } from '../server/demo/load.ts';
import { planCity } from '../server/demo/synth/index.ts';
import { ensurePartitions } from '../server/modules/system/service.ts';
import { modules } from '../server/modules/index.ts';

/** What a generation run is asked for. */
export interface GenerateOptions {
  residents: number;
  /** cases of history beyond the demo's own (0: none) */
  cases: number;
  years: number;
  seed: string;
  force: boolean;
  /** write the case history this many times over (copies in SQL; see copyHistory) */
  copies: number;
  /** only multiply the history already in the database */
  copyOnly: boolean;
}

const USAGE = 'usage: npm run generate -- --residents N [--cases M [--years Y] [--copies K]] [--seed S] [--force]\n   or: npm run generate -- --copies K   (K× the history already generated in this database)';

function options(argv: string[]): GenerateOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      residents: { type: 'string' }, cases: { type: 'string' }, years: { type: 'string' }, copies: { type: 'string' }, seed: { type: 'string' },
      force: { type: 'boolean', default: false }, help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const residents = Number(values.residents ?? 2000);
  if (!Number.isInteger(residents) || residents < 0 || residents > 50_000_000) throw new Error(`--residents must be a whole number from 0 to 50,000,000\n${USAGE}`);
  const cases = Number(values.cases ?? 0);
  if (!Number.isInteger(cases) || cases < 0 || cases > 100_000_000) throw new Error(`--cases must be a whole number from 0 to 100,000,000\n${USAGE}`);
  const years = Number(values.years ?? 1);
  if (!(years > 0 && years <= 20)) throw new Error(`--years must be a number above 0 and at most 20\n${USAGE}`);
  const copies = Number(values.copies ?? 1);
  if (!Number.isInteger(copies) || copies < 1 || copies > 100) throw new Error(`--copies must be a whole number from 1 to 100\n${USAGE}`);
  const copyOnly = copies > 1 && values.residents === undefined && values.cases === undefined;
  if (copies > 1 && !copyOnly && cases === 0) throw new Error(`--copies multiplies a case history: give --cases too\n${USAGE}`);
  return { residents, cases, years, seed: values.seed ?? DEMO_SEED, force: values.force, copies, copyOnly };
}

/**
 * One PostgreSQL connection for the whole run: the city is written in one transaction, and COPY
 * must run on the connection that holds it. Kysely gets a "pool" that always hands out this client.
 */
async function singleConnection(url: string): Promise<{ database: Database; client: pg.Client }> {
  for (const [oid, parse] of Object.entries(typeParsers)) pg.types.setTypeParser(Number(oid), parse);
  const client = new pg.Client({ connectionString: url, application_name: 'linli-generate' });
  await client.connect();
  await client.query(`SET TIME ZONE 'Asia/Shanghai'`);
  const pool = { connect: async () => Object.assign(client, { release: () => undefined }), end: async () => undefined };
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: pool as unknown as pg.Pool }) });
  const database: Database = {
    engine: 'postgres',
    db,
    reader: db,
    replicaHealth: async () => null,
    onNotify: () => () => undefined,
    poolStats: () => ({ total: 1, idle: 0, waiting: 0 }),
    dump: () => Promise.reject(new Error('not available')),
    close: async () => {
      await db.destroy();
      await client.end();
    },
  };
  return { database, client };
}

/** Tables a city fills with many rows: their secondary indexes are built once, after the load. */
const BULK_TABLES = ['unit', 'household', 'resident', 'household_member', 'resident_tag'];
const HISTORY_TABLES = ['cases', 'case_event', 'case_deadline', 'case_assignment', 'metric_daily'];

/**
 * Drops the secondary indexes of the bulk tables (not those behind primary keys and constraints)
 * and returns how to build them again. Building an index once over a million rows is far cheaper
 * than keeping it up to date row by row during COPY.
 */
async function deferIndexes(database: Database, tables: string[]): Promise<() => Promise<void>> {
  const rows = await sql<{ name: string; def: string }>`
    SELECT i.indexname AS name, i.indexdef AS def FROM pg_indexes i
    WHERE i.schemaname = current_schema() AND i.tablename IN (${sql.join(tables)})
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = format('%I.%I', i.schemaname, i.indexname)::regclass)`.execute(database.db);
  for (const r of rows.rows) await sql`DROP INDEX ${sql.ref(r.name)}`.execute(database.db);
  return async () => {
    // pg_indexes gives a partitioned table's index as `ON ONLY parent`, which would build an invalid
    // index on the parent alone and leave every partition without one
    for (const r of rows.rows) await sql.raw(r.def.replace(/ ON ONLY /, ' ON ')).execute(database.db);
    await sql`ANALYZE`.execute(database.db);
  };
}

/** Everything a previous city left behind: the tree, organisations, accounts, and all that hangs off them. */
async function clearCity(database: Database) {
  // case events and metric rollups hold no foreign keys, nor do the tables whose keys into the
  // registry went for distribution by district (server/db/distribution.ts), so the cascade does not reach them
  await sql`TRUNCATE region, org, app_user, resident_account, idempotency_key, otp_code, job, case_event, metric_daily, metric_delta,
    resident_tag, resident_change, property_compound, fund_proposal, fund_vote RESTART IDENTITY CASCADE`.execute(database.db);
  await sql`DELETE FROM setting WHERE key = 'demo.loaded'`.execute(database.db);
}

async function main() {
  const opts = options(process.argv.slice(2));
  const config = loadConfig({ logLevel: process.env.LINLI_LOG_LEVEL ?? 'warn' });
  if (config.mode === 'production') throw new Error('the generator writes demo accounts with a known password; it refuses to run in production mode');
  const plan = planCity({ residents: opts.residents });
  let release = () => {};
  let database: Database;
  let bulk: BulkInsert | undefined;
  if (config.databaseUrl) {
    const single = await singleConnection(config.databaseUrl);
    database = single.database;
    bulk = copyInto(single.client);
  } else {
    try {
      release = lockDataDir(config.dataDir);
    } catch (e) {
      if (e instanceof DataDirLockedError) throw new Error(`${e.message} (stop the server first)`);
      throw e;
    }
    database = await openDatabase({ databaseUrl: null, dataDir: path.join(config.dataDir, 'pgdata'), timeZone: config.timeZone, statementTimeoutMs: 0, poolMax: 1, queueMax: 100 });
  }
  try {
    await migrate(database.db);
    if (opts.copyOnly) return await multiplyExisting(database, opts.copies);
    const existing = await database.db.selectFrom('region').select('id').limit(1).executeTakeFirst();
    if (existing) {
      if (!opts.force) throw new Error('this database already holds a city; pass --force to replace it (everything that hangs off the old city is deleted)');
      await clearCity(database);
    }
    const platform = createPlatform(config, database, createLogger(config));
    await ensurePartitions(platform);
    // the demo's own cases reach 90 days back: their months need partitions before they are written
    await ensureHistoryPartitions(database.db, platform.clock.now(), Math.max(opts.cases > 0 ? opts.years : 0, 0.5), config.timeZone);
    console.log(`generating: seed "${opts.seed}", ${opts.residents.toLocaleString('en')} residents, ${plan.districts} districts × ${plan.streetsPerDistrict} streets × ${plan.communitiesPerStreet} communities × ${plan.gridsPerCommunity} grids, on ${database.engine}`);
    const started = performance.now();
    // one sealing thread per core beyond the first (the main thread generates rows and feeds COPY)
    const pool = new SealPool(resolveSecret(config, platform.log), config.previousSecrets, Math.max(1, availableParallelism() - 1));
    // on the server the indexes are rebuilt after the load; the embedded engine keeps them (smaller cities)
    const deferred = [...BULK_TABLES, ...(opts.cases > 0 ? HISTORY_TABLES : [])];
    const restoreIndexes = database.engine === 'postgres' ? await deferIndexes(database, deferred) : async () => undefined;
    let history: HistoryResult | null = null;
    const result = await (async () => {
      const city = await loadDemo(platform, modules, { seed: opts.seed, residents: opts.residents, bulk, seal: pool.seal }).finally(() => pool.close());
      console.log(`city in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      if (opts.cases > 0) {
        const t = performance.now();
        history = await database.db.transaction().execute(async (trx) => {
          await sql`SET LOCAL statement_timeout = 0`.execute(trx);
          return generateCaseHistory(platform, trx, bulk ?? insertBatches(trx), { cases: opts.cases, years: opts.years, seed: opts.seed, end: platform.clock.now() });
        });
        const s = (performance.now() - t) / 1000;
        console.log(`case history in ${s.toFixed(1)} s: ${Math.round(history.cases / s).toLocaleString('en')} cases/s, ${Math.round(history.events / s).toLocaleString('en')} events/s`);
        if (opts.copies > 1) await copies(database, opts.copies);
      }
      return city;
    })().finally(async () => {
      const t = performance.now();
      await restoreIndexes();
      if (database.engine === 'postgres') console.log(`indexes built in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    });
    const seconds = (performance.now() - started) / 1000;
    const count = async (t: 'region' | 'compound' | 'building' | 'household' | 'resident' | 'resident_tag') => Number((await database.db.selectFrom(t).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const rows = { regions: await count('region'), compounds: await count('compound'), buildings: await count('building'), households: await count('household'), residents: await count('resident'), careTags: await count('resident_tag') };
    const rssMb = Math.round(process.resourceUsage().maxRSS / 1024);
    console.log(JSON.stringify(history ? { ...rows, history } : rows));
    console.log(`done in ${seconds.toFixed(1)} s: ${Math.round(result.residents / seconds).toLocaleString('en')} residents/s, peak RSS ${rssMb} MB`);
  } finally {
    await database.close();
    release();
  }
}

/** The history written `times` times over, in one transaction, timed. */
async function copies(database: Database, times: number) {
  const t = performance.now();
  const r = await database.db.transaction().execute(async (trx) => {
    await sql`SET LOCAL statement_timeout = 0`.execute(trx);
    return copyHistory(trx, times);
  });
  const s = (performance.now() - t) / 1000;
  console.log(`history copied to ${times}×: ${r.cases.toLocaleString('en')} cases, ${r.events.toLocaleString('en')} events in ${s.toFixed(1)} s (${Math.round(r.cases / s).toLocaleString('en')} cases/s)`);
  return r;
}

/** `--copies K` alone: multiplies the history a generator run left in this database. */
async function multiplyExisting(database: Database, times: number) {
  const generated = await database.db.selectFrom('case_event').select('id').limit(1).executeTakeFirst();
  if (!generated) throw new Error('this database holds no case history to copy: generate one first (--residents N --cases M)');
  const started = performance.now();
  const restoreIndexes = database.engine === 'postgres' ? await deferIndexes(database, HISTORY_TABLES) : async () => undefined;
  try {
    const r = await copies(database, times);
    console.log(JSON.stringify(r));
  } finally {
    const t = performance.now();
    await restoreIndexes();
    if (database.engine === 'postgres') console.log(`indexes built in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  console.log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
