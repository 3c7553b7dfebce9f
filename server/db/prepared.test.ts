import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/support/harness.ts';
import { PREPARE } from './prepared.ts';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

describe('statements marked PREPARE', () => {
  it('are prepared once per connection on PostgreSQL and answer like any statement; unmarked ones are not kept', async () => {
    const tag = randomUUID();
    await s.platform.db.transaction().execute(async (trx) => {
      for (const n of [1, 2, 3]) {
        const r = await sql<{ n: number; tag: string }>`${PREPARE} SELECT ${n}::int AS n, ${tag}::text AS tag`.execute(trx);
        expect(r.rows).toEqual([{ n, tag }]);
      }
      const built = await trx.selectFrom('org').modifyFront(PREPARE).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      expect(Number(built.n)).toBeGreaterThan(0);
      await sql`SELECT ${tag}::text AS unmarked`.execute(trx);
      const kept = await sql<{ statement: string }>`SELECT statement FROM pg_prepared_statements`.execute(trx);
      const texts = kept.rows.map((r) => r.statement);
      if (s.platform.engine === 'postgres') {
        // the same connection (one transaction): the marked template once, however often it ran, and the builder's
        expect(texts.filter((t) => t.includes('AS tag'))).toHaveLength(1);
        expect(texts.some((t) => t.includes('from "org"'))).toBe(true);
        expect(texts.some((t) => t.includes('unmarked'))).toBe(false);
      } else {
        expect(texts).toEqual([]); // the embedded engine runs them as they come
      }
    });
  });
});
