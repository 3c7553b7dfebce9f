import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startTestServer, type TestServer } from '../../../test/support/harness.ts';
import { TEST_SECRET } from '../../../test/support/template.ts';
import { modules } from '../../modules/index.ts';
import { PiiCrypto } from './crypto.ts';
import { rotateKeys } from './rotate.ts';

const NEW_SECRET = 'b'.repeat(64);
const PHONES = ['13800138000', '13911112222', '15033334444', '18655556666', '17777778888'];
const columns = modules.flatMap((m) => m.encryptedColumns ?? []);

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ config: { rateLimitPerMinute: 100_000 } });
});
afterAll(() => s.close());

let logins = 0;
async function residentLogin(phone: string) {
  s.clock.advanceMinutes(2); // one code per phone per minute
  const remoteAddress = `10.66.0.${++logins}`; // codes are limited per address too
  expect((await s.request({ method: 'POST', url: '/api/auth/resident/code', payload: { phone }, remoteAddress })).statusCode).toBe(202);
  const res = await s.request({ method: 'POST', url: '/api/auth/resident/login', payload: { phone, code: s.sms.lastCode(phone) }, remoteAddress });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().resident.id as string;
}

describe('key rotation', () => {
  it('the foundation declares its encrypted columns', () => {
    expect(columns.map((c) => `${c.table}.${c.cipherColumn}/${c.index?.column}`)).toContain('resident_account.phone_enc/phone_hash');
  });

  it('re-encrypts in resumable batches while sign-ins keep working, after which the old secret can go', async () => {
    const ids = new Map<string, string>();
    for (const p of PHONES) ids.set(p, await residentLogin(p));
    const oldKey = new PiiCrypto(TEST_SECRET).keyId;

    // servers restart with the new secret and the old one as previous: reads work at once
    s.platform.pii = new PiiCrypto(NEW_SECRET, [TEST_SECRET]);
    expect(await residentLogin(PHONES[0])).toBe(ids.get(PHONES[0]));

    // an interrupted run (two batches of two), then a run to the end
    const first = await rotateKeys(s.platform.db, s.platform.pii, columns, { batchSize: 2, maxBatches: 2 });
    const accounts = first.find((r) => r.table === 'resident_account')!;
    expect(accounts.rotated).toBe(4);
    expect(accounts.remaining).toBeGreaterThan(0);
    // a sign-in in the middle of the rotation finds the same account, whichever key its row is under
    for (const p of PHONES) expect(await residentLogin(p)).toBe(ids.get(p));
    const second = await rotateKeys(s.platform.db, s.platform.pii, columns, { batchSize: 2 });
    expect(second.find((r) => r.table === 'resident_account')!.remaining).toBe(0);
    expect(second.every((r) => r.remaining === 0)).toBe(true);

    const rows = await s.platform.db.selectFrom('resident_account').select(['id', 'phone_enc', 'phone_hash']).execute();
    expect(rows.some((r) => r.phone_enc.includes(`.${oldKey}.`))).toBe(false);

    // the old secret is removed: everything still decrypts, lookups still find every account
    s.platform.pii = new PiiCrypto(NEW_SECRET);
    for (const r of rows) {
      const phone = s.platform.pii.decrypt(r.phone_enc);
      expect(r.phone_hash).toBe(s.platform.pii.blindIndex('phone', phone));
    }
    for (const p of PHONES) expect(await residentLogin(p)).toBe(ids.get(p));
    const again = await rotateKeys(s.platform.db, s.platform.pii, columns);
    expect(again.every((r) => r.rotated === 0 && r.remaining === 0)).toBe(true);
    const n = await sql<{ n: number }>`SELECT count(*)::int AS n FROM resident_account`.execute(s.platform.db);
    expect(n.rows[0].n).toBe(rows.length);
  });

  it('a value changed between read and write is left for the next run, not overwritten', async () => {
    const pii = new PiiCrypto('c'.repeat(64), [NEW_SECRET]);
    s.platform.pii = pii;
    const row = await s.platform.db.selectFrom('resident_account').select(['id', 'phone_enc']).executeTakeFirstOrThrow();
    const reports = await rotateKeys(s.platform.db, pii, columns, {
      batchSize: 100,
      // a writer stores a new value for one row between the rotation's read and its write
      onRead: async () => {
        await s.platform.db.updateTable('resident_account').set({ phone_enc: new PiiCrypto(NEW_SECRET).encrypt('13000000000') }).where('id', '=', row.id).execute();
      },
    });
    expect(reports[0].skipped).toBe(1);
    expect(reports[0].remaining).toBe(1);
    const next = await rotateKeys(s.platform.db, pii, columns);
    expect(next[0]).toMatchObject({ rotated: 1, remaining: 0 });
    const after = await s.platform.db.selectFrom('resident_account').select(['phone_enc', 'phone_hash']).where('id', '=', row.id).executeTakeFirstOrThrow();
    expect(pii.decrypt(after.phone_enc)).toBe('13000000000');
    expect(after.phone_hash).toBe(pii.blindIndex('phone', '13000000000'));
  });
});
