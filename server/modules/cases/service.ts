import { requirePermission, requireResident, scopeOf } from '../../platform/access/index.ts';
import type { Ctx } from '../../platform/context.ts';
import { invalid, notFound } from '../../platform/errors.ts';
import { decodeCursor, encodeCursor } from '../../platform/http/cursor.ts';
import { t } from '../../platform/i18n/index.ts';
import { maskName, maskPhone } from '../../platform/pii/index.ts';
import { suggestionOfCase } from '../dispatch/suggestions.ts';
import { getConfig } from './config.ts';
import type { CaseRow } from './events.ts';
import * as store from './store.ts';
import { allowedActions } from './workflow.ts';
import { addDays, fromLocal } from './worktime.ts';

export { createCase } from './intake.ts';
export { performAction } from './workflow.ts';

const iso = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : null);

/** The query string of GET /api/cases: the store's filter in HTTP terms. */
export type ListQuery = Pick<store.CaseFilter, 'category' | 'orgId' | 'gridId' | 'communityId' | 'overdue' | 'q'> & {
  status?: string;
  from?: string;
  to?: string;
  period?: string;
  sort?: 'reported' | 'due';
  cursor?: string;
  limit?: number;
};

/** "2026-03", "2026-03-05", "2026-W10", "2026-Q1" → [from, to) in the configured time zone. */
export function periodRange(period: string, timeZone: string): { from: Date; to: Date; days: [string, string] } | null {
  let first: string;
  let last: string; // exclusive
  let m: RegExpExecArray | null;
  if ((m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(period))) {
    first = period;
    last = addDays(period, 1);
  } else if ((m = /^(\d{4})-(\d{2})$/.exec(period))) {
    const [y, mo] = [Number(m[1]), Number(m[2])];
    if (mo < 1 || mo > 12) return null;
    first = `${m[1]}-${m[2]}-01`;
    last = mo === 12 ? `${y + 1}-01-01` : `${m[1]}-${String(mo + 1).padStart(2, '0')}-01`;
  } else if ((m = /^(\d{4})-Q([1-4])$/.exec(period))) {
    const q = Number(m[2]);
    first = `${m[1]}-${String((q - 1) * 3 + 1).padStart(2, '0')}-01`;
    last = q === 4 ? `${Number(m[1]) + 1}-01-01` : `${m[1]}-${String(q * 3 + 1).padStart(2, '0')}-01`;
  } else if ((m = /^(\d{4})-W(\d{2})$/.exec(period))) {
    // ISO week: the week with the year's first Thursday is week 1
    const y = Number(m[1]);
    const w = Number(m[2]);
    if (w < 1 || w > 53) return null;
    const jan4 = new Date(Date.UTC(y, 0, 4));
    const monday = addDays(`${y}-01-04`, -((jan4.getUTCDay() + 6) % 7));
    first = addDays(monday, (w - 1) * 7);
    last = addDays(first, 7);
  } else return null;
  // 2026-02-30 and the like are not days
  const d = new Date(`${first}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== first) return null;
  return { from: fromLocal(first, 0, timeZone), to: fromLocal(last, 0, timeZone), days: [first, addDays(last, -1)] };
}

export async function listCases(ctx: Ctx, q: ListQuery) {
  requirePermission(ctx, 'case.read');
  const limit = q.limit ?? 50;
  let from = q.from ? new Date(q.from) : undefined;
  let to = q.to ? new Date(q.to) : undefined;
  if (q.period) {
    const r = periodRange(q.period, ctx.platform.config.timeZone);
    if (!r) throw invalid('period', 'validation.pattern');
    from = r.from;
    to = r.to;
  }
  const rows = await store.listCases(ctx.db, ctx.principal, scopeOf(ctx), {
    status: q.status ? q.status.split(',').map((s) => s.trim()).filter(Boolean) : undefined,
    category: q.category, orgId: q.orgId, gridId: q.gridId, communityId: q.communityId, overdue: q.overdue, q: q.q?.trim() || undefined,
    from, to, sort: q.sort, cursor: q.cursor ? decodeCursor(q.cursor) : undefined, limit,
  });
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const names = await store.orgNames(ctx.db, page.flatMap((r) => [r.assigned_org_id, r.dispatch_org_id].filter((x): x is string => !!x)));
  return {
    items: page.map((r) => ({
      id: r.id, caseNo: r.case_no, status: r.status, channel: r.channel, type: r.type, category: r.category, categoryTop: r.category_top,
      title: r.title, priority: r.priority, address: r.address, gridId: r.grid_id, communityId: r.community_id,
      assignedOrgId: r.assigned_org_id, assignedOrgName: r.assigned_org_id ? names.get(r.assigned_org_id) ?? null : null,
      dispatchOrgId: r.dispatch_org_id, handlingLevel: r.handling_level, handleDueAt: iso(r.handle_due_at), overdue: r.overdue,
      reportedAt: iso(r.reported_at)!, updatedAt: iso(r.updated_at)!, version: r.version,
    })),
    nextCursor: rows.length > limit ? encodeCursor(q.sort === 'due' ? last.handle_due_at! : last.reported_at, last.id) : null,
  };
}

export async function getCase(ctx: Ctx, id: string) {
  requirePermission(ctx, 'case.read');
  const row = await store.findCase(ctx.db, ctx.principal, scopeOf(ctx), id);
  if (!row) throw notFound();
  return presentCase(ctx, row);
}

export async function presentCase(ctx: Ctx, row: CaseRow) {
  const cfg = await getConfig(ctx.platform, ctx.db);
  const ch = await store.caseChildren(ctx.db, row);
  const names = await store.orgNames(ctx.db, [row.assigned_org_id, row.dispatch_org_id, row.supervisor_org_id].filter((x): x is string => !!x));
  const pii = ctx.platform.pii;
  const cat = cfg.categories.get(row.category);
  return {
    id: row.id, caseNo: row.case_no, status: row.status, version: row.version, channel: row.channel, type: row.type,
    category: row.category, categoryTop: row.category_top, categoryName: cat ? cat.names[ctx.lang] : row.category,
    priority: row.priority, title: row.title, description: row.description,
    location: row.lat !== null && row.lng !== null ? { lat: row.lat, lng: row.lng, address: row.address } : row.address ? { lat: null, lng: null, address: row.address } : null,
    buildingId: row.building_id, compoundId: row.compound_id,
    cityId: row.city_id, districtId: row.district_id, streetId: row.street_id, communityId: row.community_id, gridId: row.grid_id,
    reporter: {
      anonymous: row.anonymous, resident: !!row.reporter_account_id,
      name: row.reporter_name_enc ? maskName(pii.decrypt(row.reporter_name_enc)) : null,
      phone: row.reporter_phone_enc ? maskPhone(pii.decrypt(row.reporter_phone_enc)) : null,
    },
    handlingLevel: row.handling_level, dispatchOrgId: row.dispatch_org_id, dispatchOrgName: names.get(row.dispatch_org_id) ?? null,
    assignedOrgId: row.assigned_org_id, assignedOrgName: row.assigned_org_id ? names.get(row.assigned_org_id) ?? null : null,
    supervisorOrgId: row.supervisor_org_id, handleDueAt: iso(row.handle_due_at), overdue: row.overdue, mergedInto: row.merged_into, parkedUntil: row.parked_until,
    counts: { returns: row.return_count, reworks: row.rework_count, reopens: row.reopen_count, escalations: row.escalation_count },
    evaluation: row.satisfaction ? { resolved: row.resolved, satisfaction: row.satisfaction, comment: row.evaluation_comment, byCallback: !!row.evaluated_by_callback, at: iso(row.evaluated_at) } : null,
    reportedAt: iso(row.reported_at)!, registeredAt: iso(row.registered_at), dispatchedAt: iso(row.dispatched_at), acceptedAt: iso(row.accepted_at),
    handledAt: iso(row.handled_at), verifiedAt: iso(row.verified_at), closedAt: iso(row.closed_at), updatedAt: iso(row.updated_at)!,
    deadlines: ch.deadlines.map((d) => ({ kind: d.kind, orgId: d.org_id, level: d.level, clock: d.clock, startedAt: iso(d.started_at)!, dueAt: iso(d.due_at)!, warnAt: iso(d.warn_at), state: d.state, metAt: iso(d.met_at), missedAt: iso(d.missed_at) })),
    assignments: ch.assignments.map((a) => ({ orgId: a.org_id, orgName: a.name, role: a.role, since: iso(a.since)!, until: iso(a.until) })),
    whistles: ch.whistles.map((w) => ({ id: w.id, whistlerOrgId: w.whistler_org_id, orgId: w.org_id, orgName: w.name, at: iso(w.created_at)!, dueAt: iso(w.due_at)!, checkedInAt: iso(w.checked_in_at), reportedAt: iso(w.reported_at), report: w.report_note, escalatedAt: iso(w.escalated_at), ratedOnTime: w.rated_on_time, ratedEffective: w.rated_effective })),
    supervisions: ch.supervisions.map((s) => ({ id: s.id, supervisorOrgId: s.supervisor_org_id, targetOrgId: s.target_org_id, note: s.note, at: iso(s.created_at)!, dueAt: iso(s.due_at)!, acknowledgedAt: iso(s.acknowledged_at) })),
    extensions: ch.extensions.map((e) => ({ id: e.id, orgId: e.org_id, reason: e.reason, until: iso(e.requested_until)!, state: e.state, at: iso(e.created_at)!, decidedAt: iso(e.decided_at) })),
    attachments: ch.attachments.map((a) => ({ id: a.file_id, kind: a.kind, mime: a.mime, size: Number(a.size_bytes), addedAt: iso(a.added_at)! })),
    events: ch.events.map((e) => ({
      id: e.id, type: e.type, at: iso(e.at)!, from: e.from_status, to: e.to_status, note: e.note,
      actor: { kind: e.actor_kind, id: e.actor_id, orgId: e.actor_org_id, name: e.actor_name },
    })),
    allowedActions: await allowedActions(ctx, row),
    suggestion: await suggestionOfCase(ctx.db, cfg, row.id, ctx.lang),
  };
}

/** Events a resident sees in their timeline, in plain language; internal steps stay internal. */
const PUBLIC_EVENTS = new Set(['report', 'register', 'dispatch', 'reassign', 'accept', 'return', 'handle', 'verify', 'close', 'evaluate', 'reopen', 'reject', 'merge', 'outcome', 'park', 'escalate']);

export async function listMyCases(ctx: Ctx, q: { cursor?: string; limit?: number }) {
  const r = requireResident(ctx);
  const limit = q.limit ?? 20;
  const rows = await store.listCases(ctx.db, r, scopeOf(ctx), { cursor: q.cursor ? decodeCursor(q.cursor) : undefined, limit });
  const page = rows.slice(0, limit);
  return {
    items: page.map((c) => ({ id: c.id, caseNo: c.case_no, status: c.status, statusText: t(ctx.lang, `case.status.${c.status}`), title: c.title, reportedAt: iso(c.reported_at)!, updatedAt: iso(c.updated_at)! })),
    nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1].reported_at, page[page.length - 1].id) : null,
  };
}

export async function getMyCase(ctx: Ctx, id: string) {
  requireResident(ctx);
  const row = await store.findCase(ctx.db, ctx.principal, scopeOf(ctx), id);
  if (!row) throw notFound();
  const cfg = await getConfig(ctx.platform, ctx.db);
  const ch = await store.caseChildren(ctx.db, row);
  const actions = await allowedActions(ctx, row);
  return {
    id: row.id, caseNo: row.case_no, status: row.status, statusText: t(ctx.lang, `case.status.${row.status}`), title: row.title, description: row.description,
    categoryName: cfg.categories.get(row.category)?.names[ctx.lang] ?? row.category, address: row.address, reportedAt: iso(row.reported_at)!,
    attachments: ch.attachments.map((a) => ({ id: a.file_id, kind: a.kind, mime: a.mime })),
    timeline: ch.events.filter((e) => PUBLIC_EVENTS.has(e.type) && !(e.type === 'verify' && e.to_status === 'accepted')).map((e) => ({
      at: iso(e.at)!, type: e.type, text: t(ctx.lang, `timeline.${e.type}`), note: ['handle', 'reject', 'return', 'evaluate', 'outcome'].includes(e.type) ? e.note : null,
    })),
    evaluation: row.satisfaction ? { resolved: row.resolved, satisfaction: row.satisfaction, comment: row.evaluation_comment } : null,
    canEvaluate: actions.includes('evaluate'),
    canReopen: actions.includes('reopen'),
  };
}
