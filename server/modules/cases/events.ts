import type { Selectable } from 'kysely';
import { WriteBatch } from '../../db/batch.ts';
import type { Executor } from '../../db/index.ts';
import { actorOf, type Ctx } from '../../platform/context.ts';
import { newId } from '../../platform/ids.ts';
import { deltasFor, type EventFacts } from '../metrics/deltas.ts';
import { addWorkingTime, warnAt, type ClockKind } from './worktime.ts';
import type { CasesConfig, Due } from './config.ts';
import { regionOrgsOf } from './config.ts';
import type { CasesTable, DeadlineKind } from './tables.ts';

export type CaseRow = Selectable<CasesTable>;

export interface NewEvent {
  type: string;
  from?: string | null;
  to?: string | null;
  note?: string | null;
  /** shown in the timeline and used by the metrics (EventFacts) */
  data?: Record<string, unknown> & EventFacts;
}

/**
 * Appends a case event and, in the same transaction, the metric deltas it causes. The attribution
 * (region bodies, handler, dispatcher) is stored in the event itself, so rebuilding the metrics from
 * the events gives the same numbers.
 */
export async function recordEvent(db: Executor | WriteBatch, ctx: Ctx, cfg: CasesConfig, c: CaseRow, e: NewEvent): Promise<string> {
  const id = newId();
  const at = ctx.platform.clock.now();
  const actor = actorOf(ctx.principal);
  const data: EventFacts & Record<string, unknown> = {
    regions: regionOrgsOf(cfg, c),
    handler: c.assigned_org_id,
    dispatcher: c.dispatch_org_id,
    ...e.data,
  };
  const event = {
    id, district_id: c.district_id, case_id: c.id, at, type: e.type,
    from_status: e.from ?? null, to_status: e.to ?? null,
    actor_kind: actor.kind, actor_id: actor.id, actor_org_id: actor.orgId,
    actor_name: ctx.principal.kind === 'user' ? ctx.principal.displayName : actor.name,
    note: e.note ?? null, data: JSON.stringify(data),
  };
  const deltas = deltasFor(e.type, at, data, ctx.platform.config.timeZone).map((d) => ({ subject_id: d.subject, day: d.day, metric: d.metric, n: d.n }));
  // one statement for the event and its metric deltas (or part of the caller's)
  const w = WriteBatch.of(db);
  w.add(w.db.insertInto('case_event').values(event));
  if (deltas.length) w.add(w.db.insertInto('metric_delta').values(deltas));
  await w.done();
  return id;
}

export interface OpenDeadline {
  kind: DeadlineKind;
  orgId: string;
  due: Due | Date;
  warnFraction: number;
  refId?: string | null;
  level?: string | null;
}

export async function openDeadlines(db: Executor | WriteBatch, cfg: CasesConfig, c: CaseRow, start: Date, items: OpenDeadline[]) {
  if (!items.length) return [];
  const rows = items.map((d) => {
    const due = d.due instanceof Date ? d.due : addWorkingTime(start, d.due.clock as ClockKind, Number(d.due.amount), cfg.calendar);
    return {
      id: newId(), case_id: c.id, district_id: c.district_id, kind: d.kind, org_id: d.orgId, level: d.level ?? c.handling_level,
      ref_id: d.refId ?? null, clock: d.due instanceof Date ? 'fixed' : d.due.clock, started_at: start, due_at: due,
      warn_at: warnAt(start, due, d.warnFraction),
    };
  });
  const w = WriteBatch.of(db);
  w.add(w.db.insertInto('case_deadline').values(rows));
  await w.done();
  return rows;
}

/** Marks open deadlines of the kinds met now; returns whether each was met in time. */
export async function meetDeadlines(db: Executor, caseId: string, kinds: DeadlineKind[], at: Date, filter: { orgId?: string; refId?: string } = {}) {
  let q = db
    .updateTable('case_deadline')
    .set({ state: 'met', met_at: at })
    .where('case_id', '=', caseId)
    .where('kind', 'in', kinds)
    .where('state', 'in', ['open', 'missed'])
    .where('met_at', 'is', null);
  if (filter.orgId) q = q.where('org_id', '=', filter.orgId);
  if (filter.refId) q = q.where('ref_id', '=', filter.refId);
  return q.returning(['kind', 'due_at', 'started_at', 'org_id']).execute();
}

/** Stops clocks that no longer apply (the case moved on, was returned, parked or closed). */
export async function cancelDeadlines(db: Executor, caseId: string, kinds: DeadlineKind[] | 'all', filter: { orgId?: string } = {}) {
  let q = db.updateTable('case_deadline').set({ state: 'cancelled' }).where('case_id', '=', caseId).where('state', '=', 'open');
  if (kinds !== 'all') q = q.where('kind', 'in', kinds);
  if (filter.orgId) q = q.where('org_id', '=', filter.orgId);
  await q.execute();
}

export const onTime = (rows: { due_at: Date }[], at: Date) => rows.length > 0 && rows.every((r) => at.getTime() <= new Date(r.due_at).getTime());
