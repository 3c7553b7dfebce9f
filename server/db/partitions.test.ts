import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/support/harness.ts';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

const event = (at: string) => sql`INSERT INTO case_event (id, district_id, case_id, at, type, actor_kind) VALUES (gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), ${at}::timestamptz, 'report', 'system')`;
const count = async (table: string) => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(s.platform.db)).rows[0].n;

describe('month partitions of the time-ordered tables', () => {
  it('hold each month apart, and months before a cut-off detach with their rows while newer months stay', async () => {
    const db = s.platform.db;
    await sql`SELECT linli_ensure_month_partitions('case_event', '2019-01-01', 3)`.execute(db);
    await event('2019-01-15T10:00:00+08:00').execute(db);
    await event('2019-02-15T10:00:00+08:00').execute(db);
    await event('2019-03-15T10:00:00+08:00').execute(db);
    expect(await count('case_event_201901')).toBe(1);
    const before = await count('case_event');

    const detached = await sql<{ name: string }>`SELECT linli_detach_month_partitions('case_event', '2019-03-01') AS name`.execute(db);
    expect(detached.rows.map((r) => r.name)).toEqual(['case_event_201901', 'case_event_201902']);
    // the rows left the live table but are kept in the detached ones, ready to archive
    expect(await count('case_event')).toBe(before - 2);
    expect(await count('case_event_201901')).toBe(1);
    expect(await count('case_event_201903')).toBe(1);
    // nothing more to detach for the same cut-off; the live table takes new rows as before
    expect((await sql`SELECT linli_detach_month_partitions('case_event', '2019-03-01')`.execute(db)).rows).toEqual([]);
    await event('2019-03-20T10:00:00+08:00').execute(db);
    expect(await count('case_event_201903')).toBe(2);
    // audit_log is partitioned the same way and stays append-only
    await expect(sql`UPDATE audit_log SET action = 'x'`.execute(db)).rejects.toThrow(/append-only/);
  });
});
