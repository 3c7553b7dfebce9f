import { sql } from 'kysely';
import { WriteBatch } from '../../db/batch.ts';
import type { Executor } from '../../db/index.ts';
import { actorOf, type Ctx } from '../context.ts';
import { canonicalJson, digestOf, sha256 } from './canonical.ts';

export { digestOf } from './canonical.ts';

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId?: string | null;
  /** the state before and after; only their digests are stored, never the personal data itself */
  before?: unknown;
  after?: unknown;
  /** small, non-personal facts worth reading later (field names changed, counts, reasons) */
  details?: Record<string, unknown>;
}

interface AuditContent {
  at: Date;
  actor_kind: string;
  actor_id: string | null;
  org_id: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  before_digest: string | null;
  after_digest: string | null;
  details: Record<string, unknown> | null;
  request_id: string | null;
  ip: string | null;
}

/** The digest a record carries of its own content; the verifier recomputes it from the stored row. */
export function contentDigest(c: AuditContent): string {
  return sha256(
    canonicalJson({
      at: new Date(c.at).toISOString(),
      actor_kind: c.actor_kind,
      actor_id: c.actor_id,
      org_id: c.org_id,
      action: c.action,
      entity_type: c.entity_type,
      entity_id: c.entity_id,
      before_digest: c.before_digest,
      after_digest: c.after_digest,
      details: c.details,
      request_id: c.request_id,
      ip: c.ip,
    }),
  );
}

export function chainHash(prevHash: string, seq: number, digest: string): string {
  return sha256(`${prevHash}:${seq}:${digest}`);
}

/**
 * Writes one audit record. Call it inside the transaction that makes the change, so the change and
 * its record commit or vanish together. The sealer links committed records into the hash chain.
 */
export async function audit(ctx: Ctx, entry: AuditEntry, db: Executor | WriteBatch = ctx.db): Promise<void> {
  const actor = actorOf(ctx.principal);
  const content: AuditContent = {
    at: ctx.platform.clock.now(),
    actor_kind: actor.kind,
    actor_id: actor.id,
    org_id: actor.orgId,
    action: entry.action,
    entity_type: entry.entityType,
    entity_id: entry.entityId ?? null,
    before_digest: entry.before === undefined ? null : digestOf(entry.before),
    after_digest: entry.after === undefined ? null : digestOf(entry.after),
    details: entry.details ?? null,
    request_id: ctx.requestId,
    ip: ctx.ip,
  };
  const w = WriteBatch.of(db);
  w.add(w.db.insertInto('audit_log').values({
    ...content,
    details: content.details === null ? null : JSON.stringify(content.details),
    digest: contentDigest(content),
  }));
  await w.done();
}

/** Held by the sealer and by retention, so a partition is never dropped while it is being sealed. */
const SEAL_LOCK = 7264002;

/**
 * Links newly committed audit records into the chain. Records are taken by transaction id: every
 * transaction below the oldest one still running (the snapshot's xmin) has finished, so its records
 * are final. Order within the chain: (txid, seq). One sealer at a time (advisory lock).
 */
export async function sealPending(db: Executor, maxTransactions = 1000): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const locked = await sql<{ ok: boolean }>`SELECT pg_try_advisory_xact_lock(${SEAL_LOCK}) AS ok`.execute(trx);
    if (!locked.rows[0]?.ok) return 0;
    const state = await trx.selectFrom('audit_seal_state').selectAll().where('id', '=', 1).forUpdate().executeTakeFirstOrThrow();
    const horizon = await sql<{ xmin: string }>`SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin`.execute(trx);
    let upper = horizon.rows[0].xmin; // exclusive
    // at most maxTransactions finished transactions per round, always whole transactions
    const txids = await sql<{ txid: string }>`
      SELECT DISTINCT txid::text AS txid, txid AS t FROM audit_log
      WHERE txid >= ${state.xid_watermark}::xid8 AND txid < ${upper}::xid8
      ORDER BY t LIMIT ${maxTransactions}`.execute(trx);
    if (txids.rows.length === 0) {
      await trx.updateTable('audit_seal_state').set({ xid_watermark: sql`${upper}::xid8` }).where('id', '=', 1).execute();
      return 0;
    }
    if (txids.rows.length === maxTransactions) {
      const last = txids.rows[txids.rows.length - 1].txid;
      upper = (BigInt(last) + 1n).toString();
    }
    const rows = await sql<{ seq: number; at: Date; digest: string }>`
      SELECT seq, at, digest FROM audit_log
      WHERE txid >= ${state.xid_watermark}::xid8 AND txid < ${upper}::xid8
      ORDER BY txid, seq`.execute(trx);
    let pos = state.last_pos;
    let hash = state.last_hash;
    const seals = rows.rows.map((r) => {
      const prev = hash;
      hash = chainHash(prev, r.seq, r.digest);
      pos++;
      return { pos, audit_seq: r.seq, audit_at: r.at, prev_hash: prev, hash };
    });
    for (let i = 0; i < seals.length; i += 500) await trx.insertInto('audit_seal').values(seals.slice(i, i + 500)).execute();
    await trx
      .updateTable('audit_seal_state')
      .set({ xid_watermark: sql`${upper}::xid8`, last_pos: pos, last_hash: hash })
      .where('id', '=', 1)
      .execute();
    return seals.length;
  });
}

export interface ChainReport {
  ok: boolean;
  sealed: number;
  pending: number;
  firstBroken: null | { pos: number; seq: number | null; reason: 'content_changed' | 'chain_broken' | 'record_missing' };
}

/** Recomputes every record's digest and every link; reports the first place the chain breaks. */
export async function verifyChain(db: Executor): Promise<ChainReport> {
  const retainedFrom = (await db.selectFrom('audit_seal_state').select('retained_from').where('id', '=', 1).executeTakeFirstOrThrow()).retained_from;
  let prevHash = 'genesis';
  let sealed = 0;
  let afterPos = 0;
  const page = 5000;
  for (;;) {
    const rows = await db
      .selectFrom('audit_seal as s')
      .leftJoin('audit_log as a', (j) => j.onRef('a.seq', '=', 's.audit_seq').onRef('a.at', '=', 's.audit_at'))
      .select([
        's.pos', 's.audit_seq', 's.audit_at', 's.prev_hash', 's.hash',
        'a.seq', 'a.at', 'a.actor_kind', 'a.actor_id', 'a.org_id', 'a.action', 'a.entity_type', 'a.entity_id',
        'a.before_digest', 'a.after_digest', 'a.details', 'a.request_id', 'a.ip', 'a.digest',
      ])
      .where('s.pos', '>', afterPos)
      .orderBy('s.pos')
      .limit(page)
      .execute();
    for (const r of rows) {
      if (r.seq === null || r.at === null) {
        // dropped by retention: nothing left to recompute; the seal's hash anchors what follows
        if (retainedFrom && new Date(r.audit_at) < new Date(retainedFrom) && r.prev_hash === prevHash) {
          prevHash = r.hash;
          afterPos = r.pos;
          continue;
        }
        return broken(r.pos, r.audit_seq, 'record_missing', sealed);
      }
      const digest = contentDigest({
        at: r.at, actor_kind: r.actor_kind!, actor_id: r.actor_id, org_id: r.org_id, action: r.action!,
        entity_type: r.entity_type!, entity_id: r.entity_id, before_digest: r.before_digest, after_digest: r.after_digest,
        details: (r.details as Record<string, unknown> | null) ?? null, request_id: r.request_id, ip: r.ip,
      });
      if (digest !== r.digest) return broken(r.pos, r.seq, 'content_changed', sealed);
      if (r.prev_hash !== prevHash || chainHash(prevHash, r.seq, r.digest) !== r.hash) return broken(r.pos, r.seq, 'chain_broken', sealed);
      prevHash = r.hash;
      sealed++;
      afterPos = r.pos;
    }
    if (rows.length < page) break;
  }
  const state = await db.selectFrom('audit_seal_state').select(['xid_watermark', 'last_pos']).where('id', '=', 1).executeTakeFirstOrThrow();
  if (state.last_pos !== afterPos) return broken(afterPos + 1, null, 'record_missing', sealed);
  const pending = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log WHERE txid >= ${state.xid_watermark}::xid8`.execute(db);
  return { ok: true, sealed, pending: pending.rows[0].n, firstBroken: null };
}

function broken(pos: number, seq: number | null, reason: NonNullable<ChainReport['firstBroken']>['reason'], sealed: number): ChainReport {
  return { ok: false, sealed, pending: 0, firstBroken: { pos, seq, reason } };
}

/**
 * Drops monthly audit partitions that ended before the retention horizon (LINLI_AUDIT_RETENTION_MONTHS,
 * at least 6) and whose every record is sealed. DROP of a whole partition is the only way records
 * leave the log: the row triggers keep refusing UPDATE and DELETE. Returns the partitions dropped.
 */
export async function applyAuditRetention(db: Executor, now: Date, months: number): Promise<string[]> {
  if (months < 6) throw new Error('audit records are kept at least six months');
  const horizon = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - months, 1));
  const parts = await sql<{ name: string }>`
    SELECT c.relname AS name FROM pg_inherits i
    JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'audit_log'::regclass AND c.relname ~ '^audit_log_[0-9]{6}$'
    ORDER BY c.relname`.execute(db);
  const dropped: string[] = [];
  for (const { name } of parts.rows) {
    const y = Number(name.slice(10, 14));
    const m = Number(name.slice(14, 16));
    const end = new Date(Date.UTC(y, m, 1)); // first instant after the partition's month (UTC bounds, a day's slack for local time)
    if (end.getTime() + 86_400_000 > horizon.getTime()) break;
    const done = await db.transaction().execute(async (trx) => {
      await sql`SELECT pg_advisory_xact_lock(${SEAL_LOCK})`.execute(trx);
      const state = await trx.selectFrom('audit_seal_state').select(['xid_watermark', 'retained_from']).where('id', '=', 1).executeTakeFirstOrThrow();
      const unsealed = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(name)} WHERE txid >= ${state.xid_watermark}::xid8`.execute(trx);
      if (unsealed.rows[0].n > 0) return false;
      const newest = await sql<{ at: Date | null }>`SELECT max(at) AS at FROM ${sql.table(name)}`.execute(trx);
      await sql`ALTER TABLE audit_log DETACH PARTITION ${sql.table(name)}`.execute(trx);
      await sql`DROP TABLE ${sql.table(name)}`.execute(trx);
      const until = newest.rows[0].at ? new Date(new Date(newest.rows[0].at).getTime() + 1) : null;
      if (until && (!state.retained_from || new Date(state.retained_from) < until)) {
        await trx.updateTable('audit_seal_state').set({ retained_from: until }).where('id', '=', 1).execute();
      }
      return true;
    });
    if (!done) break;
    dropped.push(name);
  }
  return dropped;
}
