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
