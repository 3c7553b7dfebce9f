import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import { PgliteClient } from './pglite-client.ts';
import { prepareMarked } from './prepared.ts';
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
  /** a read replica (PostgreSQL only) for the reads of `Database.reader`; null or absent: none */
  replicaUrl?: string | null;
  /** told when reads fall back from an unreachable replica to the primary; at most once a minute */
  onReplicaFallback?: (err: unknown) => void;
}

/** What /api/health says about the read replica. */
export interface ReplicaHealth {
  /** answered a trivial query within 2 s */
  reachable: boolean;
  /** how far its replay is behind the primary, in seconds; null when it is not a standby or cannot be asked */
  lagSeconds: number | null;
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
  /** the primary: every write, and every read that must see the latest commit */
  db: Kysely<DB>;
  /**
   * Heavy reads that write nothing and tolerate a second of lag (rankings, dashboards, exports): the
   * read replica when one is configured (sessions are read-only), the primary while the replica
   * cannot be reached, and simply `db` when there is no replica.
   */
  reader: Kysely<DB>;
  /** null when no replica is configured */
  replicaHealth(): Promise<ReplicaHealth | null>;
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
    reader: db,
    replicaHealth: async () => null,
    onNotify(listener) {
      return client.onNotify((channel, payload) => channel === 'linli' && listener(payload));
    },
    poolStats: () => ({ total: 1, idle: client.inUse ? 0 : 1, waiting: client.waiting }),
    dump: () => client.dump(),
    close: () => db.destroy(),
  };
}

/** A pg pool with Linli's session settings, and a bounded queue in front of it (see queueMax). */
function boundedPool(url: string, opts: DatabaseOptions, max: number, extra: { application_name: string; options?: string }) {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    // fail fast when the server is down instead of letting requests pile up
    connectionTimeoutMillis: 3_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: opts.statementTimeoutMs,
    ...extra,
  });
  pool.on('connect', (c) => {
    c.query(`SET TIME ZONE '${opts.timeZone.replace(/'/g, "''")}'`).catch(() => undefined);
  });
  // an idle client losing its connection (server restart) must not crash the process
  pool.on('error', () => undefined);

  // pg-pool queues a request even when an idle connection or room for a new one will serve it on
  // the next tick; only those left over really wait for a busy connection
  const queued = () => Math.max(0, pool.waitingCount - pool.idleCount - (max - pool.totalCount));
  // a bounded wait queue: beyond queueMax waiting requests, answer 503 at once
  const guarded = new WeakSet<pg.PoolClient>();
  return {
    pool,
    queued,
    connect: async () => {
      if (queued() >= opts.queueMax) throw new DatabaseUnavailableError('too many requests waiting for the database');
      const client = await pool.connect();
      // a checked-out client whose connection drops (server restart) emits 'error' with nobody
      // listening, which would crash the process; the query in progress fails on its own
      if (!guarded.has(client)) {
        guarded.add(client);
        client.on('error', () => undefined);
        prepareMarked(client);
      }
      return client;
    },
    end: () => pool.end(),
  };
}

const kyselyOver = (pool: { connect(): Promise<pg.PoolClient>; end(): Promise<void> }) =>
  new Kysely<DB>({ dialect: new PostgresDialect({ pool: pool as unknown as pg.Pool }) });

/** After the replica fails to connect, reads go to the primary for this long before it is tried again. */
const REPLICA_RETRY_MS = 5_000;
const FALLBACK_WARN_MS = 60_000;

/**
 * The reader over a replica: its own small pool whose sessions are read-only
 * (default_transaction_read_only, so a write sent there by mistake fails instead of diverging).
 * When the replica cannot be connected to, reads go to the primary: dashboards must not go down
 * with the replica.
 */
function openReader(url: string, opts: DatabaseOptions, primary: ReturnType<typeof boundedPool>) {
  const replica = boundedPool(url, opts, Math.max(2, Math.ceil(opts.poolMax / 2)), {
    application_name: 'linli-reader',
    options: '-c default_transaction_read_only=on',
  });
  let retryAt = 0;
  let warnedAt = -Infinity;
  const reader = kyselyOver({
    connect: async () => {
      if (Date.now() >= retryAt) {
        try {
          return await replica.connect();
        } catch (e) {
          // a full queue is load, not an outage: answer 503 like the primary would
          if (e instanceof DatabaseUnavailableError) throw e;
          retryAt = Date.now() + REPLICA_RETRY_MS;
          if (Date.now() - warnedAt >= FALLBACK_WARN_MS) {
            warnedAt = Date.now();
            opts.onReplicaFallback?.(e);
          }
        }
      }
      return primary.connect();
    },
    end: replica.end,
  });
  // a replica's own statement: its lag behind the primary (0 when it has replayed all it received
  // and is streaming; an idle primary would otherwise look like growing lag)
  const health = async (): Promise<ReplicaHealth> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('replica health check timed out')), 2_000)));
    const connecting = replica.connect();
    let client: pg.PoolClient | null = null;
    let broken = false;
    try {
      client = await Promise.race([connecting, timeout]);
      const r = await Promise.race([
        client.query<{ lag: number | null }>(`
          SELECT CASE
            WHEN NOT pg_is_in_recovery() THEN NULL
            WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver) THEN 0
            ELSE greatest(0, extract(epoch FROM now() - pg_last_xact_replay_timestamp()))
          END::float8 AS lag`),
        timeout,
      ]);
      return { reachable: true, lagSeconds: r.rows[0].lag };
    } catch {
      broken = client !== null;
      return { reachable: false, lagSeconds: null };
    } finally {
      clearTimeout(timer);
      // a connection that came too late goes back unused; one whose query timed out is dropped
      if (client) client.release(broken);
      else connecting.then((c) => c.release(), () => undefined);
    }
  };
  return { reader, health };
}

async function openPostgres(opts: DatabaseOptions): Promise<Database> {
  const primary = boundedPool(opts.databaseUrl!, opts, opts.poolMax, { application_name: 'linli' });
  const { pool, queued } = primary;
  const db = kyselyOver(primary);
  await db.selectNoFrom((eb) => eb.lit(1).as('one')).execute();
  const replica = opts.replicaUrl ? openReader(opts.replicaUrl, opts, primary) : null;

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
    reader: replica?.reader ?? db,
    replicaHealth: async () => (replica ? replica.health() : null),
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
      await replica?.reader.destroy();
      await db.destroy();
    },
  };
}
