import { sql } from 'kysely';
import type { Executor } from '../../db/index.ts';
import type { RegionLevel } from '../../db/schema.ts';

const LEVEL_ORDER: RegionLevel[] = ['city', 'district', 'street', 'community', 'grid'];

/** A region and its ancestors, from the city down (each row carries the ids of its ancestors). */
export async function regionPath(db: Executor, regionId: string): Promise<{ id: string; level: RegionLevel; name: string }[]> {
  const rows = await db
    .selectFrom('region as r')
    .innerJoin('region as a', (j) => j.on(sql<boolean>`a.id IN (r.city_id, r.district_id, r.street_id, r.community_id, r.grid_id)`))
    .select(['a.id', 'a.level', 'a.name'])
    .where('r.id', '=', regionId)
    .execute();
  return rows.sort((x, y) => LEVEL_ORDER.indexOf(x.level) - LEVEL_ORDER.indexOf(y.level));
}

export async function findUserForLogin(db: Executor, username: string) {
  return db
    .selectFrom('app_user')
    .select(['id', 'username', 'display_name', 'org_id', 'password_hash', 'failed_attempts', 'locked_until', 'active', 'must_change_password'])
    .where((eb) => eb(eb.fn('lower', ['username']), '=', username.toLowerCase()))
    .executeTakeFirst();
}

export async function rolesOf(db: Executor, userId: string): Promise<string[]> {
  const rows = await db.selectFrom('user_role').select('role_code').where('user_id', '=', userId).orderBy('role_code').execute();
  return rows.map((r) => r.role_code);
}

export async function recordFailedLogin(db: Executor, userId: string, lockUntil: Date | null) {
  await db
    .updateTable('app_user')
    .set((eb) => ({ failed_attempts: eb('failed_attempts', '+', 1), ...(lockUntil ? { locked_until: lockUntil } : {}) }))
    .where('id', '=', userId)
    .execute();
}

export async function recordSuccessfulLogin(db: Executor, userId: string) {
  await db.updateTable('app_user').set({ failed_attempts: 0, locked_until: null }).where('id', '=', userId).execute();
}

export async function setPassword(db: Executor, userId: string, passwordHash: string, now: Date, mustChange: boolean) {
  await db
    .updateTable('app_user')
    .set({ password_hash: passwordHash, password_changed_at: now, must_change_password: mustChange, failed_attempts: 0, locked_until: null, updated_at: now })
    .where('id', '=', userId)
    .execute();
}

export async function passwordHashOf(db: Executor, userId: string) {
  const r = await db.selectFrom('app_user').select(['password_hash', 'username']).where('id', '=', userId).executeTakeFirstOrThrow();
  return r;
}

export async function findResidentAccount(db: Executor, phoneHashes: string[]) {
  return db.selectFrom('resident_account').selectAll().where('phone_hash', 'in', phoneHashes).executeTakeFirst();
}

export async function insertResidentAccount(db: Executor, row: { id: string; phone_enc: string; phone_hash: string }) {
  await db.insertInto('resident_account').values(row).onConflict((oc) => oc.column('phone_hash').doNothing()).execute();
}

export async function touchResidentLogin(db: Executor, id: string, now: Date) {
  await db.updateTable('resident_account').set({ last_login_at: now }).where('id', '=', id).execute();
}

export async function countCodesSince(db: Executor, by: { phoneHash?: string; ip?: string }, since: Date) {
  let q = db.selectFrom('otp_code').select((eb) => eb.fn.countAll<number>().as('n')).where('created_at', '>=', since);
  if (by.phoneHash) q = q.where('phone_hash', '=', by.phoneHash);
  if (by.ip) q = q.where('ip', '=', by.ip);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

export async function lastCodeAt(db: Executor, phoneHash: string): Promise<Date | null> {
  const r = await db.selectFrom('otp_code').select('created_at').where('phone_hash', '=', phoneHash).orderBy('created_at', 'desc').limit(1).executeTakeFirst();
  return r ? new Date(r.created_at) : null;
}

export async function insertCode(db: Executor, row: { id: string; phone_hash: string; code_hash: string; created_at: Date; expires_at: Date; ip: string | null }) {
  await db.insertInto('otp_code').values(row).execute();
}

export async function latestLiveCode(db: Executor, phoneHash: string, now: Date) {
  return db
    .selectFrom('otp_code')
    .select(['id', 'code_hash', 'attempts'])
    .where('phone_hash', '=', phoneHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('created_at', 'desc')
    .limit(1)
    .forUpdate()
    .executeTakeFirst();
}

export async function markCodeAttempt(db: Executor, id: string, used: Date | null) {
  await db
    .updateTable('otp_code')
    .set((eb) => ({ attempts: eb('attempts', '+', 1), ...(used ? { used_at: used } : {}) }))
    .where('id', '=', id)
    .execute();
}
