import { WriteBatch } from '../../db/batch.ts';
import { audit } from '../../platform/audit/index.ts';
import { requirePermission } from '../../platform/access/index.ts';
import { inTransaction, type Ctx, type IntegrationPrincipal, type UserPrincipal } from '../../platform/context.ts';
import { badRequest, invalid, unauthorized } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { parsePhone } from '../../platform/pii/index.ts';
import { afterIntake } from '../dispatch/hooks.ts';
import { notify } from '../notifications/service.ts';
import { getConfig, slaFor } from './config.ts';
import { openDeadlines, recordEvent, type CaseRow } from './events.ts';
import { linkAttachments } from './files.ts';
import { resolvePlace, route } from './place.ts';
import * as store from './store.ts';
import { toLocal } from './worktime.ts';

export const CHANNELS = ['resident_app', 'grid_patrol', 'hotline_12345', 'open311', 'walk_in', 'phone'] as const;
export const TYPES = ['complaint', 'help', 'enquiry', 'suggestion', 'report', 'praise'] as const;

export interface IntakeInput {
  description: string;
  title?: string;
  type?: (typeof TYPES)[number];
  category?: string;
  priority?: 'normal' | 'urgent';
  channel: (typeof CHANNELS)[number];
  location?: { lat: number; lng: number; address?: string };
  buildingId?: string;
  reporter?: { name?: string; phone?: string };
  anonymous?: boolean;
  attachmentIds?: string[];
}

/**
 * Takes in a report. Everything — the case, its first event, the registration clock, the metric
 * delta, the dispatcher's notification, the audit record (and the Idempotency-Key record around
 * it) — commits in one transaction before the answer goes out: an accepted report is never lost.
 */
export async function createCase(ctx: Ctx, input: IntakeInput) {
  const p = ctx.principal;
  let staff: UserPrincipal | IntegrationPrincipal | null = null;
  if (p.kind === 'anonymous') throw unauthorized();
  if (p.kind === 'resident') {
    if (input.channel !== 'resident_app') throw invalid('channel', 'validation.enum', { values: 'resident_app' });
  } else {
    staff = requirePermission(ctx, 'case.create');
  }
  const cfg = await getConfig(ctx.platform, ctx.db);
  const category = input.category ?? 'other';
  const cat = cfg.categories.get(category);
  if (!cat || !cat.active) throw invalid('category', 'cases.unknown_category');
  let phone: string | null = null;
  if (input.reporter?.phone && !input.anonymous) {
    phone = parsePhone(input.reporter.phone, true);
    if (!phone) throw badRequest({ 'reporter.phone': { key: 'pii.phone_invalid' } });
  }
  const place = await resolvePlace(ctx.db, input, staff, cfg);
  const r = route(cfg, category, place);
  const priority = input.priority ?? 'normal';
  const sla = slaFor(cfg, category, priority);
  const now = ctx.platform.clock.now();
  const community = cfg.regionOrg.get(place.community_id);
  if (!community) throw invalid('location', 'cases.no_community');
  const year = Number(toLocal(now, cfg.calendar.timeZone).date.slice(0, 4));
  const districtCode = cfg.districtCode.get(place.district_id)!;

  return inTransaction(ctx, async (trx, c) => {
    const numbered = await store.caseNoExpression(trx, ctx.platform.db, districtCode, year);
    const draft: CaseRow = {
      id: newId(), case_no: '', channel: input.channel, type: input.type ?? (input.channel === 'grid_patrol' ? 'report' : 'complaint'),
      category, category_top: cat.top, title: input.title?.trim() || summarize(input.description), description: input.description,
      priority, status: 'reported', version: 1,
      lng: place.lng, lat: place.lat, address: place.address, building_id: place.buildingId, compound_id: place.compoundId,
      city_id: place.city_id, district_id: place.district_id, street_id: place.street_id, community_id: place.community_id, grid_id: place.grid_id,
      reporter_account_id: p.kind === 'resident' ? p.id : null,
      reporter_user_id: p.kind === 'user' && input.channel === 'grid_patrol' ? p.id : null,
      reporter_name_enc: input.reporter?.name && !input.anonymous ? ctx.platform.pii.encrypt(input.reporter.name) : null,
      reporter_phone_enc: phone ? ctx.platform.pii.encrypt(phone) : null,
      reporter_phone_hash: phone ? ctx.platform.pii.blindIndex('phone', phone) : null,
      anonymous: !!input.anonymous,
      created_by_token: p.kind === 'integration' ? p.id : null,
      handling_level: 'community', dispatch_org_id: community, assigned_org_id: r.mainOrgId, supervisor_org_id: r.supervisorOrgId,
      handle_due_at: null, overdue: false, merged_into: null, parked_until: null,
      return_count: 0, rework_count: 0, reopen_count: 0, escalation_count: 0,
      resolved: null, satisfaction: null, evaluation_comment: null, evaluated_by_callback: null,
      reported_at: now, registered_at: null, dispatched_at: null, accepted_at: null, handled_at: null, verified_at: null, closed_at: null, evaluated_at: null,
      updated_at: now,
    };
    const { case_no: caseNo } = await trx.insertInto('cases').values({ ...draft, case_no: numbered }).returning('case_no').executeTakeFirstOrThrow();
    const row: CaseRow = { ...draft, case_no: caseNo };
    // what nothing in this transaction reads back goes to the database as one statement, before commit
    const w = WriteBatch.on(trx);
    const eventId = await recordEvent(w, c, cfg, row, {
      type: 'report', to: 'reported',
      data: { channel: input.channel, routed: r.matched, assistOrgIds: r.assistOrgIds, gridReporter: row.reporter_user_id },
    });
    if (input.attachmentIds?.length) await linkAttachments(trx, c, row, input.attachmentIds, 'before', eventId);
    const deadlines = await openDeadlines(w, cfg, row, now, [
      { kind: 'register', orgId: community, due: { clock: sla.register_clock as never, amount: Number(sla.register_amount) }, warnFraction: Number(sla.warn_fraction) },
    ]);
    // smart dispatch: the suggestion for this report, and whether it makes a hot spot
    await afterIntake(w, c, cfg, row, place);
    await notify(w, now, [{ to: { orgId: community }, caseId: row.id, kind: 'case.new', key: 'notify.case_new', params: { caseNo, title: row.title } }]);
    await audit(c, { action: 'case.create', entityType: 'case', entityId: row.id, after: row, details: { caseNo, channel: input.channel, category } }, w);
    await w.flush();
    return {
      id: row.id, caseNo, status: row.status, category, gridId: row.grid_id, assignedOrgId: row.assigned_org_id,
      deadlines: deadlines.map((d) => ({ kind: d.kind, orgId: d.org_id, dueAt: d.due_at.toISOString(), state: 'open' })),
    };
  });
}

/** A title from the first sentence of the description when none is given. */
function summarize(description: string) {
  const first = description.trim().split(/[。！？!?\n]/)[0] ?? description;
  return [...first].slice(0, 40).join('');
}
