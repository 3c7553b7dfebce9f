import type { Transaction } from 'kysely';
import type { DB } from '../../db/index.ts';
import { audit } from '../../platform/audit/index.ts';
import { hasPermission, rowInScope, scopeOf } from '../../platform/access/index.ts';
import { NO_SCOPE, type Scope } from '../../platform/access/scope.ts';
import { inTransaction, type Ctx, type Principal } from '../../platform/context.ts';
import { badRequest, conflict, forbidden, invalid, notFound, unauthorized } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { afterClose, afterDispatch, afterRegister } from '../dispatch/hooks.ts';
import { notify, type NewNotification } from '../notifications/service.ts';
import { getConfig, slaFor, type CasesConfig, type Transition } from './config.ts';
import { cancelDeadlines, meetDeadlines, onTime, openDeadlines, recordEvent, type CaseRow, type NewEvent } from './events.ts';
import { linkAttachments } from './files.ts';
import { closeMergedFollowers } from './merged.ts';
import { route, type Place } from './place.ts';
import * as store from './store.ts';
import { addWorkingTime, fromLocal, toLocal, warnAt, type ClockKind } from './worktime.ts';

export const ACTIONS = [
  'register', 'dispatch', 'accept', 'return', 'reassign', 'handle', 'verify', 'close', 'evaluate', 'extend', 'approve_extension',
  'park', 'merge', 'reject', 'reopen', 'escalate', 'whistle', 'check_in', 'rate', 'supervise', 'acknowledge',
] as const;
export type Action = (typeof ACTIONS)[number];
export const SATISFACTION = ['satisfied', 'basically_satisfied', 'dissatisfied'] as const;

export interface ActionInput {
  action: Action;
  expectedVersion?: number;
  orgId?: string;
  orgIds?: string[];
  assistOrgIds?: string[];
  until?: string;
  reason?: string;
  note?: string;
  attachmentIds?: string[];
  passed?: boolean;
  targetCaseId?: string;
  resolved?: boolean;
  satisfaction?: (typeof SATISFACTION)[number];
  comment?: string;
  approved?: boolean;
  urgent?: boolean;
  onTime?: boolean;
  effective?: boolean;
  category?: string;
  priority?: 'normal' | 'urgent';
}

const HANDLER_KINDS = new Set(['department', 'property_company', 'community_committee', 'street_office', 'owners_committee', 'social_org', 'party_org']);
const LEVEL_UP = { community: 'street', street: 'district' } as const;

type Trx = Transaction<DB>;
interface Step {
  trx: Trx;
  ctx: Ctx;
  cfg: CasesConfig;
  row: CaseRow;
  input: ActionInput;
  now: Date;
  t: Transition;
}
interface Outcome {
  patch?: Partial<CaseRow>;
  event?: Omit<NewEvent, 'type' | 'from' | 'to'>;
  attachments?: { ids: string[]; kind: 'before' | 'after' | 'other' };
  notify?: NewNotification[];
  /** runs after the event is written (needs its id) */
  after?: (eventId: string) => Promise<void>;
}

/** What a caller may see of cases: staff and integrations need case.read (without it: nothing, so 404). */
export function caseScope(ctx: Ctx): Scope {
  const p = ctx.principal;
  if ((p.kind === 'user' || p.kind === 'integration') && !hasPermission(ctx, 'case.read')) return NO_SCOPE;
  return scopeOf(ctx);
}

const orgOf = (p: Principal) => (p.kind === 'user' || p.kind === 'integration' ? p.orgId : null);

/**
 * One action on one case: lock the row, find the transition for (state, action) in the workflow
 * table, check the permission and the actor's relation to the case, apply it, write the event,
 * metric deltas, notifications and audit record — all in one transaction. Illegal now → 409 and
 * nothing changes; the loser of a race waits for the lock, then finds the state moved on → 409.
 */
export async function performAction(ctx: Ctx, caseId: string, input: ActionInput) {
  if (ctx.principal.kind === 'anonymous') throw unauthorized();
  const cfg = await getConfig(ctx.platform, ctx.db);
  const scope = caseScope(ctx);
  return inTransaction(ctx, async (trx, c) => {
    const row = await store.lockCase(trx, c.principal, scope, caseId);
    if (!row) throw notFound();
    if (input.expectedVersion !== undefined && input.expectedVersion !== row.version) {
      throw conflict('VERSION_CONFLICT', 'cases.version_conflict', { version: row.version });
    }
    const variant = input.action === 'verify' ? (input.passed === false ? 'failed' : 'passed') : '';
    const rows = cfg.transitions.filter((t) => t.from_state === row.status && t.action === input.action && t.variant === variant);
    if (!rows.length) throw conflict('ILLEGAL_TRANSITION', 'cases.illegal_transition', { action: input.action, status: row.status });
    const permitted = rows.filter((t) => (t.permission ? hasPermission(c, t.permission) : true));
    let chosen: Transition | null = null;
    for (const t of permitted) {
      if (await relationHolds(trx, c, t.actor, row, input.action)) {
        chosen = t;
        break;
      }
    }
    if (!chosen) throw forbidden(permitted.some((t) => t.permission) ? 'cases.not_your_turn' : 'error.forbidden');
    if (chosen.requires_reason && !input.reason?.trim()) throw invalid('reason', 'validation.required');
    const now = c.platform.clock.now();
    const out = await steps[input.action]({ trx, ctx: c, cfg, row, input, now, t: chosen });
    const to = chosen.to_state ?? row.status;
    const next: CaseRow = { ...row, ...out.patch, status: to, version: row.version + 1, updated_at: now };
    await trx
      .updateTable('cases')
      .set({ ...out.patch, status: to, version: next.version, updated_at: now })
      .where('id', '=', row.id)
      .execute();
    // an escalated case that moves on has been dealt with at its new level
    if (chosen.to_state && chosen.to_state !== row.status && row.escalation_count > 0) await meetDeadlines(trx, row.id, ['escalation'], now);
    const note = input.note ?? input.reason ?? input.comment ?? null;
    const eventId = await recordEvent(trx, c, cfg, next, {
      type: input.action, from: row.status, to, note,
      data: { ...(out.event?.data ?? {}), ...(chosen.actor === 'reporter' || (input.action === 'evaluate' && c.principal.kind !== 'resident') ? { by: chosen.actor === 'reporter' ? 'reporter' : 'callback' } : {}) },
    });
    if (out.attachments?.ids.length) await linkAttachments(trx, c, next, out.attachments.ids, out.attachments.kind, eventId);
    await out.after?.(eventId);
    if (out.notify?.length) await notify(trx, now, out.notify);
    await audit(c, {
      action: `case.${input.action}`, entityType: 'case', entityId: row.id, before: row, after: next,
      details: { from: row.status, to, version: next.version, ...(input.reason ? { reason: input.reason.slice(0, 200) } : {}) },
    });
    return next;
  });
}

async function relationHolds(trx: Trx, ctx: Ctx, actor: string, row: CaseRow, action: string): Promise<boolean> {
  const p = ctx.principal;
  const org = orgOf(p);
  switch (actor) {
    case 'dispatcher':
      return !!org && org === row.dispatch_org_id && !(p.kind === 'user' && p.gridId);
    case 'assignee':
      return !!org && org === row.assigned_org_id;
    case 'verifier':
      return p.kind === 'user' && ((!!p.gridId && p.gridId === row.grid_id) || (!p.gridId && p.orgKind === 'community_committee' && p.orgRegionId === row.community_id));
    case 'reporter':
      return p.kind === 'resident' && row.reporter_account_id === p.id;
    case 'whistler':
      if (!org) return false;
      if (action === 'rate') return !!(await trx.selectFrom('whistle').select('id').where('case_id', '=', row.id).where('whistler_org_id', '=', org).executeTakeFirst());
      return p.kind === 'user' && !p.gridId && (p.orgKind === 'street_office' || p.orgKind === 'community_committee') && rowInScope(p.scope, row);
    case 'whistled':
      return !!org && !!(await trx.selectFrom('whistle_call').select('id').where('case_id', '=', row.id).where('org_id', '=', org).executeTakeFirst());
    case 'supervisor':
      return p.kind === 'user' && (p.orgKind === 'street_office' || p.orgKind === 'government') && rowInScope(p.scope, row);
    case 'supervised':
      return !!org && !!(await trx.selectFrom('supervision').select('id').where('case_id', '=', row.id).where('target_org_id', '=', org).where('acknowledged_at', 'is', null).executeTakeFirst());
    default:
      return false;
  }
}

function slaDue(cfg: CasesConfig, row: CaseRow, kind: 'response' | 'handle' | 'verify') {
  const sla = slaFor(cfg, row.category, row.priority);
  const clock = (kind === 'response' ? sla.response_clock : kind === 'handle' ? sla.handle_clock : sla.verify_clock) as ClockKind;
  const amount = Number(kind === 'response' ? sla.response_amount : kind === 'handle' ? sla.handle_amount : sla.verify_amount);
  return { due: { clock, amount }, warnFraction: Number(sla.warn_fraction) };
}

function parseUntil(value: string | undefined, now: Date, cfg: CasesConfig): Date {
  if (!value) throw invalid('until', 'validation.required');
  // a plain date means the start of that working day
  const at = /^\d{4}-\d{2}-\d{2}$/.test(value) ? fromLocal(value, cfg.calendar.periods[0][0], cfg.calendar.timeZone) : new Date(value);
  if (Number.isNaN(at.getTime())) throw invalid('until', 'validation.format', { format: 'date-time' });
  if (at.getTime() <= now.getTime()) throw invalid('until', 'cases.until_in_past');
  return at;
}

async function checkHandlerOrg(cfg: CasesConfig, row: CaseRow, orgId: string, field: string) {
  const o = cfg.orgs.get(orgId);
  if (!o || !o.active || !HANDLER_KINDS.has(o.kind)) throw invalid(field, 'cases.not_a_handler');
  return o;
}

async function placeOf(trx: Trx, row: CaseRow): Promise<Place> {
  const compound = row.compound_id
    ? await trx.selectFrom('compound').select(['property_company_org_id', 'management']).where('id', '=', row.compound_id).executeTakeFirst()
    : undefined;
  return {
    lng: row.lng, lat: row.lat, address: row.address, buildingId: row.building_id, compoundId: row.compound_id,
    propertyCompanyOrgId: compound?.management === 'property_company' ? compound.property_company_org_id : null,
    city_id: row.city_id, district_id: row.district_id, street_id: row.street_id, community_id: row.community_id, grid_id: row.grid_id,
    chain: [row.grid_id, row.community_id, row.street_id, row.district_id, row.city_id].filter((x): x is string => !!x),
  };
}

/** Makes orgId the main unit: ends the previous main assignment, opens the response and handling clocks. */
async function assignMain(s: Step, orgId: string, assist: string[], supervisor: string | null): Promise<Partial<CaseRow>> {
  const { trx, cfg, row, now } = s;
  await cancelDeadlines(trx, row.id, ['response', 'handle']);
  await trx.updateTable('case_assignment').set({ until: now }).where('case_id', '=', row.id).where('role', 'in', ['main', 'assist']).where('until', 'is', null).execute();
  const rows = [
    { role: 'main' as const, org_id: orgId },
    ...assist.filter((a) => a !== orgId).map((org_id) => ({ role: 'assist' as const, org_id })),
    ...(supervisor ? [{ role: 'supervisor' as const, org_id: supervisor }] : []),
  ];
  await trx
    .insertInto('case_assignment')
    .values(rows.map((r) => ({ case_id: row.id, district_id: row.district_id, since: now, until: null, ...r })))
    .onConflict((oc) => oc.doNothing())
    .execute();
  const next = { ...row, assigned_org_id: orgId };
  const [, handle] = await openDeadlines(trx, cfg, next, now, [
    { kind: 'response', orgId, ...slaDue(cfg, row, 'response') },
    { kind: 'handle', orgId, ...slaDue(cfg, row, 'handle') },
  ]);
  return { assigned_org_id: orgId, dispatched_at: now, handle_due_at: handle.due_at, supervisor_org_id: supervisor };
}

/** Moves the case up one level (community → street → district) with a fresh escalation clock. */
export async function escalateCase(trx: Trx, ctx: Ctx, cfg: CasesConfig, row: CaseRow, now: Date): Promise<Partial<CaseRow> & { notify: NewNotification[] }> {
  const level = LEVEL_UP[row.handling_level as 'community' | 'street'];
  const regionId = level === 'street' ? row.street_id : row.district_id;
  const org = cfg.regionOrg.get(regionId);
  if (!org) throw conflict('ILLEGAL_TRANSITION', 'cases.no_higher_level');
  await cancelDeadlines(trx, row.id, ['escalation']);
  await openDeadlines(trx, cfg, { ...row, handling_level: level }, now, [{ kind: 'escalation', orgId: org, level, due: cfg.escalationDue, warnFraction: 0.2 }]);
  return {
    handling_level: level, dispatch_org_id: org, escalation_count: row.escalation_count + 1,
    notify: [{ to: { orgId: org }, caseId: row.id, kind: 'case.escalated', key: 'notify.case_escalated', params: { caseNo: row.case_no, title: row.title } }],
  };
}

const note = (s: Step, field = 'note') => {
  const v = (field === 'note' ? s.input.note : s.input.reason)?.trim();
  if (!v) throw invalid(field, 'validation.required');
  return v;
};

const steps: Record<Action, (s: Step) => Promise<Outcome>> = {
  async register(s) {
    const { trx, cfg, row, input, now } = s;
    const patch: Partial<CaseRow> = { registered_at: now };
    if (input.category || input.priority) {
      const category = input.category ?? row.category;
      const cat = cfg.categories.get(category);
      if (!cat || !cat.active) throw invalid('category', 'cases.unknown_category');
      const r = route(cfg, category, await placeOf(trx, row));
      Object.assign(patch, { category, category_top: cat.top, priority: input.priority ?? row.priority, assigned_org_id: r.mainOrgId, supervisor_org_id: r.supervisorOrgId });
    }
    const met = await meetDeadlines(trx, row.id, ['register'], now);
    await afterRegister(trx, s.ctx, row.id, patch.category ?? row.category, patch.category_top ?? row.category_top);
    return { patch, event: { data: { onTime: onTime(met, now), ...(patch.category ? { category: patch.category } : {}) } } };
  },

  async reject(s) {
    await cancelDeadlines(s.trx, s.row.id, 'all');
    return {
      patch: { closed_at: s.now },
      event: { data: { gridReporter: s.row.reporter_user_id } },
      notify: reporterNotice(s.row, 'notify.case_rejected'),
    };
  },

  async merge(s) {
    const { trx, ctx, row, input } = s;
    if (!input.targetCaseId || input.targetCaseId === row.id) throw invalid('targetCaseId', 'validation.required');
    const target = await store.findCase(trx, ctx.principal, caseScope(ctx), input.targetCaseId);
    if (!target || ['merged', 'rejected'].includes(target.status)) throw invalid('targetCaseId', 'error.not_found');
    // a district's cases live together (docs/scaling.md §6): merged_into points within the district
    if (target.district_id !== row.district_id) throw invalid('targetCaseId', 'cases.merge_other_district');
    await cancelDeadlines(trx, row.id, 'all');
    return {
      patch: { merged_into: target.id, closed_at: s.now },
      event: { data: { targetCaseId: target.id, targetCaseNo: target.case_no } },
      after: async () => {
        await recordEvent(trx, ctx, s.cfg, target, { type: 'merged_in', note: input.reason, data: { sourceCaseId: row.id, sourceCaseNo: row.case_no } });
        // merged into a case already dealt with: this reporter gets its outcome now
        if (['closed', 'evaluated'].includes(target.status)) await closeMergedFollowers(trx, ctx, s.cfg, target, s.now);
      },
      notify: reporterNotice(row, 'notify.case_merged', { target: target.case_no }),
    };
  },

  async dispatch(s) {
    const { trx, cfg, row, input } = s;
    const orgId = input.orgId ?? row.assigned_org_id;
    if (!orgId) throw invalid('orgId', 'validation.required');
    await checkHandlerOrg(cfg, row, orgId, 'orgId');
    for (const a of input.assistOrgIds ?? []) await checkHandlerOrg(cfg, row, a, 'assistOrgIds');
    const routed = route(cfg, row.category, await placeOf(trx, row));
    const assist = input.assistOrgIds ?? (routed.mainOrgId === orgId ? routed.assistOrgIds : []);
    const supervisor = routed.mainOrgId === orgId ? routed.supervisorOrgId : row.supervisor_org_id && row.supervisor_org_id !== orgId ? row.supervisor_org_id : null;
    const patch = { ...(await assignMain(s, orgId, assist, supervisor)), parked_until: null };
    await afterDispatch(trx, s.ctx, row.id, orgId);
    return {
      patch,
      event: { data: { handler: orgId, assistOrgIds: assist } },
      notify: [{ to: { orgId }, caseId: row.id, kind: 'case.assigned', key: 'notify.case_assigned', params: { caseNo: row.case_no, title: row.title } }, ...reporterNotice(row, 'notify.case_sent_to_unit')],
    };
  },

  async accept(s) {
    const met = await meetDeadlines(s.trx, s.row.id, ['response'], s.now, { orgId: s.row.assigned_org_id! });
    return { patch: { accepted_at: s.now }, event: { data: { onTime: onTime(met, s.now) } } };
  },

  async return(s) {
    const { trx, row, now } = s;
    await cancelDeadlines(trx, row.id, ['response', 'handle']);
    await trx.updateTable('case_assignment').set({ until: now }).where('case_id', '=', row.id).where('role', 'in', ['main', 'assist']).where('until', 'is', null).execute();
    return {
      patch: { assigned_org_id: null, handle_due_at: null, return_count: row.return_count + 1 },
      event: { data: { handler: row.assigned_org_id } },
      notify: [{ to: { orgId: row.dispatch_org_id }, caseId: row.id, kind: 'case.returned', key: 'notify.case_returned', params: { caseNo: row.case_no, title: row.title } }],
    };
  },

  async reassign(s) {
    const { cfg, row, input } = s;
    if (!input.orgId) throw invalid('orgId', 'validation.required');
    if (input.orgId === row.assigned_org_id) throw invalid('orgId', 'cases.same_org');
    await checkHandlerOrg(cfg, row, input.orgId, 'orgId');
    const patch = await assignMain(s, input.orgId, input.assistOrgIds ?? [], row.supervisor_org_id !== input.orgId ? row.supervisor_org_id : null);
    return {
      patch,
      event: { data: { handler: input.orgId, previous: row.assigned_org_id } },
      notify: [{ to: { orgId: input.orgId }, caseId: row.id, kind: 'case.assigned', key: 'notify.case_assigned', params: { caseNo: row.case_no, title: row.title } }],
    };
  },

  async handle(s) {
    const { trx, cfg, row, now, input } = s;
    note(s);
    const met = await meetDeadlines(trx, row.id, ['handle'], now, { orgId: row.assigned_org_id! });
    const community = cfg.regionOrg.get(row.community_id)!;
    await openDeadlines(trx, cfg, row, now, [{ kind: 'verify', orgId: community, ...slaDue(cfg, row, 'verify') }]);
    const seconds = row.dispatched_at ? Math.round((now.getTime() - new Date(row.dispatched_at).getTime()) / 1000) : undefined;
    return {
      patch: { handled_at: now, handle_due_at: null },
      event: { data: { onTime: onTime(met, now), seconds } },
      attachments: { ids: input.attachmentIds ?? [], kind: 'after' },
      notify: [{ to: { orgId: community }, caseId: row.id, kind: 'case.to_verify', key: 'notify.case_to_verify', params: { caseNo: row.case_no, title: row.title } }, ...reporterNotice(row, 'notify.case_dealt_with')],
    };
  },

  async verify(s) {
    const { trx, cfg, row, now, input, ctx } = s;
    // the verifier must say which: a silent default could close a case nobody checked
    if (input.passed === undefined) throw invalid('passed', 'validation.required');
    const passed = input.passed;
    if (!passed) note(s);
    const met = await meetDeadlines(trx, row.id, ['verify'], now);
    const verifier = ctx.principal.kind === 'user' ? ctx.principal.id : null;
    const facts = { onTime: onTime(met, now), passed, verifier };
    if (passed) {
      return {
        patch: { verified_at: now },
        event: { data: facts },
        attachments: { ids: input.attachmentIds ?? [], kind: 'other' },
        notify: [{ to: { orgId: row.dispatch_org_id }, caseId: row.id, kind: 'case.to_close', key: 'notify.case_to_close', params: { caseNo: row.case_no, title: row.title } }],
      };
    }
    const [handle] = await openDeadlines(trx, cfg, row, now, [{ kind: 'handle', orgId: row.assigned_org_id!, ...slaDue(cfg, row, 'handle') }]);
    return {
      patch: { rework_count: row.rework_count + 1, handle_due_at: handle.due_at },
      event: { data: facts },
      attachments: { ids: input.attachmentIds ?? [], kind: 'other' },
      notify: [{ to: { orgId: row.assigned_org_id! }, caseId: row.id, kind: 'case.rework', key: 'notify.case_rework', params: { caseNo: row.case_no, title: row.title } }],
    };
  },

  async close(s) {
    const { trx, row, now } = s;
    const clocks = await trx.selectFrom('case_deadline').select(['due_at', 'met_at', 'state']).where('case_id', '=', row.id).where('kind', 'in', ['handle', 'verify']).where('state', '<>', 'cancelled').execute();
    const inTime = clocks.length > 0 && clocks.every((d) => new Date(d.met_at ?? now).getTime() <= new Date(d.due_at).getTime());
    await cancelDeadlines(trx, row.id, 'all');
    return {
      patch: { closed_at: now, handle_due_at: null },
      event: { data: { onTime: inTime } },
      notify: reporterNotice(row, 'notify.case_closed'),
      after: async () => {
        // the reports merged into this one close with it; the category the dispatcher confirmed teaches the classifier
        await closeMergedFollowers(trx, s.ctx, s.cfg, { ...row, status: 'closed', closed_at: now }, now);
        await afterClose(trx, s.ctx, row);
      },
    };
  },

  async evaluate(s) {
    const { input, now, ctx } = s;
    const fields: Record<string, { key: string }> = {};
    if (input.resolved === undefined) fields.resolved = { key: 'validation.required' };
    if (!input.satisfaction) fields.satisfaction = { key: 'validation.required' };
    if (Object.keys(fields).length) throw badRequest(fields);
    return {
      patch: {
        resolved: input.resolved!, satisfaction: input.satisfaction!, evaluation_comment: input.comment ?? null, evaluated_at: now,
        evaluated_by_callback: ctx.principal.kind !== 'resident',
      },
      event: { data: { resolved: input.resolved, satisfaction: input.satisfaction } },
    };
  },

  async reopen(s) {
    const { row } = s;
    if (!PRECONDITIONS.reopen!.holds(row)) throw conflict('ILLEGAL_TRANSITION', PRECONDITIONS.reopen!.message);
    return {
      patch: { reopen_count: row.reopen_count + 1, closed_at: null, evaluated_at: null, satisfaction: null, resolved: null, evaluation_comment: null },
      notify: [{ to: { orgId: row.dispatch_org_id }, caseId: row.id, kind: 'case.reopened', key: 'notify.case_reopened', params: { caseNo: row.case_no, title: row.title } }, ...reporterNotice(row, 'notify.case_reopened_for_reporter')],
    };
  },

  async park(s) {
    const { trx, cfg, row, input, now } = s;
    const until = parseUntil(input.until, now, cfg);
    await cancelDeadlines(trx, row.id, 'all');
    await openDeadlines(trx, cfg, row, now, [{ kind: 'park_review', orgId: row.dispatch_org_id, due: until, warnFraction: 0 }]);
    return { patch: { parked_until: toLocal(until, cfg.calendar.timeZone).date, handle_due_at: null }, event: { data: { until: until.toISOString() } } };
  },

  async extend(s) {
    const { trx, cfg, row, input, now } = s;
    const until = parseUntil(input.until, now, cfg);
    if (row.handle_due_at && until.getTime() <= new Date(row.handle_due_at).getTime()) throw invalid('until', 'cases.until_before_deadline');
    const pending = await trx.selectFrom('extension_request').select('id').where('case_id', '=', row.id).where('state', '=', 'pending').executeTakeFirst();
    if (pending) throw conflict('ILLEGAL_TRANSITION', 'cases.extension_pending');
    const id = newId();
    await trx.insertInto('extension_request').values({ id, case_id: row.id, district_id: row.district_id, org_id: row.assigned_org_id!, reason: input.reason!, requested_until: until, created_at: now }).execute();
    await openDeadlines(trx, cfg, row, now, [{ kind: 'extension_review', orgId: row.dispatch_org_id, refId: id, due: cfg.extensionReviewDue, warnFraction: 0.2 }]);
    return {
      event: { data: { until: until.toISOString(), requestId: id } },
      notify: [{ to: { orgId: row.dispatch_org_id }, caseId: row.id, kind: 'case.extension_requested', key: 'notify.extension_requested', params: { caseNo: row.case_no, title: row.title } }],
    };
  },

  async approve_extension(s) {
    const { trx, cfg, row, input, now, ctx } = s;
    const req = await trx.selectFrom('extension_request').selectAll().where('case_id', '=', row.id).where('state', '=', 'pending').forUpdate().executeTakeFirst();
    if (!req) throw conflict('ILLEGAL_TRANSITION', 'cases.no_pending_extension');
    const approved = input.approved !== false;
    await trx.updateTable('extension_request').set({ state: approved ? 'approved' : 'refused', decided_at: now, decided_by: ctx.principal.kind === 'user' ? ctx.principal.id : null }).where('id', '=', req.id).execute();
    await meetDeadlines(trx, row.id, ['extension_review'], now, { refId: req.id });
    const patch: Partial<CaseRow> = {};
    if (approved && row.assigned_org_id) {
      const until = new Date(req.requested_until);
      const sla = slaFor(cfg, row.category, row.priority);
      const moved = await trx
        .updateTable('case_deadline')
        .set({ due_at: until, warn_at: warnAt(now, until, Number(sla.warn_fraction)), warned_at: null })
        .where('case_id', '=', row.id).where('kind', '=', 'handle').where('state', '=', 'open')
        .returning('id').execute();
      if (!moved.length) await openDeadlines(trx, cfg, row, now, [{ kind: 'handle', orgId: row.assigned_org_id, due: until, warnFraction: Number(sla.warn_fraction) }]);
      patch.handle_due_at = until;
    }
    return {
      patch,
      event: { data: { approved, until: new Date(req.requested_until).toISOString() } },
      notify: [{ to: { orgId: req.org_id }, caseId: row.id, kind: 'case.extension_decided', key: approved ? 'notify.extension_approved' : 'notify.extension_refused', params: { caseNo: row.case_no, title: row.title } }],
    };
  },

  async escalate(s) {
    const { trx, ctx, cfg, row, now } = s;
    if (row.handling_level === 'district') throw conflict('ILLEGAL_TRANSITION', 'cases.no_higher_level');
    const { notify: n, ...patch } = await escalateCase(trx, ctx, cfg, row, now);
    return { patch, event: { data: { level: patch.handling_level, to: patch.dispatch_org_id } }, notify: n };
  },

  async whistle(s) {
    const { trx, ctx, cfg, row, input, now } = s;
    const orgIds = [...new Set(input.orgIds ?? [])];
    if (!orgIds.length) throw invalid('orgIds', 'validation.required');
    const whistler = orgOf(ctx.principal)!;
    for (const o of orgIds) {
      const org = cfg.orgs.get(o);
      if (!org || !org.active || o === whistler || !HANDLER_KINDS.has(org.kind)) throw invalid('orgIds', 'cases.not_a_handler');
    }
    const urgent = input.urgent !== false;
    const due = input.until
      ? parseUntil(input.until, now, cfg)
      : urgent
        ? new Date(now.getTime() + cfg.whistle.urgent * 60_000)
        : addWorkingTime(now, 'work_hours', cfg.whistle.normal_work_hours, cfg.calendar);
    const whistleId = newId();
    await trx.insertInto('whistle').values({ id: whistleId, case_id: row.id, district_id: row.district_id, whistler_org_id: whistler, urgent, note: input.note ?? null, created_at: now, checkin_due_at: due }).execute();
    const calls = orgIds.map((org_id) => ({ id: newId(), whistle_id: whistleId, case_id: row.id, district_id: row.district_id, org_id, due_at: due }));
    await trx.insertInto('whistle_call').values(calls).execute();
    await trx.insertInto('case_assignment').values(orgIds.map((org_id) => ({ case_id: row.id, org_id, role: 'whistled' as const, district_id: row.district_id, since: now, until: null }))).onConflict((oc) => oc.doNothing()).execute();
    await openDeadlines(trx, cfg, row, now, calls.map((c) => ({ kind: 'whistle_checkin' as const, orgId: c.org_id, refId: c.id, due, warnFraction: 0.2 })));
    return {
      event: { data: { orgIds, whistleId, urgent, dueAt: due.toISOString() } },
      notify: orgIds.map((o) => ({ to: { orgId: o }, caseId: row.id, kind: 'case.whistle', key: 'notify.whistle', params: { caseNo: row.case_no, title: row.title, due: due.toISOString() } })),
    };
  },

  async check_in(s) {
    const { trx, ctx, row, input, now } = s;
    const org = orgOf(ctx.principal)!;
    const calls = await trx.selectFrom('whistle_call').selectAll().where('case_id', '=', row.id).where('org_id', '=', org).where('reported_at', 'is', null).forUpdate().execute();
    if (!calls.length) throw conflict('ILLEGAL_TRANSITION', 'cases.nothing_to_check_in');
    const report = input.note?.trim() || null;
    const fresh = calls.filter((c) => !c.checked_in_at);
    if (!fresh.length && !report) throw conflict('ILLEGAL_TRANSITION', 'cases.already_checked_in');
    let inTime = true;
    for (const c of calls) {
      const first = !c.checked_in_at;
      if (first) inTime = inTime && now.getTime() <= new Date(c.due_at).getTime();
      await trx
        .updateTable('whistle_call')
        .set({
          ...(first ? { checked_in_at: now, checked_in_by: ctx.principal.kind === 'user' ? ctx.principal.id : null } : {}),
          ...(report ? { reported_at: now, report_note: report } : {}),
        })
        .where('id', '=', c.id)
        .execute();
      if (first) await meetDeadlines(trx, row.id, ['whistle_checkin'], now, { refId: c.id });
    }
    const whistlers = await trx.selectFrom('whistle').select('whistler_org_id').where('id', 'in', calls.map((c) => c.whistle_id)).execute();
    return {
      event: { data: { org, first: fresh.length > 0, onTime: fresh.length > 0 && inTime, reported: !!report } },
      attachments: { ids: input.attachmentIds ?? [], kind: 'other' },
      notify: [...new Set(whistlers.map((w) => w.whistler_org_id))].map((o) => ({ to: { orgId: o }, caseId: row.id, kind: 'case.check_in', key: report ? 'notify.whistle_reported' : 'notify.whistle_checked_in', params: { caseNo: row.case_no, org: s.cfg.orgs.get(org)?.name ?? '' } })),
    };
  },

  async rate(s) {
    const { trx, ctx, row, input, now } = s;
    if (!input.orgId) throw invalid('orgId', 'validation.required');
    if (input.onTime === undefined || input.effective === undefined) throw badRequest({ ...(input.onTime === undefined ? { onTime: { key: 'validation.required' } } : {}), ...(input.effective === undefined ? { effective: { key: 'validation.required' } } : {}) });
    const call = await trx
      .selectFrom('whistle_call as w').innerJoin('whistle as wh', 'wh.id', 'w.whistle_id')
      .select(['w.id', 'w.rated_at']).where('w.case_id', '=', row.id).where('w.org_id', '=', input.orgId).where('wh.whistler_org_id', '=', orgOf(ctx.principal)!)
      .orderBy('wh.created_at', 'desc').executeTakeFirst();
    if (!call) throw invalid('orgId', 'error.not_found');
    if (call.rated_at) throw conflict('ILLEGAL_TRANSITION', 'cases.already_rated');
    await trx.updateTable('whistle_call').set({ rated_on_time: input.onTime, rated_effective: input.effective, rated_at: now }).where('id', '=', call.id).execute();
    return { event: { data: { org: input.orgId, ratedOnTime: input.onTime, effective: input.effective } } };
  },

  async supervise(s) {
    const { trx, ctx, cfg, row, now } = s;
    const text = s.input.note?.trim() || s.input.reason?.trim();
    if (!text) throw invalid('note', 'validation.required');
    const target = ['dispatched', 'accepted', 'handled'].includes(row.status) && row.assigned_org_id ? row.assigned_org_id : row.dispatch_org_id;
    const supervisor = orgOf(ctx.principal)!;
    const due = addWorkingTime(now, cfg.supervisionAckDue.clock, cfg.supervisionAckDue.amount, cfg.calendar);
    const id = newId();
    await trx.insertInto('supervision').values({ id, case_id: row.id, district_id: row.district_id, supervisor_org_id: supervisor, target_org_id: target, note: text, created_at: now, due_at: due }).execute();
    await openDeadlines(trx, cfg, row, now, [{ kind: 'supervision_ack', orgId: target, refId: id, due, warnFraction: 0.2 }]);
    return {
      event: { data: { supervisionId: id, target } },
      notify: [{ to: { orgId: target }, caseId: row.id, kind: 'case.supervision', key: 'notify.supervision', params: { caseNo: row.case_no, title: row.title } }],
    };
  },

  async acknowledge(s) {
    const { trx, ctx, row, now } = s;
    const org = orgOf(ctx.principal)!;
    const open = await trx
      .updateTable('supervision')
      .set({ acknowledged_at: now, acknowledged_by: ctx.principal.kind === 'user' ? ctx.principal.id : null })
      .where('case_id', '=', row.id).where('target_org_id', '=', org).where('acknowledged_at', 'is', null)
      .returning(['id', 'supervisor_org_id']).execute();
    for (const o of open) await meetDeadlines(trx, row.id, ['supervision_ack'], now, { refId: o.id });
    return {
      event: { data: { supervisionIds: open.map((o) => o.id) } },
      notify: [...new Set(open.map((o) => o.supervisor_org_id))].map((o) => ({ to: { orgId: o }, caseId: row.id, kind: 'case.acknowledged', key: 'notify.supervision_acknowledged', params: { caseNo: row.case_no, title: row.title } })),
    };
  },
};

function reporterNotice(row: CaseRow, key: string, params: Record<string, string> = {}): NewNotification[] {
  return row.reporter_account_id ? [{ to: { accountId: row.reporter_account_id }, caseId: row.id, kind: 'case.update', key, params: { caseNo: row.case_no, title: row.title, ...params } }] : [];
}

/**
 * What the case itself must satisfy for an action beyond its state (the transition table says from
 * which state, and who). The handler refuses without it, and the allowed actions leave it out, so a
 * screen never offers what would be refused.
 */
const PRECONDITIONS: Partial<Record<Action, { holds: (row: CaseRow) => boolean; message: string }>> = {
  reopen: { holds: (row) => row.satisfaction === 'dissatisfied', message: 'cases.reopen_needs_dissatisfied' },
};

/** The actions the caller may take on the case now, for the screens to offer (and nothing they would refuse). */
export async function allowedActions(ctx: Ctx, row: CaseRow): Promise<string[]> {
  const cfg = await getConfig(ctx.platform, ctx.db);
  const out = new Set<string>();
  for (const t of cfg.transitions) {
    if (t.from_state !== row.status || out.has(t.action)) continue;
    if (PRECONDITIONS[t.action as Action]?.holds(row) === false) continue;
    if (t.permission && !hasPermission(ctx, t.permission)) continue;
    if (await relationHolds(ctx.db as Trx, ctx, t.actor, row, t.action)) out.add(t.action);
  }
  return [...out];
}

