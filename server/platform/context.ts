import type { Kysely, Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { DB, Executor, PoolStats, ReplicaHealth } from '../db/index.ts';
import type { OrgKind, RegionLevel } from '../db/schema.ts';
import type { Config } from '../config.ts';
import type { Clock } from './clock.ts';
import type { Lang } from './i18n/index.ts';
import type { PiiCrypto } from './pii/crypto.ts';
import type { Scope } from './access/scope.ts';
import type { FileStore } from './files/store.ts';
import type { SmsSender } from './sms/sender.ts';
import type { JobQueue } from './jobs/queue.ts';
import type { OutboundHttp } from './http/outbound.ts';

/** A signed-in staff member, with what their roles allow and where their organisation reaches. */
export interface UserPrincipal {
  kind: 'user';
  id: string;
  username: string;
  displayName: string;
  orgId: string;
  orgKind: OrgKind;
  orgName: string;
  orgRegionId: string | null;
  orgRegionLevel: RegionLevel | null;
  deptType: string | null;
  gridId: string | null;
  roles: string[];
  permissions: ReadonlySet<string>;
  scope: Scope;
  sessionId: string | null;
  mustChangePassword: boolean;
}

export interface ResidentPrincipal {
  kind: 'resident';
  id: string; // resident_account.id
  residentId: string | null;
  sessionId: string;
}

/** An outside system calling with an API token (Open311 client, 12345 hotline, scripts). */
export interface IntegrationPrincipal {
  kind: 'integration';
  id: string; // api_token.id
  name: string;
  tokenKind: string;
  scopes: readonly string[];
  orgId: string;
  scope: Scope;
}

export interface AnonymousPrincipal {
  kind: 'anonymous';
}

export interface SystemPrincipal {
  kind: 'system';
  name: string;
}

export type Principal = UserPrincipal | ResidentPrincipal | IntegrationPrincipal | AnonymousPrincipal | SystemPrincipal;

/** Cross-cutting services, built once at start-up. */
export interface Platform {
  config: Config;
  /** the primary database: writes, and reads that must see the latest commit */
  db: Kysely<DB>;
  /** heavy reads that tolerate a second of lag: the read replica if configured (see readerOf) */
  reader: Kysely<DB>;
  /** the replica's reachability and lag; null when there is no replica */
  replicaHealth: () => Promise<ReplicaHealth | null>;
  clock: Clock;
  pii: PiiCrypto;
  files: FileStore;
  sms: SmsSender;
  jobs: JobQueue;
  /** every outgoing HTTP call goes through it (allow-list, no internal addresses) */
  outbound: OutboundHttp;
  log: Logger;
  engine: 'pglite' | 'postgres';
  dbStats: () => PoolStats;
  /** listen to pg_notify('linli', payload) of committed transactions of any server process */
  onNotify: (listener: (payload: string) => void) => () => void;
}

/**
 * What a service needs to act for someone: who (principal), where to write (db: the database or a
 * transaction in progress), in which language to answer, and the request it belongs to (audit).
 */
export interface Ctx {
  platform: Platform;
  db: Executor;
  principal: Principal;
  lang: Lang;
  requestId: string | null;
  ip: string | null;
}

/** Runs fn in a transaction; joins the caller's transaction when there already is one. */
export async function inTransaction<T>(ctx: Ctx, fn: (trx: Transaction<DB>, ctx: Ctx) => Promise<T>): Promise<T> {
  if (ctx.db.isTransaction) return fn(ctx.db as Transaction<DB>, ctx);
  return ctx.db.transaction().execute((trx) => fn(trx, { ...ctx, db: trx }));
}

/**
 * Where a heavy read that writes nothing and tolerates a second of lag goes (rankings, dashboards,
 * exports): the read replica, unless the caller is inside a transaction, which must see its own writes.
 */
export function readerOf(ctx: Ctx): Executor {
  return ctx.db.isTransaction ? ctx.db : ctx.platform.reader;
}

export function systemCtx(platform: Platform, name: string): Ctx {
  return { platform, db: platform.db, principal: { kind: 'system', name }, lang: 'zh-CN', requestId: null, ip: null };
}

export function now(ctx: Ctx): Date {
  return ctx.platform.clock.now();
}

/** The audit/actor fields of a principal: who did it, acting for which organisation. */
export function actorOf(p: Principal): { kind: string; id: string | null; orgId: string | null; name: string } {
  switch (p.kind) {
    case 'user':
      return { kind: 'user', id: p.id, orgId: p.orgId, name: p.username };
    case 'resident':
      return { kind: 'resident', id: p.id, orgId: null, name: 'resident' };
    case 'integration':
      return { kind: 'integration', id: p.id, orgId: p.orgId, name: p.name };
    case 'system':
      return { kind: 'system', id: null, orgId: null, name: p.name };
    default:
      return { kind: 'anonymous', id: null, orgId: null, name: 'anonymous' };
  }
}
