import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { sql } from 'kysely';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { openDatabase, type Database } from '../server/db/index.ts';
import { PiiCrypto } from '../server/platform/pii/crypto.ts';
import { parseIdNumber } from '../server/platform/pii/index.ts';
import { urlWithDatabase } from '../test/support/template.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const template = inject('template');
const SECRET = 'c'.repeat(64);

/** The generator as a user runs it: its own process, configured by the environment. */
const generate = (env: Record<string, string>, ...args: string[]) => run('scripts/generate.ts', env, ...args);

/** Tool processes run against this; a database of its own per test (dropped at the end). */
function run(script: string, env: Record<string, string>, ...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: root,
    env: { ...process.env, LINLI_SECRET: SECRET, LINLI_LOG_LEVEL: 'warn', ...env },
    encoding: 'utf8',
    timeout: 420_000,
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

/** `metrics:rebuild` of the month 40 days back: the rollup totals it found and the ones it rebuilt from the events. */
function rebuildLastMonth(env: Record<string, string>) {
  const month = new Date(Date.now() - 40 * 86_400_000).toISOString().slice(0, 7);
  const rebuilt = run('scripts/metrics-rebuild.ts', env, month);
  expect(rebuilt.code, rebuilt.out).toBe(0);
  const [, before, after] = /total before ([\d.]+) .*after ([\d.]+)/.exec(rebuilt.out)!;
  return { before: Number(before), after: Number(after) };
}

const opened: Database[] = [];
const drops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const d of opened) await d.close();
  for (const drop of drops) await drop();
});

async function freshEnv(): Promise<Record<string, string>> {
  if (template.engine !== 'postgres') return { DATABASE_URL: '', LINLI_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'linli-gen-')) };
  const name = `linli_g_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: template.baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  drops.push(async () => {
    const a = new pg.Client({ connectionString: template.baseUrl });
    await a.connect();
    await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await a.end();
  });
  return { DATABASE_URL: urlWithDatabase(template.baseUrl, name) };
}

async function open(env: Record<string, string>) {
  const base = { timeZone: 'Asia/Shanghai', statementTimeoutMs: 0, poolMax: 1, queueMax: 10 };
  const database = env.DATABASE_URL
    ? await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: null, ...base })
    : await openDatabase({ databaseUrl: null, dataDir: path.join(env.LINLI_DATA_DIR, 'pgdata'), ...base });
  opened.push(database);
  return database;
}

describe('npm run generate', () => {
  it('builds a city of the size asked for, refuses to overwrite it without --force, and seals every number', async () => {
    const env = await freshEnv();
    const first = generate(env, '--residents', '600', '--seed', 'gen-test');
    expect(first.out).toContain('"residents":600');
    expect(first.code).toBe(0);
    const refused = generate(env, '--residents', '600');
    expect(refused.code).toBe(1);
    expect(refused.out).toContain('--force');
    const forced = generate(env, '--residents', '700', '--seed', 'gen-test', '--force');
    expect(forced.code).toBe(0);
    expect(forced.out).toContain('"residents":700');
    expect(generate(env, '--residents', 'many').code).toBe(1);

    const database = await open(env);
    const rows = await database.db.selectFrom('resident').select(['id_enc', 'id_hash', 'id_tail', 'phone_enc', 'phone_hash', 'birth_date']).execute();
    expect(rows).toHaveLength(700);
    // numbers sealed on the worker threads open with the server's own keys
    const pii = new PiiCrypto(SECRET);
    for (const r of rows.slice(0, 50)) {
      const id = pii.decrypt(r.id_enc);
      const parsed = parseIdNumber(id);
      expect(parsed.ok && parsed.info.birthDate).toBe(r.birth_date);
      expect(pii.blindIndex('id_number', id)).toBe(r.id_hash);
      expect(id.slice(-4)).toBe(r.id_tail);
      if (r.phone_enc) expect(pii.blindIndex('phone', pii.decrypt(r.phone_enc))).toBe(r.phone_hash);
    }
    const members = await database.db.selectFrom('household_member').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    expect(Number(members.n)).toBe(700);
  }, 600_000);

  it('writes a case history whose states follow the events and whose rollups a rebuild from the events reproduces', async () => {
    const env = await freshEnv();
    const made = generate(env, '--residents', '500', '--cases', '1500', '--years', '0.5', '--seed', 'history-test');
    expect(made.code, made.out).toBe(0);
    const history = JSON.parse(made.out.split('\n').find((l) => l.startsWith('{"regions"'))!).history;
    expect(history.cases).toBeGreaterThan(1450);
    expect(history.cases).toBeLessThanOrEqual(1500);
    expect(history.events).toBeGreaterThan(history.cases * 5);

    // last month's rollups, rebuilt from the events alone, come out the same
    const { before, after } = rebuildLastMonth(env);
    expect(before).toBeGreaterThan(1000);
    expect(after).toBe(before);

    const database = await open(env);
    const db = database.db;
    // every case stands where its last state-changing event left it
    const mismatched = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM cases c, LATERAL (
        SELECT e.to_status FROM case_event e WHERE e.case_id = c.id AND e.to_status IS NOT NULL AND e.type NOT IN ('overdue', 'warning')
        ORDER BY e.at DESC, e.id DESC LIMIT 1) last
      WHERE last.to_status IS DISTINCT FROM c.status AND c.status <> 'merged'`.execute(db);
    expect(mismatched.rows[0].n).toBe(0);
    const statuses = await sql<{ status: string }>`SELECT DISTINCT status FROM cases`.execute(db);
    expect(statuses.rows.map((r) => r.status)).toEqual(expect.arrayContaining(['evaluated', 'closed', 'rejected']));
    // open cases carry their handling deadline; finished ones none
    const dueWrong = await sql<{ n: number }>`SELECT count(*)::int AS n FROM cases WHERE (status IN ('dispatched', 'accepted')) <> (handle_due_at IS NOT NULL)`.execute(db);
    expect(dueWrong.rows[0].n).toBe(0);
    // the indexes set aside for the load are back and valid, on the partitions too
    const invalid = await sql<{ name: string }>`SELECT indexrelid::regclass::text AS name FROM pg_index WHERE NOT indisvalid`.execute(db);
    expect(invalid.rows).toEqual([]);
    const unindexed = await sql<{ name: string }>`
      SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'case_event'::regclass AND NOT EXISTS (
        SELECT 1 FROM pg_index x JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = x.indkey[0]
        WHERE x.indrelid = c.oid AND a.attname = 'case_id')`.execute(db);
    expect(unindexed.rows).toEqual([]);
    // history went into month partitions, not the default one
    const stray = await sql<{ n: number }>`SELECT count(*)::int AS n FROM case_event_default`.execute(db);
    expect(stray.rows[0].n).toBe(0);
    // the live intake numbers on after the history: every sequence is at or past its highest number
    const behind = await sql<{ name: string }>`
      SELECT s.sequencename AS name FROM pg_sequences s
      WHERE s.sequencename LIKE 'case_no_%' AND COALESCE(s.last_value, 0) < (
        SELECT COALESCE(max(split_part(c.case_no, '-', 3)::int), 0) FROM cases c
        WHERE 'case_no_' || split_part(c.case_no, '-', 1) || '_' || split_part(c.case_no, '-', 2) = s.sequencename)`.execute(db);
    expect(behind.rows).toEqual([]);
  }, 900_000);

  it('copies a history to K× in SQL: every case, event, deadline and assignment K times, rollups that a rebuild reproduces', async () => {
    const env = await freshEnv();
    expect(generate(env, '--residents', '200', '--cases', '250', '--years', '0.25', '--seed', 'copy-test').code).toBe(0);
    const counts = async () => {
      const database = await open(env);
      const one = async (q: string) => Number((await sql.raw<{ n: string }>(q).execute(database.db)).rows[0].n);
      const r = {
        cases: await one('SELECT count(*) AS n FROM cases'), events: await one('SELECT count(*) AS n FROM case_event'),
        deadlines: await one('SELECT count(*) AS n FROM case_deadline'), assignments: await one('SELECT count(*) AS n FROM case_assignment'),
        metric: await one('SELECT sum(n) AS n FROM metric_daily') + await one('SELECT COALESCE(sum(n), 0) AS n FROM metric_delta'),
        numbers: await one('SELECT count(DISTINCT case_no) AS n FROM cases'),
        orphans: await one('SELECT count(*) AS n FROM case_event e WHERE NOT EXISTS (SELECT 1 FROM cases c WHERE c.id = e.case_id)'),
        invalid: await one('SELECT count(*) AS n FROM pg_index WHERE NOT indisvalid'),
      };
      await database.close();
      opened.splice(opened.indexOf(database), 1);
      return r;
    };
    const before = await counts();
    expect(generate(env, '--copies', '0').code).toBe(1);
    const copied = generate(env, '--copies', '3');
    expect(copied.code, copied.out).toBe(0);
    const after = await counts();
    expect(after).toEqual({
      cases: 3 * before.cases, events: 3 * before.events, deadlines: 3 * before.deadlines, assignments: 3 * before.assignments,
      metric: 3 * before.metric, numbers: 3 * before.cases, orphans: 0, invalid: 0,
    });
    // the multiplied rollups are what the copied events give
    const { before: sumBefore, after: sumAfter } = rebuildLastMonth(env);
    expect(sumBefore).toBeGreaterThan(0);
    expect(sumAfter).toBe(sumBefore);
  }, 900_000);
});
