import { audit } from '../../platform/audit/index.ts';
import { inTransaction, type Ctx } from '../../platform/context.ts';
import { conflict, forbidden, invalid, notFound } from '../../platform/errors.ts';
import { decodeCursor, encodeCursor } from '../../platform/http/cursor.ts';
import { newId } from '../../platform/ids.ts';
import { requirePermission, requireResident, rowInScope, scopeOf, type Scope } from '../../platform/access/index.ts';
import type { RegionLevel } from '../../db/schema.ts';
import { maskPhone } from '../../platform/pii/index.ts';
import * as store from './store.ts';
import type { NoticeKind, ServiceCategory } from './tables.ts';

export const NOTICE_KINDS = ['announcement', 'finance', 'property_fee', 'maintenance_fund'] as const satisfies readonly NoticeKind[];
export const SERVICE_CATEGORIES = ['elderly', 'health', 'certificate', 'family', 'employment', 'other'] as const satisfies readonly ServiceCategory[];

// ── the resident's home ─────────────────────────────────────────────────────────────────────────

/**
 * The place whose notices and services the resident sees: the verified link made by community staff
 * (resident_account.resident_id → the resident record's compound), otherwise the compound the resident
 * declared. Null when neither is known.
 */
export async function homeOf(ctx: Ctx): Promise<(store.HomePlace & { verified: boolean }) | null> {
  const p = requireResident(ctx);
  const linked = p.residentId ? await store.linkedHome(ctx.db, p.residentId) : undefined;
  if (linked?.compound_id) {
    const place = await store.homePlace(ctx.db, linked.compound_id, linked.building_id);
    if (place) return { ...place, verified: true };
  }
  const declared = await store.declaredHome(ctx.db, p.id);
  if (!declared) return null;
  const place = await store.homePlace(ctx.db, declared.compound_id, declared.building_id);
  return place ? { ...place, verified: false } : null;
}

export async function setHome(ctx: Ctx, input: { compoundId: string; buildingId?: string }) {
  const p = requireResident(ctx);
  const compound = await store.findCompound(ctx.db, input.compoundId);
  if (!compound) throw invalid('compoundId', 'resident.place_unknown');
  if (input.buildingId) {
    const b = await store.findBuilding(ctx.db, input.buildingId);
    if (!b || b.compound_id !== compound.id) throw invalid('buildingId', 'resident.building_not_in_compound');
  }
  await inTransaction(ctx, async (trx, c) => {
    await store.upsertHome(trx, { account_id: p.id, compound_id: compound.id, building_id: input.buildingId ?? null, updated_at: ctx.platform.clock.now() });
    await audit(c, { action: 'resident_home.set', entityType: 'resident_account', entityId: p.id, details: { compoundId: compound.id, buildingId: input.buildingId ?? null } });
  });
  return homeOf(ctx);
}

// ---- progress messages by SMS (consent)

export async function mySettings(ctx: Ctx) {
  const p = requireResident(ctx);
  const row = await store.smsSettings(ctx.db, p.id);
  return { phone: maskPhone(ctx.platform.pii.decrypt(row.phone_enc)), smsOptIn: row.sms_opt_in, smsLanguage: row.sms_language, smsOptInAt: row.sms_opt_in_at };
}

/**
 * The resident's consent to progress messages (PIPL: given and withdrawn by the person, recorded in
 * the audit log). The language of the page at the moment of consent is the language of the messages.
 */
export async function setMySettings(ctx: Ctx, input: { smsOptIn: boolean }) {
  const p = requireResident(ctx);
  await inTransaction(ctx, async (trx, c) => {
    const before = await store.smsSettings(trx, p.id);
    const at = input.smsOptIn ? (before.sms_opt_in ? before.sms_opt_in_at : ctx.platform.clock.now()) : null;
    await store.setSmsSettings(trx, p.id, { sms_opt_in: input.smsOptIn, sms_language: ctx.lang, sms_opt_in_at: at });
    if (before.sms_opt_in !== input.smsOptIn || before.sms_language !== ctx.lang) {
      await audit(c, { action: input.smsOptIn ? 'resident_sms.opt_in' : 'resident_sms.opt_out', entityType: 'resident_account', entityId: p.id, details: { language: ctx.lang } });
    }
  });
  return mySettings(ctx);
}

export async function searchCompounds(ctx: Ctx, by: { q?: string; lat?: number; lng?: number }) {
  requireResident(ctx);
  const q = by.q?.trim();
  const near = by.lat !== undefined && by.lng !== undefined;
  if (!q && !near) throw invalid('q', 'validation.required');
  return store.searchCompounds(ctx.db, { q: q || undefined, lat: near ? by.lat : undefined, lng: near ? by.lng : undefined }, 20);
}

export async function buildingsOf(ctx: Ctx, compoundId: string) {
  requireResident(ctx);
  if (!(await store.findCompound(ctx.db, compoundId))) throw notFound();
  return store.listBuildings(ctx.db, compoundId);
}

// ── where staff publish ─────────────────────────────────────────────────────────────────────────

const PUBLISH_LEVELS: RegionLevel[] = ['city', 'district', 'street', 'community'];

interface Target { city_id: string; district_id: string | null; street_id: string | null; community_id: string | null; compound_id: string | null }

/** The region ids down to the target's own level; lower levels stay null (the notice is for the whole region). */
function cut(r: { level: RegionLevel; city_id: string | null; district_id: string | null; street_id: string | null; community_id: string | null; id: string }): Omit<Target, 'compound_id'> {
  const ids = { city_id: r.city_id ?? r.id, district_id: r.district_id, street_id: r.street_id, community_id: r.community_id };
  const depth = PUBLISH_LEVELS.indexOf(r.level);
  return {
    city_id: ids.city_id,
    district_id: depth >= 1 ? ids.district_id : null,
    street_id: depth >= 2 ? ids.street_id : null,
    community_id: depth >= 3 ? ids.community_id : null,
  };
}

/**
 * A region in the publisher's jurisdiction, or a compound there (or, for a property company or owners'
 * committee, a compound it manages); by default the publisher's own region.
 */
async function publishTarget(ctx: Ctx, scope: Scope, orgRegionId: string | null, input: { regionId?: string; compoundId?: string }, allowCompound: boolean): Promise<Target> {
  if (input.compoundId) {
    if (!allowCompound) throw invalid('compoundId', 'validation.additionalProperties');
    if (input.regionId) throw invalid('regionId', 'resident.one_target');
    const c = await store.findCompound(ctx.db, input.compoundId);
    const mine = c && (scope.kind === 'org' ? c.property_company_org_id === scope.orgId || c.owners_committee_org_id === scope.orgId : rowInScope(scope, c));
    if (!c || !mine) throw invalid('compoundId', 'resident.place_unknown');
    return { city_id: c.city_id, district_id: c.district_id, street_id: c.street_id, community_id: c.community_id, compound_id: c.id };
  }
  if (scope.kind === 'org') throw invalid('compoundId', 'validation.required');
  const regionId = input.regionId ?? orgRegionId;
  if (!regionId) throw invalid('regionId', 'validation.required');
  const r = await store.findRegion(ctx.db, regionId);
  if (!r || !rowInScope(scope, r)) throw invalid('regionId', 'resident.place_unknown');
  if (!PUBLISH_LEVELS.includes(r.level)) throw invalid('regionId', 'resident.region_level');
  return { ...cut(r), compound_id: null };
}

function publisher(ctx: Ctx, permission: string) {
  const p = requirePermission(ctx, permission);
  // what staff publish carries a person who answers for it; integrations do not publish
  if (p.kind !== 'user') throw forbidden('auth.staff_only');
  return p;
}

// ── notices ─────────────────────────────────────────────────────────────────────────────────────

export interface NoticeInput { kind: NoticeKind; title: string; body: string; important?: boolean; regionId?: string; compoundId?: string }

export async function publishNotice(ctx: Ctx, input: NoticeInput) {
  const p = publisher(ctx, 'notice.publish');
  const scope = scopeOf(ctx);
  const target = await publishTarget(ctx, scope, p.orgRegionId, input, true);
  // property companies and owners' committees publish what concerns the compounds they manage
  if (scope.kind === 'org' && !['property_fee', 'maintenance_fund', 'announcement'].includes(input.kind)) throw invalid('kind', 'resident.kind_not_allowed');
  const id = newId();
  await inTransaction(ctx, async (trx, c) => {
    await store.insertNotice(trx, { id, kind: input.kind, title: input.title, body: input.body, important: input.important ?? false, ...target, org_id: p.orgId, created_by: p.id, published_at: ctx.platform.clock.now() });
    await audit(c, { action: 'notice.publish', entityType: 'notice', entityId: id, details: { kind: input.kind, important: input.important ?? false, compoundId: target.compound_id } });
  });
  return { id };
}

export async function listNotices(ctx: Ctx, query: { cursor?: string; limit?: number }) {
  requirePermission(ctx, 'notice.publish');
  const limit = query.limit ?? 50;
  const rows = await store.listNoticesInScope(ctx.db, scopeOf(ctx), { before: query.cursor ? decodeCursor(query.cursor) : undefined, limit });
  return { items: rows, nextCursor: rows.length === limit ? encodeCursor(rows[limit - 1].published_at, rows[limit - 1].id) : null };
}

export async function getNotice(ctx: Ctx, id: string) {
  requirePermission(ctx, 'notice.publish');
  const n = await store.findNoticeInScope(ctx.db, scopeOf(ctx), id);
  if (!n) throw notFound();
  return n;
}

export async function withdrawNotice(ctx: Ctx, id: string, reason: string) {
  requirePermission(ctx, 'notice.publish');
  const scope = scopeOf(ctx);
  await inTransaction(ctx, async (trx, c) => {
    const n = await store.lockNoticeInScope(trx, scope, id);
    if (!n) throw notFound();
    if (n.withdrawn_at) throw conflict('ALREADY_WITHDRAWN', 'resident.already_withdrawn');
    await store.withdrawNotice(trx, id, ctx.platform.clock.now(), reason);
    await audit(c, { action: 'notice.withdraw', entityType: 'notice', entityId: id, details: { reason } });
  });
  return getNotice(ctx, id);
}

export async function myNotices(ctx: Ctx, query: { cursor?: string; limit?: number }) {
  const p = requireResident(ctx);
  const home = await homeOf(ctx);
  if (!home) return { home: null, items: [], nextCursor: null };
  const limit = query.limit ?? 30;
  const rows = await store.listNoticesForHome(ctx.db, home, p.id, ctx.platform.clock.now(), { before: query.cursor ? decodeCursor(query.cursor) : undefined, limit });
  return { home, items: rows, nextCursor: rows.length === limit ? encodeCursor(rows[limit - 1].published_at, rows[limit - 1].id) : null };
}

/** A read receipt; reading twice keeps the first time. A notice not published to the resident's home is not found. */
export async function markRead(ctx: Ctx, id: string) {
  const p = requireResident(ctx);
  const home = await homeOf(ctx);
  const now = ctx.platform.clock.now();
  const n = home ? await store.findNoticeForHome(ctx.db, home, p.id, now, id) : undefined;
  if (!n) throw notFound();
  await inTransaction(ctx, async (trx, c) => {
    if (await store.insertRead(trx, id, p.id, now)) await audit(c, { action: 'notice.read', entityType: 'notice', entityId: id });
  });
}

// ── the service menu ────────────────────────────────────────────────────────────────────────────

export interface ServiceItemInput { category: ServiceCategory; name: string; description: string; contactPhone?: string; hours?: string; sortOrder?: number; regionId?: string }

export async function createServiceItem(ctx: Ctx, input: ServiceItemInput) {
  const p = publisher(ctx, 'service.publish');
  const target = await publishTarget(ctx, scopeOf(ctx), p.orgRegionId, input, false);
  const id = newId();
  const now = ctx.platform.clock.now();
  const { compound_id: _none, ...region } = target;
  await inTransaction(ctx, async (trx, c) => {
    await store.insertServiceItem(trx, {
      id, category: input.category, name: input.name, description: input.description, contact_phone: input.contactPhone ?? null, hours: input.hours ?? null,
      ...region, org_id: p.orgId, created_by: p.id, sort_order: input.sortOrder ?? 0, created_at: now, updated_at: now,
    });
    await audit(c, { action: 'service_item.create', entityType: 'service_item', entityId: id, details: { category: input.category } });
  });
  return { id };
}

export async function listServiceItems(ctx: Ctx) {
  requirePermission(ctx, 'service.publish');
  return store.listServiceItemsInScope(ctx.db, scopeOf(ctx));
}

export async function updateServiceItem(ctx: Ctx, id: string, input: Partial<Omit<ServiceItemInput, 'regionId'>> & { active?: boolean }) {
  requirePermission(ctx, 'service.publish');
  const scope = scopeOf(ctx);
  await inTransaction(ctx, async (trx, c) => {
    if (!(await store.findServiceItemInScope(trx, scope, id, true))) throw notFound();
    await store.updateServiceItem(trx, id, {
      category: input.category, name: input.name, description: input.description, contact_phone: input.contactPhone, hours: input.hours,
      sort_order: input.sortOrder, active: input.active, updated_at: ctx.platform.clock.now(),
    });
    await audit(c, { action: 'service_item.update', entityType: 'service_item', entityId: id, details: { fields: Object.keys(input) } });
  });
  return (await store.findServiceItemInScope(ctx.db, scope, id))!;
}

export async function myServices(ctx: Ctx) {
  requireResident(ctx);
  const home = await homeOf(ctx);
  return { home, items: home ? await store.listServiceItemsForHome(ctx.db, home) : [] };
}
