import { describe, expect, inject, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../server/db/index.ts';
import { DEMO_PASSWORD } from '../../server/demo/load.ts';
import { site } from '../support/sites.ts';
import { freePort, sleep, startServer, type ServerProcess } from './support.ts';

// A burst of creating requests whose clients retry with their Idempotency-Key until they get a 2xx,
// while the server is killed (kill -9) or stopped (SIGTERM) in the middle and started again on the
// same data. Afterwards every request that got a 2xx made exactly one record, and no retry made a second.

/** What the burst creates: cases through the real intake (the promise is about accepted reports). */
interface CreateThing {
  name: string;
  as: string;
  url: string;
  body(tag: string, i: number): unknown;
  /** the ids of records made for request i */
  recordsOf(db: Kysely<DB>, tag: string, i: number): Promise<string[]>;
}

const caseIntake: CreateThing = {
  name: 'case reports',
  as: 'community',
  url: '/api/cases',
  body: (tag, i) => ({ description: `${tag}-${i} 楼道灯坏了，晚上看不见路`, category: 'facilities.street_light', channel: 'walk_in' }),
  recordsOf: async (db, tag, i) => (await db.selectFrom('cases').select('id').where('description', '=', `${tag}-${i} 楼道灯坏了，晚上看不见路`).execute()).map((r) => r.id),
};

const createThing: CreateThing = caseIntake;

const template = inject('template');
const CLIENTS = 40;

async function login(base: string, username: string) {
  const res = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: DEMO_PASSWORD }) });
  if (!res.ok) throw new Error(`login: ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}

describe(`crash and restart during a burst of ${createThing.name} (${template.engine})`, () => {
  it.each(['SIGKILL', 'SIGTERM'] as const)('%s in the middle: every 2xx exists exactly once, retries never duplicate', async (signal) => {
    const s = await site(template);
    const port = await freePort();
    let server: ServerProcess = await startServer(s.env, port);
    try {
      const token = await login(server.base, createThing.as);
      const tag = `burst-${signal}-${Date.now()}`;
      const answered = new Map<number, string>();
      const statuses: number[] = [];
      let networkErrors = 0;
      const deadline = Date.now() + 150_000;
      const client = async (i: number) => {
        while (Date.now() < deadline) {
          try {
            const res = await fetch(`${server.base}${createThing.url}`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': `${tag}-${i}` },
              body: JSON.stringify(createThing.body(tag, i)),
              signal: AbortSignal.timeout(20_000),
            });
            statuses.push(res.status);
            if (res.ok) {
              answered.set(i, ((await res.json()) as { id: string }).id);
              return;
            }
            if (res.status < 500 && res.status !== 429) throw new Error(`client ${i}: ${res.status} ${await res.text()}`);
          } catch (e) {
            if ((e as Error).message.startsWith('client ')) throw e;
            networkErrors++;
          }
          await sleep(150 + Math.random() * 200);
        }
        throw new Error(`client ${i} never got an answer`);
      };
      const burst = Promise.all(Array.from({ length: CLIENTS }, (_, i) => client(i)));
      while (answered.size < CLIENTS / 4) await sleep(20);
      server.child.kill(signal);
      const code = await server.exited;
      if (signal === 'SIGTERM') expect(code, server.out()).toBe(0);
      server = await startServer(s.env, port);
      await burst;

      expect(answered.size).toBe(CLIENTS);
      expect(statuses.every((st) => st < 300 || st >= 500 || st === 429), statuses.join(',')).toBe(true);
      const db = await s.open();
      try {
        for (let i = 0; i < CLIENTS; i++) expect(await createThing.recordsOf(db.db, tag, i), `request ${i}`).toEqual([answered.get(i)]);
        const n = await sql<{ n: number }>`SELECT count(*)::int AS n FROM idempotency_key WHERE key LIKE ${`${tag}-%`}`.execute(db.db);
        expect(n.rows[0].n).toBe(CLIENTS);
      } finally {
        await db.close();
      }
      console.log(`${signal}: ${CLIENTS} requests, ${statuses.length} answers (${statuses.filter((x) => x >= 500).length} 5xx), ${networkErrors} network errors while down`);
    } finally {
      server.child.kill('SIGKILL');
      await server.exited;
      await s.drop();
    }
  });

  it.runIf(template.engine === 'pglite')('a second process on the same embedded data directory is refused', async () => {
    const s = await site(template);
    const first = await startServer(s.env, await freePort());
    try {
      const secondPort = await freePort();
      await expect(startServer(s.env, secondPort)).rejects.toThrow(/in use by another Linli process/);
      expect((await fetch(`${first.base}/api/health`)).status).toBe(200);
    } finally {
      first.child.kill('SIGTERM');
      await first.exited;
      await s.drop();
    }
  });
});
