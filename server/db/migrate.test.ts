import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEmptyDatabase } from '../../test/support/harness.ts';
import type { Database } from './index.ts';
import { migrate } from './migrate.ts';

let database: Database;
let drop: () => Promise<void>;
beforeAll(async () => {
  ({ database, drop } = await openEmptyDatabase());
});
afterAll(async () => {
  await database.close();
  await drop();
});

describe('migrations', () => {
  it('build the whole schema on an empty database, and a second run changes nothing', async () => {
    const first = await migrate(database.db);
    expect(first.applied.length).toBe(first.total);
    expect(first.applied[0]).toBe('0001_foundation.sql');
    const tables = await sql<{ n: number }>`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = current_schema()`.execute(database.db);
    const second = await migrate(database.db);
    expect(second.applied).toEqual([]);
    const again = await sql<{ n: number }>`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = current_schema()`.execute(database.db);
    expect(again.rows[0].n).toBe(tables.rows[0].n);
  });

  it('refuses to run when an applied migration file was edited', async () => {
    await sql`UPDATE schema_migration SET checksum = 'edited' WHERE name = '0001_foundation.sql'`.execute(database.db);
    await expect(migrate(database.db)).rejects.toThrow(/was changed after it was applied/);
  });
});
