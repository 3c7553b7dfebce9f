import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/support/harness.ts';
import type { Executor } from './index.ts';
import type { CaseRow } from '../modules/cases/events.ts';
import { windowCases } from '../modules/dispatch/hotspots.ts';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

/**
 * Cost that follows the data a caller owns, not the city's: these plans read an index led by the
 * caller's region or place, so they do not walk other regions' rows (migrations 0991, 0992).
 * The planner is told to avoid sequential and bitmap scans, which it prefers on a test-sized table.
 */
async function plan(query: ReturnType<typeof sql>, db: Executor = s.platform.db, planCacheMode?: string) {
  return db.transaction().execute(async (trx) => {
    await sql`SET LOCAL enable_seqscan = off`.execute(trx);
    await sql`SET LOCAL enable_bitmapscan = off`.execute(trx);
    if (planCacheMode) await sql`SELECT set_config('plan_cache_mode', ${planCacheMode}, true)`.execute(trx);
    const r = await sql<{ 'QUERY PLAN': string }>`EXPLAIN ${query}`.execute(trx);
    return r.rows.map((x) => x['QUERY PLAN']).join('\n');
  });
}

describe('work queues and hot-spot counts read only their own region', () => {
  for (const column of ['grid_id', 'community_id', 'street_id', 'district_id']) {
    it(`a ${column.replace('_id', '')} body's deadline queue: an index led by ${column}, no filter on it`, async () => {
      const p = await plan(sql`SELECT id FROM cases WHERE ${sql.ref(column)} = ${randomUUID()}::uuid AND handle_due_at IS NOT NULL ORDER BY handle_due_at, id LIMIT 20`);
      expect(p).toMatch(new RegExp(`Index Cond: \\(${column} = `));
      expect(p).not.toMatch(/Filter:/);
      expect(p).not.toMatch(/Sort/);
    });
  }

  // Intake runs the hot-spot count as a prepared statement. PostgreSQL re-plans a prepared statement on
  // every call unless its generic plan (made without the parameter values) is as good, and a partial
  // index can serve a generic plan only when the query repeats the index's predicate as a literal.
  for (const kind of ['grid', 'building'] as const) {
    for (const mode of ['force_custom_plan', 'force_generic_plan']) {
      it(`the hot-spot count at a ${kind} as intake builds it, ${mode}: led by the place and category, bounded by the window`, async () => {
        const q = windowCases(s.platform.db, kind, randomUUID(), { category_top: 'noise' } as CaseRow, new Date(Date.now() - 7 * 86_400_000))
          .select(sql.lit(1).as('one')).limit(5).compile();
        const args = q.parameters.map((v) => sql.lit(v instanceof Date ? v.toISOString() : (v as string | number)));
        const p = await s.platform.db.connection().execute(async (conn) => {
          await sql.raw(`PREPARE linli_plan_test AS ${q.sql}`).execute(conn);
          try {
            return await plan(sql`EXECUTE linli_plan_test(${sql.join(args)})`, conn, mode);
          } finally {
            await sql`DEALLOCATE linli_plan_test`.execute(conn);
          }
        });
        expect(p).toMatch(new RegExp(`Index (Only )?Scan using cases_${kind}_category_recent`));
        expect(p).not.toMatch(/Filter:/);
      });
    }
  }
});
