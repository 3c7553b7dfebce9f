import { sql } from 'kysely';
import { audit } from '../../platform/audit/index.ts';
import { inScope, requirePermission, scopeOf } from '../../platform/access/index.ts';
import { inTransaction, type Ctx, type Platform } from '../../platform/context.ts';
import { conflict, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { CallbackKind } from './tables.ts';
import { signedHeaders } from './signature.ts';

/** Case events the hotline hears about, and what it calls them. */
const EVENT_KIND: Record<string, CallbackKind> = { reject: 'returned', handle: 'handled', approve_extension: 'extended', close: 'closed' };
/** Seconds to wait after the n-th failed attempt (the last entry repeats): a result is retried until acknowledged. */
export const BACKOFF_SECONDS = [30, 60, 120, 300, 600, 1800, 3600];
/** Events are re-read this far back, so one committed late by a slow transaction is not skipped. */
const OVERLAP_MS = 5 * 60_000;
/** While an attempt runs, nobody else may take the row (a crashed sender's row comes back after this). */
const LEASE_MS = 2 * 60_000;

export const backoffMs = (attempts: number) => BACKOFF_SECONDS[Math.min(attempts, BACKOFF_SECONDS.length) - 1] * 1000;

/**
 * Moves new events of hotline cases into the outbox. Reads case_event from a cursor (one row,
 * locked, so one process at a time) with an overlap; the event id is unique in the outbox, so
 * reading an event twice adds it once.
 */
export async function fillOutbox(platform: Platform): Promise<number> {
  return platform.db.transaction().execute(async (trx) => {
    const cur = await trx.selectFrom('hotline_outbox_cursor').select('read_until').where('id', '=', 1).forUpdate().skipLocked().executeTakeFirst();
    if (!cur) return 0;
    const since = new Date(new Date(cur.read_until).getTime() - OVERLAP_MS);
    const events = await trx
      .selectFrom('case_event as e')
      .innerJoin('hotline_order as o', 'o.case_id', 'e.case_id')
      .innerJoin('cases as c', 'c.id', 'e.case_id')
      .select([
        'e.id', 'e.at', 'e.type', 'e.note', 'e.data', 'e.to_status', 'o.order_no', 'o.link_id', 'c.case_no', 'c.id as case_id',
        'c.city_id', 'c.district_id', 'c.street_id', 'c.community_id', 'c.grid_id',
        sql<string | null>`(select h.note from case_event h where h.case_id = e.case_id and h.type = 'handle' and h.at <= e.at order by h.at desc limit 1)`.as('result'),
      ])
      .where('e.at', '>', since)
      .where('e.type', 'in', Object.keys(EVENT_KIND))
      .where('o.link_id', 'is not', null)
      .orderBy('e.at')
      .limit(1000)
      .execute();
    const now = platform.clock.now();
    const rows = events
      .filter((e) => !(e.type === 'approve_extension' && (e.data as { approved?: boolean }).approved === false))
      .map((e) => {
        const kind = EVENT_KIND[e.type];
        const data = e.data as { until?: string };
        const payload = {
          orderNo: e.order_no, caseNo: e.case_no, event: kind, at: new Date(e.at).toISOString(), status: e.to_status,
          note: e.note, ...(kind === 'extended' ? { until: data.until ?? null } : {}), ...(kind === 'closed' ? { result: e.result } : {}),
        };
        return {
          id: newId(), event_id: e.id, link_id: e.link_id!, order_no: e.order_no, case_id: e.case_id, kind, payload: JSON.stringify(payload),
          next_attempt_at: now, event_at: e.at, created_at: now,
          city_id: e.city_id, district_id: e.district_id, street_id: e.street_id, community_id: e.community_id, grid_id: e.grid_id,
        };
      });
    const added = rows.length ? await trx.insertInto('hotline_callback').values(rows).onConflict((oc) => oc.column('event_id').doNothing()).returning('id').execute() : [];
    const last = events.length ? new Date(events[events.length - 1].at) : null;
    if (last && last > new Date(cur.read_until)) await trx.updateTable('hotline_outbox_cursor').set({ read_until: last }).where('id', '=', 1).execute();
    return added.length;
  });
}

/**
 * Sends due callbacks, oldest event of an order first (a later result never overtakes an earlier
 * one). A 2xx is the acknowledgement; anything else, a refused or unreachable address included,
 * is retried after the next backoff step.
 */
export async function deliverDue(platform: Platform, max = 50): Promise<number> {
  let sent = 0;
  for (; sent < max; sent++) {
    const now = platform.clock.now();
    const claimed = await platform.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('hotline_callback as b')
        .select(['b.id', 'b.link_id', 'b.payload', 'b.attempts'])
        .where('b.state', '=', 'pending')
        .where('b.next_attempt_at', '<=', now)
        .where((eb) => eb.not(eb.exists(
          eb.selectFrom('hotline_callback as x').select('x.id').whereRef('x.order_no', '=', 'b.order_no').where('x.state', '=', 'pending').whereRef('x.event_at', '<', 'b.event_at'),
        )))
        .orderBy('b.next_attempt_at')
        .limit(1)
        .forUpdate()
        .skipLocked()
        .executeTakeFirst();
      if (!row) return null;
      await trx.updateTable('hotline_callback').set({ attempts: row.attempts + 1, next_attempt_at: new Date(now.getTime() + LEASE_MS) }).where('id', '=', row.id).execute();
      return { ...row, attempts: row.attempts + 1 };
    });
    if (!claimed) break;
    const link = await platform.db.selectFrom('hotline_link').select(['callback_url', 'secret_enc', 'active']).where('id', '=', claimed.link_id).executeTakeFirstOrThrow();
    let status: number | null = null;
    let error: string | null = null;
    if (!link.callback_url || !link.active) error = 'no active callback URL';
    else {
      const body = JSON.stringify(claimed.payload);
      try {
        const res = await platform.outbound.request(link.callback_url, {
          method: 'POST', body, timeoutMs: 10_000,
          headers: { 'content-type': 'application/json; charset=utf-8', ...signedHeaders(platform.pii.decrypt(link.secret_enc), body, platform.clock.now()) },
        });
        status = res.status;
        if (res.status < 200 || res.status >= 300) error = `HTTP ${res.status}`;
      } catch (e) {
        error = String((e as Error).message ?? e).slice(0, 500);
      }
    }
    const after = platform.clock.now();
    await platform.db.updateTable('hotline_callback')
      .set(error === null
        ? { state: 'delivered', delivered_at: after, last_status: status, last_error: null }
        : { next_attempt_at: new Date(after.getTime() + backoffMs(claimed.attempts)), last_status: status, last_error: error })
      .where('id', '=', claimed.id).execute();
    if (error !== null) platform.log.warn({ callback: claimed.id, attempts: claimed.attempts, status }, 'hotline callback not acknowledged');
  }
  return sent;
}

const CALLBACK_REGION = { regionOf: 'b' };

export async function listOutbox(ctx: Ctx, q: { state?: 'pending' | 'delivered'; limit?: number }) {
  requirePermission(ctx, 'interop.admin');
  let query = ctx.db.selectFrom('hotline_callback as b')
    .select(['b.id', 'b.order_no', 'b.case_id', 'b.kind', 'b.state', 'b.attempts', 'b.next_attempt_at', 'b.last_status', 'b.last_error', 'b.delivered_at', 'b.event_at', 'b.payload'])
    .where((eb) => inScope(eb, scopeOf(ctx), CALLBACK_REGION))
    .orderBy('b.event_at', 'desc').orderBy('b.id').limit(q.limit ?? 100);
  if (q.state) query = query.where('b.state', '=', q.state);
  const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);
  return (await query.execute()).map((b) => ({
    id: b.id, orderNo: b.order_no, caseId: b.case_id, kind: b.kind, state: b.state, attempts: b.attempts, nextAttemptAt: b.state === 'pending' ? iso(b.next_attempt_at) : null,
    lastStatus: b.last_status, lastError: b.last_error, deliveredAt: iso(b.delivered_at), eventAt: iso(b.event_at)!, payload: b.payload,
  }));
}

/** An administrator asks for the next attempt now (after fixing the hotline's address, say). */
export async function retryNow(ctx: Ctx, id: string) {
  requirePermission(ctx, 'interop.admin');
  await inTransaction(ctx, async (trx, c) => {
    const row = await trx.selectFrom('hotline_callback as b').select(['b.id', 'b.state']).where('b.id', '=', id).where((eb) => inScope(eb, scopeOf(ctx), CALLBACK_REGION)).forUpdate().executeTakeFirst();
    if (!row) throw notFound();
    if (row.state !== 'pending') throw conflict('ILLEGAL_TRANSITION', 'interop.already_delivered');
    await trx.updateTable('hotline_callback').set({ next_attempt_at: ctx.platform.clock.now() }).where('id', '=', id).execute();
    await audit(c, { action: 'hotline.callback_retry', entityType: 'hotline_callback', entityId: id });
  });
}
