import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sql } from 'kysely';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Executor } from './index.ts';

/**
 * Writes many rows into one table as fast as the engine allows: COPY FROM STDIN on a PostgreSQL
 * connection, multi-row INSERTs elsewhere (PGlite, or inside a Kysely transaction). Rows are
 * consumed lazily, so a million of them stream in flat memory. Returns the number of rows written.
 */
export type BulkInsert = (table: string, columns: readonly string[], rows: Iterable<readonly unknown[]> | AsyncIterable<readonly unknown[]>) => Promise<number>;

/** Multi-row INSERT statements, each under PostgreSQL's 65,535-parameter limit. */
export function insertBatches(db: Executor, maxRows = 1000): BulkInsert {
  return async (table, columns, rows) => {
    const perBatch = Math.max(1, Math.min(maxRows, Math.floor(60_000 / columns.length)));
    const head = sql`INSERT INTO ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c)))}) VALUES `;
    let batch: (readonly unknown[])[] = [];
    let total = 0;
    const flush = async () => {
      if (batch.length === 0) return;
      await sql`${head}${sql.join(batch.map((r) => sql`(${sql.join(r.map(param))})`))}`.execute(db);
      total += batch.length;
      batch = [];
    };
    for await (const r of rows) {
      batch.push(r);
      if (batch.length >= perBatch) await flush();
    }
    await flush();
    return total;
  };
}

// Objects and arrays go in as JSON text (jsonb columns); everything else as itself.
const param = (v: unknown) => (v !== null && typeof v === 'object' && !(v instanceof Date) ? JSON.stringify(v) : v);

/** COPY text format: \N for null, backslash escapes for the separators. */
export function copyField(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  let s: string;
  if (typeof v === 'string') s = v;
  else if (typeof v === 'boolean') return v ? 't' : 'f';
  else if (typeof v === 'number') return String(v);
  else if (v instanceof Date) return v.toISOString();
  else s = JSON.stringify(v);
  return s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

/** COPY … FROM STDIN on one PostgreSQL connection (the caller's transaction, if it opened one). */
export function copyInto(client: pg.ClientBase, chunkRows = 2000): BulkInsert {
  return async (table, columns, rows) => {
    let total = 0;
    async function* lines() {
      let chunk = '';
      let n = 0;
      for await (const r of rows) {
        chunk += r.map(copyField).join('\t') + '\n';
        total++;
        if (++n >= chunkRows) {
          yield chunk;
          chunk = '';
          n = 0;
        }
      }
      if (chunk) yield chunk;
    }
    const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
    const stream = client.query(copyFrom(`COPY ${ident(table)} (${columns.map(ident).join(', ')}) FROM STDIN`));
    await pipeline(Readable.from(lines()), stream);
    return total;
  };
}
