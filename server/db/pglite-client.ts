import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import type { WorkerEvent, WorkerRequest, WorkerResponse } from './pglite-protocol.ts';
import { typeConversions } from './types.ts';
import { DatabaseUnavailableError, StatementTimeoutError, type SqlError } from './errors.ts';

export interface PgliteClientOptions {
  dataDir: string | null;
  timeZone: string;
  statementTimeoutMs: number;
  queueMax: number;
  loadDump?: Uint8Array;
}

interface Pending {
  resolve: (r: WorkerResponse) => void;
  reject: (e: Error) => void;
}

const workerFile = fileURLToPath(new URL('./pglite-worker.mjs', import.meta.url));
const STATEMENT_TIMEOUT_RE = /^\s*set\s+(local\s+)?statement_timeout\s*(?:=|to)\s*'?(\d+)\s*(ms|s|min)?'?\s*;?\s*$/i;

/**
 * The main-thread side of the embedded database: one PGlite instance in a worker thread, used as
 * a single connection. Callers take turns through `acquire()`, which is what makes transactions on
 * a single-user database safe. A statement that runs past its timeout gets a StatementTimeoutError
 * and the worker is restarted, so one heavy query cannot hold the server hostage.
 */
export class PgliteClient {
  private worker!: Worker;
  private ready!: Promise<void>;
  private nextId = 1;
  private pending = new Map<number, Pending>();
  private queue: Array<() => void> = [];
  private busy = false;
  private closed = false;
  /** bumped whenever the worker is replaced: a connection from an older generation is dead */
  generation = 0;
  private notifyListeners = new Set<(channel: string, payload: string) => void>();
  restarts = 0;
  private dead = false;
  /** workers we terminated on purpose; their exit is expected */
  private retired = new WeakSet<Worker>();

  constructor(private readonly opts: PgliteClientOptions) {
    this.ready = this.start(opts.loadDump);
    // avoid an unhandled rejection if nobody is waiting yet; callers await `ready` themselves
    this.ready.catch(() => undefined);
  }

  private start(loadDump?: Uint8Array): Promise<void> {
    this.generation++;
    const worker = new Worker(workerFile, {
      workerData: { dataDir: this.opts.dataDir, timeZone: this.opts.timeZone, loadDump, parsers: typeConversions },
    });
    this.worker = worker;
    return new Promise((resolve, reject) => {
      const onMessage = (m: WorkerEvent | WorkerResponse) => {
        if (this.worker !== worker) return;
        if ('event' in m) {
          if (m.event === 'ready') resolve();
          else if (m.event === 'fatal') reject(new DatabaseUnavailableError(`embedded database failed to start: ${m.message}`));
          else if (m.event === 'notify') for (const l of this.notifyListeners) l(m.channel!, m.payload!);
          return;
        }
        const p = this.pending.get(m.id);
        if (p) {
          this.pending.delete(m.id);
          p.resolve(m);
        }
      };
      worker.on('message', onMessage);
      worker.once('error', (e) => {
        reject(e);
        if (this.worker === worker) this.failPending(new DatabaseUnavailableError(`embedded database worker error: ${e.message}`));
      });
      worker.once('exit', () => {
        reject(new DatabaseUnavailableError('embedded database worker exited'));
        if (this.worker !== worker || this.retired.has(worker)) return;
        this.failPending(new DatabaseUnavailableError('embedded database worker exited'));
        // an unexpected exit (out of memory, a crash): start again on the next query
        if (!this.closed) this.dead = true;
      });
    });
  }

  private failPending(err: Error) {
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.reject(err);
    }
  }

  async waitReady() {
    await this.ready;
  }

  onNotify(listener: (channel: string, payload: string) => void): () => void {
    this.notifyListeners.add(listener);
    return () => this.notifyListeners.delete(listener);
  }

  /** Take the single connection; resolves with a release function. */
  acquire(): Promise<() => void> {
    if (this.closed) return Promise.reject(new DatabaseUnavailableError('database is closed'));
    const grant = () => {
      this.busy = true;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const next = this.queue.shift();
        if (next) next();
        else this.busy = false;
      };
    };
    if (!this.busy) return Promise.resolve(grant());
    if (this.queue.length >= this.opts.queueMax) {
      return Promise.reject(new DatabaseUnavailableError('too many requests waiting for the database'));
    }
    return new Promise((resolve) => this.queue.push(() => resolve(grant())));
  }

  get waiting() {
    return this.queue.length;
  }

  get inUse() {
    return this.busy;
  }

  private async send(req: Omit<WorkerRequest, 'id'>, timeoutMs: number): Promise<WorkerResponse> {
    if (this.dead) {
      this.dead = false;
      this.restarts++;
      this.ready = this.start();
    }
    await this.ready;
    const id = this.nextId++;
    const generation = this.generation;
    return new Promise<WorkerResponse>((resolve, reject) => {
      const timer =
        timeoutMs > 0
          ? setTimeout(() => {
              if (!this.pending.has(id)) return;
              this.pending.delete(id);
              reject(new StatementTimeoutError(timeoutMs));
              if (this.generation === generation) void this.restart();
            }, timeoutMs)
          : null;
      this.pending.set(id, {
        resolve: (r) => {
          if (timer) clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          if (timer) clearTimeout(timer);
          reject(e);
        },
      });
      this.worker.postMessage({ ...req, id } satisfies WorkerRequest);
    });
  }

  /**
   * Replace the worker (after a timeout). In-flight transactions are lost, as after a crash. The old
   * worker is gone before the new one opens the data directory, and everything sent meanwhile waits.
   */
  restart(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.restarts++;
    const old = this.worker;
    this.retired.add(old);
    this.generation++;
    this.failPending(new DatabaseUnavailableError('embedded database restarted after a statement timeout'));
    this.ready = old.terminate().then(() => this.start());
    this.ready.catch(() => undefined);
    return this.ready;
  }

  async query(sql: string, params: readonly unknown[], timeoutMs = this.opts.statementTimeoutMs) {
    const r = await this.send({ op: 'query', sql, params: params as unknown[] }, timeoutMs);
    if (r.error) throw toSqlError(r.error);
    return { rows: r.rows ?? [], affectedRows: r.affectedRows };
  }

  /** simple protocol: may hold several statements; returns the rows of the last one */
  async exec(sql: string, timeoutMs = this.opts.statementTimeoutMs) {
    const r = await this.send({ op: 'exec', sql }, timeoutMs);
    if (r.error) throw toSqlError(r.error);
    return { rows: r.rows ?? [], affectedRows: r.affectedRows };
  }

  async dump(): Promise<Uint8Array> {
    const r = await this.send({ op: 'dump' }, 0);
    if (r.error) throw toSqlError(r.error);
    return r.dump!;
  }

  /** Checkpoint and close cleanly; waits for whoever holds the connection to finish first. */
  async close() {
    if (this.closed) return;
    const release = await this.acquire();
    this.closed = true;
    try {
      const r = await this.send({ op: 'close' }, 30_000);
      if (r.error) throw toSqlError(r.error);
    } finally {
      release();
      this.retired.add(this.worker);
      await this.worker.terminate();
    }
  }

  parseStatementTimeout(sql: string): { ms: number; local: boolean } | null {
    const m = STATEMENT_TIMEOUT_RE.exec(sql);
    if (!m) return null;
    const n = Number(m[2]);
    const unit = (m[3] ?? 'ms').toLowerCase();
    return { ms: unit === 's' ? n * 1000 : unit === 'min' ? n * 60_000 : n, local: Boolean(m[1]) };
  }

  get defaultTimeoutMs() {
    return this.opts.statementTimeoutMs;
  }
}

function toSqlError(e: NonNullable<WorkerResponse['error']>): SqlError {
  const err = new Error(e.message) as SqlError;
  Object.assign(err, { code: e.code, detail: e.detail, constraint: e.constraint, table: e.table, column: e.column });
  return err;
}
