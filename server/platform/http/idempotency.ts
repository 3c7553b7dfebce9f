import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import { canonicalJson } from '../audit/canonical.ts';
import { inTransaction, type Ctx } from '../context.ts';
import { AppError, badRequest, unprocessable } from '../errors.ts';

export interface Created<T> {
  status: number;
  body: T;
}

function principalKey(ctx: Ctx): string {
  const p = ctx.principal;
  if (p.kind === 'user' || p.kind === 'resident' || p.kind === 'integration') return `${p.kind}:${p.id}`;
  return `ip:${ctx.ip ?? 'unknown'}`;
}

/**
 * Runs a creating request at most once per Idempotency-Key. The key is claimed in the same
 * transaction that creates the record, so the record and the stored answer commit together: a retry
 * after a crash either finds both or neither. The same key with another body is refused with 422.
 */
export async function idempotent<T>(
  req: FastifyRequest,
  reply: FastifyReply,
  create: (ctx: Ctx) => Promise<Created<T>>,
): Promise<T> {
  const ctx = req.ctx;
  const key = req.headers['idempotency-key'];
  if (key === undefined) {
    const r = await inTransaction(ctx, (_trx, txCtx) => create(txCtx));
    reply.code(r.status);
    return r.body;
  }
  if (typeof key !== 'string' || key.length < 1 || key.length > 200 || !/^[\x21-\x7e]+$/.test(key)) {
    throw badRequest({ 'Idempotency-Key': { key: 'validation.pattern' } });
  }
  const principal = principalKey(ctx);
  const requestHash = createHash('sha256')
    .update(`${req.method} ${req.routeOptions.url ?? req.url}\n${JSON.stringify(req.params)}\n${canonicalJson(req.body ?? null)}`)
    .digest('hex');

  const replay = async (): Promise<T | null> => {
    const prior = await ctx.db
      .selectFrom('idempotency_key')
      .select(['request_hash', 'status_code', 'response'])
      .where('principal', '=', principal)
      .where('key', '=', key)
      .executeTakeFirst();
    if (!prior) return null;
    if (prior.request_hash !== requestHash) throw unprocessable('IDEMPOTENCY_KEY_REUSED', 'error.idempotency_mismatch');
    reply.code(prior.status_code).header('idempotent-replayed', 'true');
    // stored encrypted: a first answer may hold a secret shown once (a temporary password, a token)
    const stored = prior.response as { sealed?: string };
    return JSON.parse(ctx.platform.pii.decrypt(stored.sealed!)) as T;
  };

  // claim first: a new key (nearly every request) costs no extra round trip; a key already stored,
  // or being stored by a request still running (the claim waits for it), is answered by replay()
  const outcome = await inTransaction(ctx, async (trx, txCtx) => {
    // waits for a concurrent request holding the same key; afterwards exactly one of us owns it
    const claimed = await trx
      .insertInto('idempotency_key')
      .values({ principal, key, request_hash: requestHash, status_code: 0, response: '{}' })
      .onConflict((oc) => oc.columns(['principal', 'key']).doNothing())
      .returning('key')
      .executeTakeFirst();
    if (!claimed) return null;
    const r = await create(txCtx);
    await trx
      .updateTable('idempotency_key')
      .set({ status_code: r.status, response: sql`${JSON.stringify({ sealed: ctx.platform.pii.encrypt(JSON.stringify(r.body)) })}::jsonb` as never })
      .where('principal', '=', principal)
      .where('key', '=', key)
      .execute();
    return r;
  });
  if (outcome) {
    reply.code(outcome.status);
    return outcome.body;
  }
  const winner = await replay();
  if (winner === null) throw new AppError(409, 'IDEMPOTENCY_IN_PROGRESS', 'error.idempotency_in_progress');
  return winner;
}
