import pg from 'pg';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { isDatabaseUnavailable } from '../../server/db/errors.ts';
import { startTestServer, type TestServer } from '../support/harness.ts';
import { urlWithDatabase } from '../support/template.ts';
import { pgControl, sleep } from './support.ts';

// A slow or blocked database (a session holding a lock, pg_sleep), a full connection queue, and a
// PostgreSQL restart under load: requests fail fast with 503 and Retry-After, the process keeps
// answering, health says degraded, and everything recovers by itself with nothing accepted lost.

const template = inject('template');

/** Waits until this many requests queue for a database connection (every connection is busy). */
async function untilQueued(s: TestServer, n: number) {
  const started = Date.now();
  while (s.platform.dbStats().waiting < n) {
    if (Date.now() - started > 900) throw new Error(`requests did not queue: ${JSON.stringify(s.platform.dbStats())}`);
    await sleep(5);
  }
}
const onPostgres = template.engine === 'postgres';

describe.runIf(onPostgres)('a slow or blocked database (PostgreSQL)', () => {
  let s: TestServer;
  let url: string;
  let admin: string;
  beforeAll(async () => {
    // pool of 5 (the harness's), at most 3 waiting, statements cut off after 1 s
    s = await startTestServer({ config: { statementTimeoutMs: 1_000, dbQueueMax: 3, rateLimitPerMinute: 100_000 } });
    const name = (await sql<{ d: string }>`SELECT current_database() AS d`.execute(s.platform.db)).rows[0].d;
    url = urlWithDatabase(template.engine === 'postgres' ? template.baseUrl : '', name);
    admin = await s.login('admin');
  });
  afterAll(() => s.close());

  it('pg_sleep past the statement timeout is cut off and reported as the database being unavailable', async () => {
    const err = await sql`SELECT pg_sleep(10)`.execute(s.platform.db).then(() => null, (e: unknown) => e);
    expect(isDatabaseUnavailable(err)).toBe(true);
    expect(await sql`SELECT 1 AS one`.execute(s.platform.db)).toBeTruthy();
  });

  it('a held lock: statement timeouts fire, the queue is bounded, 503 + Retry-After, the process answers; then recovery', async () => {
    const blocker = new pg.Client({ connectionString: url });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE org IN ACCESS EXCLUSIVE MODE');
      // every connection of the pool (5) waits on the lock, 3 more queries queue behind them
      const stuck = Array.from({ length: 8 }, () => sql`SELECT count(*) FROM org`.execute(s.platform.db).then(() => 'done', (e: unknown) => e));
      await untilQueued(s, 3);
      // the queue is bounded: one more is refused at once instead of piling up
      const t0 = Date.now();
      const refused = await sql`SELECT 1`.execute(s.platform.db).then(() => null, (e: unknown) => e);
      expect(isDatabaseUnavailable(refused)).toBe(true);
      expect(Date.now() - t0).toBeLessThan(500);
      const viaHttp = await s.request({ method: 'GET', url: '/api/orgs', token: admin });
      expect(viaHttp.statusCode).toBe(503);
      expect(viaHttp.headers['retry-after']).toBe('5');
      // health tells a load balancer to send traffic elsewhere while requests queue
      const health = await s.request({ method: 'GET', url: '/api/health' });
      expect(health.statusCode).toBe(503);
      expect(health.json().status).toBe('degraded');
      // metrics (no database) answer: the process itself is responsive
      expect((await s.request({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
      // the statement timeout (1 s) ends every waiting query with "unavailable", none hangs
      for (const r of await Promise.all(stuck)) expect(isDatabaseUnavailable(r)).toBe(true);
      // a write waiting on the lock times out into 503 and leaves nothing behind
      const write = await s.request({ method: 'POST', url: '/api/orgs', token: admin, payload: { kind: 'department', name: '锁等待中的部门', deptType: 'housing' } });
      expect(write.statusCode).toBe(503);
      expect(write.json().error.code).toBe('SERVICE_UNAVAILABLE');
    } finally {
      await blocker.query('ROLLBACK');
      await blocker.end();
    }
    expect((await s.request({ method: 'GET', url: '/api/health' })).json().status).toBe('ok');
    expect((await s.request({ method: 'GET', url: '/api/orgs', token: admin })).statusCode).toBe(200);
    expect(await s.platform.db.selectFrom('org').select('id').where('name', '=', '锁等待中的部门').execute()).toEqual([]);
  });
});

const ctl = pgControl();
describe.runIf(onPostgres && ctl)('PostgreSQL restarted under load', () => {
  it('requests fail fast with 503 and Retry-After, none hang, the server recovers by itself, nothing accepted is lost', async () => {
    const s = await startTestServer({ clock: 'system', config: { rateLimitPerMinute: 1_000_000 } });
    try {
      const admin = await s.login('admin');
      const outcomes: { status: number; ms: number; retryAfter: boolean }[] = [];
      const created = new Map<string, string>(); // name → id
      let stop = false;
      let serial = 0;
      const worker = async (w: number) => {
        while (!stop) {
          const name = `restart-${w}-${serial++}`;
          const key = `restart-key-${name}`;
          // a client retries its write with the same key until it is accepted
          for (let attempt = 0; attempt < 200; attempt++) {
            const t0 = Date.now();
            const res = await s.request({ method: 'POST', url: '/api/orgs', token: admin, headers: { 'idempotency-key': key }, payload: { kind: 'department', name, deptType: 'housing' } });
            outcomes.push({ status: res.statusCode, ms: Date.now() - t0, retryAfter: !!res.headers['retry-after'] });
            if (res.statusCode === 201) {
              created.set(name, res.json().id);
              break;
            }
            expect(res.statusCode, res.body).toBe(503);
            await sleep(100);
          }
          const t0 = Date.now();
          const read = await s.request({ method: 'GET', url: '/api/orgs?kind=department', token: admin });
          outcomes.push({ status: read.statusCode, ms: Date.now() - t0, retryAfter: !!read.headers['retry-after'] });
        }
      };
      const workers = Array.from({ length: 6 }, (_, w) => worker(w));
      await sleep(1_500);
      await ctl!.restart();
      await sleep(3_000);
      stop = true;
      await Promise.all(workers);

      const failures = outcomes.filter((o) => o.status !== 200 && o.status !== 201);
      expect(failures.every((o) => o.status === 503 && o.retryAfter)).toBe(true);
      expect(failures.length).toBeGreaterThan(0);
      // failing fast: no request waited for long (connection attempts give up after 3 s)
      expect(Math.max(...outcomes.map((o) => o.ms))).toBeLessThan(10_000);
      expect((await s.request({ method: 'GET', url: '/api/health' })).json().status).toBe('ok');
      for (const [name, id] of created) {
        const rows = await s.platform.db.selectFrom('org').select('id').where('name', '=', name).execute();
        expect(rows.map((r) => r.id), name).toEqual([id]);
      }
      console.log(`restart under load: ${outcomes.length} requests, ${failures.length} answered 503, ${created.size} records created, slowest ${Math.max(...outcomes.map((o) => o.ms))} ms`);
    } finally {
      await s.close();
    }
  });
});
