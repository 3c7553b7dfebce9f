import { randomInt } from 'node:crypto';
import { audit } from '../../platform/audit/index.ts';
import { inTransaction, type Ctx } from '../../platform/context.ts';
import { badRequest, conflict, forbidden, invalid, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { requirePermission, scopeOf } from '../../platform/access/index.ts';
import { checkPasswordPolicy, hashPassword } from '../../platform/auth/passwords.ts';
import { revokeUserSessions } from '../../platform/auth/sessions.ts';
import type { OrgKind } from '../../db/schema.ts';
import * as store from './store.ts';

const ALPHABET = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
/** A one-time password handed over by an administrator; the user must change it at first sign-in. */
export function temporaryPassword(): string {
  let s = '';
  for (let i = 0; i < 14; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return s;
}

export async function listOrgs(ctx: Ctx, filter: { kind?: OrgKind; regionId?: string }) {
  requirePermission(ctx, 'region.read');
  return store.listOrgs(ctx.db, scopeOf(ctx), filter);
}

export async function createOrg(
  ctx: Ctx,
  input: { kind: OrgKind; name: string; regionId?: string | null; parentId?: string | null; deptType?: string | null; code?: string | null },
) {
  requirePermission(ctx, 'admin.orgs');
  const scope = scopeOf(ctx);
  if (input.regionId && !(await store.findRegionInScope(ctx.db, scope, input.regionId))) throw invalid('regionId', 'error.not_found');
  if (input.parentId && !(await store.findOrgInScope(ctx.db, scope, input.parentId))) throw invalid('parentId', 'error.not_found');
  if (input.kind === 'department' && !input.deptType) throw invalid('deptType', 'validation.required');
  const id = newId();
  return inTransaction(ctx, async (trx, c) => {
    const row = {
      id,
      kind: input.kind,
      name: input.name,
      region_id: input.regionId ?? null,
      parent_id: input.parentId ?? null,
      dept_type: input.deptType ?? null,
      code: input.code ?? null,
    };
    await store.insertOrg(trx, row);
    await audit(c, { action: 'org.create', entityType: 'org', entityId: id, after: row });
    return { id };
  });
}

export async function listUsers(ctx: Ctx, filter: { orgId?: string; q?: string }) {
  requirePermission(ctx, 'admin.users');
  return store.listUsers(ctx.db, scopeOf(ctx), filter);
}

export async function getUser(ctx: Ctx, id: string) {
  requirePermission(ctx, 'admin.users');
  const u = await store.findUserInScope(ctx.db, scopeOf(ctx), id);
  if (!u) throw notFound();
  return u;
}

/** An administrator may hand out only roles whose every permission they hold themselves. */
async function checkGrantable(ctx: Ctx, roles: string[]) {
  const actor = requirePermission(ctx, 'admin.users');
  const existing = await store.existingRoles(ctx.db, roles);
  const unknown = roles.filter((r) => !existing.includes(r));
  if (unknown.length) throw invalid('roles', 'validation.enum', { values: unknown.join(', ') });
  if (actor.kind !== 'user' || actor.scope.kind === 'all') return;
  const perms = await store.permissionsOfRoles(ctx.db, roles);
  for (const [, set] of perms) for (const p of set) if (!actor.permissions.has(p)) throw forbidden();
}

async function checkGrid(ctx: Ctx, gridId: string | null | undefined) {
  if (!gridId) return;
  const g = await store.findRegionInScope(ctx.db, scopeOf(ctx), gridId);
  if (!g || g.level !== 'grid') throw invalid('gridId', 'error.not_found');
}

export async function createUser(
  ctx: Ctx,
  input: { username: string; displayName: string; orgId: string; roles: string[]; gridId?: string | null; password?: string },
) {
  requirePermission(ctx, 'admin.users');
  const scope = scopeOf(ctx);
  if (!(await store.findOrgInScope(ctx.db, scope, input.orgId))) throw invalid('orgId', 'error.not_found');
  await checkGrid(ctx, input.gridId);
  await checkGrantable(ctx, input.roles);
  if (input.password) checkPasswordPolicy(input.password, input.username);
  if (await store.usernameTaken(ctx.db, input.username)) throw conflict('USERNAME_TAKEN', 'users.username_taken');
  const password = input.password ?? temporaryPassword();
  const hash = await hashPassword(password);
  const id = newId();
  await inTransaction(ctx, async (trx, c) => {
    await store.insertUser(trx, {
      id,
      username: input.username,
      display_name: input.displayName,
      org_id: input.orgId,
      grid_id: input.gridId ?? null,
      password_hash: hash,
      must_change_password: true,
    });
    await store.setRoles(trx, id, input.roles);
    await audit(c, { action: 'user.create', entityType: 'user', entityId: id, details: { roles: input.roles, orgId: input.orgId } });
  });
  return { id, temporaryPassword: input.password ? null : password };
}

export async function updateUser(ctx: Ctx, id: string, input: { displayName?: string; roles?: string[]; active?: boolean; gridId?: string | null }) {
  const before = await getUser(ctx, id);
  if (input.roles) await checkGrantable(ctx, input.roles);
  if (input.gridId !== undefined) await checkGrid(ctx, input.gridId);
  if (Object.keys(input).length === 0) throw badRequest({ _: { key: 'validation.required' } });
  const now = ctx.platform.clock.now();
  await inTransaction(ctx, async (trx, c) => {
    await store.updateUser(trx, id, {
      ...(input.displayName !== undefined ? { display_name: input.displayName } : {}),
      ...(input.active !== undefined ? { active: input.active } : {}),
      ...(input.gridId !== undefined ? { grid_id: input.gridId } : {}),
      updated_at: now,
    });
    if (input.roles) await store.setRoles(trx, id, input.roles);
    // a disabled account or changed roles take effect now, not at the next sign-in
    if (input.active === false || input.roles) await revokeUserSessions(trx, id, now);
    await audit(c, { action: 'user.update', entityType: 'user', entityId: id, before, details: { fields: Object.keys(input) } });
  });
  return getUser(ctx, id);
}

export async function resetPassword(ctx: Ctx, id: string) {
  await getUser(ctx, id);
  const password = temporaryPassword();
  const hash = await hashPassword(password);
  const now = ctx.platform.clock.now();
  await inTransaction(ctx, async (trx, c) => {
    await trx
      .updateTable('app_user')
      .set({ password_hash: hash, password_changed_at: now, must_change_password: true, failed_attempts: 0, locked_until: null, updated_at: now })
      .where('id', '=', id)
      .execute();
    await revokeUserSessions(trx, id, now);
    await audit(c, { action: 'user.password_reset', entityType: 'user', entityId: id });
  });
  return { temporaryPassword: password };
}

export async function listRoles(ctx: Ctx) {
  requirePermission(ctx, 'admin.users');
  return store.listRoles(ctx.db);
}

export async function updateRolePermissions(ctx: Ctx, code: string, permissions: string[]) {
  requirePermission(ctx, 'admin.roles');
  const roles = await store.listRoles(ctx.db);
  const before = roles.find((r) => r.code === code);
  if (!before) throw notFound();
  const known = new Set(await store.knownPermissions(ctx.db));
  const unknown = permissions.filter((p) => !known.has(p));
  if (unknown.length) throw invalid('permissions', 'validation.enum', { values: unknown.join(', ') });
  await inTransaction(ctx, async (trx, c) => {
    await store.replaceRolePermissions(trx, code, [...new Set(permissions)]);
    await audit(c, { action: 'role.update', entityType: 'role', entityId: code, before: before.permissions, after: permissions });
  });
  return (await store.listRoles(ctx.db)).find((r) => r.code === code)!;
}

export async function listPermissions(ctx: Ctx) {
  requirePermission(ctx, 'admin.roles');
  return store.knownPermissions(ctx.db);
}
