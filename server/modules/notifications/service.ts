import { sql, type ExpressionBuilder } from 'kysely';
import { WriteBatch } from '../../db/batch.ts';
import type { DB, Executor } from '../../db/index.ts';
import { requireResident, requireUser } from '../../platform/access/index.ts';
import type { Ctx } from '../../platform/context.ts';
import { newId } from '../../platform/ids.ts';
import { enqueueJobs } from '../../platform/jobs/queue.ts';
import { SMS_NOTICE_JOB } from './sms.ts';

export interface NewNotification {
  to: { userId: string } | { orgId: string } | { accountId: string };
  caseId: string | null;
  kind: string;
  key: string;
  params?: Record<string, string | number>;
}

/** What travels on pg_notify('linli', …) so every server process can push it to open streams. */
export interface NotificationMessage {
  t: 'notification';
  id: string;
  user: string | null;
  org: string | null;
  account: string | null;
  caseId: string | null;
  kind: string;
  key: string;
  params: Record<string, string | number>;
  createdAt: string;
}

/**
 * Stores notifications and announces them with pg_notify in the same transaction: PostgreSQL
 * delivers the announcement only if the transaction commits, to every server process.
 */
export async function notify(db: Executor | WriteBatch, at: Date, items: NewNotification[]) {
  if (!items.length) return;
  const rows = items.map((n) => ({
    id: newId(),
    recipient_user_id: 'userId' in n.to ? n.to.userId : null,
    recipient_org_id: 'orgId' in n.to ? n.to.orgId : null,
    recipient_account_id: 'accountId' in n.to ? n.to.accountId : null,
    case_id: n.caseId,
    kind: n.kind,
    message_key: n.key,
    params: JSON.stringify(n.params ?? {}),
    created_at: at,
  }));
  const messages = rows.map((r, i): NotificationMessage => ({
    t: 'notification', id: r.id, user: r.recipient_user_id, org: r.recipient_org_id, account: r.recipient_account_id,
    caseId: r.case_id, kind: r.kind, key: r.message_key, params: items[i].params ?? {}, createdAt: at.toISOString(),
  }));
  // one statement: store, and announce on commit (or part of the caller's)
  const w = WriteBatch.of(db);
  w.add(w.db.insertInto('notification').values(rows));
  for (const m of messages) w.notify('linli', JSON.stringify(m));
  await w.done();
  await queueTexts(w.db, at, rows);
}

/** A resident who agreed to progress messages also gets each of their notifications as a text, queued with it. */
async function queueTexts(db: Executor, at: Date, rows: { id: string; recipient_account_id: string | null }[]) {
  const accounts = [...new Set(rows.flatMap((r) => (r.recipient_account_id ? [r.recipient_account_id] : [])))];
  if (!accounts.length) return;
  const agreed = await db.selectFrom('resident_account').select('id').where('id', 'in', accounts).where('sms_opt_in', '=', true).execute();
  const ids = new Set(agreed.map((a) => a.id));
  await enqueueJobs(db, rows.filter((r) => r.recipient_account_id && ids.has(r.recipient_account_id)).map((r) => ({ kind: SMS_NOTICE_JOB, payload: { notificationId: r.id }, runAt: at })));
}

function recipient(ctx: Ctx): { readerId: string; userId: string | null; orgId: string | null; accountId: string | null } {
  if (ctx.principal.kind === 'resident') {
    const r = requireResident(ctx);
    return { readerId: r.id, userId: null, orgId: null, accountId: r.id };
  }
  const u = requireUser(ctx);
  return { readerId: u.id, userId: u.id, orgId: u.orgId, accountId: null };
}

/** Notifications addressed to the caller: to them, to their organisation, or to their resident account. */
function addressedTo(eb: ExpressionBuilder<DB & { n: DB['notification'] }, 'n'>, me: ReturnType<typeof recipient>) {
  return eb.or([
    ...(me.userId ? [eb('n.recipient_user_id', '=', me.userId)] : []),
    ...(me.orgId ? [eb('n.recipient_org_id', '=', me.orgId)] : []),
    ...(me.accountId ? [eb('n.recipient_account_id', '=', me.accountId)] : []),
  ]);
}

/** The caller's notifications (their own and their organisation's), unread first, newest first. */
export async function listNotifications(ctx: Ctx, opts: { unreadOnly?: boolean; caseId?: string; limit: number }) {
  const me = recipient(ctx);
  let q = ctx.db
    .selectFrom('notification as n')
    .leftJoin('notification_read as r', (j) => j.onRef('r.notification_id', '=', 'n.id').on('r.reader_id', '=', me.readerId))
    .select(['n.id', 'n.case_id', 'n.kind', 'n.message_key', 'n.params', 'n.created_at', 'r.read_at'])
    .where((eb) => addressedTo(eb, me))
    .orderBy(sql`r.read_at IS NULL`, 'desc')
    .orderBy('n.created_at', 'desc')
    .limit(opts.limit);
  if (opts.unreadOnly) q = q.where('r.read_at', 'is', null);
  if (opts.caseId) q = q.where('n.case_id', '=', opts.caseId);
  const rows = await q.execute();
  const unread = await ctx.db
    .selectFrom('notification as n')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where((eb) => addressedTo(eb, me))
    .where((eb) => eb.not(eb.exists(eb.selectFrom('notification_read as r').select('r.reader_id').whereRef('r.notification_id', '=', 'n.id').where('r.reader_id', '=', me.readerId))))
    .executeTakeFirstOrThrow();
  return { items: rows, unread: Number(unread.n) };
}

/** Marks the given notifications (or all of the caller's) as read; only ones addressed to the caller. */
export async function markRead(ctx: Ctx, ids: string[] | 'all') {
  const me = recipient(ctx);
  const now = ctx.platform.clock.now();
  await sql`
    INSERT INTO notification_read (notification_id, reader_id, read_at)
    SELECT n.id, ${me.readerId}, ${now} FROM notification n
    WHERE (n.recipient_user_id = ${me.userId} OR n.recipient_org_id = ${me.orgId} OR n.recipient_account_id = ${me.accountId})
      ${ids === 'all' ? sql`` : sql`AND n.id = ANY(${ids}::uuid[])`}
    ON CONFLICT DO NOTHING`.execute(ctx.db);
}
