import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import type { DB } from './schema.ts';

const migrationsDir = fileURLToPath(new URL('./migrations/', import.meta.url));
/** an arbitrary constant: the advisory lock that keeps two starting processes from migrating at once */
const MIGRATION_LOCK = 7_264_001;

export interface MigrationResult {
  applied: string[];
  total: number;
}

/**
 * Applies server/db/migrations/*.sql in name order, each in its own transaction, recording name and
 * checksum. The same files run on PGlite and on PostgreSQL. An applied migration whose file changed
 * is an error: write a new migration instead of editing an old one.
 */
export async function migrate(db: Kysely<DB>): Promise<MigrationResult> {
  const files = (await readdir(migrationsDir)).filter((f) => f.endsWith('.sql')).sort();
  const migrations = await Promise.all(
    files.map(async (name) => {
      const text = await readFile(path.join(migrationsDir, name), 'utf8');
      return { name, text, checksum: createHash('sha256').update(text).digest('hex') };
    }),
  );
  return db.connection().execute(async (conn) => {
    await sql`SET statement_timeout = 0`.execute(conn);
    await sql`SELECT pg_advisory_lock(${MIGRATION_LOCK})`.execute(conn);
    try {
      await sql`CREATE TABLE IF NOT EXISTS schema_migration (
        name text PRIMARY KEY,
        checksum text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`.execute(conn);
      const done = await sql<{ name: string; checksum: string }>`SELECT name, checksum FROM schema_migration`.execute(conn);
      const known = new Map(done.rows.map((r) => [r.name, r.checksum]));
      const applied: string[] = [];
      for (const m of migrations) {
        const previous = known.get(m.name);
        if (previous !== undefined) {
          if (previous !== m.checksum) throw new Error(`migration ${m.name} was changed after it was applied; add a new migration instead`);
          continue;
        }
        await conn.transaction().execute(async (trx) => {
          await sql.raw(m.text).execute(trx);
          await sql`INSERT INTO schema_migration (name, checksum) VALUES (${m.name}, ${m.checksum})`.execute(trx);
        });
        applied.push(m.name);
      }
      return { applied, total: migrations.length };
    } finally {
      await sql`SELECT pg_advisory_unlock(${MIGRATION_LOCK})`.execute(conn);
    }
  });
}
