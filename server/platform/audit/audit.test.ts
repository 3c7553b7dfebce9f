import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/harness.ts';
import { sealPending, verifyChain } from './index.ts';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

describe('audit chain', () => {
  it('every change writes an audit record in its transaction; the chain verifies', async () => {
    const admin = await s.login('admin');
    const me = (await s.request({ method: 'GET', url: '/api/auth/me', token: admin })).json();
    const created = await s.request({ method: 'POST', url: '/api/orgs', token: admin, payload: { kind: 'social_org', name: '爱心志愿者协会', regionId: null } });
    expect(created.statusCode).toBe(201);
    const rec = await s.platform.db.selectFrom('audit_log').selectAll().where('entity_id', '=', created.json().id).executeTakeFirstOrThrow();
    expect(rec).toMatchObject({ action: 'org.create', actor_kind: 'user', actor_id: me.id, entity_type: 'org' });
    expect(rec.request_id).toBeTruthy();
    expect(rec.after_digest).toMatch(/^[0-9a-f]{64}$/);

    const res = await s.request({ method: 'POST', url: '/api/audit/verify', token: admin });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ ok: true, firstBroken: null });
    // sealing may still wait behind other databases' transactions on a shared server: sealed or pending
    expect(res.json().sealed + res.json().pending).toBeGreaterThan(0);
  });

  it('records cannot be changed or deleted through SQL', async () => {
    await expect(sql`UPDATE audit_log SET action = 'x'`.execute(s.platform.db)).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM audit_seal`.execute(s.platform.db)).rejects.toThrow(/append-only/);
  });

  it('a record changed behind the application’s back is reported as the first broken link', async () => {
    // The seal waits for the oldest running transaction of the whole server (xmin is cluster-wide), and
    // other test files run transactions on the same PostgreSQL server: seal until three links exist.
    for (let i = 0; i < 200; i++) {
      await sealPending(s.platform.db);
      const { n } = await s.platform.db.selectFrom('audit_seal').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      if (Number(n) >= 3) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const victim = await s.platform.db.selectFrom('audit_seal').select(['pos', 'audit_seq']).orderBy('pos').offset(2).limit(1).executeTakeFirstOrThrow();
    // a database superuser bypassing the trigger, as an attacker with access would
    await s.platform.db.transaction().execute(async (trx) => {
      await sql`ALTER TABLE audit_log DISABLE TRIGGER USER`.execute(trx);
      await sql`UPDATE audit_log SET action = 'tampered' WHERE seq = ${victim.audit_seq}`.execute(trx);
      await sql`ALTER TABLE audit_log ENABLE TRIGGER USER`.execute(trx);
    });
    const report = await verifyChain(s.platform.db);
    expect(report.ok).toBe(false);
    expect(report.firstBroken).toEqual({ pos: victim.pos, seq: victim.audit_seq, reason: 'content_changed' });
  });

  it('reading the audit log needs the permission', async () => {
    const grid = await s.login('grid');
    expect((await s.request({ method: 'GET', url: '/api/audit', token: grid })).statusCode).toBe(403);
    const admin = await s.login('admin');
    const list = await s.request({ method: 'GET', url: '/api/audit?limit=5', token: admin });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toHaveLength(5);
  });
});
