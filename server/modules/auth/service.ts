import { randomInt } from 'node:crypto';
import { audit } from '../../platform/audit/index.ts';
import { inTransaction, type Ctx } from '../../platform/context.ts';
import { AppError, badRequest, invalid, serviceUnavailable, tooManyRequests, unauthorized } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { checkPasswordPolicy, hashPassword, verifyAgainstDummy, verifyPassword } from '../../platform/auth/passwords.ts';
import { createSession, revokeSession, revokeUserSessions } from '../../platform/auth/sessions.ts';
import { requireUser } from '../../platform/access/index.ts';
import { maskPhone, parsePhone } from '../../platform/pii/index.ts';
import * as store from './store.ts';

export const MAX_FAILED_LOGINS = 5;
export const LOCKOUT_MINUTES = 15;
export const CODE_TTL_SECONDS = 300;
export const CODE_RESEND_SECONDS = 60;
export const CODES_PER_PHONE_PER_HOUR = 5;
export const CODES_PER_IP_PER_HOUR = 20;
export const CODE_MAX_ATTEMPTS = 5;

const locked = (minutes: number) =>
  new AppError(429, 'ACCOUNT_LOCKED', 'auth.locked', { minutes }, undefined, { 'retry-after': String(minutes * 60) });

export interface LoginResult {
  token: string;
  expiresAt: Date;
  user: { id: string; username: string; displayName: string; orgId: string; roles: string[]; mustChangePassword: boolean };
}

/** Staff sign-in: argon2id check, lockout after 5 failures for 15 minutes, a new session. */
export async function login(ctx: Ctx, input: { username: string; password: string }, userAgent: string | null): Promise<LoginResult> {
  const now = ctx.platform.clock.now();
  const user = await store.findUserForLogin(ctx.db, input.username);
  if (!user) {
    await verifyAgainstDummy(input.password);
    throw unauthorized('auth.invalid_credentials');
  }
  if (user.locked_until && new Date(user.locked_until) > now) {
    throw locked(Math.ceil((new Date(user.locked_until).getTime() - now.getTime()) / 60_000));
  }
  const ok = await verifyPassword(user.password_hash, input.password);
  if (!ok) {
    const failures = user.failed_attempts + 1;
    const lockUntil = failures >= MAX_FAILED_LOGINS ? new Date(now.getTime() + LOCKOUT_MINUTES * 60_000) : null;
    await inTransaction(ctx, async (trx, c) => {
      await store.recordFailedLogin(trx, user.id, lockUntil);
      const who = { ...c, principal: { kind: 'system' as const, name: 'login' } };
      await audit(who, { action: lockUntil ? 'auth.locked' : 'auth.login_failed', entityType: 'user', entityId: user.id, details: { failures } });
    });
    if (lockUntil) throw locked(LOCKOUT_MINUTES);
    throw unauthorized('auth.invalid_credentials');
  }
  if (!user.active) throw new AppError(403, 'ACCOUNT_DISABLED', 'auth.inactive');
  return inTransaction(ctx, async (trx, c) => {
    await store.recordSuccessfulLogin(trx, user.id);
    const session = await createSession(trx, { userId: user.id }, { now, ip: ctx.ip, userAgent });
    const roles = await store.rolesOf(trx, user.id);
    const actor = { ...c, principal: { kind: 'system' as const, name: user.username } };
    await audit(actor, { action: 'auth.login', entityType: 'user', entityId: user.id, details: { session: session.sessionId } });
    return {
      token: session.token,
      expiresAt: session.expiresAt,
      user: { id: user.id, username: user.username, displayName: user.display_name, orgId: user.org_id, roles, mustChangePassword: user.must_change_password },
    };
  });
}

export async function logout(ctx: Ctx) {
  const p = ctx.principal;
  if (p.kind !== 'user' && p.kind !== 'resident') throw unauthorized();
  if (!p.sessionId) return;
  await inTransaction(ctx, async (trx, c) => {
    await revokeSession(trx, p.sessionId!, ctx.platform.clock.now());
    await audit(c, { action: 'auth.logout', entityType: p.kind === 'user' ? 'user' : 'resident_account', entityId: p.id });
  });
}

/** Changing one's own password ends every other session of the account. */
export async function changePassword(ctx: Ctx, input: { currentPassword: string; newPassword: string }) {
  const user = requireUser(ctx);
  const stored = await store.passwordHashOf(ctx.db, user.id);
  if (!(await verifyPassword(stored.password_hash, input.currentPassword))) {
    throw badRequest({ currentPassword: { key: 'auth.password_wrong_current' } });
  }
  try {
    checkPasswordPolicy(input.newPassword, stored.username);
  } catch (e) {
    // report it under the field the client sent
    if (e instanceof AppError && e.fields?.password) throw badRequest({ newPassword: e.fields.password });
    throw e;
  }
  const hash = await hashPassword(input.newPassword);
  const now = ctx.platform.clock.now();
  await inTransaction(ctx, async (trx, c) => {
    await store.setPassword(trx, user.id, hash, now, false);
    await revokeUserSessions(trx, user.id, now, user.sessionId ?? undefined);
    await audit(c, { action: 'auth.password_changed', entityType: 'user', entityId: user.id });
  });
}

function phoneOrFail(raw: string): string {
  const phone = parsePhone(raw);
  if (!phone) throw invalid('phone', 'pii.phone_invalid');
  return phone;
}

/**
 * Sends a one-time code to a resident's phone. Limits hold across processes because they are
 * counted in the database: one code per phone per minute, 5 per phone and 20 per IP address per hour.
 */
export async function requestResidentCode(ctx: Ctx, input: { phone: string }): Promise<{ expiresIn: number; resendIn: number }> {
  const phone = phoneOrFail(input.phone);
  const { pii, sms, clock } = ctx.platform;
  if (!sms.available) throw serviceUnavailable(300, 'auth.sms_unavailable');
  const now = clock.now();
  const phoneHash = pii.blindIndex('phone', phone);
  const last = await store.lastCodeAt(ctx.db, phoneHash);
  if (last && now.getTime() - last.getTime() < CODE_RESEND_SECONDS * 1000) {
    throw tooManyRequests(Math.ceil((CODE_RESEND_SECONDS * 1000 - (now.getTime() - last.getTime())) / 1000), 'auth.otp_too_many');
  }
  const hourAgo = new Date(now.getTime() - 3_600_000);
  if ((await store.countCodesSince(ctx.db, { phoneHash }, hourAgo)) >= CODES_PER_PHONE_PER_HOUR) throw tooManyRequests(3600, 'auth.otp_too_many');
  if (ctx.ip && (await store.countCodesSince(ctx.db, { ip: ctx.ip }, hourAgo)) >= CODES_PER_IP_PER_HOUR) throw tooManyRequests(3600, 'auth.otp_too_many');

  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  await inTransaction(ctx, async (trx, c) => {
    await store.insertCode(trx, {
      id: newId(),
      phone_hash: phoneHash,
      code_hash: pii.otpHash(phoneHash, code),
      created_at: now,
      expires_at: new Date(now.getTime() + CODE_TTL_SECONDS * 1000),
      ip: ctx.ip,
    });
    await audit(c, { action: 'auth.code_sent', entityType: 'phone', entityId: phoneHash.slice(0, 12) });
  });
  await sms.send(phone, `【邻里】您的验证码是 ${code}，${CODE_TTL_SECONDS / 60} 分钟内有效。请勿告诉他人。`);
  return { expiresIn: CODE_TTL_SECONDS, resendIn: CODE_RESEND_SECONDS };
}

export interface ResidentLoginResult {
  token: string;
  expiresAt: Date;
  resident: { id: string; phone: string; residentId: string | null; smsOptIn: boolean };
}

export async function residentLogin(ctx: Ctx, input: { phone: string; code: string }, userAgent: string | null): Promise<ResidentLoginResult> {
  const phone = phoneOrFail(input.phone);
  const { pii, clock } = ctx.platform;
  const now = clock.now();
  const phoneHash = pii.blindIndex('phone', phone);
  const outcome = await inTransaction(ctx, async (trx, c) => {
    const live = await store.latestLiveCode(trx, phoneHash, now);
    if (!live || live.attempts >= CODE_MAX_ATTEMPTS) return { error: 'auth.otp_expired' as const };
    if (live.code_hash !== pii.otpHash(phoneHash, input.code)) {
      await store.markCodeAttempt(trx, live.id, null);
      return { error: 'auth.otp_invalid' as const };
    }
    await store.markCodeAttempt(trx, live.id, now);
    let account = await store.findResidentAccount(trx, pii.blindIndexes('phone', phone));
    if (!account) {
      await store.insertResidentAccount(trx, { id: newId(), phone_enc: pii.encrypt(phone), phone_hash: phoneHash });
      account = await store.findResidentAccount(trx, [phoneHash]);
    }
    await store.touchResidentLogin(trx, account!.id, now);
    const session = await createSession(trx, { residentAccountId: account!.id }, { now, ip: ctx.ip, userAgent });
    const actor = { ...c, principal: { kind: 'resident' as const, id: account!.id, residentId: account!.resident_id, sessionId: session.sessionId } };
    await audit(actor, { action: 'auth.resident_login', entityType: 'resident_account', entityId: account!.id });
    return {
      result: {
        token: session.token,
        expiresAt: session.expiresAt,
        resident: { id: account!.id, phone: maskPhone(phone), residentId: account!.resident_id, smsOptIn: account!.sms_opt_in },
      },
    };
  });
  if ('error' in outcome) throw invalid('code', outcome.error!);
  return outcome.result;
}

/**
 * The signed-in principal. For staff also the names of where they act (`scopePath`, city down): the
 * region of their scope, or for organisation-bound bodies the region their organisation sits in,
 * so the console can always show "历下区 · 解放路街道 · 甸柳南社区".
 */
export async function whoAmI(ctx: Ctx) {
  const p = ctx.principal;
  if (p.kind === 'resident') return { kind: 'resident' as const, id: p.id, residentId: p.residentId };
  const u = requireUser(ctx);
  const placeId = u.scope.kind === 'region' ? u.scope.regionId : u.scope.kind === 'org' ? u.orgRegionId : null;
  return {
    kind: 'user' as const,
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    orgId: u.orgId,
    orgName: u.orgName,
    orgKind: u.orgKind,
    deptType: u.deptType,
    gridId: u.gridId,
    roles: u.roles,
    permissions: [...u.permissions].sort(),
    scope: u.scope,
    scopePath: placeId ? await store.regionPath(ctx.db, placeId) : [],
    mustChangePassword: u.mustChangePassword,
  };
}

