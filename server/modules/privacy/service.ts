import { audit } from '../../platform/audit/index.ts';
import { canonicalJson } from '../../platform/audit/canonical.ts';
import { requirePermission, requireUser, rowInScope, scopeOf } from '../../platform/access/index.ts';
import { inTransaction, type Ctx } from '../../platform/context.ts';
import { AppError, conflict, forbidden, notFound, unauthorized } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { findInScope, getResident, listVisits } from '../registry/residents/service.ts';
import { lockResident } from '../registry/residents/store.ts';
import * as store from './store.ts';

/** How long a second administrator's approval of an unmasked export stays usable. */
export const APPROVAL_VALID_HOURS = 24;

// ---- what is held about one person (PIPL: the right to a copy)

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

/** The sign-in account as both copies show it: the phone in full, when it was made and last used. */
const presentAccount = (pii: Ctx['platform']['pii'], a: { phone_enc: string; created_at: Date | string; last_login_at: Date | string | null }) => ({
  phone: pii.decrypt(a.phone_enc), createdAt: iso(a.created_at)!, lastSignInAt: iso(a.last_login_at),
});

const presentCase = (c: Awaited<ReturnType<typeof store.casesReportedBy>>[number]) => ({
  caseNo: c.case_no, reportedAt: iso(c.reported_at)!, category: c.category, status: c.status, description: c.description,
});

async function personalCases(ctx: Ctx, residentId: string, phoneEnc: string | null) {
  const account = await store.accountOf(ctx.db, residentId);
  const phoneHashes = phoneEnc ? ctx.platform.pii.blindIndexes('phone', ctx.platform.pii.decrypt(phoneEnc)) : [];
  return { account, cases: await store.casesReportedBy(ctx.db, account?.id ?? null, phoneHashes) };
}

/**
 * Everything Linli holds about one resident, numbers in full, for a request by that person. Reading
 * it is audited like revealing the numbers.
 */
export async function personalData(ctx: Ctx, residentId: string) {
  requirePermission(ctx, 'resident.reveal');
  const detail = await getResident(ctx, residentId);
  // numbers in full: this read is audited below as resident.personal_data, not as a second reveal
  const pii = ctx.platform.pii;
  const numbers = { idNumber: pii.decrypt(detail.id_enc), phone: detail.phone_enc ? pii.decrypt(detail.phone_enc) : null };
  const visits = await listVisits(ctx, residentId);
  const { account, cases } = await personalCases(ctx, residentId, detail.phone_enc);
  const holds = await store.holdsOf(ctx.db, residentId);
  await inTransaction(ctx, (_trx, c) => audit(c, { action: 'resident.personal_data', entityType: 'resident', entityId: residentId, details: { cases: cases.length, visits: visits.length } }));
  return {
    generatedAt: ctx.platform.clock.now().toISOString(),
    resident: {
      name: detail.name, idNumber: numbers.idNumber, phone: numbers.phone, gender: detail.gender, birthDate: detail.birth_date,
      ethnicity: detail.ethnicity, politicalStatus: detail.political_status, registeredAddress: detail.registered_address, status: detail.status,
      recordedAt: new Date(detail.created_at).toISOString(),
    },
    households: detail.memberships.map((m) => ({ householdId: m.household_id, relation: m.relation, from: m.valid_from, to: m.valid_to })),
    careTags: detail.tagHistory.map((t) => ({ tag: t.tag, from: t.valid_from, to: t.valid_to, note: t.note })),
    changes: detail.changes.map((c) => ({ at: new Date(c.at).toISOString(), source: c.source, fields: Object.keys(c.changes ?? {}) })),
    visits: visits.map((v) => ({ at: new Date(v.visited_at).toISOString(), method: v.method, notes: v.notes })),
    account: account ? presentAccount(pii, account) : null,
    cases: cases.map(presentCase),
    legalHolds: holds.map(presentHold),
  };
}

/** A signed-in resident's own data: the account, the register entry linked to it, their reports. */
export async function myPersonalData(ctx: Ctx) {
  const p = ctx.principal;
  if (p.kind !== 'resident') throw unauthorized();
  const pii = ctx.platform.pii;
  const account = await ctx.db.selectFrom('resident_account').select(['id', 'phone_enc', 'resident_id', 'created_at', 'last_login_at']).where('id', '=', p.id).executeTakeFirstOrThrow();
  const record = account.resident_id ? await ctx.db.selectFrom('resident').select(['name', 'id_enc', 'phone_enc', 'gender', 'birth_date', 'registered_address', 'status']).where('id', '=', account.resident_id).executeTakeFirst() : undefined;
  const cases = await store.casesReportedBy(ctx.db, account.id, []);
  await inTransaction(ctx, (_trx, c) => audit(c, { action: 'resident.personal_data', entityType: 'resident_account', entityId: account.id, details: { cases: cases.length } }));
  return {
    generatedAt: ctx.platform.clock.now().toISOString(),
    account: presentAccount(pii, account),
    resident: record
      ? { name: record.name, idNumber: pii.decrypt(record.id_enc), phone: record.phone_enc ? pii.decrypt(record.phone_enc) : null, gender: record.gender, birthDate: record.birth_date, registeredAddress: record.registered_address, status: record.status }
      : null,
    cases: cases.map(presentCase),
  };
}

// ---- deletion on request, and what blocks it

export type Blocker =
  | { kind: 'registered' }
  | { kind: 'open_case'; caseNo: string }
  | { kind: 'legal_hold'; holdId: string; basis: string };

/**
 * Why the person's record cannot be deleted now: the register must keep people who live here (move
 * them out or record the death first), an open case they reported still needs them, and a legal hold
 * keeps everything until released.
 */
async function blockersOf(ctx: Ctx, r: { id: string; status: string; phone_enc: string | null }): Promise<Blocker[]> {
  const out: Blocker[] = [];
  if (r.status === 'active') out.push({ kind: 'registered' });
  const { cases } = await personalCases(ctx, r.id, r.phone_enc);
  for (const c of cases.filter((x) => store.isOpenCase(x.status))) out.push({ kind: 'open_case', caseNo: c.case_no });
  for (const h of await store.activeHolds(ctx.db, r.id)) out.push({ kind: 'legal_hold', holdId: h.id, basis: h.basis });
  return out;
}

export async function erasureCheck(ctx: Ctx, residentId: string) {
  requirePermission(ctx, 'privacy.erase');
  const r = await findInScope(ctx, residentId);
  const blockers = await blockersOf(ctx, r);
  return { erasable: blockers.length === 0, blockers };
}

/**
 * Deletes the person's register entry with its household history, care tags, change history and
 * visits, and unlinks their sign-in account. Cases they reported stay (government work records), as
 * does the audit trail, which holds digests, never the data.
 */
export async function erase(ctx: Ctx, residentId: string, reason: string) {
  requirePermission(ctx, 'privacy.erase');
  return inTransaction(ctx, async (trx, c) => {
    await lockResident(trx, residentId);
    const r = await findInScope(c, residentId);
    const blockers = await blockersOf(c, r);
    if (blockers.length > 0) {
      throw new AppError(409, 'LEGAL_HOLD', 'privacy.blocked', { reasons: blockers.map((b) => b.kind).filter((k, i, all) => all.indexOf(k) === i).join(',') });
    }
    const removed = await store.eraseResident(trx, residentId);
    await audit(c, { action: 'resident.erase', entityType: 'resident', entityId: residentId, details: { reason, removed } });
    return { erased: true, removed };
  });
}

// ---- legal holds

const presentHold = (h: Awaited<ReturnType<typeof store.holdsOf>>[number]) => ({
  id: h.id, basis: h.basis, placedBy: h.placed_by, placedAt: iso(h.placed_at)!,
  releasedBy: h.released_by, releasedAt: iso(h.released_at),
});

export async function listHolds(ctx: Ctx, residentId: string) {
  requirePermission(ctx, 'resident.read');
  await findInScope(ctx, residentId);
  return (await store.holdsOf(ctx.db, residentId)).map(presentHold);
}

export async function placeHold(ctx: Ctx, residentId: string, basis: string) {
  requirePermission(ctx, 'privacy.hold');
  const user = requireUser(ctx);
  return inTransaction(ctx, async (trx, c) => {
    await findInScope(c, residentId);
    const row = { id: newId(), resident_id: residentId, basis, placed_by: user.id, placed_at: ctx.platform.clock.now(), released_by: null, released_at: null };
    await trx.insertInto('legal_hold').values(row).execute();
    await audit(c, { action: 'legal_hold.place', entityType: 'resident', entityId: residentId, details: { hold: row.id } });
    return presentHold(row);
  });
}

export async function releaseHold(ctx: Ctx, holdId: string) {
  requirePermission(ctx, 'privacy.hold');
  const user = requireUser(ctx);
  return inTransaction(ctx, async (trx, c) => {
    const h = await store.findHold(trx, holdId);
    if (!h) throw notFound();
    await findInScope(c, h.resident_id);
    if (h.released_at) throw conflict('ALREADY_RELEASED', 'privacy.hold_released');
    const now = ctx.platform.clock.now();
    await trx.updateTable('legal_hold').set({ released_by: user.id, released_at: now }).where('id', '=', holdId).execute();
    await audit(c, { action: 'legal_hold.release', entityType: 'resident', entityId: h.resident_id, details: { hold: holdId } });
    return presentHold({ ...h, released_by: user.id, released_at: now });
  });
}

// ---- four eyes on bulk unmasked exports

export type ExportFilter = Record<string, unknown>;

/** The filter as the approval stores and compares it: keys sorted, empty values left out. */
export function filterKey(filter: ExportFilter): string {
  return canonicalJson(Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined && v !== null && v !== '')));
}

type ApprovalRow = Awaited<ReturnType<typeof store.listApprovals>>[number] | NonNullable<Awaited<ReturnType<typeof store.findApproval>>>;
export const presentApproval = (a: ApprovalRow) => ({
  id: a.id, status: a.status, reason: a.reason, filter: JSON.parse(typeof a.filter === 'string' ? a.filter : JSON.stringify(a.filter)) as ExportFilter,
  requestedBy: a.requested_by, requesterName: 'requester_name' in a ? a.requester_name : null,
  decidedBy: a.decided_by, deciderName: 'decider_name' in a ? a.decider_name : null,
  createdAt: iso(a.created_at)!, decidedAt: iso(a.decided_at), expiresAt: iso(a.expires_at), usedAt: iso(a.used_at),
});

export async function requestApproval(ctx: Ctx, input: { filter: ExportFilter; reason: string }) {
  requirePermission(ctx, 'resident.export_unmasked');
  const user = requireUser(ctx);
  const scope = scopeOf(ctx);
  const region = scope.kind === 'region' ? await ctx.db.selectFrom('region').select(['city_id', 'district_id', 'street_id', 'community_id', 'grid_id']).where('id', '=', scope.regionId).executeTakeFirst() : undefined;
  const row = {
    id: newId(), requested_by: user.id, filter: filterKey(input.filter), reason: input.reason, created_at: ctx.platform.clock.now(),
    city_id: region?.city_id ?? null, district_id: region?.district_id ?? null, street_id: region?.street_id ?? null, community_id: region?.community_id ?? null, grid_id: region?.grid_id ?? null,
  };
  await inTransaction(ctx, async (trx, c) => {
    await store.insertApproval(trx, row);
    await audit(c, { action: 'export_approval.request', entityType: 'export_approval', entityId: row.id, details: { reason: input.reason } });
  });
  return presentApproval({ ...row, status: 'pending', decided_by: null, decided_at: null, expires_at: null, used_at: null });
}

export async function listApprovals(ctx: Ctx) {
  requirePermission(ctx, 'resident.export_unmasked');
  const user = requireUser(ctx);
  return (await store.listApprovals(ctx.db, scopeOf(ctx), user.id)).map(presentApproval);
}

/** A second holder of resident.export_unmasked, whose area covers the requester's, decides. */
export async function decideApproval(ctx: Ctx, id: string, approve: boolean) {
  requirePermission(ctx, 'resident.export_unmasked');
  const user = requireUser(ctx);
  return inTransaction(ctx, async (trx, c) => {
    const a = await store.findApproval(trx, scopeOf(ctx), user.id, id, true);
    if (!a) throw notFound();
    if (a.requested_by === user.id) throw forbidden('privacy.second_person');
    if (!rowInScope(scopeOf(ctx), a)) throw notFound();
    if (a.status !== 'pending') throw conflict('ALREADY_DECIDED', 'privacy.already_decided');
    const now = ctx.platform.clock.now();
    const patch = approve
      ? { status: 'approved' as const, decided_by: user.id, decided_at: now, expires_at: new Date(now.getTime() + APPROVAL_VALID_HOURS * 3_600_000) }
      : { status: 'rejected' as const, decided_by: user.id, decided_at: now };
    await store.setApproval(trx, id, 'pending', patch);
    await audit(c, { action: approve ? 'export_approval.approve' : 'export_approval.reject', entityType: 'export_approval', entityId: id });
    return presentApproval({ ...a, ...patch, expires_at: 'expires_at' in patch ? (patch.expires_at ?? null) : null });
  });
}

/**
 * Spends an approval on the export about to run: it must be the caller's own, approved, unexpired,
 * unused, and for exactly this filter. Called in the transaction that records the export; the row is
 * locked and moved on from `approved` only once, so two downloads cannot share one approval.
 */
export async function consumeApproval(ctx: Ctx, id: string | undefined, filter: ExportFilter) {
  if (!id) throw new AppError(403, 'APPROVAL_REQUIRED', 'privacy.approval_required');
  const user = requireUser(ctx);
  await inTransaction(ctx, async (trx, c) => {
    const a = await store.findApproval(trx, scopeOf(ctx), user.id, id, true);
    if (!a || a.requested_by !== user.id) throw new AppError(403, 'APPROVAL_REQUIRED', 'privacy.approval_required');
    const now = ctx.platform.clock.now();
    if (a.status !== 'approved' || !a.expires_at || new Date(a.expires_at) <= now) throw new AppError(403, 'APPROVAL_REQUIRED', 'privacy.approval_not_usable');
    const stored = typeof a.filter === 'string' ? a.filter : canonicalJson(a.filter);
    if (stored !== filterKey(filter)) throw new AppError(403, 'APPROVAL_REQUIRED', 'privacy.approval_other_filter');
    if (!(await store.setApproval(trx, id, 'approved', { status: 'used', used_at: now }))) throw new AppError(403, 'APPROVAL_REQUIRED', 'privacy.approval_not_usable');
    await audit(c, { action: 'export_approval.use', entityType: 'export_approval', entityId: id });
  });
}

