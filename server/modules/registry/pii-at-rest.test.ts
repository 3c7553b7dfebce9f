import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { describe, expect, inject, it } from 'vitest';
import { openDatabase } from '../../db/index.ts';
import { migrate } from '../../db/migrate.ts';
import { buildApp } from '../../app.ts';
import { createLogger, createPlatform } from '../../platform/index.ts';
import { LocalFileStore } from '../../platform/files/store.ts';
import { idCheckChar } from '../../platform/pii/index.ts';
import { DEMO_PASSWORD, DEMO_SEED, loadDemo } from '../../demo/load.ts';
import { generateCity } from '../../demo/synth/index.ts';
import { modules } from '../index.ts';
import type { Platform } from '../../platform/context.ts';
import { startTestServer } from '../../../test/support/harness.ts';
import { TEST_SECRET, testConfig } from '../../../test/support/template.ts';

/**
 * The data directory must never hold an ID number or a phone in plain text. Known values go in
 * through the API (a registration, a phone change, a spreadsheet import) and through the demo
 * loader; then every byte the database keeps is searched for them: on the embedded engine the
 * files of the data directory (WAL included, before and after a checkpoint) and the stored uploads,
 * on PostgreSQL every row of every table read back as text.
 */
const embedded = inject('template').engine === 'pglite';

const idOf = (first17: string) => first17 + idCheckChar(first17);
const KNOWN_IDS = [idOf('37010219850315123'), idOf('11010519491231002'), idOf('37010220000229001')];
const KNOWN_PHONES = ['13912345678', '13800001111', '13700002222', '13600003333'];

async function putKnownValues(platform: Platform, request: (o: { method: string; url: string; token?: string; payload?: unknown; headers?: Record<string, string> }) => Promise<{ statusCode: number; json(): any; body: string }>) {
  const login = await request({ method: 'POST', url: '/api/auth/login', payload: { username: 'community', password: DEMO_PASSWORD } });
  const token = login.json().token as string;
  const a = await request({ method: 'POST', url: '/api/residents', token, payload: { name: '周测试', idNumber: KNOWN_IDS[0], phone: KNOWN_PHONES[0] } });
  expect(a.statusCode).toBe(201);
  const changed = await request({ method: 'PATCH', url: `/api/residents/${a.json().id}`, token, payload: { phone: KNOWN_PHONES[1] } });
  expect(changed.statusCode).toBe(200);
  expect((await request({ method: 'POST', url: `/api/residents/${a.json().id}/reveal`, token })).statusCode).toBe(200);
  const csv = `姓名,身份证号,手机\n吴导入,${KNOWN_IDS[1]},${KNOWN_PHONES[2]}\n郑导入,${KNOWN_IDS[2]},${KNOWN_PHONES[3]}\n`;
  const boundary = '----pii';
  const payload = Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="p.csv"\r\nContent-Type: text/csv\r\n\r\n`), Buffer.from(csv), Buffer.from(`\r\n--${boundary}--\r\n`)]);
  const job = await request({ method: 'POST', url: '/api/imports', token, payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
  expect(job.json().validRows).toBe(2);
  expect((await request({ method: 'POST', url: `/api/imports/${job.json().id}/confirm`, token })).statusCode).toBe(200);
  void platform;
}

/** Demo residents' numbers, known from the generator's seed. */
function demoValues(count: number) {
  const ids: string[] = [];
  const phones: string[] = [];
  for (const p of generateCity({ seed: DEMO_SEED, residents: 2000 }).residents()) {
    ids.push(p.idNumber);
    if (p.phone) phones.push(p.phone);
    if (ids.length >= count) break;
  }
  return { ids, phones };
}

/** Every run of digits (and X) of an ID's or a phone's length found in some bytes. */
function numberRuns(buf: Buffer): Set<string> {
  const text = buf.toString('latin1');
  const found = new Set<string>();
  for (const m of text.matchAll(/[0-9X]{11,}/g)) {
    const run = m[0];
    for (const len of [11, 18]) for (let i = 0; i + len <= run.length; i++) found.add(run.slice(i, i + len));
  }
  return found;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

function leaks(found: Set<string>, values: string[]) {
  return values.filter((v) => found.has(v));
}

describe.runIf(embedded)('personal data at rest (embedded engine: the data directory)', () => {
  it('no ID number or phone appears in any file of the data directory, WAL included', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'linli-pii-'));
    const config = testConfig({ dataDir, filesDir: path.join(dataDir, 'files') });
    const database = await openDatabase({ databaseUrl: null, dataDir: path.join(dataDir, 'pgdata'), timeZone: config.timeZone, statementTimeoutMs: 0, poolMax: 1, queueMax: 100 });
    const platform = createPlatform(config, database, createLogger(config), { files: new LocalFileStore(config.filesDir), secret: TEST_SECRET });
    await migrate(database.db);
    await loadDemo(platform, modules);
    const built = await buildApp(platform, modules);
    await putKnownValues(platform, ({ token, headers, ...o }) => built.app.inject({ ...o, headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) } } as never) as never);
    const values = [...KNOWN_IDS, ...KNOWN_PHONES, ...Object.values(demoValues(300)).flat()];
    // a control: a number written in plain text on purpose must be found by the same scan
    const control = idOf('44030619991231777');
    await platform.db.insertInto('setting').values({ key: 'test.control', value: JSON.stringify(control) }).execute();

    const scan = () => {
      const found = new Set<string>();
      const files = filesUnder(dataDir);
      for (const f of files) for (const v of numberRuns(readFileSync(f))) found.add(v);
      return { found, files };
    };
    // before a checkpoint the new rows live in the WAL
    const before = scan();
    expect(before.files.some((f) => f.includes('pg_wal'))).toBe(true);
    expect(before.files.some((f) => f.includes(`${path.sep}files${path.sep}`))).toBe(true);
    expect(leaks(before.found, values)).toEqual([]);
    expect(before.found.has(control)).toBe(true);

    await built.app.close();
    await database.close();
    const after = scan();
    expect(leaks(after.found, values)).toEqual([]);
    expect(after.found.has(control)).toBe(true);
  });
});

describe.runIf(!embedded)('personal data at rest (PostgreSQL: every table read back as text)', () => {
  it('no ID number or phone appears in any row of any table', async () => {
    const s = await startTestServer();
    try {
      await putKnownValues(s.platform, (o) => s.request(o as never) as never);
      const values = [...KNOWN_IDS, ...KNOWN_PHONES, ...Object.values(demoValues(300)).flat()];
      const tables = await sql<{ name: string }>`SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition`.execute(s.platform.db);
      expect(tables.rows.length).toBeGreaterThan(20);
      const found = new Set<string>();
      for (const t of tables.rows) {
        const rows = await sql<{ t: string }>`SELECT x::text AS t FROM ${sql.table(t.name)} x`.execute(s.platform.db);
        for (const r of rows.rows) for (const v of numberRuns(Buffer.from(r.t, 'latin1'))) found.add(v);
      }
      expect(leaks(found, values)).toEqual([]);
    } finally {
      await s.close();
    }
  });
});
