import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { openDatabase, type Database } from '../server/db/index.ts';
import { PiiCrypto } from '../server/platform/pii/crypto.ts';
import { parseIdNumber } from '../server/platform/pii/index.ts';
import { urlWithDatabase } from '../test/support/template.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const template = inject('template');
const SECRET = 'c'.repeat(64);

/** The generator as a user runs it: its own process, configured by the environment. */
function generate(env: Record<string, string>, ...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/generate.ts', ...args], {
    cwd: root,
    env: { ...process.env, LINLI_SECRET: SECRET, LINLI_LOG_LEVEL: 'warn', ...env },
    encoding: 'utf8',
    timeout: 240_000,
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

let database: Database | null = null;
let dropDb: (() => Promise<void>) | null = null;
afterAll(async () => {
  await database?.close();
  await dropDb?.();
});

describe('npm run generate', () => {
  it('builds a city of the size asked for, refuses to overwrite it without --force, and seals every number', async () => {
    let env: Record<string, string>;
    if (template.engine === 'postgres') {
      const name = `linli_g_${randomBytes(4).toString('hex')}`;
      const admin = new pg.Client({ connectionString: template.baseUrl });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const url = urlWithDatabase(template.baseUrl, name);
      env = { DATABASE_URL: url };
      dropDb = async () => {
        const a = new pg.Client({ connectionString: template.baseUrl });
        await a.connect();
        await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await a.end();
      };
    } else {
      env = { DATABASE_URL: '', LINLI_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'linli-gen-')) };
    }
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

    database = env.DATABASE_URL
      ? await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: null, timeZone: 'Asia/Shanghai', statementTimeoutMs: 0, poolMax: 1, queueMax: 10 })
      : await openDatabase({ databaseUrl: null, dataDir: path.join(env.LINLI_DATA_DIR, 'pgdata'), timeZone: 'Asia/Shanghai', statementTimeoutMs: 0, poolMax: 1, queueMax: 10 });
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
});
