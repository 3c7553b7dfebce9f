import type { Executor } from '../../db/index.ts';
import { inScope, type Scope } from '../../platform/access/index.ts';
import { sql } from 'kysely';

export async function insertToken(db: Executor, row: { id: string; name: string; kind: string; scopes: string[]; token_hash: string; org_id: string; created_by: string | null }) {
  await db.insertInto('api_token').values(row).execute();
}

const tokenTarget = { regionOf: 'rg', assignedTo: (orgId: string) => sql<boolean>`t.org_id = ${orgId}` };

export async function listTokens(db: Executor, scope: Scope) {
  return db
    .selectFrom('api_token as t')
    .innerJoin('org as o', 'o.id', 't.org_id')
    .leftJoin('region as rg', 'rg.id', 'o.region_id')
    .select(['t.id', 't.name', 't.kind', 't.scopes', 't.org_id', 'o.name as org_name', 't.created_at', 't.last_used_at', 't.revoked_at'])
    .where((eb) => inScope(eb, scope, tokenTarget))
    .orderBy('t.created_at', 'desc')
    .execute();
}

export async function findTokenInScope(db: Executor, scope: Scope, id: string) {
  return db
    .selectFrom('api_token as t')
    .innerJoin('org as o', 'o.id', 't.org_id')
    .leftJoin('region as rg', 'rg.id', 'o.region_id')
    .select(['t.id', 't.revoked_at'])
    .where('t.id', '=', id)
    .where((eb) => inScope(eb, scope, tokenTarget))
    .executeTakeFirst();
}

export async function revokeToken(db: Executor, id: string, now: Date) {
  await db.updateTable('api_token').set({ revoked_at: now }).where('id', '=', id).where('revoked_at', 'is', null).execute();
}
