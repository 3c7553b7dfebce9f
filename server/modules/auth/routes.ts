import { Type } from 'typebox';
import type { App } from '../../platform/module.ts';
import type { Platform } from '../../platform/context.ts';
import { Body, DateTime, Nullable, responses, Uuid } from '../../platform/http/schemas.ts';
import { SESSION_COOKIE } from '../../app.ts';
import { STAFF_ABSOLUTE_MS, RESIDENT_ABSOLUTE_MS } from '../../platform/auth/sessions.ts';
import * as service from './service.ts';

const LoginUser = Type.Object({
  id: Uuid,
  username: Type.String(),
  displayName: Type.String(),
  orgId: Uuid,
  roles: Type.Array(Type.String()),
  mustChangePassword: Type.Boolean(),
});

const Scope = Type.Union([
  Type.Object({ kind: Type.Literal('all') }),
  Type.Object({ kind: Type.Literal('region'), level: Type.String(), regionId: Uuid }),
  Type.Object({ kind: Type.Literal('org'), orgId: Uuid }),
]);

const Me = Type.Union([
  Type.Object({
    kind: Type.Literal('user'),
    id: Uuid,
    username: Type.String(),
    displayName: Type.String(),
    orgId: Uuid,
    orgName: Type.String(),
    orgKind: Type.String(),
    deptType: Nullable(Type.String()),
    gridId: Nullable(Uuid),
    roles: Type.Array(Type.String()),
    permissions: Type.Array(Type.String()),
    scope: Scope,
    scopePath: Type.Array(Type.Object({ id: Uuid, level: Type.String(), name: Type.String() }), {
      description: 'Where the user acts, city down: the region of the scope, or the region the organisation sits in; empty for platform scope',
    }),
    mustChangePassword: Type.Boolean(),
  }),
  Type.Object({ kind: Type.Literal('resident'), id: Uuid, residentId: Nullable(Uuid) }),
]);

export function authRoutes(app: App, platform: Platform) {
  // Secure cookies need HTTPS, which production runs behind; the demo runs on plain http://localhost
  const cookieOptions = (maxAgeMs: number) => ({
    httpOnly: true,
    sameSite: 'lax' as const,
    path: '/',
    secure: platform.config.mode === 'production',
    maxAge: Math.floor(maxAgeMs / 1000),
  });

  app.post(
    '/api/auth/login',
    {
      config: { access: 'public', rateLimit: { name: 'login', perIp: 30, windowSeconds: 60 } },
      schema: {
        tags: ['auth'],
        summary: 'Staff sign-in with username and password',
        description: 'Returns a bearer token and also sets an HttpOnly session cookie. 5 failures lock the account for 15 minutes (429).',
        security: [],
        body: Body({ username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 256 }) }),
        response: responses({ 200: Type.Object({ token: Type.String(), expiresAt: DateTime, user: LoginUser }) }),
      },
    },
    async (req, reply) => {
      const r = await service.login(req.ctx, req.body, req.headers['user-agent'] ?? null);
      reply.setCookie(SESSION_COOKIE, r.token, cookieOptions(STAFF_ABSOLUTE_MS));
      return { ...r, expiresAt: r.expiresAt.toISOString() };
    },
  );

  app.post(
    '/api/auth/logout',
    {
      config: { access: 'signed-in', allowPendingPasswordChange: true },
      schema: { tags: ['auth'], summary: 'End the current session (the token stops working at once)', response: responses({ 204: Type.Null() }) },
    },
    async (req, reply) => {
      await service.logout(req.ctx);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/auth/me',
    {
      config: { access: 'signed-in', allowPendingPasswordChange: true },
      schema: { tags: ['auth'], summary: 'Who is signed in: organisation, roles, permissions, scope', response: responses({ 200: Me }) },
    },
    async (req) => service.whoAmI(req.ctx),
  );

  app.post(
    '/api/auth/password',
    {
      config: { access: 'staff', allowPendingPasswordChange: true, rateLimit: { name: 'password', perAccount: 10, windowSeconds: 600 } },
      schema: {
        tags: ['auth'],
        summary: 'Change one’s own password (other sessions are ended)',
        body: Body({ currentPassword: Type.String({ minLength: 1, maxLength: 256 }), newPassword: Type.String({ minLength: 1, maxLength: 256 }) }),
        response: responses({ 204: Type.Null() }),
      },
    },
    async (req, reply) => {
      await service.changePassword(req.ctx, req.body);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/auth/resident/code',
    {
      config: { access: 'public', rateLimit: { name: 'otp', perIp: 10, windowSeconds: 600 } },
      schema: {
        tags: ['auth'],
        summary: 'Send a one-time sign-in code to a resident’s mobile phone',
        security: [],
        body: Body({ phone: Type.String({ minLength: 5, maxLength: 20 }) }),
        response: responses({ 202: Type.Object({ expiresIn: Type.Integer(), resendIn: Type.Integer() }) }),
      },
    },
    async (req, reply) => {
      const r = await service.requestResidentCode(req.ctx, req.body);
      reply.code(202);
      return r;
    },
  );

  app.post(
    '/api/auth/resident/login',
    {
      config: { access: 'public', rateLimit: { name: 'otp-login', perIp: 30, windowSeconds: 600 } },
      schema: {
        tags: ['auth'],
        summary: 'Resident sign-in with phone number and one-time code',
        security: [],
        body: Body({ phone: Type.String({ minLength: 5, maxLength: 20 }), code: Type.String({ pattern: '^\\d{6}$' }) }),
        response: responses({
          200: Type.Object({
            token: Type.String(),
            expiresAt: DateTime,
            resident: Type.Object({ id: Uuid, phone: Type.String(), residentId: Nullable(Uuid), smsOptIn: Type.Boolean() }),
          }),
        }),
      },
    },
    async (req, reply) => {
      const r = await service.residentLogin(req.ctx, req.body, req.headers['user-agent'] ?? null);
      reply.setCookie(SESSION_COOKIE, r.token, cookieOptions(RESIDENT_ABSOLUTE_MS));
      return { ...r, expiresAt: r.expiresAt.toISOString() };
    },
  );
}
