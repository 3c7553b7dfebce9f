import { CompiledQuery, type Compilable } from 'kysely';
import type { Executor } from './index.ts';

/**
 * Writes that nothing later in the transaction reads back, sent to the database as one statement:
 * each write becomes a data-modifying CTE (`WITH w0 AS (INSERT …), w1 AS (UPDATE …) SELECT …`).
 * PostgreSQL runs every data-modifying CTE to completion, on one snapshot, and checks foreign keys at
 * the end of the statement. On a hot path (intake) every statement saved is a round trip to the
 * database and a system call on each side, which is what the intake's time went on (docs/benchmarks.md).
 *
 * A function that writes takes `Executor | WriteBatch`: given an executor it makes its own batch and
 * sends it at once (`done()`), so its writes still go in one statement; given the caller's batch it
 * only adds to it, and the caller sends everything with `flush()` before it commits. Two writes of
 * one batch must not change the same row: in one statement only one of them would take effect.
 */
export class WriteBatch {
  private writes: CompiledQuery[] = [];
  private notices: { channel: string; payload: string }[] = [];
  private constructor(
    /** where the writes go, and what builds them */
    readonly db: Executor,
    private readonly owned: boolean,
  ) {}

  /** A batch the caller sends with `flush()`. */
  static on(db: Executor): WriteBatch {
    return new WriteBatch(db, false);
  }

  /** The caller's batch, or a batch of one function's writes that its `done()` sends. */
  static of(target: Executor | WriteBatch): WriteBatch {
    return target instanceof WriteBatch ? target : new WriteBatch(target, true);
  }

  /** An INSERT, UPDATE or DELETE with parameters for every value (no literals, no WITH of its own). */
  add(query: Compilable): void {
    const compiled = query.compile();
    const text = compiled.sql.trimStart();
    // renumbering parameters is safe only without string literals; a nested data-modifying WITH is not allowed
    if (!/^(insert|update|delete)\s/i.test(text) || compiled.sql.includes("'")) {
      throw new Error(`WriteBatch takes a parameterised INSERT, UPDATE or DELETE, not: ${compiled.sql.slice(0, 80)}`);
    }
    this.writes.push(compiled);
  }

  /** A NOTIFY sent with the writes, delivered on commit like any NOTIFY. */
  notify(channel: string, payload: string): void {
    this.notices.push({ channel, payload });
  }

  get size(): number {
    return this.writes.length + this.notices.length;
  }

  /** Sends a batch this function made itself; a caller's batch waits for the caller's `flush()`. */
  async done(): Promise<void> {
    if (this.owned) await this.flush();
  }

  /** Sends every write and notice added so far as one statement. */
  async flush(): Promise<void> {
    const writes = this.writes;
    const notices = this.notices;
    this.writes = [];
    this.notices = [];
    if (!writes.length && !notices.length) return;
    if (writes.length === 1 && !notices.length) {
      await this.db.executeQuery(writes[0]);
      return;
    }
    const parameters: unknown[] = [];
    const ctes = writes.map((w, i) => {
      const offset = parameters.length;
      parameters.push(...w.parameters);
      return `w${i} AS (${w.sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`)})`;
    });
    let tail = 'SELECT 1';
    if (notices.length) {
      parameters.push(notices.map((n) => n.channel), notices.map((n) => n.payload));
      tail = `SELECT pg_notify(n.channel, n.payload) FROM unnest($${parameters.length - 1}::text[], $${parameters.length}::text[]) AS n(channel, payload)`;
    }
    await this.db.executeQuery(CompiledQuery.raw(`${ctes.length ? `WITH ${ctes.join(', ')} ` : ''}${tail}`, parameters));
  }
}
