import { Type } from 'typebox';
import type { App } from '../../platform/module.ts';
import { Body, DateTime, IdParams, Nullable, responses, Uuid } from '../../platform/http/schemas.ts';
import { idempotent } from '../../platform/http/idempotency.ts';
import * as service from './service.ts';

const ORG_KINDS = ['platform', 'government', 'street_office', 'community_committee', 'department', 'property_company', 'owners_committee', 'party_org', 'social_org'] as const;
const OrgKind = Type.Union(ORG_KINDS.map((k) => Type.Literal(k)));

const Org = Type.Object({
  id: Uuid,
  kind: Type.String(),
  name: Type.String(),
  regionId: Nullable(Uuid),
  regionName: Nullable(Type.String()),
  regionLevel: Nullable(Type.String()),
  regionPath: Type.Array(Type.Object({ id: Uuid, level: Type.String(), name: Type.String() }), { description: 'The region and its ancestors, city down' }),
  parentId: Nullable(Uuid),
  deptType: Nullable(Type.String()),
  code: Nullable(Type.String()),
  active: Type.Boolean(),
});

const User = Type.Object({
  id: Uuid,
  username: Type.String(),
  displayName: Type.String(),
  orgId: Uuid,
  orgName: Type.String(),
  gridId: Nullable(Uuid),
  roles: Type.Array(Type.String()),
  active: Type.Boolean(),
  mustChangePassword: Type.Boolean(),
  lockedUntil: Nullable(DateTime),
  createdAt: DateTime,
});

const Role = Type.Object({ code: Type.String(), nameZh: Type.String(), nameEn: Type.String(), builtin: Type.Boolean(), permissions: Type.Array(Type.String()) });

type UserRow = Awaited<ReturnType<typeof service.getUser>>;
const presentUser = (u: UserRow) => ({
  id: u.id,
  username: u.username,
  displayName: u.display_name,
  orgId: u.org_id,
  orgName: u.org_name,
  gridId: u.grid_id,
  roles: u.roles,
  active: u.active,
  mustChangePassword: u.must_change_password,
  lockedUntil: u.locked_until ? new Date(u.locked_until).toISOString() : null,
  createdAt: new Date(u.created_at).toISOString(),
});

const Username = Type.String({ minLength: 2, maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$' });

export function usersRoutes(app: App) {
  app.get(
    '/api/orgs',
    {
      config: { access: { permission: 'region.read' } },
      schema: {
        tags: ['organisations'],
        summary: 'Organisations within the caller’s scope',
        querystring: Type.Object({ kind: Type.Optional(OrgKind), regionId: Type.Optional(Uuid) }, { additionalProperties: false }),
        response: responses({ 200: Type.Array(Org) }),
      },
    },
    async (req) =>
      (await service.listOrgs(req.ctx, req.query)).map((o) => ({
        id: o.id,
        kind: o.kind,
        name: o.name,
        regionId: o.region_id,
        regionName: o.region_name,
        regionLevel: o.region_level,
        regionPath: o.region_path,
        parentId: o.parent_id,
        deptType: o.dept_type,
        code: o.code,
        active: o.active,
      })),
  );

  app.post(
    '/api/orgs',
    {
      config: { access: { permission: 'admin.orgs' } },
      schema: {
        tags: ['organisations'],
        summary: 'Create an organisation (department, property company, committee …)',
        body: Body({
          kind: OrgKind,
          name: Type.String({ minLength: 1, maxLength: 100 }),
          regionId: Type.Optional(Nullable(Uuid)),
          parentId: Type.Optional(Nullable(Uuid)),
          deptType: Type.Optional(Nullable(Type.String({ pattern: '^[a-z_]{2,40}$' }))),
          code: Type.Optional(Nullable(Type.String({ maxLength: 40 }))),
        }),
        response: responses({ 201: Type.Object({ id: Uuid }) }),
      },
    },
    (req, reply) => idempotent(req, reply, async (ctx) => ({ status: 201, body: await service.createOrg(ctx, req.body) })),
  );

  app.get(
    '/api/users',
    {
      config: { access: { permission: 'admin.users' } },
      schema: {
        tags: ['users'],
        summary: 'Staff accounts of organisations within the caller’s scope',
        querystring: Type.Object({ orgId: Type.Optional(Uuid), q: Type.Optional(Type.String({ maxLength: 64 })) }, { additionalProperties: false }),
        response: responses({ 200: Type.Array(User) }),
      },
    },
    async (req) => (await service.listUsers(req.ctx, req.query)).map(presentUser),
  );

  app.get(
    '/api/users/:id',
    { config: { access: { permission: 'admin.users' } }, schema: { tags: ['users'], summary: 'One staff account', params: IdParams, response: responses({ 200: User }) } },
    async (req) => presentUser(await service.getUser(req.ctx, req.params.id)),
  );

  app.post(
    '/api/users',
    {
      config: { access: { permission: 'admin.users' } },
      schema: {
        tags: ['users'],
        summary: 'Create a staff account',
        description: 'Without a password a temporary one is generated and returned once; the user must change it at first sign-in.',
        body: Body({
          username: Username,
          displayName: Type.String({ minLength: 1, maxLength: 64 }),
          orgId: Uuid,
          roles: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 20, uniqueItems: true }),
          gridId: Type.Optional(Nullable(Uuid)),
          password: Type.Optional(Type.String({ maxLength: 256 })),
        }),
        response: responses({ 201: Type.Object({ id: Uuid, temporaryPassword: Nullable(Type.String()) }) }),
      },
    },
    (req, reply) => idempotent(req, reply, async (ctx) => ({ status: 201, body: await service.createUser(ctx, req.body) })),
  );

  app.patch(
    '/api/users/:id',
    {
      config: { access: { permission: 'admin.users' } },
      schema: {
        tags: ['users'],
        summary: 'Change a staff account (name, roles, grid, enabled)',
        params: IdParams,
        body: Body({
          displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
          roles: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 20, uniqueItems: true })),
          active: Type.Optional(Type.Boolean()),
          gridId: Type.Optional(Nullable(Uuid)),
        }),
        response: responses({ 200: User }),
      },
    },
    async (req) => presentUser(await service.updateUser(req.ctx, req.params.id, req.body)),
  );

  app.post(
    '/api/users/:id/reset-password',
    {
      config: { access: { permission: 'admin.users' } },
      schema: {
        tags: ['users'],
        summary: 'Administrator password reset: a temporary password, all sessions ended',
        params: IdParams,
        response: responses({ 200: Type.Object({ temporaryPassword: Type.String() }) }),
      },
    },
    async (req) => service.resetPassword(req.ctx, req.params.id),
  );

  const presentRole = (r: Awaited<ReturnType<typeof service.listRoles>>[number]) => ({
    code: r.code,
    nameZh: r.name_zh,
    nameEn: r.name_en,
    builtin: r.builtin,
    permissions: r.permissions,
  });

  app.get(
    '/api/roles',
    { config: { access: { permission: 'admin.users' } }, schema: { tags: ['users'], summary: 'Roles and their permissions', response: responses({ 200: Type.Array(Role) }) } },
    async (req) => (await service.listRoles(req.ctx)).map(presentRole),
  );

  app.get(
    '/api/permissions',
    { config: { access: { permission: 'admin.roles' } }, schema: { tags: ['users'], summary: 'Every permission a role can hold', response: responses({ 200: Type.Array(Type.String()) }) } },
    async (req) => service.listPermissions(req.ctx),
  );

  app.put(
    '/api/roles/:code',
    {
      config: { access: { permission: 'admin.roles' } },
      schema: {
        tags: ['users'],
        summary: 'Set what a role may do',
        params: Type.Object({ code: Type.String({ pattern: '^[a-z_]{2,64}$' }) }, { additionalProperties: false }),
        body: Body({ permissions: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 200 }) }),
        response: responses({ 200: Role }),
      },
    },
    async (req) => presentRole(await service.updateRolePermissions(req.ctx, req.params.code, req.body.permissions)),
  );
}
