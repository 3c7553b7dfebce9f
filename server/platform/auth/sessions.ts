import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { DB, Executor } from '../../db/index.ts';
import { PREPARE } from '../../db/prepared.ts';
import type { OrgKind, RegionLevel } from '../../db/schema.ts';
import { newId } from '../ids.ts';
import { tokenHash } from '../pii/crypto.ts';
import { scopeFor } from '../access/scope.ts';
import type { IntegrationPrincipal, Principal, ResidentPrincipal, UserPrincipal } from '../context.ts';
import { API_TOKEN_PREFIX, newSessionToken, SESSION_PREFIX } from './tokens.ts';

/** Staff sessions end after 30 minutes without a request, and 12 hours after sign-in at the latest. */
export const STAFF_IDLE_MS = 30 * 60_000;
export const STAFF_ABSOLUTE_MS = 12 * 3_600_000;
/** Residents on their phones (many elderly) stay signed in longer: 30 days idle, 180 days at most. */
export const RESIDENT_IDLE_MS = 30 * 24 * 3_600_000;
export const RESIDENT_ABSOLUTE_MS = 180 * 24 * 3_600_000;
/** last_seen_at is written at most this often, not on every request */
const TOUCH_EVERY_MS = 60_000;

export async function createSession(
  db: Executor,
  who: { userId: string } | { residentAccountId: string },
  meta: { now: Date; ip: string | null; userAgent: string | null },
): Promise<{ token: string; sessionId: string; expiresAt: Date }> {
  const token = newSessionToken();
  const isUser = 'userId' in who;
  const expiresAt = new Date(meta.now.getTime() + (isUser ? STAFF_ABSOLUTE_MS : RESIDENT_ABSOLUTE_MS));
  const id = newId();
  await db
    .insertInto('user_session')
    .values({
      id,
      token_hash: tokenHash(token),
      user_id: isUser ? who.userId : null,
      resident_account_id: isUser ? null : who.residentAccountId,
      created_at: meta.now,
      last_seen_at: meta.now,
      expires_at: expiresAt,
      ip: meta.ip,
      user_agent: meta.userAgent?.slice(0, 300) ?? null,
    })
    .execute();
  return { token, sessionId: id, expiresAt };
}

export async function revokeSession(db: Executor, sessionId: string, now: Date) {
  await db.updateTable('user_session').set({ revoked_at: now }).where('id', '=', sessionId).where('revoked_at', 'is', null).execute();
}

export async function revokeUserSessions(db: Executor, userId: string, now: Date, exceptSessionId?: string) {
  let q = db.updateTable('user_session').set({ revoked_at: now }).where('user_id', '=', userId).where('revoked_at', 'is', null);
  if (exceptSessionId) q = q.where('id', '<>', exceptSessionId);
  await q.execute();
}

export type Resolution = { principal: Principal; problem: null | 'expired' | 'invalid' };

interface SessionRow {
  session_id: string;
  user_id: string | null;
  resident_account_id: string | null;
  last_seen_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
  username: string | null;
  display_name: string | null;
  org_id: string | null;
  grid_id: string | null;
  active: boolean | null;
  must_change_password: boolean | null;
  org_kind: OrgKind | null;
  org_name: string | null;
  org_region_id: string | null;
  org_region_level: RegionLevel | null;
  dept_type: string | null;
  resident_id: string | null;
  roles: string[];
  permissions: string[];
}

const ANONYMOUS: Principal = { kind: 'anonymous' };

/** Turns a presented token (cookie or bearer) into who is calling, in one query. */
export async function resolveToken(db: Kysely<DB>, token: string | null, now: Date): Promise<Resolution> {
  if (!token) return { principal: ANONYMOUS, problem: null };
  if (token.startsWith(API_TOKEN_PREFIX)) return resolveApiToken(db, token, now);
  if (!token.startsWith(SESSION_PREFIX)) return { principal: ANONYMOUS, problem: 'invalid' };
  const r = await sql<SessionRow>`${PREPARE}
    SELECT s.id AS session_id, s.user_id, s.resident_account_id, s.last_seen_at, s.expires_at, s.revoked_at,
      u.username, u.display_name, u.org_id, u.grid_id, u.active, u.must_change_password,
      o.kind AS org_kind, o.name AS org_name, o.region_id AS org_region_id, rg.level AS org_region_level, o.dept_type,
      ra.resident_id,
      COALESCE((SELECT array_agg(ur.role_code ORDER BY ur.role_code) FROM user_role ur WHERE ur.user_id = u.id), '{}') AS roles,
      COALESCE((SELECT array_agg(DISTINCT rp.permission) FROM user_role ur JOIN role_permission rp ON rp.role_code = ur.role_code
                WHERE ur.user_id = u.id), '{}') AS permissions
    FROM user_session s
    LEFT JOIN app_user u ON u.id = s.user_id
    LEFT JOIN org o ON o.id = u.org_id
    LEFT JOIN region rg ON rg.id = o.region_id
    LEFT JOIN resident_account ra ON ra.id = s.resident_account_id
    WHERE s.token_hash = ${tokenHash(token)}`.execute(db);
  const row = r.rows[0];
  if (!row) return { principal: ANONYMOUS, problem: 'invalid' };
  const idleMs = row.user_id ? STAFF_IDLE_MS : RESIDENT_IDLE_MS;
  const t = now.getTime();
  if (row.revoked_at || t >= new Date(row.expires_at).getTime() || t - new Date(row.last_seen_at).getTime() > idleMs) {
    return { principal: ANONYMOUS, problem: 'expired' };
  }
  if (t - new Date(row.last_seen_at).getTime() > TOUCH_EVERY_MS) {
    await db.updateTable('user_session').set({ last_seen_at: now }).where('id', '=', row.session_id).execute();
  }
  if (row.user_id) {
    if (!row.active) return { principal: ANONYMOUS, problem: 'expired' };
    const principal: UserPrincipal = {
      kind: 'user',
      id: row.user_id,
      username: row.username!,
      displayName: row.display_name!,
      orgId: row.org_id!,
      orgKind: row.org_kind!,
      orgName: row.org_name!,
      orgRegionId: row.org_region_id,
      orgRegionLevel: row.org_region_level,
      deptType: row.dept_type,
      gridId: row.grid_id,
      roles: row.roles,
      permissions: new Set(row.permissions),
      scope: scopeFor({ id: row.org_id!, kind: row.org_kind!, region_id: row.org_region_id, region_level: row.org_region_level }, row.grid_id),
      sessionId: row.session_id,
      mustChangePassword: !!row.must_change_password,
    };
    return { principal, problem: null };
  }
  const principal: ResidentPrincipal = { kind: 'resident', id: row.resident_account_id!, residentId: row.resident_id, sessionId: row.session_id };
  return { principal, problem: null };
}

async function resolveApiToken(db: Kysely<DB>, token: string, now: Date): Promise<Resolution> {
  const row = await db
    .selectFrom('api_token as t')
    .innerJoin('org as o', 'o.id', 't.org_id')
    .leftJoin('region as rg', 'rg.id', 'o.region_id')
    .select(['t.id', 't.name', 't.kind', 't.scopes', 't.org_id', 't.revoked_at', 't.last_used_at', 'o.kind as org_kind', 'o.region_id', 'rg.level as region_level'])
    .where('t.token_hash', '=', tokenHash(token))
    .executeTakeFirst();
  if (!row) return { principal: ANONYMOUS, problem: 'invalid' };
  if (row.revoked_at) return { principal: ANONYMOUS, problem: 'expired' };
  if (!row.last_used_at || now.getTime() - new Date(row.last_used_at).getTime() > TOUCH_EVERY_MS) {
    await db.updateTable('api_token').set({ last_used_at: now }).where('id', '=', row.id).execute();
  }
  const principal: IntegrationPrincipal = {
    kind: 'integration',
    id: row.id,
    name: row.name,
    tokenKind: row.kind,
    scopes: row.scopes,
    orgId: row.org_id,
    scope: scopeFor({ id: row.org_id, kind: row.org_kind, region_id: row.region_id, region_level: row.region_level }, null),
  };
  return { principal, problem: null };
}
