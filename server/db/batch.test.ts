import { randomUUID } from 'node:crypto';
import { sql, type CompiledQuery } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/support/harness.ts';
import { WriteBatch } from './batch.ts';
import type { Executor } from './index.ts';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

/** The database, counting the statements sent through it. */
function counting(db: Executor) {
  const sent: CompiledQuery[] = [];
  const proxy = new Proxy(db, {
    get(target, prop, receiver) {
      if (prop === 'executeQuery') return (q: CompiledQuery) => (sent.push(q), target.executeQuery(q));
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  return { db: proxy, sent };
}

const deltas = (subject: string, n: number) =>
  Array.from({ length: n }, (_, i) => ({ subject_id: subject, day: `2026-01-${String(i + 1).padStart(2, '0')}`, metric: `m${i}`, n: i + 0.5 }));
const stored = async (subject: string) =>
  (await s.platform.db.selectFrom('metric_delta').select(['day', 'metric', 'n']).where('subject_id', '=', subject).orderBy('metric').execute())
    .map((r) => `${r.metric}:${r.n}`);

describe('WriteBatch: writes nothing reads back, as one statement', () => {
  it('sends many parameterised writes in one statement, each row with its own values ($1 and $12 kept apart)', async () => {
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    const sent: CompiledQuery[] = [];
    await s.platform.db.transaction().execute(async (tx) => {
      const { db: trx, sent: inTx } = counting(tx);
      const w = WriteBatch.on(trx);
      w.add(trx.insertInto('metric_delta').values(deltas(a, 3))); // 12 parameters
      w.add(trx.insertInto('metric_delta').values(deltas(b, 1)));
      w.add(trx.insertInto('metric_delta').values(deltas(c, 4)));
      expect(w.size).toBe(3);
      await w.flush();
      expect(w.size).toBe(0);
      sent.push(...inTx);
    });
    expect(sent.filter((q) => /metric_delta/.test(q.sql))).toHaveLength(1);
    expect(await stored(a)).toEqual(['m0:0.5', 'm1:1.5', 'm2:2.5']);
    expect(await stored(b)).toEqual(['m0:0.5']);
    expect(await stored(c)).toEqual(['m0:0.5', 'm1:1.5', 'm2:2.5', 'm3:3.5']);
  });

  it("a caller's batch waits for the caller's flush; a function's own batch goes at its done()", async () => {
    const subject = randomUUID();
    const { db, sent } = counting(s.platform.db);
    const caller = WriteBatch.on(db);
    const inner = WriteBatch.of(caller);
    inner.add(db.insertInto('metric_delta').values(deltas(subject, 1)));
    await inner.done();
    expect(sent).toHaveLength(0);
    expect(await stored(subject)).toEqual([]);
    await caller.flush();
    expect(sent).toHaveLength(1);
    expect(await stored(subject)).toEqual(['m0:0.5']);

    const own = WriteBatch.of(db);
    own.add(db.insertInto('metric_delta').values(deltas(subject, 2)));
    await own.done();
    expect(sent).toHaveLength(2);
    expect(await stored(subject)).toEqual(['m0:0.5', 'm0:0.5', 'm1:1.5']);
  });

  it('commits or vanishes with its transaction: a failing write takes every write of the batch with it', async () => {
    const subject = randomUUID();
    await expect(s.platform.db.transaction().execute(async (trx) => {
      const w = WriteBatch.on(trx);
      w.add(trx.insertInto('metric_delta').values(deltas(subject, 2)));
      w.add(trx.insertInto('metric_delta').values({ subject_id: subject, day: '2026-01-01', metric: 'x', n: null as never })); // NOT NULL
      await w.flush();
    })).rejects.toThrow();
    expect(await stored(subject)).toEqual([]);
  });

  it('announces its notices only when the transaction commits', async () => {
    const heard: string[] = [];
    const stop = s.platform.onNotify((p) => heard.push(p));
    try {
      // PostgreSQL: the listening connection starts with the first listener; wait until it hears
      const probe = randomUUID();
      await expect.poll(async () => {
        await sql`SELECT pg_notify('linli', ${probe})`.execute(s.platform.db);
        return heard.includes(probe);
      }, { timeout: 10_000 }).toBe(true);
      const tag = randomUUID();
      await s.platform.db.transaction().execute(async (trx) => {
        const w = WriteBatch.on(trx);
        w.add(trx.insertInto('metric_delta').values(deltas(tag, 1)));
        w.notify('linli', JSON.stringify({ t: 'test', tag, n: 1 }));
        w.notify('linli', JSON.stringify({ t: 'test', tag, n: 2 }));
        await w.flush();
      });
      await expect.poll(() => heard.filter((h) => h.includes(tag)).length).toBe(2);
      const lost = randomUUID();
      await s.platform.db.transaction().execute(async (trx) => {
        const w = WriteBatch.on(trx);
        w.notify('linli', JSON.stringify({ t: 'test', tag: lost }));
        await w.flush();
        await sql`SELECT 1`.execute(trx);
        throw new Error('rolled back');
      }).catch(() => undefined);
      // a committed notice sent after the rolled-back one arrives; the rolled-back one never does
      const after = randomUUID();
      const w = WriteBatch.on(s.platform.db);
      w.notify('linli', JSON.stringify({ t: 'test', tag: after }));
      await w.flush();
      await expect.poll(() => heard.some((h) => h.includes(after))).toBe(true);
      expect(heard.some((h) => h.includes(lost))).toBe(false);
    } finally {
      stop();
    }
  });

  it('refuses what it cannot combine safely: a query with a literal, a WITH of its own, a SELECT', () => {
    const w = WriteBatch.on(s.platform.db);
    const db = s.platform.db;
    expect(() => w.add(db.insertInto('metric_delta').values({ subject_id: randomUUID(), day: sql<string>`'2026-01-01'`, metric: 'x', n: 1 }))).toThrow(/WriteBatch/);
    expect(() => w.add(db.with('x', (q) => q.selectFrom('org').select('id')).insertInto('metric_delta').values(deltas(randomUUID(), 1)))).toThrow(/WriteBatch/);
    expect(() => w.add(db.selectFrom('org').select('id'))).toThrow(/WriteBatch/);
    expect(w.size).toBe(0);
  });
});
