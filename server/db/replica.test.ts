import ExcelJS from 'exceljs';
import pg from 'pg';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { loadConfig } from '../config.ts';
import { startTestServer, type TestServer } from '../../test/support/harness.ts';
import { freePort } from '../../test/faults/support.ts';
import { caseApi, caseWorld, type CaseApi, type CaseWorld } from '../modules/cases/testing.ts';
import { countsFor } from '../modules/metrics/service.ts';
import { inTransaction, readerOf, systemCtx } from '../platform/context.ts';

// The read replica (DATABASE_REPLICA_URL): rankings, dashboards and exports read it, everything else
// the primary. Here the "replica" is a second database copied from the same template, so a row
// changed only there tells which handle a read came from; the real streaming standby is in
// test/faults/replica.test.ts.

const template = inject('template');
const onPostgres = template.engine === 'postgres';
const CLOCK = '2025-06-10T10:00:00+08:00';
const DAY = '2025-06-10';

/** The street's row of the street ranking for June 2025, as the district sees it. */
async function streetRow(w: CaseWorld) {
  const r = await w.s.request({ method: 'GET', url: '/api/metrics/orgs?period=2025-06&level=street', token: w.tok.district });
  expect(r.statusCode, r.body).toBe(200);
  return (r.json() as { orgId: string; intake: number }[]).find((x) => x.orgId === w.org.street)!;
}

/** What the primary itself counts for the street on DAY (rollup plus unfolded deltas). */
async function primaryIntake(w: CaseWorld) {
  return (await countsFor(w.s.platform.db, [w.org.street], DAY, DAY)).get(w.org.street)?.intake ?? 0;
}

const logsMatching = (s: TestServer, text: string) => s.logs.lines.filter((l) => l.includes(text)).length;

describe('without a replica', () => {
  let w: CaseWorld;
  let api: CaseApi;
  beforeAll(async () => {
    w = await caseWorld(await startTestServer({ clock: CLOCK }));
    api = caseApi(w);
  });
  afterAll(() => w.s.close());

  it('the reader is the primary: a new case is in the ranking at once, and health reports no replica', async () => {
    expect(w.s.platform.reader).toBe(w.s.platform.db);
    const before = (await streetRow(w)).intake;
    await api.newCase();
    expect((await streetRow(w)).intake).toBe(before + 1);
    const health = await w.s.request({ method: 'GET', url: '/api/health' });
    expect(health.statusCode).toBe(200);
    expect(health.json().replica).toBeNull();
  });

  it('a replica without DATABASE_URL (the embedded engine) is refused at start-up', () => {
    expect(() => loadConfig({ databaseUrl: null, databaseReplicaUrl: 'postgres://linli@127.0.0.1:5433/linli' })).toThrow(/DATABASE_REPLICA_URL needs DATABASE_URL/);
    expect(loadConfig({ databaseUrl: 'postgres://linli@127.0.0.1/linli', databaseReplicaUrl: 'postgres://linli@127.0.0.1:5433/linli' }).databaseReplicaUrl).toBe('postgres://linli@127.0.0.1:5433/linli');
  });
});

describe.runIf(onPostgres)('with a replica (PostgreSQL)', () => {
  let w: CaseWorld;
  let api: CaseApi;
  let replica: pg.Client;
  beforeAll(async () => {
    w = await caseWorld(await startTestServer({ clock: CLOCK, replica: 'copy' }));
    api = caseApi(w);
    replica = new pg.Client({ connectionString: w.s.replicaUrl! });
    await replica.connect();
  });
  afterAll(async () => {
    await replica.end();
    await w.s.close();
  });

  it('the ranking reads the replica while a new case is written to the primary', async () => {
    const before = await streetRow(w);
    // a counter changed only in the replica
    await replica.query(`INSERT INTO metric_daily (subject_id, day, metric, n) VALUES ($1, $2, 'intake', 1000)
      ON CONFLICT (subject_id, day, metric) DO UPDATE SET n = metric_daily.n + 1000`, [w.org.street, DAY]);
    expect((await streetRow(w)).intake).toBe(before.intake + 1000);

    const inPrimary = await primaryIntake(w);
    const c = await api.newCase();
    // the write went to the primary (the case, and its intake delta) and not to the replica
    expect(await w.s.platform.db.selectFrom('cases').select('id').where('id', '=', c.id).execute()).toHaveLength(1);
    expect(await primaryIntake(w)).toBe(inPrimary + 1);
    expect((await replica.query('SELECT 1 FROM cases WHERE id = $1', [c.id])).rowCount).toBe(0);
    // the ranking still shows the replica's numbers: nothing it read came from the primary
    expect((await streetRow(w)).intake).toBe(before.intake + 1000);
  });

  it('the command-centre dashboard and its monthly report read the replica', async () => {
    const dashboard = async () => {
      const r = await w.s.request({ method: 'GET', url: '/api/dashboard?period=2025-06', token: w.tok.street });
      expect(r.statusCode, r.body).toBe(200);
      return r.json().totals.intake as number;
    };
    const before = await dashboard();
    await api.newCase();
    expect(await dashboard()).toBe(before);
    // a case moved into the period only in the replica is counted
    const other = (await replica.query<{ id: string }>(`SELECT id FROM cases WHERE street_id = (SELECT region_id FROM org WHERE id = $1)
      AND NOT (reported_at >= '2025-06-01T00:00:00+08:00' AND reported_at < '2025-07-01T00:00:00+08:00') ORDER BY id LIMIT 1`, [w.org.street])).rows[0];
    await replica.query(`UPDATE cases SET reported_at = $2 WHERE id = $1`, [other.id, `${DAY}T08:00:00+08:00`]);
    const moved = await dashboard();
    expect(moved).toBe(before + 1);
    const report = await w.s.request({ method: 'GET', url: '/api/dashboard/report.xlsx?month=2025-06', token: w.tok.street });
    expect(report.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(report.rawPayload as never);
    const overview = wb.worksheets[0];
    const intakeRow = overview.getRows(5, 1)![0];
    expect(Number(intakeRow.getCell(2).value)).toBe(moved);
  });

  it('a resident export reads its rows from the replica; its audit record is written to the primary', async () => {
    const resident = (await replica.query<{ id: string; name: string }>(`SELECT r.id, r.name FROM resident r
      JOIN household_member m ON m.resident_id = r.id JOIN household h ON h.id = m.household_id
      WHERE h.community_id = (SELECT region_id FROM org WHERE id = $1) AND r.status = 'active' ORDER BY r.id LIMIT 1`, [w.org.community])).rows[0];
    await replica.query(`UPDATE resident SET name = '副本中的名字' WHERE id = $1`, [resident.id]);
    const q = `SELECT count(*)::int AS n FROM audit_log WHERE action = 'resident.export'`;
    const audits = async (db: 'primary' | 'replica') =>
      db === 'primary' ? (await sql<{ n: number }>`${sql.raw(q)}`.execute(w.s.platform.db)).rows[0].n : (await replica.query<{ n: number }>(q)).rows[0].n;
    const [inPrimary, inReplica] = [await audits('primary'), await audits('replica')];
    const res = await w.s.request({ method: 'GET', url: '/api/exports/residents.xlsx', token: w.tok.community });
    expect(res.statusCode, res.body).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as never);
    const names: unknown[] = [];
    wb.worksheets[0].eachRow((row) => names.push(row.getCell(1).value));
    expect(names).toContain('副本中的名字');
    expect(await audits('primary')).toBe(inPrimary + 1);
    expect(await audits('replica')).toBe(inReplica);
  });

  it('a session on the reader refuses writes', async () => {
    const write = await sql`INSERT INTO setting (key, value) VALUES ('replica.test', '1')`.execute(w.s.platform.reader).then(() => null, (e: { code?: string }) => e);
    expect(write?.code).toBe('25006'); // read_only_sql_transaction
    const inTrx = await w.s.platform.reader.transaction().execute((trx) => trx.deleteFrom('setting').where('key', '=', 'none').execute()).then(() => null, (e: { code?: string }) => e);
    expect(inTrx?.code).toBe('25006');
    expect((await replica.query(`SELECT 1 FROM setting WHERE key = 'replica.test'`)).rowCount).toBe(0);
  });

  it('inside a transaction a heavy read goes to the transaction, which sees its own writes; outside it, to the replica', async () => {
    const ctx = systemCtx(w.s.platform, 'test');
    const value = (db: ReturnType<typeof readerOf>) => db.selectFrom('setting').select('value').where('key', '=', 'replica.own_write').executeTakeFirst();
    const seen = await inTransaction(ctx, async (trx, c) => {
      await trx.insertInto('setting').values({ key: 'replica.own_write', value: JSON.stringify(1) }).execute();
      const inside = await value(readerOf(c));
      throw Object.assign(new Error('roll back'), { inside });
    }).catch((e: { inside?: unknown }) => e.inside);
    expect(seen).toEqual({ value: 1 });
    expect(readerOf(ctx)).toBe(w.s.platform.reader);
    expect(await value(readerOf(ctx))).toBeUndefined();
  });

  it('health reports the replica reachable, with no lag figure for a database that is not a standby', async () => {
    const health = await w.s.request({ method: 'GET', url: '/api/health' });
    expect(health.statusCode).toBe(200);
    expect(health.json().replica).toEqual({ reachable: true, lagSeconds: null });
  });
});

describe.runIf(onPostgres)('an unreachable replica (PostgreSQL)', () => {
  let w: CaseWorld;
  let api: CaseApi;
  beforeAll(async () => {
    // nothing listens on a port just freed
    w = await caseWorld(await startTestServer({ clock: CLOCK, replica: `postgres://linli@127.0.0.1:${await freePort()}/postgres` }));
    api = caseApi(w);
  });
  afterAll(() => w.s.close());

  it('rankings and dashboards fall back to the primary, the warning is logged once, health stays ok', async () => {
    const before = (await streetRow(w)).intake;
    await api.newCase();
    expect((await streetRow(w)).intake).toBe(before + 1);
    const dash = await w.s.request({ method: 'GET', url: '/api/dashboard?period=2025-06', token: w.tok.street });
    expect(dash.statusCode).toBe(200);
    expect(logsMatching(w.s, 'read replica unreachable')).toBe(1);
    const health = await w.s.request({ method: 'GET', url: '/api/health' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual(expect.objectContaining({ status: 'ok', replica: { reachable: false, lagSeconds: null } }));
  });

  it('the replica is tried again after a pause, and the warning repeats at most once a minute', async () => {
    // the reader's pauses are measured with Date.now: move it on instead of waiting
    const real = Date.now.bind(Date);
    let skew = 0;
    const now = vi.spyOn(Date, 'now').mockImplementation(() => real() + skew);
    const warnings = () => logsMatching(w.s, 'read replica unreachable');
    try {
      skew += 61_000;
      const first = warnings();
      await streetRow(w);
      expect(warnings()).toBe(first + 1);
      // tried again after the 5 s pause and failed again: still within the minute, no new warning
      skew += 6_000;
      await streetRow(w);
      expect(warnings()).toBe(first + 1);
      // a minute after the last warning, the next failure warns again (so the replica was tried again)
      skew += 55_000;
      await streetRow(w);
      expect(warnings()).toBe(first + 2);
    } finally {
      now.mockRestore();
    }
  });
});
