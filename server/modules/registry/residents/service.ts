import type { Updateable } from 'kysely';
import { audit } from '../../../platform/audit/index.ts';
import { inTransaction, type Ctx } from '../../../platform/context.ts';
import { badRequest, conflict, invalid, notFound, type FieldErrors } from '../../../platform/errors.ts';
import { newId } from '../../../platform/ids.ts';
import { inScope, requirePermission, requireUser, scopeOf } from '../../../platform/access/index.ts';
import { idProblemMessage, maskIdNumber, maskPhone, normalizeIdNumber, parseIdNumber, parsePhone } from '../../../platform/pii/index.ts';
import { cleanName, nameKey, normalizeBuildingNumber, normalizeText, parseFlatAddress } from '../normalize.ts';
import * as places from '../places/store.ts';
import { findRegionInScope } from '../regions/store.ts';
import type { PoliticalStatus, Relation, ResidentTable } from '../tables.ts';
import { dayIn, deriveSeparated, ID_PURPOSE, normalizeEthnicity, PHONE_PURPOSE, protectIdNumber, protectPhone, type Dwelling } from './rules.ts';
import * as store from './store.ts';

export const today = (ctx: Ctx) => dayIn(ctx.platform.config.timeZone, ctx.platform.clock.now());
const actorId = (ctx: Ctx) => (ctx.principal.kind === 'user' ? ctx.principal.id : null);

// ---- search

const looksLikeAddress = (q: string) => /\d/.test(normalizeText(q)) && /(号|栋|幢|座|楼|单元|室|-)/.test(normalizeText(q));

export interface SearchQuery extends store.ResidentListFilter {
  q?: string;
  cursor?: string;
  limit?: number;
}

/** Turns the free-text box into one exact kind of lookup: phone, ID number, masked tail, address or name. */
async function interpret(ctx: Ctx, q: string): Promise<store.SearchFilter> {
  const pii = ctx.platform.pii;
  const trimmed = q.trim();
  const phone = parsePhone(trimmed);
  if (phone) return { phoneHashes: pii.blindIndexes(PHONE_PURPOSE, phone) };
  const id = normalizeIdNumber(trimmed);
  if (/^\d{17}[\dX]$/.test(id)) return { idHashes: pii.blindIndexes(ID_PURPOSE, id) };
  // a masked tail as shown on screen ("****1234", "1234", "123X")
  const tail = trimmed.replace(/^\*+/, '').toUpperCase();
  if (/^[\dX]{4}$/.test(tail) && /\d/.test(tail)) return { tail };
  if (looksLikeAddress(trimmed)) {
    const flat = parseFlatAddress(trimmed);
    if (!flat) return { flats: [] };
    const candidates = await ctx.db
      .selectFrom('household as h')
      .innerJoin('building as b', 'b.id', 'h.building_id')
      .leftJoin('compound as c', 'c.id', 'h.compound_id')
      .select(['h.id', 'c.name'])
      .where('b.number_key', '=', flat.building)
      .where('h.unit_no', '=', flat.unit)
      .where('h.room_no', '=', flat.room)
      .where((eb) => inScope(eb, scopeOf(ctx), { regionOf: 'h' }))
      .limit(500)
      .execute();
    return { flats: candidates.filter((c) => !flat.prefix || !c.name || flat.prefix.includes(normalizeText(c.name))).map((c) => c.id) };
  }
  return { nameKeyPrefix: nameKey(trimmed) }; // nameKey folds Traditional to Simplified
}

function decodeCursor(cursor: string | undefined) {
  if (!cursor) return undefined;
  try {
    const [nameKeyValue, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    if (typeof nameKeyValue === 'string' && typeof id === 'string') return { nameKey: nameKeyValue, id };
  } catch {
    // fall through
  }
  throw invalid('cursor', 'validation.invalid');
}

export async function searchResidents(ctx: Ctx, query: SearchQuery) {
  requirePermission(ctx, 'resident.read');
  const { q, cursor, limit: _limit, ...listFilter } = query;
  const filter: store.SearchFilter = { ...(q && q.trim() ? await interpret(ctx, q) : {}), ...listFilter, after: decodeCursor(cursor) };
  const limit = query.limit ?? 50;
  const rows = await store.searchResidents(ctx.db, scopeOf(ctx), today(ctx), filter, limit + 1);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const nextCursor = rows.length > limit && last ? Buffer.from(JSON.stringify([last.name_key, last.id])).toString('base64url') : null;
  return { items: page, nextCursor };
}

/** Every row matching a filter, page by page (exports). */
export async function* allResidents(ctx: Ctx, query: Omit<SearchQuery, 'cursor' | 'limit'>) {
  let cursor: string | undefined;
  for (;;) {
    const page = await searchResidents(ctx, { ...query, cursor, limit: 1000 });
    yield page.items;
    if (!page.nextCursor) return;
    cursor = page.nextCursor;
  }
}

/** How a resident is shown: ID number and phone masked, never in full. */
export function masked(ctx: Ctx, r: { id_enc: string; phone_enc: string | null }) {
  return {
    idNumber: maskIdNumber(ctx.platform.pii.decrypt(r.id_enc)),
    phone: r.phone_enc ? maskPhone(ctx.platform.pii.decrypt(r.phone_enc)) : null,
  };
}

// ---- one resident

export async function findInScope(ctx: Ctx, id: string) {
  const r = await store.findResident(ctx.db, scopeOf(ctx), today(ctx), id);
  if (!r) throw notFound();
  return r;
}

export async function getResident(ctx: Ctx, id: string) {
  requirePermission(ctx, 'resident.read');
  const r = await findInScope(ctx, id);
  const [memberships, tags, changes, account] = await Promise.all([
    store.memberships(ctx.db, id),
    store.tagsOf(ctx.db, id),
    store.changesOf(ctx.db, id),
    store.accountOfResident(ctx.db, id),
  ]);
  return { ...r, memberships, tagHistory: tags, changes, accountLinked: !!account };
}

export interface ResidentInput {
  name: string;
  idNumber: string;
  phone?: string | null;
  gender?: 'male' | 'female';
  birthDate?: string;
  ethnicity?: string | null;
  politicalStatus?: PoliticalStatus | null;
  registeredAddress?: string | null;
  registeredRegionCode?: string | null;
  householdId?: string | null;
  relation?: Relation | null;
  movedInOn?: string;
  communityId?: string | null;
  tags?: { tag: string; from?: string; note?: string | null }[];
}

/** Field-level checks shared by the API and imports; collects every problem instead of stopping at the first. */
export function checkPersonFields(input: Partial<ResidentInput>, day: string, fields: FieldErrors) {
  const out: { name?: string; idNumber?: string; birthDate?: string; gender?: 'male' | 'female'; phone?: string | null; ethnicity?: string | null } = {};
  if (input.name !== undefined) {
    const n = cleanName(input.name);
    if (!n) fields.name = { key: 'registry.name_invalid' };
    else out.name = n;
  }
  if (input.idNumber !== undefined) {
    const parsed = parseIdNumber(input.idNumber, new Date(`${day}T23:59:59Z`));
    if (!parsed.ok) fields.idNumber = { key: idProblemMessage[parsed.problem] };
    else {
      out.idNumber = parsed.info.normalized;
      out.birthDate = parsed.info.birthDate;
      out.gender = parsed.info.gender;
      if (input.gender && input.gender !== parsed.info.gender) fields.gender = { key: 'registry.gender_mismatch' };
      if (input.birthDate && input.birthDate !== parsed.info.birthDate) fields.birthDate = { key: 'registry.birth_date_mismatch' };
    }
  }
  if (input.phone !== undefined) {
    if (input.phone === null || input.phone.trim() === '') out.phone = null;
    else {
      const p = parsePhone(input.phone);
      if (!p) fields.phone = { key: 'pii.phone_invalid' };
      else out.phone = p;
    }
  }
  if (input.ethnicity !== undefined) {
    if (input.ethnicity === null || input.ethnicity.trim() === '') out.ethnicity = null;
    else {
      const e = normalizeEthnicity(input.ethnicity);
      if (!e) fields.ethnicity = { key: 'registry.ethnicity_unknown' };
      else out.ethnicity = e;
    }
  }
  return out;
}

function checkDate(field: string, value: string | undefined, day: string, fields: FieldErrors, notBefore?: string) {
  if (value === undefined) return;
  if (value > day) fields[field] = { key: 'registry.date_in_future' };
  else if (notBefore && value < notBefore) fields[field] = { key: 'registry.date_too_early', params: { date: notBefore } };
}

type Place = { city_id: string; district_id: string; street_id: string; community_id: string; grid_id: string | null };

/** Where a newcomer not yet housed is placed: the caller's community (or a grid worker's grid), or a community they name. */
async function newcomerPlace(ctx: Ctx, communityId: string | null | undefined): Promise<Place> {
  const scope = scopeOf(ctx);
  if (communityId) {
    const c = await findRegionInScope(ctx.db, scope, communityId);
    if (!c || c.level !== 'community') throw invalid('communityId', 'error.not_found');
    return { city_id: c.city_id!, district_id: c.district_id!, street_id: c.street_id!, community_id: c.id, grid_id: null };
  }
  if (scope.kind === 'region' && (scope.level === 'community' || scope.level === 'grid')) {
    const r = await findRegionInScope(ctx.db, scope, scope.regionId);
    if (r) return { city_id: r.city_id!, district_id: r.district_id!, street_id: r.street_id!, community_id: r.community_id!, grid_id: r.grid_id };
  }
  throw invalid('communityId', 'validation.required');
}

/** The household a resident moves into, in the caller's scope, with what 人户分离 needs. */
async function householdTarget(ctx: Ctx, householdId: string, field = 'householdId') {
  const h = await places.findHousehold(ctx.db, scopeOf(ctx), householdId);
  if (!h) throw invalid(field, 'error.not_found');
  const b = await ctx.db.selectFrom('building').select('number').where('id', '=', h.building_id).executeTakeFirstOrThrow();
  const dwelling: Dwelling = { compoundName: h.compound_name, buildingKey: normalizeBuildingNumber(b.number), unit: h.unit_no, room: h.room_no };
  const place: Place = { city_id: h.city_id, district_id: h.district_id, street_id: h.street_id, community_id: h.community_id, grid_id: h.grid_id };
  return { h, dwelling, place };
}

export function locationColumns(target: Awaited<ReturnType<typeof householdTarget>> | null, place: Place) {
  return {
    household_id: target?.h.id ?? null,
    building_id: target?.h.building_id ?? null,
    compound_id: target?.h.compound_id ?? null,
    ...place,
  };
}

async function checkTags(ctx: Ctx, tags: ResidentInput['tags'], day: string, fields: FieldErrors) {
  if (!tags?.length) return;
  const known = new Set((await store.careTags(ctx.db)).map((t) => t.code));
  tags.forEach((t, i) => {
    if (!known.has(t.tag)) fields[`tags.${i}.tag`] = { key: 'registry.tag_unknown' };
    checkDate(`tags.${i}.from`, t.from, day, fields);
  });
  if (new Set(tags.map((t) => t.tag)).size !== tags.length) fields.tags = { key: 'validation.uniqueItems' };
}

/**
 * Registers a resident. The ID number is the natural key across the city: someone registered and
 * active elsewhere is refused (409, without saying where); someone who moved out is taken over,
 * their history kept.
 */
export async function createResident(ctx: Ctx, input: ResidentInput) {
  requirePermission(ctx, 'resident.write');
  const day = today(ctx);
  const fields: FieldErrors = {};
  const person = checkPersonFields(input, day, fields);
  if (!input.householdId && input.relation) fields.relation = { key: 'registry.relation_without_household' };
  checkDate('movedInOn', input.movedInOn, day, fields, person.birthDate);
  await checkTags(ctx, input.tags, day, fields);
  if (Object.keys(fields).length) throw badRequest(fields);
  const target = input.householdId ? await householdTarget(ctx, input.householdId) : null;
  const place = target?.place ?? (await newcomerPlace(ctx, input.communityId));
  const pii = ctx.platform.pii;
  return inTransaction(ctx, async (trx, c) => {
    await store.lockIdNumbers(trx, [pii.blindIndex(ID_PURPOSE, person.idNumber!)]);
    const existing = await store.residentByIdHash(trx, pii.blindIndexes(ID_PURPOSE, person.idNumber!));
    if (existing && existing.status === 'active') {
      const mine = await store.findResident(trx, scopeOf(c), day, existing.id);
      if (mine) throw conflict('RESIDENT_EXISTS', 'registry.resident_exists', { id: existing.id });
      throw conflict('RESIDENT_REGISTERED_ELSEWHERE', 'registry.resident_elsewhere');
    }
    if (existing && existing.status === 'deceased') throw conflict('RESIDENT_DECEASED', 'registry.resident_deceased');
    const id = existing?.id ?? newId();
    const row = {
      name: person.name!,
      name_key: nameKey(person.name!),
      gender: person.gender!,
      birth_date: person.birthDate!,
      ...protectIdNumber(pii, person.idNumber!),
      ...protectPhone(pii, person.phone ?? null),
      ethnicity: person.ethnicity ?? null,
      political_status: input.politicalStatus ?? null,
      registered_address: input.registeredAddress ?? null,
      registered_region_code: input.registeredRegionCode ?? null,
      separated: deriveSeparated(input.registeredAddress ?? null, target?.dwelling ?? null),
      status: 'active' as const,
      relation: target ? (input.relation ?? 'head') : null,
      ...locationColumns(target, place),
    };
    if (existing) {
      await store.updateResident(trx, id, { ...row, updated_at: c.platform.clock.now() });
    } else {
      await store.insertResident(trx, { id, ...row, created_by: actorId(c) });
    }
    if (target) {
      await store.insertMembership(trx, {
        id: newId(), resident_id: id, household_id: target.h.id, district_id: target.h.district_id, relation: row.relation!, valid_from: input.movedInOn ?? day,
        reason_in: existing ? 'moved_in' : 'registered', created_by: actorId(c),
      });
    }
    await store.insertTags(trx, (input.tags ?? []).map((t) => ({ id: newId(), resident_id: id, district_id: place.district_id, tag: t.tag, valid_from: t.from ?? day, note: t.note ?? null, created_by: actorId(c) })));
    await audit(c, { action: existing ? 'resident.reregister' : 'resident.create', entityType: 'resident', entityId: id, after: row, details: { housed: !!target, tags: (input.tags ?? []).map((t) => t.tag) } });
    return { id, reregistered: !!existing };
  });
}

const PII_FIELDS = new Set(['idNumber', 'phone']);

export interface ResidentPatch {
  name?: string;
  idNumber?: string;
  phone?: string | null;
  ethnicity?: string | null;
  politicalStatus?: PoliticalStatus | null;
  registeredAddress?: string | null;
  registeredRegionCode?: string | null;
}

/** Changes a resident's own fields; each change is kept (old → new, ID and phone masked) in resident_change. */
export async function updateResident(ctx: Ctx, id: string, input: ResidentPatch, source = 'api') {
  requirePermission(ctx, 'resident.write');
  if (Object.keys(input).length === 0) throw badRequest({ _: { key: 'validation.required' } });
  const day = today(ctx);
  const fields: FieldErrors = {};
  const person = checkPersonFields(input, day, fields);
  if (Object.keys(fields).length) throw badRequest(fields);
  const pii = ctx.platform.pii;
  await inTransaction(ctx, async (trx, c) => {
    await store.lockResident(trx, id);
    const before = await findInScope(c, id);
    const current = masked(c, before);
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    const set: Updateable<ResidentTable> = {};
    if (person.name !== undefined && person.name !== before.name) {
      changes.name = { from: before.name, to: person.name };
      Object.assign(set, { name: person.name, name_key: nameKey(person.name) });
    }
    if (person.idNumber !== undefined) {
      const secrets = await store.secretsOf(trx, id);
      if (pii.decrypt(secrets.id_enc) !== person.idNumber) {
        await store.lockIdNumbers(trx, [pii.blindIndex(ID_PURPOSE, person.idNumber)]);
        const clash = await store.residentByIdHash(trx, pii.blindIndexes(ID_PURPOSE, person.idNumber));
        if (clash && clash.id !== id) throw conflict('RESIDENT_EXISTS', 'registry.id_number_taken');
        changes.idNumber = { from: current.idNumber, to: maskIdNumber(person.idNumber) };
        Object.assign(set, protectIdNumber(pii, person.idNumber), { birth_date: person.birthDate, gender: person.gender });
      }
    }
    if (person.phone !== undefined) {
      const old = before.phone_enc ? pii.decrypt(before.phone_enc) : null;
      if (old !== person.phone) {
        changes.phone = { from: current.phone, to: person.phone ? maskPhone(person.phone) : null };
        Object.assign(set, protectPhone(pii, person.phone));
      }
    }
    if (person.ethnicity !== undefined && person.ethnicity !== before.ethnicity) {
      changes.ethnicity = { from: before.ethnicity, to: person.ethnicity };
      set.ethnicity = person.ethnicity;
    }
    const plain = { politicalStatus: 'political_status', registeredAddress: 'registered_address', registeredRegionCode: 'registered_region_code' } as const;
    for (const [k, col] of Object.entries(plain) as [keyof typeof plain, (typeof plain)[keyof typeof plain]][]) {
      const v = input[k];
      if (v !== undefined && v !== before[col]) {
        changes[k] = { from: before[col], to: v };
        (set as Record<string, unknown>)[col] = v;
      }
    }
    if (changes.registeredAddress && before.household_id) {
      const target = await householdTarget(c, before.household_id);
      set.separated = deriveSeparated(input.registeredAddress ?? null, target.dwelling);
    }
    if (Object.keys(changes).length === 0) return;
    await store.updateResident(trx, id, { ...set, updated_at: c.platform.clock.now() });
    await store.insertChange(trx, { id: newId(), resident_id: id, at: c.platform.clock.now(), actor_id: actorId(c), source, changes: JSON.stringify(changes) });
    // the audit record names the fields; values (even masked) stay in resident_change
    await audit(c, { action: 'resident.update', entityType: 'resident', entityId: id, before: { ...before, id_enc: undefined, phone_enc: undefined }, after: set, details: { fields: Object.keys(changes), pii: Object.keys(changes).filter((f) => PII_FIELDS.has(f)) } });
  });
  return getResident(ctx, id);
}

export interface MoveInput {
  householdId: string | null;
  relation?: Relation;
  on?: string;
  note?: string | null;
  outcome?: 'moved_out' | 'deceased';
}

/**
 * 迁入 / 迁出 / 关系变更. The open membership is closed on the day and a new one opened (a move to
 * another household or a new relation in the same one); moving out closes it and keeps the person
 * on record where they lived last. Nothing is overwritten.
 */
export async function moveResident(ctx: Ctx, id: string, input: MoveInput) {
  requirePermission(ctx, 'resident.write');
  const day = today(ctx);
  const on = input.on ?? day;
  const fields: FieldErrors = {};
  checkDate('on', on, day, fields);
  if (input.householdId === null && input.relation) fields.relation = { key: 'registry.relation_without_household' };
  if (input.householdId !== null && input.outcome) fields.outcome = { key: 'registry.outcome_only_out' };
  if (Object.keys(fields).length) throw badRequest(fields);
  const target = input.householdId ? await householdTarget(ctx, input.householdId) : null;
  await inTransaction(ctx, async (trx, c) => {
    await store.lockResident(trx, id);
    const r = await findInScope(c, id);
    if (r.status === 'deceased') throw conflict('RESIDENT_DECEASED', 'registry.resident_deceased');
    const open = await store.openMembership(trx, id);
    if (open && on < open.valid_from) throw invalid('on', 'registry.date_too_early', { date: open.valid_from });
    if (!target) {
      if (!open && r.status !== 'active') throw conflict('NOT_HOUSED', 'registry.not_housed');
      const outcome = input.outcome ?? 'moved_out';
      if (open) await store.closeMembership(trx, open.id, on, input.note ?? outcome, actorId(c));
      await store.updateResident(trx, id, { status: outcome, household_id: null, relation: null, building_id: null, compound_id: null, separated: null, updated_at: c.platform.clock.now() });
      await audit(c, { action: 'resident.move_out', entityType: 'resident', entityId: id, details: { from: open?.household_id ?? null, on, outcome } });
      return;
    }
    const relation = input.relation ?? (open && open.household_id === target.h.id ? open.relation : 'head');
    if (open && open.household_id === target.h.id && open.relation === relation) throw conflict('NO_CHANGE', 'registry.move_no_change');
    if (open) await store.closeMembership(trx, open.id, on, input.note ?? (open.household_id === target.h.id ? 'relation_changed' : 'moved'), actorId(c));
    await store.insertMembership(trx, {
      id: newId(), resident_id: id, household_id: target.h.id, district_id: target.h.district_id, relation, valid_from: on,
      reason_in: input.note ?? (open?.household_id === target.h.id ? 'relation_changed' : 'moved_in'), created_by: actorId(c),
    });
    await store.updateResident(trx, id, {
      status: 'active', relation, separated: deriveSeparated(r.registered_address, target.dwelling), ...locationColumns(target, target.place), updated_at: c.platform.clock.now(),
    });
    await audit(c, { action: open?.household_id === target.h.id ? 'resident.relation' : 'resident.move_in', entityType: 'resident', entityId: id, details: { from: open?.household_id ?? null, to: target.h.id, relation, on } });
  });
  return getResident(ctx, id);
}

export async function addTag(ctx: Ctx, id: string, input: { tag: string; from?: string; note?: string | null }) {
  requirePermission(ctx, 'resident.write');
  const day = today(ctx);
  const fields: FieldErrors = {};
  await checkTags(ctx, [input], day, fields);
  if (fields['tags.0.tag']) throw invalid('tag', 'registry.tag_unknown');
  if (fields['tags.0.from']) throw invalid('from', 'registry.date_in_future');
  return inTransaction(ctx, async (trx, c) => {
    await store.lockResident(trx, id);
    const r = await findInScope(c, id);
    if (await store.openTag(trx, id, input.tag)) throw conflict('TAG_ACTIVE', 'registry.tag_active');
    const tagId = newId();
    await store.insertTags(trx, [{ id: tagId, resident_id: id, district_id: r.district_id, tag: input.tag, valid_from: input.from ?? day, note: input.note ?? null, created_by: actorId(c) }]);
    await audit(c, { action: 'resident.tag_add', entityType: 'resident', entityId: id, details: { tag: input.tag, from: input.from ?? day } });
    return { id: tagId };
  });
}

export async function endTag(ctx: Ctx, id: string, tagId: string, input: { on?: string }) {
  requirePermission(ctx, 'resident.write');
  const day = today(ctx);
  const on = input.on ?? day;
  await inTransaction(ctx, async (trx, c) => {
    await store.lockResident(trx, id);
    await findInScope(c, id);
    const t = await store.findTag(trx, id, tagId);
    if (!t) throw notFound();
    if (t.valid_to !== null) throw conflict('TAG_ENDED', 'registry.tag_ended');
    if (on < t.valid_from) throw invalid('on', 'registry.date_too_early', { date: t.valid_from });
    await store.endTag(trx, tagId, on, actorId(c));
    await audit(c, { action: 'resident.tag_end', entityType: 'resident', entityId: id, details: { tag: t.tag, on } });
  });
  return getResident(ctx, id);
}

/** The full ID number and phone, for someone holding resident.reveal; every reveal is audited. */
export async function reveal(ctx: Ctx, id: string) {
  requirePermission(ctx, 'resident.reveal');
  const r = await findInScope(ctx, id);
  const pii = ctx.platform.pii;
  const out = { idNumber: pii.decrypt(r.id_enc), phone: r.phone_enc ? pii.decrypt(r.phone_enc) : null };
  await inTransaction(ctx, (_trx, c) => audit(c, { action: 'resident.reveal', entityType: 'resident', entityId: id, details: { fields: out.phone ? ['idNumber', 'phone'] : ['idNumber'] } }));
  return out;
}

// ---- visits

export async function listVisits(ctx: Ctx, id: string) {
  requirePermission(ctx, 'resident.read');
  await findInScope(ctx, id);
  return store.visitsOf(ctx.db, id);
}

export async function addVisit(ctx: Ctx, id: string, input: { visitedAt?: string; method: 'home' | 'phone' | 'other'; notes: string; nextVisitOn?: string | null }) {
  requirePermission(ctx, 'visit.write');
  const user = requireUser(ctx);
  const now = ctx.platform.clock.now();
  const visitedAt = input.visitedAt ? new Date(input.visitedAt) : now;
  const day = today(ctx);
  const fields: FieldErrors = {};
  if (visitedAt.getTime() > now.getTime() + 60_000) fields.visitedAt = { key: 'registry.date_in_future' };
  if (input.nextVisitOn && input.nextVisitOn < dayIn(ctx.platform.config.timeZone, visitedAt)) fields.nextVisitOn = { key: 'registry.next_visit_before_visit' };
  if (Object.keys(fields).length) throw badRequest(fields);
  return inTransaction(ctx, async (trx, c) => {
    const r = await findInScope(c, id);
    const visitId = newId();
    await store.insertVisit(trx, {
      id: visitId, resident_id: id, household_id: r.household_id, visitor_id: user.id, visited_at: visitedAt, method: input.method, notes: input.notes,
      next_visit_on: input.nextVisitOn ?? null, city_id: r.city_id, district_id: r.district_id, street_id: r.street_id, community_id: r.community_id, grid_id: r.grid_id,
    });
    await audit(c, { action: 'visit.create', entityType: 'resident', entityId: id, details: { visit: visitId, method: input.method, day } });
    return { id: visitId };
  });
}

export async function visitsDue(ctx: Ctx, q: { on?: string; gridId?: string }) {
  requirePermission(ctx, 'resident.read');
  return store.visitsDue(ctx.db, scopeOf(ctx), q.on ?? today(ctx), q.gridId);
}

export async function careTags(ctx: Ctx) {
  requirePermission(ctx, 'resident.read');
  return store.careTags(ctx.db);
}

// ---- resident accounts

/**
 * Links a resident's sign-in account (phone + one-time code) to their record, after community staff
 * verified the person: either the account's phone is the phone on record, or staff saw an ID
 * document in person. Until then the account reaches no registry data.
 */
export async function linkAccount(ctx: Ctx, id: string, input: { phone: string; verification: 'phone_match' | 'in_person' }) {
  requirePermission(ctx, 'resident.write');
  const phone = parsePhone(input.phone);
  if (!phone) throw invalid('phone', 'pii.phone_invalid');
  const pii = ctx.platform.pii;
  return inTransaction(ctx, async (trx, c) => {
    await store.lockResident(trx, id);
    const r = await findInScope(c, id);
    if (r.status !== 'active') throw conflict('RESIDENT_INACTIVE', 'registry.resident_inactive');
    const account = await store.accountByPhoneHashes(trx, pii.blindIndexes(PHONE_PURPOSE, phone));
    if (!account) throw invalid('phone', 'registry.account_not_found');
    if (account.resident_id === id) return { accountId: account.id };
    if (account.resident_id) throw conflict('ACCOUNT_LINKED', 'registry.account_linked');
    if (await store.accountOfResident(trx, id)) throw conflict('RESIDENT_LINKED', 'registry.resident_linked');
    if (input.verification === 'phone_match' && (!r.phone_enc || pii.decrypt(r.phone_enc) !== phone)) throw invalid('phone', 'registry.phone_not_on_record');
    await store.setAccountResident(trx, account.id, id);
    await audit(c, { action: 'resident.link_account', entityType: 'resident', entityId: id, details: { account: account.id, verification: input.verification } });
    return { accountId: account.id };
  });
}

export async function unlinkAccount(ctx: Ctx, id: string) {
  requirePermission(ctx, 'resident.write');
  await inTransaction(ctx, async (trx, c) => {
    await findInScope(c, id);
    const account = await store.accountOfResident(trx, id);
    if (!account) throw notFound();
    await store.setAccountResident(trx, account.id, null);
    await audit(c, { action: 'resident.unlink_account', entityType: 'resident', entityId: id, details: { account: account.id } });
  });
}
