import { randomBytes } from 'node:crypto';
import { audit } from '../../platform/audit/index.ts';
import { requirePermission, scopeOf } from '../../platform/access/index.ts';
import { inTransaction, type Ctx, type IntegrationPrincipal } from '../../platform/context.ts';
import { AppError, badRequest, conflict, forbidden, invalid, notFound } from '../../platform/errors.ts';
import { t, type Lang } from '../../platform/i18n/index.ts';
import { newId } from '../../platform/ids.ts';
import { createCase, type IntakeInput } from '../cases/intake.ts';
import { parsePhone } from '../../platform/pii/index.ts';
import { buildingByAddress, filingAs, isoWithZone, regionIdsOfOrg } from './common.ts';
import * as store from './store.ts';

/** Case states an Open311 client sees as closed; every other state is open. */
export const CLOSED_STATES = ['closed', 'evaluated', 'rejected', 'merged'];
const OPEN311_SCOPE = 'open311';
export const MAX_RESULTS = 1000;

const col = (lang: Lang) => (lang === 'en' ? 'en' : lang === 'zh-TW' ? 'zh_tw' : 'zh_cn');

/** jurisdiction_id: the code of a city or district in the registry; unknown is a 404. */
export async function jurisdiction(ctx: Ctx, id: string | undefined) {
  if (id === undefined) return null;
  const r = await store.regionByCode(ctx.db, id);
  if (!r || (r.level !== 'city' && r.level !== 'district')) throw notFound('interop.unknown_jurisdiction');
  return r;
}

export async function listServices(ctx: Ctx) {
  const c = col(ctx.lang);
  return (await store.services(ctx.db)).map((s) => ({
    service_code: s.code,
    service_name: s[`name_${c}`],
    description: s[`description_${c}`] || null,
    metadata: s.has_attributes,
    type: 'realtime' as const,
    keywords: s.keywords.length ? s.keywords.join(',') : null,
    group: s[`group_${c}`],
  }));
}

export async function serviceDefinition(ctx: Ctx, code: string) {
  const [s] = await store.services(ctx.db, code);
  if (!s) throw notFound('interop.unknown_service');
  const attrs = await store.attributes(ctx.db, code);
  return {
    service_code: code,
    attributes: attrs.map((a, i) => ({
      variable: true, code: a.code, datatype: a.datatype, required: a.required, datatype_description: a.datatype_description,
      order: i + 1, description: a.description,
      ...(a.values.length ? { values: a.values.map((v) => ({ key: v.key, name: v.name })) } : {}),
    })),
  };
}

/** api_key must be a live integration token holding the open311 scope (403 otherwise, as the spec says). */
export function requireApiKey(ctx: Ctx): IntegrationPrincipal {
  const p = ctx.principal;
  if (p.kind !== 'integration' || !p.scopes.includes(OPEN311_SCOPE)) throw forbidden('interop.api_key');
  return p;
}

export interface SubmitInput {
  service_code: string;
  lat?: string | number;
  long?: string | number;
  address_string?: string;
  address_id?: string;
  description?: string;
  media_url?: string;
  email?: string;
  first_name?: string;
  last_name?: string;
  phone?: string;
  device_id?: string;
  account_id?: string;
  attributes: Record<string, string[]>;
}

const coord = (v: string | number | undefined, field: string, limit: number) => {
  if (v === undefined || v === '') return undefined;
  const n = typeof v === 'number' ? v : /^-?\d{1,3}(\.\d{1,12})?$/.test(v) ? Number(v) : NaN;
  if (!Number.isFinite(n) || Math.abs(n) > limit) throw invalid(field, 'validation.invalid');
  return n;
};

/** The attribute answers checked against the service definition, as lines for the case description. */
async function attributeLines(ctx: Ctx, serviceCode: string, given: Record<string, string[]>): Promise<string[]> {
  const defs = await store.attributes(ctx.db, serviceCode);
  const byCode = new Map(defs.map((d) => [d.code, d]));
  for (const code of Object.keys(given)) if (!byCode.has(code)) throw invalid(`attribute[${code}]`, 'interop.unknown_attribute');
  const lines: string[] = [];
  for (const d of defs) {
    const values = (given[d.code] ?? []).map((v) => v.trim()).filter(Boolean);
    const field = `attribute[${d.code}]`;
    if (!values.length) {
      if (d.required) throw invalid(field, 'validation.required');
      continue;
    }
    if (d.datatype !== 'multivaluelist' && values.length > 1) throw invalid(field, 'validation.invalid');
    let shown = values;
    if (d.datatype === 'singlevaluelist' || d.datatype === 'multivaluelist') {
      const names = new Map(d.values.map((v) => [v.key, v.name]));
      if (values.some((v) => !names.has(v))) throw invalid(field, 'validation.enum', { values: [...names.keys()].join(', ') });
      shown = values.map((v) => names.get(v)!);
    } else if (d.datatype === 'number' && !/^-?\d+(\.\d+)?$/.test(values[0])) throw invalid(field, 'validation.invalid');
    else if (d.datatype === 'datetime' && Number.isNaN(Date.parse(values[0]))) throw invalid(field, 'validation.invalid');
    lines.push(`${d.description}：${shown.join('、')}`);
  }
  return lines;
}

/**
 * POST requests: an ordinary case (channel open311), routed and deadlined like any other. With only
 * an address Linli cannot find, the request waits for a dispatcher and the client gets a token.
 */
export async function submitRequest(ctx: Ctx, input: SubmitInput) {
  const p = requireApiKey(ctx);
  const [service] = await store.services(ctx.db, input.service_code);
  if (!service) throw notFound('interop.unknown_service');
  const lat = coord(input.lat, 'lat', 90);
  const lng = coord(input.long, 'long', 180);
  if ((lat === undefined) !== (lng === undefined)) throw invalid(lat === undefined ? 'lat' : 'long', 'validation.required');
  const address = input.address_string?.trim() || undefined;
  if (lat === undefined && !address && !input.address_id) throw badRequest({ lat: { key: 'interop.location_required' }, address_string: { key: 'interop.location_required' } });
  if (input.media_url && !/^https?:\/\/[^\s]+$/i.test(input.media_url)) throw invalid('media_url', 'validation.invalid');
  if (input.phone && !parsePhone(input.phone, true)) throw invalid('phone', 'pii.phone_invalid');
  if (input.email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(input.email)) throw invalid('email', 'validation.invalid');
  const lines = await attributeLines(ctx, input.service_code, input.attributes);
  const description = [input.description?.trim() || service[`name_${col(ctx.lang)}`], ...lines].join('\n');
  let buildingId: string | undefined;
  if (input.address_id) {
    const b = await ctx.db.selectFrom('building').select('id').where('id', '=', input.address_id).executeTakeFirst();
    if (!b) throw invalid('address_id', 'error.not_found');
    buildingId = b.id;
  } else if (lat === undefined && address) buildingId = (await buildingByAddress(ctx.db, address)) ?? undefined;
  const name = [...`${input.last_name ?? ''}${input.first_name ?? ''}`.trim()].slice(0, 50).join('');
  const who = { name: name || undefined, phone: input.phone, email: input.email, device_id: input.device_id };
  const reporterEnc = Object.values(who).some(Boolean) ? ctx.platform.pii.encrypt(JSON.stringify(who)) : null;
  const token = randomBytes(12).toString('base64url');
  const now = ctx.platform.clock.now();
  const notice = (caseNo: string) => t(ctx.lang, 'interop.open311_notice', { caseNo });
  const row = {
    id: newId(), token, api_token_id: p.id, service_code: input.service_code, description, address: address ?? null,
    media_url: input.media_url ?? null, reporter_enc: reporterEnc, account_id: input.account_id ?? null, created_at: now,
  };

  if (lat === undefined && !buildingId) {
    const region = await regionIdsOfOrg(ctx.db, p.orgId);
    await inTransaction(ctx, async (trx, c) => {
      await trx.insertInto('open311_request').values({ ...row, ...region, state: 'pending', case_id: null }).execute();
      await audit(c, { action: 'open311.pending', entityType: 'open311_request', entityId: row.id, details: { serviceCode: input.service_code } });
    });
    return [{ token, service_notice: t(ctx.lang, 'interop.open311_pending') }];
  }
  const intake: IntakeInput = {
    description, category: input.service_code, channel: 'open311', type: 'complaint',
    ...(lat !== undefined ? { location: { lat, lng: lng!, ...(address ? { address } : {}) } } : {}),
    ...(buildingId ? { buildingId } : {}),
    ...(name || input.phone ? { reporter: { ...(name ? { name } : {}), ...(input.phone ? { phone: input.phone } : {}) } } : {}),
  };
  return inTransaction(ctx, async (trx, c) => {
    const created = await createCase({ ...c, principal: filingAs(p) }, intake);
    await trx.insertInto('open311_request').values({ ...row, city_id: null, district_id: null, street_id: null, community_id: null, grid_id: null, state: 'registered', case_id: created.id, resolved_at: now }).execute();
    return [{ service_request_id: created.caseNo, service_notice: notice(created.caseNo), account_id: input.account_id ?? null }];
  });
}

export interface RequestQuery {
  service_request_id?: string;
  service_code?: string;
  start_date?: string;
  end_date?: string;
  status?: string;
  jurisdiction_id?: string;
}

const date = (v: string | undefined, field: string) => {
  if (v === undefined) return undefined;
  const d = new Date(v);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(v) || Number.isNaN(d.getTime())) throw invalid(field, 'validation.invalid');
  return d;
};
const list = (v: string | undefined) => (v === undefined ? undefined : v.split(',').map((x) => x.trim()).filter(Boolean));

/**
 * GET requests: Open311 requests only (cases that came in another way are not published), without
 * personal data. Without ids: the last 90 days unless dates are given, at most 1000, newest first.
 */
export async function queryRequests(ctx: Ctx, q: RequestQuery) {
  const region = await jurisdiction(ctx, q.jurisdiction_id);
  const ids = list(q.service_request_id);
  const statuses = q.status ? list(q.status)! : undefined;
  if (statuses?.some((s) => s !== 'open' && s !== 'closed')) throw invalid('status', 'validation.enum', { values: 'open, closed' });
  let from = date(q.start_date, 'start_date');
  const to = date(q.end_date, 'end_date');
  if (from && to && from > to) throw invalid('end_date', 'validation.invalid');
  if (!ids && !from) from = new Date((to ?? ctx.platform.clock.now()).getTime() - 90 * 86_400_000);
  const wanted = statuses && statuses.length === 1 ? statuses[0] : null;
  const rows = await store.open311Cases(ctx.db, {
    ids, serviceCodes: list(q.service_code), from, to, limit: MAX_RESULTS,
    statuses: wanted === null ? undefined : wanted === 'closed' ? CLOSED_STATES : ALL_STATES.filter((s) => !CLOSED_STATES.includes(s)),
    region: region ? { level: region.level, id: region.id } : undefined,
  });
  return presentRequests(ctx, rows);
}

const ALL_STATES = ['reported', 'registered', 'dispatched', 'accepted', 'handled', 'verified', 'closed', 'evaluated', 'parked', 'merged', 'rejected'];

export async function getRequest(ctx: Ctx, caseNo: string, jurisdictionId?: string) {
  const region = await jurisdiction(ctx, jurisdictionId);
  const rows = await store.open311Cases(ctx.db, { ids: [caseNo], limit: 1, region: region ? { level: region.level, id: region.id } : undefined });
  if (!rows.length) throw notFound('interop.unknown_request');
  return presentRequests(ctx, rows);
}

async function presentRequests(ctx: Ctx, rows: Awaited<ReturnType<typeof store.open311Cases>>) {
  const c = col(ctx.lang);
  const names = new Map((await store.services(ctx.db)).map((s) => [s.code, s[`name_${c}`]]));
  const tz = ctx.platform.config.timeZone;
  return rows.map((r) => {
    const closed = CLOSED_STATES.includes(r.status);
    return {
      service_request_id: r.case_no,
      status: closed ? ('closed' as const) : ('open' as const),
      status_notes: t(ctx.lang, `case.status.${r.status}`),
      service_name: names.get(r.category) ?? null,
      service_code: r.category,
      description: [...r.description].slice(0, 4000).join(''),
      agency_responsible: r.agency,
      service_notice: null,
      requested_datetime: isoWithZone(r.reported_at, tz)!,
      updated_datetime: isoWithZone(r.updated_at, tz),
      expected_datetime: closed ? null : isoWithZone(r.handle_due_at, tz),
      address: r.address,
      address_id: r.building_id,
      zipcode: null,
      lat: r.lat,
      long: r.lng,
      media_url: r.media_url,
    };
  });
}

export async function tokenStatus(ctx: Ctx, token: string, jurisdictionId?: string) {
  await jurisdiction(ctx, jurisdictionId);
  const r = await store.requestByToken(ctx.db, token);
  if (!r) throw notFound('interop.unknown_token');
  return [{ service_request_id: r.case_no ?? null, token: r.token }];
}

// ---- dispatchers: requests waiting for a place

export async function listPending(ctx: Ctx) {
  requirePermission(ctx, 'interop.admin');
  return (await store.pendingRequests(ctx.db, scopeOf(ctx))).map((r) => ({
    id: r.id, token: r.token, serviceCode: r.service_code, description: r.description, address: r.address, mediaUrl: r.media_url,
    client: r.client, createdAt: new Date(r.created_at).toISOString(),
  }));
}

/** A dispatcher says where a waiting request is (a building or a point): it becomes a case. */
export async function placePending(ctx: Ctx, id: string, place: { buildingId?: string; location?: { lat: number; lng: number } }) {
  const user = requirePermission(ctx, 'interop.admin');
  if (!place.buildingId === !place.location) throw invalid('buildingId', 'interop.place_one');
  return inTransaction(ctx, async (trx, c) => {
    const r = await store.lockPending(trx, scopeOf(ctx), id);
    if (!r) throw notFound();
    if (r.state !== 'pending') throw conflict('ILLEGAL_TRANSITION', 'interop.not_pending');
    const filer: IntegrationPrincipal = { kind: 'integration', id: r.api_token_id, name: r.token_name, tokenKind: r.token_kind, scopes: r.scopes, orgId: r.org_id, scope: { kind: 'org', orgId: r.org_id } };
    const who = r.reporter_enc ? (JSON.parse(ctx.platform.pii.decrypt(r.reporter_enc)) as { name?: string; phone?: string }) : {};
    const created = await createCase({ ...c, principal: filingAs(filer) }, {
      description: r.description, category: r.service_code, channel: 'open311', type: 'complaint',
      ...(who.name || who.phone ? { reporter: { ...(who.name ? { name: who.name } : {}), ...(who.phone ? { phone: who.phone } : {}) } } : {}),
      ...(place.buildingId ? { buildingId: place.buildingId } : { location: { ...place.location!, ...(r.address ? { address: r.address } : {}) } }),
    });
    await trx.updateTable('open311_request').set({ state: 'registered', case_id: created.id, resolved_at: ctx.platform.clock.now(), resolved_by: user.id }).where('id', '=', id).execute();
    await audit(c, { action: 'open311.place', entityType: 'open311_request', entityId: id, details: { caseId: created.id, caseNo: created.caseNo } });
    return { caseId: created.id, caseNo: created.caseNo };
  });
}

export async function rejectPending(ctx: Ctx, id: string, reason: string) {
  const user = requirePermission(ctx, 'interop.admin');
  await inTransaction(ctx, async (trx, c) => {
    const r = await store.lockPending(trx, scopeOf(ctx), id);
    if (!r) throw notFound();
    if (r.state !== 'pending') throw conflict('ILLEGAL_TRANSITION', 'interop.not_pending');
    await trx.updateTable('open311_request').set({ state: 'rejected', resolved_at: ctx.platform.clock.now(), resolved_by: user.id }).where('id', '=', id).execute();
    await audit(c, { action: 'open311.reject', entityType: 'open311_request', entityId: id, details: { reason } });
  });
}

/** What an error becomes in Open311 terms: a missing or bad api_key is 403, as the specification says. */
export function open311Status(e: AppError) {
  return e.status === 401 ? 403 : e.status;
}
