import { sql } from 'kysely';
import { requirePermission, scopeOf } from '../../platform/access/index.ts';
import { sealPending, verifyChain, audit } from '../../platform/audit/index.ts';
import { inTransaction, type Ctx, type Platform } from '../../platform/context.ts';
import { regionColumn } from '../../platform/access/index.ts';
import type { ReplicaHealth } from '../../db/index.ts';

export interface Health {
  status: 'ok' | 'degraded';
  database: 'pglite' | 'postgres';
  version: string;
  databaseLatencyMs: number | null;
  /** the read replica (DATABASE_REPLICA_URL); null when there is none and the primary serves every read */
  replica: ReplicaHealth | null;
}

/**
 * ok when the database answers a trivial query within 2 seconds and no request is queueing for a
 * connection; degraded otherwise (a load balancer then sends traffic elsewhere). The replica is
 * reported but does not make the process degraded: its reads fall back to the primary.
 */
export async function health(platform: Platform): Promise<Health> {
  const started = Date.now();
  let ok = platform.dbStats().waiting === 0;
  const replica = platform.replicaHealth();
  try {
    await Promise.race([
      sql`SELECT 1`.execute(platform.db),
      new Promise((_, reject) => setTimeout(() => reject(new Error('health check timed out')), 2_000).unref()),
    ]);
  } catch {
    ok = false;
  }
  return {
    status: ok ? 'ok' : 'degraded',
    database: platform.engine,
    version: platform.config.version,
    databaseLatencyMs: ok ? Date.now() - started : null,
    replica: await replica,
  };
}

export async function listAudit(
  ctx: Ctx,
  filter: { entityType?: string; entityId?: string; actorId?: string; action?: string; from?: string; to?: string; beforeSeq?: number; limit: number },
) {
  requirePermission(ctx, 'audit.read');
  const scope = scopeOf(ctx);
  let q = ctx.db
    .selectFrom('audit_log as a')
    .leftJoin('app_user as u', 'u.id', 'a.actor_id')
    .leftJoin('org as o', 'o.id', 'a.org_id')
    .leftJoin('region as rg', 'rg.id', 'o.region_id')
    .select(['a.seq', 'a.at', 'a.actor_kind', 'a.actor_id', 'u.username as actor_name', 'a.org_id', 'o.name as org_name', 'a.action', 'a.entity_type', 'a.entity_id', 'a.details', 'a.request_id', 'a.ip'])
    .orderBy('a.seq', 'desc')
    .limit(filter.limit);
  // below platform level: records of actors from organisations inside the caller's region
  if (scope.kind === 'region') q = q.where(sql.ref(`rg.${regionColumn[scope.level]}`), '=', scope.regionId);
  else if (scope.kind === 'org') q = q.where('a.org_id', '=', scope.orgId);
  if (filter.entityType) q = q.where('a.entity_type', '=', filter.entityType);
  if (filter.entityId) q = q.where('a.entity_id', '=', filter.entityId);
  if (filter.actorId) q = q.where('a.actor_id', '=', filter.actorId);
  if (filter.action) q = q.where('a.action', '=', filter.action);
  if (filter.from) q = q.where('a.at', '>=', new Date(filter.from));
  if (filter.to) q = q.where('a.at', '<', new Date(filter.to));
  if (filter.beforeSeq) q = q.where('a.seq', '<', filter.beforeSeq);
  return q.execute();
}

export async function verifyAudit(ctx: Ctx) {
  requirePermission(ctx, 'audit.verify');
  await sealPending(ctx.platform.db);
  const report = await verifyChain(ctx.platform.db);
  await inTransaction(ctx, (_trx, c) => audit(c, { action: 'audit.verify', entityType: 'audit', details: { ok: report.ok, sealed: report.sealed } }));
  return report;
}

/** Housekeeping: expired idempotency keys (7 days), one-time codes and sessions (30 days after their end). */
export async function purgeExpired(platform: Platform) {
  const now = platform.clock.now().getTime();
  const db = platform.db;
  await db.deleteFrom('idempotency_key').where('created_at', '<', new Date(now - 7 * 86_400_000)).execute();
  await db.deleteFrom('otp_code').where('expires_at', '<', new Date(now - 86_400_000)).execute();
  await db.deleteFrom('user_session').where('expires_at', '<', new Date(now - 30 * 86_400_000)).execute();
  await db.deleteFrom('job').where('done_at', '<', new Date(now - 30 * 86_400_000)).execute();
}

/** Monthly partitions of every time-ordered table exist for this month and the next three. */
export async function ensurePartitions(platform: Platform) {
  const now = platform.clock.now();
  const month = `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, '0')}-01`;
  await sql`SELECT linli_ensure_all_partitions(${month}::date, 4)`.execute(platform.db);
}
