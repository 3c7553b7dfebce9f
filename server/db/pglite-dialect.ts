import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import { DatabaseUnavailableError } from './errors.ts';
import type { PgliteClient } from './pglite-client.ts';

/** Kysely on the embedded database: PostgreSQL SQL, one connection shared in turns. */
export class PgliteWorkerDialect implements Dialect {
  constructor(private readonly client: PgliteClient) {}
  createAdapter() {
    return new PostgresAdapter();
  }
  createDriver(): Driver {
    return new PgliteWorkerDriver(this.client);
  }
  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }
  createIntrospector(db: Kysely<unknown>) {
    return new PostgresIntrospector(db);
  }
}

class PgliteConnection implements DatabaseConnection {
  /** statement timeout set by SET [LOCAL] statement_timeout, which PGlite itself ignores */
  private sessionTimeout: number;
  private localTimeout: number | null = null;
  private inTransaction = false;

  constructor(
    private readonly client: PgliteClient,
    readonly generation: number,
    readonly release: () => void,
  ) {
    this.sessionTimeout = client.defaultTimeoutMs;
  }

  private checkAlive() {
    if (this.generation !== this.client.generation) {
      throw new DatabaseUnavailableError('the embedded database restarted during this transaction');
    }
  }

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    this.checkAlive();
    const timeout = this.client.parseStatementTimeout(compiled.sql);
    if (timeout) {
      if (timeout.local && this.inTransaction) this.localTimeout = timeout.ms;
      else if (!timeout.local) this.sessionTimeout = timeout.ms;
      return { rows: [] };
    }
    const ms = this.localTimeout ?? this.sessionTimeout;
    // like node-postgres: no parameters means the simple protocol, which allows several statements
    const r =
      compiled.parameters.length === 0
        ? await this.client.exec(compiled.sql, ms)
        : await this.client.query(compiled.sql, compiled.parameters, ms);
    const affected = r.affectedRows !== undefined ? BigInt(r.affectedRows) : undefined;
    return { rows: r.rows as R[], numAffectedRows: affected };
  }

  async *streamQuery<R>(compiled: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    yield await this.executeQuery<R>(compiled);
  }

  async begin(settings: TransactionSettings) {
    let sql = 'BEGIN';
    if (settings.isolationLevel) sql += ` ISOLATION LEVEL ${settings.isolationLevel.toUpperCase()}`;
    if (settings.accessMode) sql += ` ${settings.accessMode.toUpperCase()}`;
    await this.executeQuery(CompiledQuery.raw(sql));
    this.inTransaction = true;
  }

  async end(sql: 'COMMIT' | 'ROLLBACK') {
    this.inTransaction = false;
    this.localTimeout = null;
    await this.executeQuery(CompiledQuery.raw(sql));
  }
}

class PgliteWorkerDriver implements Driver {
  constructor(private readonly client: PgliteClient) {}

  async init() {
    await this.client.waitReady();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const release = await this.client.acquire();
    try {
      await this.client.waitReady();
    } catch (e) {
      release();
      throw e;
    }
    return new PgliteConnection(this.client, this.client.generation, release);
  }

  async beginTransaction(conn: DatabaseConnection, settings: TransactionSettings) {
    await (conn as PgliteConnection).begin(settings);
  }

  async commitTransaction(conn: DatabaseConnection) {
    await (conn as PgliteConnection).end('COMMIT');
  }

  async rollbackTransaction(conn: DatabaseConnection) {
    const c = conn as PgliteConnection;
    // after a restart the transaction is already gone; nothing to roll back
    if (c.generation !== this.client.generation) return;
    await c.end('ROLLBACK');
  }

  async savepoint(conn: DatabaseConnection, name: string) {
    await conn.executeQuery(CompiledQuery.raw(`SAVEPOINT ${quoteIdent(name)}`));
  }

  async rollbackToSavepoint(conn: DatabaseConnection, name: string) {
    await conn.executeQuery(CompiledQuery.raw(`ROLLBACK TO SAVEPOINT ${quoteIdent(name)}`));
  }

  async releaseSavepoint(conn: DatabaseConnection, name: string) {
    await conn.executeQuery(CompiledQuery.raw(`RELEASE SAVEPOINT ${quoteIdent(name)}`));
  }

  async releaseConnection(conn: DatabaseConnection) {
    (conn as PgliteConnection).release();
  }

  async destroy() {
    await this.client.close();
  }
}

function quoteIdent(name: string) {
  return `"${name.replace(/"/g, '""')}"`;
}
