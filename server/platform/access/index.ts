import { forbidden, unauthorized } from '../errors.ts';
import type { Ctx, IntegrationPrincipal, ResidentPrincipal, UserPrincipal } from '../context.ts';
import { NO_SCOPE, type Scope } from './scope.ts';

export { inScope, rowInScope, scopeFor, regionColumn, type Scope, type ScopeTarget } from './scope.ts';

/** The principal must be a staff user; returns it typed. */
export function requireUser(ctx: Ctx): UserPrincipal {
  const p = ctx.principal;
  if (p.kind === 'user') return p;
  if (p.kind === 'anonymous') throw unauthorized();
  throw forbidden('auth.staff_only');
}

export function requireResident(ctx: Ctx): ResidentPrincipal {
  const p = ctx.principal;
  if (p.kind === 'resident') return p;
  if (p.kind === 'anonymous') throw unauthorized();
  throw forbidden('auth.resident_only');
}

/** A staff user holding the permission, or an integration token holding the scope. */
export function requirePermission(ctx: Ctx, permission: string): UserPrincipal | IntegrationPrincipal {
  const p = ctx.principal;
  if (p.kind === 'anonymous') throw unauthorized();
  if (p.kind === 'user') {
    if (!p.permissions.has(permission)) throw forbidden();
    return p;
  }
  if (p.kind === 'integration') {
    if (!p.scopes.includes(permission)) throw forbidden('auth.token_scope');
    return p;
  }
  throw forbidden();
}

export function hasPermission(ctx: Ctx, permission: string): boolean {
  const p = ctx.principal;
  return (p.kind === 'user' && p.permissions.has(permission)) || (p.kind === 'integration' && p.scopes.includes(permission));
}

/** The scope of whoever is acting; residents and anonymous callers reach no staff data at all. */
export function scopeOf(ctx: Ctx): Scope {
  const p = ctx.principal;
  if (p.kind === 'user' || p.kind === 'integration') return p.scope;
  if (p.kind === 'system') return { kind: 'all' };
  return NO_SCOPE;
}

/**
 * Who may call a route, declared in its options (`config: { access: ... }`):
 * - 'public': anyone, signed in or not (sign-in, health);
 * - 'signed-in': any staff user, resident or integration token;
 * - 'staff' / 'resident': only that kind of principal;
 * - { permission }: a staff user whose roles hold it, or an integration token with it as a scope.
 */
export type RouteAccess = 'public' | 'signed-in' | 'staff' | 'resident' | { permission: string };

export function checkRouteAccess(ctx: Ctx, access: RouteAccess): void {
  if (access === 'public') return;
  const p = ctx.principal;
  if (access === 'signed-in') {
    if (p.kind === 'anonymous' || p.kind === 'system') throw unauthorized();
    return;
  }
  if (access === 'staff') {
    requireUser(ctx);
    return;
  }
  if (access === 'resident') {
    requireResident(ctx);
    return;
  }
  requirePermission(ctx, access.permission);
}

export function describeAccess(access: RouteAccess): string {
  if (access === 'public') return 'Access: anyone.';
  if (access === 'signed-in') return 'Access: any signed-in staff user, resident or integration.';
  if (access === 'staff') return 'Access: staff users.';
  if (access === 'resident') return 'Access: signed-in residents.';
  return `Access: permission \`${access.permission}\`.`;
}
