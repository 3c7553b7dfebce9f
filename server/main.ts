import path from 'node:path';
import { loadConfig } from './config.ts';
import { openDatabase } from './db/index.ts';
import { migrate } from './db/migrate.ts';
import { DataDirLockedError, lockDataDir } from './db/lock.ts';
import { createLogger, createPlatform } from './platform/index.ts';
import { buildApp } from './app.ts';
import { modules } from './modules/index.ts';
import { ensurePartitions } from './modules/system/service.ts';
import { DEMO_PASSWORD, DEMO_RESIDENT_PHONE, loadDemo } from './demo/load.ts';

/**
 * Starts Linli: lock the data directory (embedded database), open and migrate the database, load the
 * demo city on first start, listen, run background tasks; on SIGINT/SIGTERM finish in-flight
 * requests, checkpoint and close the database, release the lock.
 */
async function main() {
  const config = loadConfig();
  const log = createLogger(config);
  let releaseLock = () => {};
  if (!config.databaseUrl) {
    try {
      releaseLock = lockDataDir(config.dataDir);
    } catch (e) {
      if (e instanceof DataDirLockedError) {
        console.error(`\n✖ ${e.message}\n`);
        process.exit(1);
      }
      throw e;
    }
  }
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.databaseUrl ? null : path.join(config.dataDir, 'pgdata'),
    timeZone: config.timeZone,
    statementTimeoutMs: config.statementTimeoutMs,
    poolMax: config.dbPoolMax,
    queueMax: config.dbQueueMax,
    replicaUrl: config.databaseReplicaUrl,
    onReplicaFallback: (err) => log.warn({ err }, 'read replica unreachable: rankings, dashboards and exports read the primary meanwhile'),
  });
  const migrations = await migrate(database.db);
  if (migrations.applied.length) log.info({ applied: migrations.applied }, 'database migrated');
  const platform = createPlatform(config, database, log);
  await ensurePartitions(platform);
  const demo = config.loadDemo ? await loadDemo(platform, modules) : null;

  const { app, scheduler, drain } = await buildApp(platform, modules, { web: true });
  await app.listen({ port: config.port, host: config.host });
  if (config.runJobs) scheduler.start();
  for (const m of modules) {
    m.onStarted?.(platform).catch((e) => log.error({ err: e, module: m.name }, 'background start-up work failed'));
  }

  const url = config.publicUrl ?? `http://localhost:${config.port}`;
  const lines = [
    '',
    `  邻里 Linli ${config.version} is running`,
    `  Console:       ${url}/`,
    `  Resident page: ${url}/m/`,
    `  API docs:      ${url}/api/docs`,
    `  Database:      ${database.engine === 'pglite' ? `embedded PGlite in ${path.join(config.dataDir, 'pgdata')} (for trying Linli; use DATABASE_URL for production)` : `PostgreSQL server (DATABASE_URL)${config.databaseReplicaUrl ? ', read replica (DATABASE_REPLICA_URL)' : ''}`}`,
    `  Mode:          ${config.mode}`,
  ];
  if (demo) {
    lines.push(`  Demo city:     ${demo.loaded ? 'loaded now' : 'already loaded'} (${demo.residents} residents)`);
    lines.push(`  Demo accounts (password ${DEMO_PASSWORD}):`);
    for (const a of demo.accounts) lines.push(`    ${a.username.padEnd(11)} ${a.role.padEnd(16)} ${a.org}`);
    lines.push(`  Demo resident: phone ${DEMO_RESIDENT_PHONE}, the sign-in code appears in this log`);
  }
  console.log(lines.join('\n') + '\n');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) {
      log.warn('second signal: exiting at once');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => {
      log.error('shutdown took longer than 30 s; exiting');
      process.exit(1);
    }, 30_000);
    try {
      await drain();
      await scheduler.stop();
      await database.close();
      log.info('database closed cleanly');
    } finally {
      releaseLock();
      clearTimeout(force);
    }
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
