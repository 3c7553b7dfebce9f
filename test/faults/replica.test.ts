import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../server/demo/load.ts';
import { freePort, sleep, startServer, type ServerProcess } from './support.ts';

// A real streaming replica: a primary made with initdb (wal_level=replica), a standby cloned from it
// with pg_basebackup -R, and a Linli process with DATABASE_URL on the primary and
// DATABASE_REPLICA_URL on the standby. Cases are created through the API; the street ranking is read
// from the standby and catches up; while replay is paused it stays behind and health shows the lag;
// with the standby stopped the ranking falls back to the primary.

interface PgTools {
  bin: string;
  /** how to run a PostgreSQL program: as the postgres user when the tests run as root */
  asPg: string[];
  uid: number | null;
}

/** The PostgreSQL server programs, or why they cannot be used here. */
function findTools(): PgTools | string {
  const ctl = process.env.LINLI_CI_PGCTL?.trim().split(/\s+/);
  let bin = ctl ? path.dirname(ctl[ctl.length - 1]) : null;
  if (!bin) {
    const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
    bin = versions.length ? `/usr/lib/postgresql/${versions[0]}/bin` : null;
  }
  if (!bin) {
    const r = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
    bin = r.status === 0 ? r.stdout.trim() : null;
  }
  if (!bin) return 'no PostgreSQL server programs found (install postgresql-15, or set LINLI_CI_PGCTL)';
  const missing = ['initdb', 'pg_ctl', 'pg_basebackup', 'postgres'].filter((p) => !existsSync(path.join(bin!, p)));
  if (missing.length) return `${missing.join(', ')} not found in ${bin}`;
  if (process.getuid?.() !== 0) return { bin, asPg: [], uid: null };
  // PostgreSQL refuses to run as root
  const id = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  if (id.status !== 0) return 'running as root and there is no postgres user to run PostgreSQL as';
  return { bin, asPg: ['runuser', '-u', 'postgres', '--'], uid: Number(id.stdout.trim()) };
}

const tools = findTools();
const why = typeof tools === 'string' ? tools : null;
if (why) console.warn(`streaming replica test skipped: ${why}`);

/** YYYY-MM of now in Asia/Shanghai (the server's business time zone). */
const thisMonth = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7);

describe.skipIf(why !== null)(`a streaming replica (pg_basebackup -R)${why ? ` — skipped: ${why}` : ''}`, () => {
  const t = tools as PgTools;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'linli-replica-'));
  const run = (program: string, args: string[]) => {
    const [cmd, ...pre] = [...t.asPg, path.join(t.bin, program)];
    execFileSync(cmd, [...pre, ...args], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
  };
  const pgStart = (data: string, port: number, settings: string[]) =>
    run('pg_ctl', ['-D', data, '-l', `${data}.log`, '-w', '-o', [`-p ${port}`, `-k ${dir}`, '-c listen_addresses=127.0.0.1', '-c max_connections=40', '-c shared_buffers=32MB', ...settings].join(' '), 'start']);
  const pgStop = (data: string) => {
    try {
      run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
    } catch {
      // not running
    }
  };
  let primaryPort = 0;
  let standbyPort = 0;
  let server: ServerProcess | null = null;
  let standby: pg.Client;
  let primary: pg.Client;
  let district = '';
  let community = '';
  let streetOrg = '';

  const api = async (method: string, url: string, token: string, body?: unknown) => {
    const res = await fetch(`${server!.base}${url}`, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
    const json = (await res.json()) as unknown;
    if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const streetIntake = async () => ((await api('GET', `/api/metrics/orgs?period=${thisMonth()}&level=street`, district)) as { orgId: string; intake: number }[]).find((r) => r.orgId === streetOrg)!.intake;
  const newCases = async (n: number) => {
    for (let i = 0; i < n; i++) await api('POST', '/api/cases', community, { description: `副本测试 ${i} 楼道灯坏了，晚上看不见路`, category: 'facilities.street_light', channel: 'walk_in' });
  };
  const health = async () => (await (await fetch(`${server!.base}/api/health`)).json()) as { status: string; replica: { reachable: boolean; lagSeconds: number | null } | null };
  /** waits until the standby has replayed everything the primary has written so far */
  const replayed = async () => {
    const { lsn } = (await primary.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn')).rows[0];
    while (!(await standby.query<{ ok: boolean }>('SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS ok', [lsn])).rows[0].ok) await sleep(20);
  };
  /** polls until the ranking shows `want`; returns how long it took */
  const until = async (want: number, limitMs = 30_000) => {
    const started = Date.now();
    while ((await streetIntake()) !== want) {
      if (Date.now() - started > limitMs) throw new Error(`the ranking did not reach ${want} within ${limitMs} ms (at ${await streetIntake()})`);
      await sleep(20);
    }
    return Date.now() - started;
  };

  beforeAll(async () => {
    if (t.uid !== null) chownSync(dir, t.uid, 0);
    [primaryPort, standbyPort] = [await freePort(), await freePort()];
    run('initdb', ['-D', `${dir}/primary`, '-U', 'linli', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8']);
    // initdb's pg_hba.conf already lets local replication connections in (trust)
    pgStart(`${dir}/primary`, primaryPort, ['-c wal_level=replica', '-c max_wal_senders=4']);
    run('pg_basebackup', ['-h', '127.0.0.1', '-p', String(primaryPort), '-U', 'linli', '-D', `${dir}/standby`, '-R', '-X', 'stream', '-c', 'fast']);
    pgStart(`${dir}/standby`, standbyPort, ['-c hot_standby=on']);
    standby = new pg.Client({ connectionString: `postgres://linli@127.0.0.1:${standbyPort}/postgres` });
    await standby.connect();
    primary = new pg.Client({ connectionString: `postgres://linli@127.0.0.1:${primaryPort}/postgres` });
    await primary.connect();

    const dataDir = path.join(dir, 'linli');
    server = await startServer(
      {
        DATABASE_URL: `postgres://linli@127.0.0.1:${primaryPort}/postgres`,
        DATABASE_REPLICA_URL: `postgres://linli@127.0.0.1:${standbyPort}/postgres`,
        LINLI_DEMO: '1',
        LINLI_DATA_DIR: dataDir,
      },
      await freePort(),
    );
    const login = async (username: string) =>
      ((await (await fetch(`${server!.base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: DEMO_PASSWORD }) })).json()) as { token: string }).token;
    [district, community] = [await login('district'), await login('community')];
    streetOrg = ((await api('GET', '/api/auth/me', await login('street'))) as { orgId: string }).orgId;
  });

  afterAll(async () => {
    if (server) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    await standby?.end().catch(() => undefined);
    await primary?.end().catch(() => undefined);
    pgStop(`${dir}/standby`);
    pgStop(`${dir}/primary`);
    rmSync(dir, { recursive: true, force: true });
  });

  it('the ranking, read from the standby, catches up with cases created on the primary; health shows the lag', async () => {
    expect((await standby.query('SELECT pg_is_in_recovery() AS r')).rows[0].r).toBe(true);
    await replayed();
    const before = await streetIntake();

    // streaming as usual: the standby replays within moments
    await newCases(10);
    const caughtUpMs = await until(before + 10);
    const streaming = await health();
    expect(streaming).toEqual(expect.objectContaining({ status: 'ok', replica: { reachable: true, lagSeconds: expect.any(Number) } }));

    // replay paused on the standby: the ranking stays where the standby is, writes go on, the lag shows
    await standby.query('SELECT pg_wal_replay_pause()');
    await newCases(5);
    await sleep(1_500);
    expect(await streetIntake()).toBe(before + 10);
    const paused = await health();
    expect(paused.replica!.reachable).toBe(true);
    expect(paused.replica!.lagSeconds).toBeGreaterThanOrEqual(1);

    await standby.query('SELECT pg_wal_replay_resume()');
    const resumedMs = await until(before + 15);
    const after = await health();
    console.log(`streaming replica: ranking caught up ${caughtUpMs} ms after the 10th case; lag while paused ${paused.replica!.lagSeconds!.toFixed(2)} s; caught up ${resumedMs} ms after resuming; lag now ${after.replica!.lagSeconds} s`);
  });

  it('with the standby stopped, the ranking falls back to the primary and health stays ok', async () => {
    await replayed();
    const before = await streetIntake();
    await standby.end();
    pgStop(`${dir}/standby`);
    await newCases(1);
    // the primary's figure at once: the reader could not connect to the standby and read the primary
    expect(await streetIntake()).toBe(before + 1);
    const h = await health();
    expect(h).toEqual(expect.objectContaining({ status: 'ok', replica: { reachable: false, lagSeconds: null } }));
    expect(server!.out()).toContain('read replica unreachable');
  });
});
