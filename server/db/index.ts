import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import { PgliteClient } from './pglite-client.ts';
import { PgliteWorkerDialect } from './pglite-dialect.ts';
import { DatabaseUnavailableError } from './errors.ts';
import { typeParsers } from './types.ts';
import type { DB } from './schema.ts';

export type { DB } from './schema.ts';
export type Engine = 'pglite' | 'postgres';
/** Anything a store can run SQL on: the database, or a transaction in progress. */
export type Executor = Kysely<DB> | Transaction<DB>;

export interface DatabaseOptions {
  databaseUrl: string | null;
  /** PGlite data directory; null keeps the embedded database in memory (tests) */
  dataDir: string | null;
  timeZone: string;
  statementTimeoutMs: number;
  poolMax: number;
  queueMax: number;
  /** start the embedded database from a dump (tests start from a migrated template) */
  loadDump?: Uint8Array;
}

export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}

/**
 * The one way Linli reaches PostgreSQL. `db` is the Kysely instance every store uses; the rest is
 * what operations need: commit-time notifications, pool figures and a
 * clean shutdown (checkpoint first on the embedded engine).
 */
export interface Database {
  engine: Engine;
  db: Kysely<DB>;
  /** listen to pg_notify('linli', payload) issued by committed transactions */
  onNotify(listener: (payload: string) => void): () => void;
  poolStats(): PoolStats;
  /** embedded engine only: a gzip tarball of the data directory */
  dump(): Promise<Uint8Array>;
  close(): Promise<void>;
}

for (const [oid, parse] of Object.entries(typeParsers)) pg.types.setTypeParser(Number(oid), parse);

export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  return opts.databaseUrl ? openPostgres(opts) : openPglite(opts);
}

async function openPglite(opts: DatabaseOptions): Promise<Database> {
  const client = new PgliteClient({
    dataDir: opts.dataDir,
    timeZone: opts.timeZone,
    statementTimeoutMs: opts.statementTimeoutMs,
    queueMax: opts.queueMax,
    loadDump: opts.loadDump,
  });
  await client.waitReady();
  const db = new Kysely<DB>({ dialect: new PgliteWorkerDialect(client) });
  return {
    engine: 'pglite',
    db,
    onNotify(listener) {
      return client.onNotify((channel, payload) => channel === 'linli' && listener(payload));
    },
    poolStats: () => ({ total: 1, idle: client.inUse ? 0 : 1, waiting: client.waiting }),
    dump: () => client.dump(),
    close: () => db.destroy(),
  };
}

async function openPostgres(opts: DatabaseOptions): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: opts.databaseUrl!,
    max: opts.poolMax,
    // fail fast when the server is down instead of letting requests pile up
    connectionTimeoutMillis: 3_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: opts.statementTimeoutMs,
    application_name: 'linli',
  });
  pool.on('connect', (c) => {
    c.query(`SET TIME ZONE '${opts.timeZone.replace(/'/g, "''")}'`).catch(() => undefined);
  });
  // an idle client losing its connection (server restart) must not crash the process
  pool.on('error', () => undefined);

  // pg-pool queues a request even when an idle connection or room for a new one will serve it on
  // the next tick; only those left over really wait for a busy connection
  const queued = () => Math.max(0, pool.waitingCount - pool.idleCount - (opts.poolMax - pool.totalCount));
  // a bounded wait queue: beyond queueMax waiting requests, answer 503 at once
  const guarded = new WeakSet<pg.PoolClient>();
  const boundedPool = {
    connect: async () => {
      if (queued() >= opts.queueMax) throw new DatabaseUnavailableError('too many requests waiting for the database');
      const client = await pool.connect();
      // a checked-out client whose connection drops (server restart) emits 'error' with nobody
      // listening, which would crash the process; the query in progress fails on its own
      if (!guarded.has(client)) {
        guarded.add(client);
        client.on('error', () => undefined);
      }
      return client;
    },
    end: () => pool.end(),
  };
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: boundedPool as unknown as pg.Pool }) });
  await db.selectNoFrom((eb) => eb.lit(1).as('one')).execute();

  const listeners = new Set<(payload: string) => void>();
  let listener: pg.Client | null = null;
  let closing = false;
  let retry: NodeJS.Timeout | null = null;
  const startListener = async () => {
    if (closing || listeners.size === 0 || listener) return;
    const c = new pg.Client({ connectionString: opts.databaseUrl!, application_name: 'linli-listen' });
    listener = c;
    const reconnect = () => {
      if (listener !== c) return;
      listener = null;
      c.end().catch(() => undefined);
      if (!closing) retry = setTimeout(() => void startListener(), 1_000);
    };
    c.on('error', reconnect);
    c.on('end', reconnect);
    c.on('notification', (n) => {
      if (n.channel === 'linli' && n.payload !== undefined) for (const l of listeners) l(n.payload);
    });
    try {
      await c.connect();
      await c.query('LISTEN linli');
    } catch {
      reconnect();
    }
  };

  return {
    engine: 'postgres',
    db,
    onNotify(l) {
      listeners.add(l);
      void startListener();
      return () => listeners.delete(l);
    },
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: queued() }),
    dump: () => Promise.reject(new Error('dump is only available on the embedded database; use pg_dump')),
    async close() {
      closing = true;
      if (retry) clearTimeout(retry);
      if (listener) {
        const c = listener;
        listener = null;
        await c.end().catch(() => undefined);
      }
      await db.destroy();
    },
  };
}
