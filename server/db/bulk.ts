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

/**
 * Row objects (all with the same keys, named as the table's columns) as one JSON parameter per
 * statement, typed by the table's own row type through json_populate_recordset. Far cheaper than
 * multi-row VALUES for both sides: two parameters instead of rows × columns to bind, and nothing to
 * plan per row. Columns left out get their defaults. Works on PostgreSQL and PGlite alike.
 */
export async function insertRecords(db: Executor, table: string, rows: readonly Record<string, unknown>[], perStatement = 1000): Promise<number> {
  if (rows.length === 0) return 0;
  const cols = sql.join(Object.keys(rows[0]).map((c) => sql.ref(c)));
  for (let i = 0; i < rows.length; i += perStatement) {
    const json = JSON.stringify(rows.slice(i, i + perStatement));
    await sql`INSERT INTO ${sql.table(table)} (${cols}) SELECT ${cols} FROM json_populate_recordset(NULL::${sql.table(table)}, ${json}::json)`.execute(db);
  }
  return rows.length;
}

/**
 * Updates many rows by id in one statement per set of changed columns: each object holds `id` and
 * the columns to set (a null sets null; a column left out is left alone).
 */
export async function updateRecords(db: Executor, table: string, rows: readonly ({ id: string } & Record<string, unknown>)[]): Promise<void> {
  const groups = new Map<string, ({ id: string } & Record<string, unknown>)[]>();
  for (const r of rows) {
    const key = Object.keys(r).filter((k) => k !== 'id').sort().join(',');
    if (!key) continue;
    const group = groups.get(key);
    if (group) group.push(r);
    else groups.set(key, [r]);
  }
  for (const [key, group] of groups) {
    const set = sql.join(key.split(',').map((c) => sql`${sql.ref(c)} = v.${sql.ref(c)}`));
    await sql`UPDATE ${sql.table(table)} AS t SET ${set} FROM json_populate_recordset(NULL::${sql.table(table)}, ${JSON.stringify(group)}::json) AS v WHERE t.id = v.id`.execute(db);
  }
}
