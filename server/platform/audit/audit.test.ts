import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/harness.ts';
import { applyAuditRetention, sealPending, verifyChain } from './index.ts';

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

describe('audit retention', () => {
  let r: TestServer;
  beforeAll(async () => {
    r = await startTestServer({ clock: '2025-01-15T10:00:00+08:00' });
    await sql`SELECT linli_ensure_month_partitions('audit_log', '2025-01-01'::date, 2)`.execute(r.platform.db);
  });
  afterAll(() => r.close());

  /** Seals until nothing written before now is pending (other databases' transactions may hold the seal back). */
  async function sealAll() {
    for (let i = 0; i < 300; i++) {
      await sealPending(r.platform.db);
      const report = await verifyChain(r.platform.db);
      if (report.pending === 0) return;
      await new Promise((res) => setTimeout(res, 100));
    }
    throw new Error('audit records stayed unsealed');
  }

  it('drops sealed months past the horizon, never an unsealed one, and the chain still verifies', async () => {
    // sessions end after 12 hours: a fresh sign-in after each jump of the clock
    const create = async (name: string) => r.request({ method: 'POST', url: '/api/orgs', token: await r.login('admin'), payload: { kind: 'social_org', name, regionId: null } });
    expect((await create('一月的志愿者协会')).statusCode).toBe(201);
    await sealAll();
    r.clock.set('2025-02-10T10:00:00+08:00');
    expect((await create('二月的志愿者协会')).statusCode).toBe(201);
    const inMonth = async (part: string) => Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(part)}`.execute(r.platform.db)).rows[0].n);
    expect(await inMonth('audit_log_202501')).toBeGreaterThan(0);

    // within six months nothing goes, whatever is asked for
    await expect(applyAuditRetention(r.platform.db, new Date('2025-09-01T00:00:00Z'), 5)).rejects.toThrow(/six months/);
    expect(await applyAuditRetention(r.platform.db, new Date('2025-07-15T00:00:00Z'), 6)).toEqual([]);

    // February's records are not sealed yet: January goes, February waits
    expect((await verifyChain(r.platform.db)).pending).toBeGreaterThan(0);
    expect(await applyAuditRetention(r.platform.db, new Date('2025-10-15T00:00:00Z'), 6)).toEqual(['audit_log_202501']);
    expect(await sql`SELECT to_regclass('audit_log_202501') AS t`.execute(r.platform.db).then((x) => (x.rows[0] as { t: unknown }).t)).toBeNull();
    await sealAll();
    expect(await applyAuditRetention(r.platform.db, new Date('2025-10-15T00:00:00Z'), 6)).toEqual(['audit_log_202502']);

    const report = await verifyChain(r.platform.db);
    expect(report).toMatchObject({ ok: true, firstBroken: null });
    const state = await r.platform.db.selectFrom('audit_seal_state').select('retained_from').executeTakeFirstOrThrow();
    expect(new Date(state.retained_from!).getTime()).toBeGreaterThan(new Date('2025-02-10T02:00:00Z').getTime());
  });

  it('a record missing after the retained horizon is still a broken chain', async () => {
    r.clock.set('2025-10-01T10:00:00+08:00');
    const admin = await r.login('admin');
    expect((await r.request({ method: 'POST', url: '/api/orgs', token: admin, payload: { kind: 'social_org', name: '十月的志愿者协会', regionId: null } })).statusCode).toBe(201);
    await sealAll();
    const last = await r.platform.db.selectFrom('audit_seal').select(['pos', 'audit_seq']).orderBy('pos', 'desc').limit(1).executeTakeFirstOrThrow();
    await r.platform.db.transaction().execute(async (trx) => {
      await sql`ALTER TABLE audit_log DISABLE TRIGGER USER`.execute(trx);
      await sql`DELETE FROM audit_log WHERE seq = ${last.audit_seq}`.execute(trx);
      await sql`ALTER TABLE audit_log ENABLE TRIGGER USER`.execute(trx);
    });
    expect((await verifyChain(r.platform.db)).firstBroken).toEqual({ pos: last.pos, seq: last.audit_seq, reason: 'record_missing' });
  });
});
