import path from 'node:path';
import { loadConfig, type Config } from '../server/config.ts';
import { openDatabase, type Database } from '../server/db/index.ts';
import { migrate } from '../server/db/migrate.ts';
import { DataDirLockedError, lockDataDir } from '../server/db/lock.ts';
import { createLogger, createPlatform, type PlatformOverrides } from '../server/platform/index.ts';
import type { Platform } from '../server/platform/context.ts';

/** On the embedded engine: take the data directory, or explain who holds it and exit. */
export function lockOrExit(config: Config): () => void {
  if (config.databaseUrl) return () => {};
  try {
    return lockDataDir(config.dataDir);
  } catch (e) {
    if (e instanceof DataDirLockedError) {
      console.error(`${e.message}\nStop the server first.`);
      process.exit(1);
    }
    throw e;
  }
}

/**
 * Opens the configured database for a command-line tool the same way the server does (lock, migrate),
 * runs `fn`, and closes cleanly. On the embedded engine the server must not be running at the same time.
 */
export async function withPlatform<T>(
  fn: (p: Platform, db: Database, config: Config) => Promise<T>,
  overrides: (config: Config) => PlatformOverrides = () => ({}),
): Promise<T> {
  const config = loadConfig({ logLevel: process.env.LINLI_LOG_LEVEL ?? 'warn' });
  const release = lockOrExit(config);
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.databaseUrl ? null : path.join(config.dataDir, 'pgdata'),
    timeZone: config.timeZone,
    statementTimeoutMs: 0,
    poolMax: 4,
    queueMax: 1000,
  });
  try {
    await migrate(database.db);
    const platform = createPlatform(config, database, createLogger(config), overrides(config));
    return await fn(platform, database, config);
  } finally {
    await database.close();
    release();
  }
}
