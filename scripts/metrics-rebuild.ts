// `npm run metrics:rebuild -- <period>`: recompute the metric rollups of a period (2026-06, 2026-Q2,
// 2026-W23, 2026-06-03) from the case events alone, replacing what is stored. Proves the numbers are
// reproducible and repairs a damaged rollup. Prints the totals before and after.
import { sql } from 'kysely';
import { withPlatform } from './cli.ts';
import { periodRange } from '../server/modules/cases/service.ts';
import { rebuildMetrics } from '../server/modules/metrics/service.ts';

const period = process.argv[2];
if (!period) {
  console.error('usage: npm run metrics:rebuild -- <YYYY-MM | YYYY-Qn | YYYY-Www | YYYY-MM-DD>');
  process.exit(2);
}
await withPlatform(async (platform, _db, config) => {
  const range = periodRange(period, config.timeZone);
  if (!range) throw new Error(`not a period: ${period}`);
  const [first, last] = range.days;
  const total = async () =>
    (await sql<{ rows: number; sum: number }>`SELECT count(*)::int AS rows, COALESCE(sum(n), 0)::float8 AS sum FROM (
      SELECT n FROM metric_daily WHERE day BETWEEN ${first}::date AND ${last}::date
      UNION ALL SELECT n FROM metric_delta WHERE day BETWEEN ${first}::date AND ${last}::date) x`.execute(platform.db)).rows[0];
  const before = await total();
  const r = await rebuildMetrics(platform, first, last);
  const after = await total();
  console.log(`${first} … ${last}: ${r.events} events → ${r.rows} daily rows; total before ${before.sum} (${before.rows} rows), after ${after.sum} (${after.rows} rows)`);
});
