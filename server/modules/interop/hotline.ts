import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { audit } from '../../platform/audit/index.ts';
import { canonicalJson } from '../../platform/audit/canonical.ts';
import { inScope, requirePermission, rowInScope, scopeOf } from '../../platform/access/index.ts';
import { inTransaction, type Ctx, type IntegrationPrincipal, type UserPrincipal } from '../../platform/context.ts';
import { AppError, conflict, forbidden, invalid, notFound } from '../../platform/errors.ts';
import { t } from '../../platform/i18n/index.ts';
import { newId } from '../../platform/ids.ts';
import { createCase } from '../cases/intake.ts';
import { getConfig } from '../cases/config.ts';
import { currentClassifier } from '../dispatch/service.ts';
import { readRows, sniffFormat } from '../registry/imports/readers.ts';
import { buildingByAddress, filingAs, regionIdsOfOrg } from './common.ts';
import { verify } from './signature.ts';

/** A work order (工单) as the hotline hands it over. */
export interface HotlineOrder {
  orderNo: string;
  receivedAt: string;
  caller?: { name?: string; phone?: string };
  address: string;
  lat?: number;
  lng?: number;
  /** the community (12-digit code) the hotline addressed the order to, when it did */
  regionCode?: string;
  content: string;
  category: string;
  deadline?: string;
  urgency?: 'normal' | 'urgent';
}

export interface Received {
  orderNo: string;
  caseId: string;
  caseNo: string;
  category: string;
  categoryMapped: boolean;
  needsReview: boolean;
  duplicate: boolean;
}

type Link = { id: string; default_community_id: string | null };

const hashOf = (o: HotlineOrder) => createHash('sha256').update(canonicalJson(o as never)).digest('hex');

async function existing(ctx: Ctx, o: HotlineOrder, hash: string, source: 'push' | 'import'): Promise<Received | null> {
  const row = await ctx.db
    .selectFrom('hotline_order as h').innerJoin('cases as c', 'c.id', 'h.case_id')
    .select(['h.order_no', 'h.case_id', 'c.case_no', 'c.category', 'h.category_mapped', 'h.needs_review', 'h.request_hash'])
    .where('h.order_no', '=', o.orderNo).executeTakeFirst();
  if (!row) return null;
  // a pushed order sent again with other content is not a retry: the hotline has a problem we must not
  // hide; an export carries fewer fields in other formats, so there the number alone decides
  if (source === 'push' && row.request_hash !== hash) throw conflict('ORDER_CONFLICT', 'interop.order_conflict', { orderNo: o.orderNo });
  return { orderNo: row.order_no, caseId: row.case_id, caseNo: row.case_no, category: row.category, categoryMapped: row.category_mapped, needsReview: row.needs_review, duplicate: true };
}

/** The taxonomy code for a hotline category: the mapping table, else the classifier (flagged for a dispatcher). */
async function categoryFor(ctx: Ctx, o: HotlineOrder): Promise<{ code: string; mapped: boolean }> {
  const m = await ctx.db.selectFrom('hotline_category_map as m').innerJoin('taxonomy as t', 't.code', 'm.category')
    .select('m.category').where('m.hotline_category', '=', o.category.trim()).where('t.active', '=', true).executeTakeFirst();
  if (m) return { code: m.category, mapped: true };
  const { classifier } = await currentClassifier(ctx.platform);
  const [best] = classifier.classify(`${o.category} ${o.content}`, 1);
  const cfg = await getConfig(ctx.platform, ctx.db);
  const code = [best?.subCategory, best?.category].find((c) => c && cfg.categories.get(c)?.active) ?? 'other';
  return { code, mapped: false };
}

/** The committee org of a community, given its region code; only communities inside the caller's reach. */
async function communityOrg(ctx: Ctx, regionId: string): Promise<string> {
  const cfg = await getConfig(ctx.platform, ctx.db);
  const org = cfg.regionOrg.get(regionId);
  if (!org) throw invalid('regionCode', 'interop.unknown_community');
  return org;
}

/**
 * Turns an order into a case, once per order number: a second push or import of the same order
 * answers with the first case. Place: coordinates, else the building with exactly that address,
 * else the community the hotline named, else the link's landing community (flagged for review).
 */
export async function receiveOrder(ctx: Ctx, filer: IntegrationPrincipal | UserPrincipal, link: Link | null, o: HotlineOrder, source: 'push' | 'import'): Promise<Received> {
  const hash = hashOf(o);
  const before = await existing(ctx, o, hash, source);
  if (before) return before;
  if ((o.lat === undefined) !== (o.lng === undefined)) throw invalid(o.lat === undefined ? 'lat' : 'lng', 'validation.required');
  const receivedAt = new Date(o.receivedAt);
  const deadline = o.deadline ? new Date(o.deadline) : null;
  if (Number.isNaN(receivedAt.getTime())) throw invalid('receivedAt', 'validation.invalid');
  if (deadline && Number.isNaN(deadline.getTime())) throw invalid('deadline', 'validation.invalid');
  const category = await categoryFor(ctx, o);
  let place: { location?: { lat: number; lng: number; address: string }; buildingId?: string; orgId?: string } = {};
  let fallback = false;
  if (o.lat !== undefined && o.lng !== undefined) place = { location: { lat: o.lat, lng: o.lng, address: o.address } };
  else {
    const b = await buildingByAddress(ctx.db, o.address);
    if (b) place = { buildingId: b };
    else if (o.regionCode) {
      const r = await ctx.db.selectFrom('region').select(['id', 'level', 'city_id', 'district_id', 'street_id', 'community_id', 'grid_id']).where('code', '=', o.regionCode).executeTakeFirst();
      if (!r || r.level !== 'community' || !rowInScope(filer.scope, r)) throw invalid('regionCode', 'interop.unknown_community');
      place = { orgId: await communityOrg(ctx, r.id) };
    } else if (link?.default_community_id) {
      place = { orgId: await communityOrg(ctx, link.default_community_id) };
      fallback = true;
    } else throw invalid('address', 'interop.cannot_place');
  }
  const principal = filer.kind === 'integration' ? filingAs(filer, place.orgId) : { ...filer, orgId: place.orgId ?? filer.orgId, gridId: place.orgId ? null : filer.gridId };
  const now = ctx.platform.clock.now();
  try {
    return await inTransaction(ctx, async (trx, c) => {
      const created = await createCase({ ...c, principal }, {
        description: o.content, category: category.code, channel: 'hotline_12345', type: 'complaint', priority: o.urgency ?? 'normal',
        ...(place.location ? { location: place.location } : place.buildingId ? { buildingId: place.buildingId, location: undefined } : {}),
        ...(o.caller?.name || o.caller?.phone ? { reporter: { ...(o.caller.name ? { name: o.caller.name } : {}), ...(o.caller.phone ? { phone: o.caller.phone } : {}) } } : {}),
      });
      const cs = await trx.selectFrom('cases').select(['city_id', 'district_id', 'street_id', 'community_id', 'grid_id', 'address']).where('id', '=', created.id).executeTakeFirstOrThrow();
      if (!cs.address && !place.location) await trx.updateTable('cases').set({ address: o.address }).where('id', '=', created.id).execute();
      const needsReview = !category.mapped || fallback;
      await trx.insertInto('hotline_order').values({
        order_no: o.orderNo, link_id: link?.id ?? null, case_id: created.id, source, request_hash: hash, hotline_category: o.category.trim(),
        category_mapped: category.mapped, needs_review: needsReview, reviewed_by: null, received_at: receivedAt, hotline_deadline: deadline,
        urgency: o.urgency ?? 'normal', city_id: cs.city_id, district_id: cs.district_id, street_id: cs.street_id, community_id: cs.community_id, grid_id: cs.grid_id, created_at: now,
      }).execute();
      await audit(c, { action: 'hotline.order', entityType: 'case', entityId: created.id, details: { orderNo: o.orderNo, source, categoryMapped: category.mapped, placedByFallback: fallback } });
      return { orderNo: o.orderNo, caseId: created.id, caseNo: created.caseNo, category: created.category, categoryMapped: category.mapped, needsReview, duplicate: false };
    });
  } catch (e) {
    // the same order pushed twice at once: the other request made the case
    if ((e as { code?: string }).code === '23505') {
      const winner = await existing(ctx, o, hash, source);
      if (winner) return winner;
    }
    throw e;
  }
}

// ---- push

/** The live link an integration token pushes through, or 403. */
export async function linkOf(ctx: Ctx, p: IntegrationPrincipal) {
  const link = await ctx.db.selectFrom('hotline_link').select(['id', 'secret_enc', 'default_community_id', 'active']).where('api_token_id', '=', p.id).executeTakeFirst();
  if (!link || !link.active) throw forbidden('interop.no_link');
  return link;
}

/** POST /api/interop/hotline/orders: the signature over timestamp + raw body, then the order. */
export async function pushOrder(ctx: Ctx, raw: string, headers: { timestamp?: string; signature?: string }, order: HotlineOrder) {
  const p = requirePermission(ctx, 'hotline.push');
  if (p.kind !== 'integration') throw forbidden('interop.no_link');
  const link = await linkOf(ctx, p);
  const problem = verify(ctx.platform.pii.decrypt(link.secret_enc), headers.timestamp, headers.signature, raw, ctx.platform.clock.now());
  if (problem) throw new AppError(401, 'BAD_SIGNATURE', problem === 'stale' ? 'interop.stale_signature' : 'interop.bad_signature');
  return receiveOrder(ctx, p, link, order, 'push');
}

// ---- batch import (xlsx or csv exported from the hotline platform)

const HEADERS: Record<keyof Omit<HotlineOrder, 'caller'> | 'callerName' | 'callerPhone', string[]> = {
  orderNo: ['工单编号', '工单号', 'orderno'], receivedAt: ['受理时间', '来电时间', 'receivedat'], callerName: ['来电人', '诉求人', 'callername'],
  callerPhone: ['联系电话', '来电号码', 'callerphone'], address: ['地址', '事发地址', 'address'], content: ['诉求内容', '工单内容', 'content'],
  category: ['诉求分类', '热线分类', 'category'], deadline: ['办理时限', '截止时间', 'deadline'], urgency: ['紧急程度', 'urgency'],
  lng: ['经度', 'lng'], lat: ['纬度', 'lat'], regionCode: ['社区编码', 'regioncode'],
};
const REQUIRED = ['orderNo', 'receivedAt', 'address', 'content', 'category'] as const;
export const MAX_IMPORT_ROWS = 2000;

export interface ImportProblem {
  row: number;
  orderNo: string | null;
  field: string | null;
  message: string;
}

/** Hotline time as exported: "2026-07-11 09:30[:00]" (local time) or ISO 8601. */
function parseTime(v: string, tz: string): string | null {
  const m = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(v.trim());
  if (m && tz === 'Asia/Shanghai') {
    const [, y, mo, d, h, mi, s] = m;
    return `${y}-${mo.padStart(2, '0')}-${d.padStart(2, '0')}T${h.padStart(2, '0')}:${mi}:${s ?? '00'}+08:00`;
  }
  return Number.isNaN(Date.parse(v)) ? null : new Date(v).toISOString();
}

/**
 * Imports a hotline export for districts without a live link: each row its own transaction (a bad
 * row does not undo the good ones), orders already in Linli are counted as duplicates, and the
 * report names row, field and problem for everything that was not imported.
 */
export async function importOrders(ctx: Ctx, bytes: Buffer) {
  const user = requirePermission(ctx, 'interop.admin');
  if (user.kind !== 'user') throw forbidden();
  const format = sniffFormat(bytes.subarray(0, 8));
  if (!format || bytes.length === 0) throw new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', 'registry.import_format');
  const problems: ImportProblem[] = [];
  let rows = 0, created = 0, duplicates = 0;
  let columns: Partial<Record<keyof typeof HEADERS, number>> | null = null;
  const tz = ctx.platform.config.timeZone;
  for await (const r of readRows(() => Readable.from([bytes]), format)) {
    if (!columns) {
      const norm = r.cells.map((h) => h.trim().toLowerCase().replace(/\s+/g, ''));
      columns = Object.fromEntries(Object.entries(HEADERS).map(([k, names]) => [k, norm.findIndex((h) => names.includes(h))]).filter(([, i]) => (i as number) >= 0));
      const missing = REQUIRED.filter((k) => columns![k] === undefined);
      if (missing.length) throw invalid('file', 'interop.import_columns', { columns: missing.map((k) => HEADERS[k][0]).join('、') });
      continue;
    }
    if (++rows > MAX_IMPORT_ROWS) throw invalid('file', 'interop.import_too_many', { max: MAX_IMPORT_ROWS });
    const cell = (k: keyof typeof HEADERS) => (columns![k] !== undefined ? (r.cells[columns![k]!] ?? '').trim() : '');
    const orderNo = cell('orderNo') || null;
    try {
      const fields: Record<string, string> = {};
      for (const k of REQUIRED) if (!cell(k)) fields[k] = t(ctx.lang, 'validation.required');
      if (orderNo && !/^[A-Za-z0-9_-]{1,64}$/.test(orderNo)) fields.orderNo = t(ctx.lang, 'validation.pattern');
      const receivedAt = parseTime(cell('receivedAt'), tz);
      if (cell('receivedAt') && !receivedAt) fields.receivedAt = t(ctx.lang, 'validation.invalid');
      const deadline = cell('deadline') ? parseTime(cell('deadline'), tz) : undefined;
      if (deadline === null) fields.deadline = t(ctx.lang, 'validation.invalid');
      const [lat, lng] = [cell('lat'), cell('lng')].map((v) => (v === '' ? undefined : Number(v)));
      if ([lat, lng].some((v) => v !== undefined && !Number.isFinite(v))) fields.lat = t(ctx.lang, 'validation.invalid');
      if (cell('content').length > 2000) fields.content = t(ctx.lang, 'validation.invalid');
      const bad = Object.entries(fields);
      if (bad.length) {
        problems.push(...bad.map(([field, message]) => ({ row: r.row, orderNo, field, message })));
        continue;
      }
      const res = await receiveOrder(ctx, user, null, {
        orderNo: orderNo!, receivedAt: receivedAt!, address: cell('address'), content: cell('content'), category: cell('category'),
        ...(deadline ? { deadline } : {}), ...(lat !== undefined && lng !== undefined ? { lat, lng } : {}),
        ...(cell('regionCode') ? { regionCode: cell('regionCode') } : {}),
        urgency: /紧急|急|urgent/i.test(cell('urgency')) && !/不紧急|一般/.test(cell('urgency')) ? 'urgent' : 'normal',
        ...(cell('callerName') || cell('callerPhone') ? { caller: { ...(cell('callerName') ? { name: cell('callerName').slice(0, 50) } : {}), ...(cell('callerPhone') ? { phone: cell('callerPhone') } : {}) } } : {}),
      }, 'import');
      if (res.duplicate) duplicates++;
      else created++;
    } catch (e) {
      if (!(e instanceof AppError) || e.status >= 500) throw e;
      const fields = Object.entries(e.fields ?? {});
      if (fields.length) problems.push(...fields.map(([field, v]) => ({ row: r.row, orderNo, field, message: typeof v === 'string' ? v : t(ctx.lang, v.key, v.params) })));
      else problems.push({ row: r.row, orderNo, field: null, message: t(ctx.lang, e.key, e.params) });
    }
  }
  if (!columns) throw invalid('file', 'interop.import_columns', { columns: REQUIRED.map((k) => HEADERS[k][0]).join('、') });
  await audit(ctx, { action: 'hotline.import', entityType: 'hotline_import', entityId: newId(), details: { rows, created, duplicates, problems: problems.length } });
  return { rows, created, duplicates, failed: new Set(problems.map((p) => p.row)).size, problems: problems.slice(0, 1000) };
}

// ---- administration: links, the category mapping, orders to review

export async function createLink(ctx: Ctx, input: { name: string; tokenId: string; callbackUrl?: string; defaultCommunityId: string }) {
  const user = requirePermission(ctx, 'interop.admin');
  if (user.kind !== 'user') throw forbidden();
  const scope = scopeOf(ctx);
  const token = await ctx.db.selectFrom('api_token').select(['id', 'org_id', 'scopes', 'revoked_at']).where('id', '=', input.tokenId).executeTakeFirst();
  const tokenRegion = token ? await regionIdsOfOrg(ctx.db, token.org_id) : null;
  if (!token || token.revoked_at || !(rowInScope(scope, tokenRegion!) || (scope.kind === 'org' && scope.orgId === token.org_id))) throw invalid('tokenId', 'error.not_found');
  if (!token.scopes.includes('hotline.push')) throw invalid('tokenId', 'interop.token_needs_push');
  const community = await ctx.db.selectFrom('region').select(['id', 'level', 'city_id', 'district_id', 'street_id', 'community_id', 'grid_id']).where('id', '=', input.defaultCommunityId).executeTakeFirst();
  if (!community || community.level !== 'community' || !rowInScope(scope, community)) throw invalid('defaultCommunityId', 'interop.unknown_community');
  if (input.callbackUrl) checkUrl(input.callbackUrl);
  const secret = randomBytes(32).toString('base64url');
  const id = newId();
  await inTransaction(ctx, async (trx, c) => {
    const taken = await trx.selectFrom('hotline_link').select('id').where('api_token_id', '=', token.id).executeTakeFirst();
    if (taken) throw conflict('LINK_EXISTS', 'interop.link_exists');
    await trx.insertInto('hotline_link').values({
      id, name: input.name, api_token_id: token.id, secret_enc: ctx.platform.pii.encrypt(secret), callback_url: input.callbackUrl ?? null,
      default_community_id: community.id, ...tokenRegion!, active: true, created_at: ctx.platform.clock.now(), created_by: user.id,
    }).execute();
    await audit(c, { action: 'hotline.link_create', entityType: 'hotline_link', entityId: id, details: { name: input.name, tokenId: token.id, callbackUrl: input.callbackUrl ?? null } });
  });
  return { id, signingSecret: secret };
}

function checkUrl(url: string) {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw invalid('callbackUrl', 'validation.invalid');
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw invalid('callbackUrl', 'validation.invalid');
}

const linkInScope = (ctx: Ctx) => ctx.db.selectFrom('hotline_link as l').where((eb) => inScope(eb, scopeOf(ctx), { regionOf: 'l' }));

export async function listLinks(ctx: Ctx) {
  requirePermission(ctx, 'interop.admin');
  const rows = await linkInScope(ctx).innerJoin('api_token as t', 't.id', 'l.api_token_id')
    .select(['l.id', 'l.name', 'l.api_token_id', 't.name as token_name', 'l.callback_url', 'l.default_community_id', 'l.active', 'l.created_at'])
    .orderBy('l.created_at').execute();
  return rows.map((l) => ({ id: l.id, name: l.name, tokenId: l.api_token_id, tokenName: l.token_name, callbackUrl: l.callback_url, defaultCommunityId: l.default_community_id, active: l.active, createdAt: new Date(l.created_at).toISOString() }));
}

export async function updateLink(ctx: Ctx, id: string, patch: { callbackUrl?: string | null; active?: boolean }) {
  requirePermission(ctx, 'interop.admin');
  if (patch.callbackUrl) checkUrl(patch.callbackUrl);
  const link = await linkInScope(ctx).select('l.id').where('l.id', '=', id).executeTakeFirst();
  if (!link) throw notFound();
  await inTransaction(ctx, async (trx, c) => {
    await trx.updateTable('hotline_link').set({ ...(patch.callbackUrl !== undefined ? { callback_url: patch.callbackUrl } : {}), ...(patch.active !== undefined ? { active: patch.active } : {}) }).where('id', '=', id).execute();
    await audit(c, { action: 'hotline.link_update', entityType: 'hotline_link', entityId: id, details: patch });
  });
  return (await listLinks(ctx)).find((l) => l.id === id)!;
}

export async function listCategoryMap(ctx: Ctx) {
  requirePermission(ctx, 'interop.admin');
  const rows = await ctx.db.selectFrom('hotline_category_map').selectAll().orderBy('hotline_category').execute();
  return rows.map((r) => ({ hotlineCategory: r.hotline_category, category: r.category, updatedAt: new Date(r.updated_at).toISOString() }));
}

export async function setCategoryMapping(ctx: Ctx, hotlineCategory: string, category: string | null) {
  const user = requirePermission(ctx, 'interop.admin');
  const key = hotlineCategory.trim();
  if (!key) throw invalid('hotlineCategory', 'validation.required');
  if (category !== null) {
    const cfg = await getConfig(ctx.platform, ctx.db);
    if (!cfg.categories.get(category)?.active) throw invalid('category', 'cases.unknown_category');
  }
  await inTransaction(ctx, async (trx, c) => {
    const before = await trx.selectFrom('hotline_category_map').selectAll().where('hotline_category', '=', key).executeTakeFirst();
    if (category === null) {
      if (!before) throw notFound();
      await trx.deleteFrom('hotline_category_map').where('hotline_category', '=', key).execute();
    } else {
      const row = { hotline_category: key, category, updated_at: ctx.platform.clock.now(), updated_by: user.kind === 'user' ? user.id : null };
      await trx.insertInto('hotline_category_map').values(row).onConflict((oc) => oc.column('hotline_category').doUpdateSet({ category, updated_at: row.updated_at, updated_by: row.updated_by })).execute();
    }
    await audit(c, { action: 'hotline.category_map', entityType: 'hotline_category_map', entityId: key, before, details: { category } });
  });
}

const ORDER_REGION = { regionOf: 'h' };
export async function listOrders(ctx: Ctx, q: { needsReview?: boolean; limit?: number }) {
  requirePermission(ctx, 'case.read');
  let query = ctx.db.selectFrom('hotline_order as h').innerJoin('cases as c', 'c.id', 'h.case_id')
    .select(['h.order_no', 'h.case_id', 'c.case_no', 'c.status', 'c.category', 'h.hotline_category', 'h.category_mapped', 'h.needs_review', 'h.source', 'h.received_at', 'h.hotline_deadline', 'h.urgency'])
    .where((eb) => inScope(eb, scopeOf(ctx), ORDER_REGION))
    .orderBy('h.created_at', 'desc').limit(q.limit ?? 100);
  if (q.needsReview !== undefined) query = query.where('h.needs_review', '=', q.needsReview);
  return (await query.execute()).map((r) => ({
    orderNo: r.order_no, caseId: r.case_id, caseNo: r.case_no, status: r.status, category: r.category, hotlineCategory: r.hotline_category,
    categoryMapped: r.category_mapped, needsReview: r.needs_review, source: r.source, receivedAt: new Date(r.received_at).toISOString(),
    hotlineDeadline: r.hotline_deadline ? new Date(r.hotline_deadline).toISOString() : null, urgency: r.urgency,
  }));
}

/** A dispatcher has checked the category and place of a flagged order. */
export async function markReviewed(ctx: Ctx, caseId: string) {
  const user = requirePermission(ctx, 'case.register');
  await inTransaction(ctx, async (trx, c) => {
    const row = await trx.selectFrom('hotline_order as h').select(['h.order_no', 'h.needs_review']).where('h.case_id', '=', caseId)
      .where((eb) => inScope(eb, scopeOf(ctx), ORDER_REGION)).forUpdate().executeTakeFirst();
    if (!row) throw notFound();
    if (!row.needs_review) throw conflict('ILLEGAL_TRANSITION', 'interop.not_flagged');
    await trx.updateTable('hotline_order').set({ needs_review: false, reviewed_by: user.kind === 'user' ? user.id : null }).where('order_no', '=', row.order_no).execute();
    await audit(c, { action: 'hotline.reviewed', entityType: 'case', entityId: caseId, details: { orderNo: row.order_no } });
  });
}
