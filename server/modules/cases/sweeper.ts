
import type { Transaction } from 'kysely';
import type { DB, Executor } from '../../db/index.ts';
import { audit } from '../../platform/audit/index.ts';
import { systemCtx, type Platform } from '../../platform/context.ts';
import { notify, type NewNotification } from '../notifications/service.ts';
import { getConfig } from './config.ts';
import { recordEvent, type CaseRow } from './events.ts';
import { escalateCase } from './workflow.ts';

export const SWEEP_TASK = 'cases.sweep_deadlines';
const BATCH = 100;
/** A missed clock of these kinds makes the case overdue and moves it up one level. */
const ESCALATING = new Set(['register', 'response', 'handle', 'escalation']);
const OVERDUE = new Set(['register', 'response', 'handle', 'verify', 'escalation']);

/**
 * Raises warnings before deadlines, marks missed ones and escalates. Safe with several server
 * processes: cases are locked with SKIP LOCKED (a case another process or a user is acting on is
 * simply left for the next round), always case first and deadlines second — the same order as
 * actions — so the sweeper and users never deadlock.
 */
export async function sweepDeadlines(platform: Platform, db: Executor = platform.db): Promise<{ warned: number; missed: number; escalated: number }> {
  const totals = { warned: 0, missed: 0, escalated: 0 };
  const now = platform.clock.now();
  // the demo loader sweeps inside its own transaction
  const inTx = <T>(fn: (trx: Transaction<DB>) => Promise<T>) => (db.isTransaction ? fn(db as Transaction<DB>) : db.transaction().execute(fn));
  for (let round = 0; round < 50; round++) {
    const candidates = await db
      .selectFrom('case_deadline')
      .select('case_id')
      .distinct()
      .where('state', '=', 'open')
      .where((eb) => eb.or([eb('due_at', '<=', now), eb.and([eb('warned_at', 'is', null), eb('warn_at', '<=', now)])]))
      .limit(BATCH)
      .execute();
    if (!candidates.length) break;
    const done = await inTx(async (trx) => {
      const ctx = { ...systemCtx(platform, 'deadline-sweeper'), db: trx };
      const cfg = await getConfig(platform, trx);
      const cases = (await trx.selectFrom('cases').selectAll().where('id', 'in', candidates.map((c) => c.case_id)).forUpdate().skipLocked().execute()) as CaseRow[];
      if (!cases.length) return 0;
      const due = await trx
        .selectFrom('case_deadline')
        .selectAll()
        .where('case_id', 'in', cases.map((c) => c.id))
        .where('state', '=', 'open')
        .where((eb) => eb.or([eb('due_at', '<=', now), eb.and([eb('warned_at', 'is', null), eb('warn_at', '<=', now)])]))
        .orderBy('due_at')
        .forUpdate()
        .execute();
      const notes: NewNotification[] = [];
      for (const c of cases) {
        let row = c;
        let escalate = false;
        for (const d of due.filter((x) => x.case_id === c.id)) {
          const missed = new Date(d.due_at).getTime() <= now.getTime();
          const params = { caseNo: row.case_no, title: row.title, kind: d.kind };
          if (!missed) {
            await trx.updateTable('case_deadline').set({ warned_at: now }).where('id', '=', d.id).execute();
            await recordEvent(trx, ctx, cfg, row, { type: 'warning', data: { kind: d.kind, org: d.org_id, dueAt: new Date(d.due_at).toISOString() } });
            notes.push({ to: { orgId: d.org_id }, caseId: row.id, kind: 'case.warning', key: 'notify.deadline_warning', params });
            totals.warned++;
            continue;
          }
          await trx.updateTable('case_deadline').set({ state: 'missed', missed_at: now, warned_at: d.warned_at ?? now }).where('id', '=', d.id).execute();
          totals.missed++;
          if (d.kind === 'park_review') {
            await recordEvent(trx, ctx, cfg, row, { type: 'park_review_due', data: { org: d.org_id } });
            notes.push({ to: { orgId: d.org_id }, caseId: row.id, kind: 'case.park_review', key: 'notify.park_review', params });
            continue;
          }
          await recordEvent(trx, ctx, cfg, row, { type: 'overdue', data: { kind: d.kind, org: OVERDUE.has(d.kind) ? d.org_id : null, dueAt: new Date(d.due_at).toISOString() } });
          notes.push({ to: { orgId: d.org_id }, caseId: row.id, kind: 'case.overdue', key: 'notify.deadline_missed', params });
          if (OVERDUE.has(d.kind) && !row.overdue) {
            await trx.updateTable('cases').set({ overdue: true }).where('id', '=', row.id).execute();
            row = { ...row, overdue: true };
          }
          if (d.kind === 'whistle_checkin') {
            // an unanswered whistle goes to the level above the whistler
            await trx.updateTable('whistle_call').set({ escalated_at: now }).where('id', '=', d.ref_id!).execute();
            const w = await trx.selectFrom('whistle_call as w').innerJoin('whistle as wh', 'wh.id', 'w.whistle_id').innerJoin('org as o', 'o.id', 'wh.whistler_org_id')
              .select(['wh.whistler_org_id', 'o.kind']).where('w.id', '=', d.ref_id!).executeTakeFirstOrThrow();
            const above = w.kind === 'community_committee' ? cfg.regionOrg.get(row.street_id) : cfg.regionOrg.get(row.district_id);
            await recordEvent(trx, ctx, cfg, row, { type: 'whistle_escalated', data: { org: d.org_id, to: above ?? null } });
            for (const o of [w.whistler_org_id, above]) if (o) notes.push({ to: { orgId: o }, caseId: row.id, kind: 'case.whistle_overdue', key: 'notify.whistle_overdue', params: { ...params, org: cfg.orgs.get(d.org_id)?.name ?? '' } });
          } else if (d.kind === 'supervision_ack') {
            const sup = await trx.selectFrom('supervision').select('supervisor_org_id').where('id', '=', d.ref_id!).executeTakeFirst();
            if (sup) notes.push({ to: { orgId: sup.supervisor_org_id }, caseId: row.id, kind: 'case.overdue', key: 'notify.supervision_unacknowledged', params });
          }
          if (ESCALATING.has(d.kind)) escalate = true;
        }
        if (escalate && row.handling_level !== 'district' && !['closed', 'evaluated', 'rejected', 'merged', 'parked'].includes(row.status)) {
          const { notify: n, ...patch } = await escalateCase(trx, ctx, cfg, row, now);
          const next = { ...row, ...patch, version: row.version + 1, updated_at: now };
          await trx.updateTable('cases').set({ ...patch, version: next.version, updated_at: now }).where('id', '=', row.id).execute();
          await recordEvent(trx, ctx, cfg, next, { type: 'escalate', note: null, data: { level: patch.handling_level, to: patch.dispatch_org_id, automatic: true } });
          await audit(ctx, { action: 'case.escalate', entityType: 'case', entityId: row.id, before: row, after: next, details: { automatic: true, level: patch.handling_level } });
          notes.push(...n);
          totals.escalated++;
        }
      }
      await notify(trx, now, notes);
      return cases.length;
    });
    if (done === 0) break;
  }
  return totals;
}

