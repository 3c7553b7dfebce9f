import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadConfig, type Config } from '../../server/config.ts';
import { openDatabase, type Database } from '../../server/db/index.ts';
import { migrate } from '../../server/db/migrate.ts';
import { createLogger, createPlatform } from '../../server/platform/index.ts';
import { MemoryFileStore } from '../../server/platform/files/store.ts';
import { modules } from '../../server/modules/index.ts';
import { loadDemo } from '../../server/demo/load.ts';
import { ensurePartitions } from '../../server/modules/system/service.ts';

/** The secret every test database is encrypted with. */
export const TEST_SECRET = 'a'.repeat(64);

export type Template = { engine: 'pglite'; dumpFile: string } | { engine: 'postgres'; baseUrl: string; templateDb: string };

export function urlWithDatabase(url: string, database: string) {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  return loadConfig({
    mode: 'demo',
    dataDir: mkdtempSync(path.join(os.tmpdir(), 'linli-test-')),
    databaseUrl: null,
    databaseReplicaUrl: null,
    secret: TEST_SECRET,
    loadDemo: true,
    logLevel: 'silent',
    ...overrides,
  });
}

/**
 * Builds, once per test run, a database that is migrated and holds the demo city. Each test file
 * then starts from a copy: a PGlite data-dir dump, or a PostgreSQL database created from a template.
 */
export async function buildTemplate(): Promise<Template> {
  const baseUrl = process.env.DATABASE_URL || null;
  const config = testConfig();
  if (baseUrl) {
    const templateDb = `linli_tpl_${process.pid}`;
    const admin = new pg.Client({ connectionString: baseUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${templateDb}`);
    await admin.query(`CREATE DATABASE ${templateDb}`);
    await admin.end();
    const database = await openDatabase({ databaseUrl: urlWithDatabase(baseUrl, templateDb), dataDir: null, timeZone: config.timeZone, statementTimeoutMs: 0, poolMax: 2, queueMax: 100 });
    await prepare(database, config);
    await database.close();
    return { engine: 'postgres', baseUrl, templateDb };
  }
  const database = await openDatabase({ databaseUrl: null, dataDir: null, timeZone: config.timeZone, statementTimeoutMs: 0, poolMax: 1, queueMax: 100 });
  await prepare(database, config);
  const dump = await database.dump();
  await database.close();
  const dumpFile = path.join(config.dataDir, 'template.tar.gz');
  writeFileSync(dumpFile, dump);
  return { engine: 'pglite', dumpFile };
}

async function prepare(database: Database, config: Config) {
  await migrate(database.db);
  const platform = createPlatform(config, database, createLogger(config), { files: new MemoryFileStore(), secret: TEST_SECRET });
  await ensurePartitions(platform);
  await loadDemo(platform, modules);
}

export async function dropTemplate(t: Template) {
  if (t.engine !== 'postgres') return;
  const admin = new pg.Client({ connectionString: t.baseUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${t.templateDb} WITH (FORCE)`);
  await admin.end();
}
