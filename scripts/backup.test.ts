import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, it } from 'vitest';
import { LocalFileStore } from '../server/platform/files/store.ts';
import { sealPending, verifyChain } from '../server/platform/audit/index.ts';
import { TEST_SECRET } from '../test/support/template.ts';
import { site } from '../test/support/sites.ts';
import { fingerprint } from '../test/security/support.ts';
import { newId } from '../server/platform/ids.ts';
import { PiiCrypto } from '../server/platform/pii/crypto.ts';

// `npm run backup` and `npm run restore` round-trip on the engine the tests run on: back up, change
// data and files, restore: the change is gone, everything else is as it was, the audit chain verifies.

const root = fileURLToPath(new URL('../', import.meta.url));
const template = inject('template');

function cli(script: string, args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', `scripts/${script}.ts`, ...args], {
    cwd: root,
    env: { ...process.env, LINLI_SECRET: TEST_SECRET, LINLI_MODE: 'demo', LINLI_DEMO: '0', LINLI_LOG_LEVEL: 'warn', ...env },
    encoding: 'utf8',
    timeout: 180_000,
  });
  if (r.status !== 0) throw new Error(`${script} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

describe(`backup and restore (${template.engine})`, () => {
  it('round-trips the database and the uploaded files; a change made after the backup is gone', async () => {
    const s = await site(template);
    try {
      const files = new LocalFileStore(s.filesDir);
      const kept = await files.put(Buffer.from('photo of a broken streetlight'));
      let db = await s.open();
      const pii = new PiiCrypto(TEST_SECRET);
      await db.db.insertInto('resident_account').values({ id: newId(), phone_enc: pii.encrypt('13800138000'), phone_hash: pii.blindIndex('phone', '13800138000') }).execute();
      while ((await sealPending(db.db)) > 0);
      const before = await fingerprint(db.db);
      await db.close();

      const file = path.join(s.dir, 'site.linli-backup');
      const out = cli('backup', [file], s.env);
      expect(out).toContain('backup written');
      expect(out).toContain('1 uploaded files');
      expect(out).toContain(`encrypted under key ${pii.keyId}`);
      expect(() => cli('backup', [file], s.env)).toThrow(/EEXIST|exists/);

      // after the backup: a new organisation, a removed photo, a new one
      db = await s.open();
      await db.db.insertInto('org').values({ id: newId(), kind: 'department', name: '备份之后的部门', region_id: null, parent_id: null, dept_type: 'housing', code: null }).execute();
      await db.db.deleteFrom('setting').where('key', '=', 'demo.loaded').execute();
      await db.close();
      rmSync(path.join(s.filesDir, kept.sha256.slice(0, 2)), { recursive: true });
      const added = await files.put(Buffer.from('a photo taken after the backup'));

      const restored = cli('restore', [file], s.env);
      expect(restored).toContain('restored the backup');

      db = await s.open();
      try {
        expect(await fingerprint(db.db)).toEqual(before);
        expect(await db.db.selectFrom('org').select('id').where('name', '=', '备份之后的部门').execute()).toEqual([]);
        while ((await sealPending(db.db)) > 0);
        const chain = await verifyChain(db.db);
        expect(chain.ok).toBe(true);
        expect(chain.sealed).toBeGreaterThan(0);
      } finally {
        await db.close();
      }
      expect((await files.get(kept.sha256)).toString()).toBe('photo of a broken streetlight');
      expect(existsSync(path.join(s.filesDir, added.sha256.slice(0, 2), added.sha256.slice(2, 4), added.sha256))).toBe(false);

      // a restore under a secret that cannot read the backup's personal data is flagged
      expect(() => cli('restore', [file], { ...s.env, LINLI_SECRET: 'c'.repeat(64) })).toThrow(/WARNING: personal data/);
    } finally {
      await s.drop();
    }
  }, 300_000);
});
