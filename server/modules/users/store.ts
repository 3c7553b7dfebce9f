import { sql } from 'kysely';
import type { Executor } from '../../db/index.ts';
import type { OrgKind } from '../../db/schema.ts';
import { inScope, type Scope } from '../../platform/access/index.ts';

/** Organisations are in scope when the region they sit in is (or, for org-bound users, their own org). */
const orgScope = (scope: Scope) =>
  ({ regionOf: 'rg', assignedTo: (orgId: string) => sql<boolean>`o.id = ${orgId}` }) as const;

export async function listOrgs(db: Executor, scope: Scope, filter: { kind?: OrgKind; regionId?: string }) {
  let q = db
    .selectFrom('org as o')
    .leftJoin('region as rg', 'rg.id', 'o.region_id')
    .select(['o.id', 'o.kind', 'o.name', 'o.region_id', 'rg.name as region_name', 'rg.level as region_level', 'o.parent_id', 'o.dept_type', 'o.code', 'o.active'])
    // the region and its ancestors, city down, so a client can place the organisation in the jurisdiction tree
    .select(
      sql<{ id: string; level: string; name: string }[]>`COALESCE((
        SELECT json_agg(json_build_object('id', a.id, 'level', a.level, 'name', a.name)
                        ORDER BY array_position(ARRAY['city', 'district', 'street', 'community', 'grid'], a.level))
        FROM region a WHERE a.id IN (rg.city_id, rg.district_id, rg.street_id, rg.community_id, rg.grid_id)), '[]'::json)`.as('region_path'),
    )
    .where((eb) => inScope(eb, scope, orgScope(scope)))
    .orderBy('o.kind')
    .orderBy('o.name');
  if (filter.kind) q = q.where('o.kind', '=', filter.kind);
  if (filter.regionId) q = q.where('o.region_id', '=', filter.regionId);
  return q.limit(2000).execute();
}

export async function findOrgInScope(db: Executor, scope: Scope, orgId: string) {
  return db
    .selectFrom('org as o')
    .leftJoin('region as rg', 'rg.id', 'o.region_id')
    .select(['o.id', 'o.kind', 'o.name', 'o.region_id'])
    .where('o.id', '=', orgId)
    .where((eb) => inScope(eb, scope, orgScope(scope)))
    .executeTakeFirst();
}

export async function findRegionInScope(db: Executor, scope: Scope, regionId: string) {
  return db
    .selectFrom('region as rg')
    .select(['rg.id', 'rg.level', 'rg.community_id'])
    .where('rg.id', '=', regionId)
    .where((eb) => inScope(eb, scope, { regionOf: 'rg' }))
    .executeTakeFirst();
}

export async function insertOrg(db: Executor, row: { id: string; kind: OrgKind; name: string; region_id: string | null; parent_id: string | null; dept_type: string | null; code: string | null }) {
  await db.insertInto('org').values(row).execute();
}

const userColumns = ['u.id', 'u.username', 'u.display_name', 'u.org_id', 'o.name as org_name', 'u.grid_id', 'u.active', 'u.must_change_password', 'u.locked_until', 'u.created_at'] as const;

export async function listUsers(db: Executor, scope: Scope, filter: { orgId?: string; q?: string }) {
  let q = db
    .selectFrom('app_user as u')
    .innerJoin('org as o', 'o.id', 'u.org_id')
    .leftJoin('region as rg', 'rg.id', 'o.region_id')
    .select([...userColumns, sql<string[]>`COALESCE((SELECT array_agg(ur.role_code ORDER BY ur.role_code) FROM user_role ur WHERE ur.user_id = u.id), '{}')`.as('roles')])
    .where((eb) => inScope(eb, scope, orgScope(scope)))
    .orderBy('u.username');
  if (filter.orgId) q = q.where('u.org_id', '=', filter.orgId);
  if (filter.q) q = q.where((eb) => eb.or([eb('u.username', 'ilike', `%${filter.q}%`), eb('u.display_name', 'ilike', `%${filter.q}%`)]));
  return q.limit(1000).execute();
}

export async function findUserInScope(db: Executor, scope: Scope, id: string) {
  return db
    .selectFrom('app_user as u')
    .innerJoin('org as o', 'o.id', 'u.org_id')
    .leftJoin('region as rg', 'rg.id', 'o.region_id')
    .select([...userColumns, sql<string[]>`COALESCE((SELECT array_agg(ur.role_code ORDER BY ur.role_code) FROM user_role ur WHERE ur.user_id = u.id), '{}')`.as('roles')])
    .where('u.id', '=', id)
    .where((eb) => inScope(eb, scope, orgScope(scope)))
    .executeTakeFirst();
}

export async function usernameTaken(db: Executor, username: string) {
  const r = await db.selectFrom('app_user').select('id').where((eb) => eb(eb.fn('lower', ['username']), '=', username.toLowerCase())).executeTakeFirst();
  return !!r;
}

export async function insertUser(db: Executor, row: { id: string; username: string; display_name: string; org_id: string; grid_id: string | null; password_hash: string; must_change_password: boolean }) {
  await db.insertInto('app_user').values(row).execute();
}

export async function updateUser(db: Executor, id: string, patch: { display_name?: string; active?: boolean; grid_id?: string | null; updated_at: Date }) {
  await db.updateTable('app_user').set(patch).where('id', '=', id).execute();
}

export async function setRoles(db: Executor, userId: string, roles: string[]) {
  await db.deleteFrom('user_role').where('user_id', '=', userId).execute();
  if (roles.length) await db.insertInto('user_role').values(roles.map((role_code) => ({ user_id: userId, role_code }))).execute();
}

export async function listRoles(db: Executor) {
  return db
    .selectFrom('role as r')
    .select(['r.code', 'r.name_zh', 'r.name_en', 'r.builtin', sql<string[]>`COALESCE((SELECT array_agg(p.permission ORDER BY p.permission) FROM role_permission p WHERE p.role_code = r.code), '{}')`.as('permissions')])
    .orderBy('r.code')
    .execute();
}

export async function permissionsOfRoles(db: Executor, roles: string[]): Promise<Map<string, Set<string>>> {
  const out = new Map(roles.map((r) => [r, new Set<string>()]));
  if (!roles.length) return out;
  const rows = await db.selectFrom('role_permission').select(['role_code', 'permission']).where('role_code', 'in', roles).execute();
  for (const r of rows) out.get(r.role_code)!.add(r.permission);
  return out;
}

export async function existingRoles(db: Executor, roles: string[]) {
  if (!roles.length) return [];
  return (await db.selectFrom('role').select('code').where('code', 'in', roles).execute()).map((r) => r.code);
}

export async function knownPermissions(db: Executor) {
  return (await db.selectFrom('role_permission').select('permission').distinct().orderBy('permission').execute()).map((r) => r.permission);
}

export async function replaceRolePermissions(db: Executor, role: string, permissions: string[]) {
  await db.deleteFrom('role_permission').where('role_code', '=', role).execute();
  if (permissions.length) await db.insertInto('role_permission').values(permissions.map((permission) => ({ role_code: role, permission }))).execute();
}
