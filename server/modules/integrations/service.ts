import { audit } from '../../platform/audit/index.ts';
import { inTransaction, type Ctx } from '../../platform/context.ts';
import { forbidden, invalid, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { requirePermission, scopeOf } from '../../platform/access/index.ts';
import { newApiToken } from '../../platform/auth/tokens.ts';
import { tokenHash } from '../../platform/pii/crypto.ts';
import * as store from './store.ts';

export const TOKEN_KINDS = ['open311', 'hotline', 'generic'] as const;
/** Scopes that only make sense for integrations; any other scope must be a permission the creator holds. */
export const INTEGRATION_SCOPES = ['open311', 'hotline.push', 'case.create', 'case.read'] as const;

export async function createToken(ctx: Ctx, input: { name: string; kind: (typeof TOKEN_KINDS)[number]; scopes: string[] }) {
  const actor = requirePermission(ctx, 'admin.integrations');
  if (actor.kind !== 'user') throw forbidden();
  for (const s of input.scopes) {
    if (!(INTEGRATION_SCOPES as readonly string[]).includes(s) && !actor.permissions.has(s)) throw invalid('scopes', 'validation.enum', { values: s });
  }
  const token = newApiToken();
  const id = newId();
  await inTransaction(ctx, async (trx, c) => {
    await store.insertToken(trx, {
      id,
      name: input.name,
      kind: input.kind,
      scopes: [...new Set(input.scopes)],
      token_hash: tokenHash(token),
      org_id: actor.orgId,
      created_by: actor.id,
    });
    await audit(c, { action: 'api_token.create', entityType: 'api_token', entityId: id, details: { name: input.name, kind: input.kind, scopes: input.scopes } });
  });
  return { id, token };
}

export async function listTokens(ctx: Ctx) {
  requirePermission(ctx, 'admin.integrations');
  return store.listTokens(ctx.db, scopeOf(ctx));
}

export async function revokeToken(ctx: Ctx, id: string) {
  requirePermission(ctx, 'admin.integrations');
  const t = await store.findTokenInScope(ctx.db, scopeOf(ctx), id);
  if (!t) throw notFound();
  await inTransaction(ctx, async (trx, c) => {
    await store.revokeToken(trx, id, ctx.platform.clock.now());
    await audit(c, { action: 'api_token.revoke', entityType: 'api_token', entityId: id });
  });
}
