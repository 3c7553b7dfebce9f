import type { Executor } from '../../db/index.ts';
import { inScope, type Scope } from '../../platform/access/index.ts';
import type { ExportApprovalStatus } from './tables.ts';

/** Case statuses after which a case is finished (a parked case is still open). */
const FINISHED = ['closed', 'evaluated', 'rejected', 'merged'];

export async function activeHolds(db: Executor, residentId: string) {
  return db.selectFrom('legal_hold').selectAll().where('resident_id', '=', residentId).where('released_at', 'is', null).orderBy('placed_at').execute();
}

export async function holdsOf(db: Executor, residentId: string) {
  return db.selectFrom('legal_hold').selectAll().where('resident_id', '=', residentId).orderBy('placed_at').execute();
}

export async function findHold(db: Executor, id: string) {
  return db.selectFrom('legal_hold').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function accountOf(db: Executor, residentId: string) {
  return db.selectFrom('resident_account').select(['id', 'phone_enc', 'created_at', 'last_login_at']).where('resident_id', '=', residentId).executeTakeFirst();
}

/** Cases the person reported through their account, or by the phone on their record. */
export async function casesReportedBy(db: Executor, accountId: string | null, phoneHashes: string[]) {
  if (!accountId && phoneHashes.length === 0) return [];
  return db
    .selectFrom('cases')
    .select(['id', 'case_no', 'status', 'category', 'description', 'reported_at', 'closed_at'])
    .where((eb) => eb.or([...(accountId ? [eb('reporter_account_id', '=', accountId)] : []), ...(phoneHashes.length ? [eb('reporter_phone_hash', 'in', phoneHashes)] : [])]))
    .orderBy('reported_at')
    .execute();
}

export const isOpenCase = (status: string) => !FINISHED.includes(status);

/** Removes the person's register entry and everything hung on it; returns what went, per table. */
export async function eraseResident(db: Executor, residentId: string) {
  const counts: Record<string, number> = {};
  for (const table of ['visit', 'resident_tag', 'resident_change', 'household_member', 'legal_hold'] as const) {
    const r = await db.deleteFrom(table).where('resident_id', '=', residentId).executeTakeFirst();
    counts[table] = Number(r.numDeletedRows);
  }
  await db.updateTable('resident_account').set({ resident_id: null }).where('resident_id', '=', residentId).execute();
  const r = await db.deleteFrom('resident').where('id', '=', residentId).returning('id_hash').executeTakeFirst();
  counts.resident = r ? 1 : 0;
  // the blind index of the ID number goes with the person
  if (r?.id_hash) await db.deleteFrom('resident_id_claim').where('id_hash', '=', r.id_hash).execute();
  return counts;
}

export async function insertApproval(db: Executor, row: {
  id: string; requested_by: string; filter: string; reason: string; created_at: Date;
  city_id: string | null; district_id: string | null; street_id: string | null; community_id: string | null; grid_id: string | null;
}) {
  await db.insertInto('export_approval').values({ ...row, status: 'pending' }).execute();
}

export async function listApprovals(db: Executor, scope: Scope, userId: string) {
  return db
    .selectFrom('export_approval as a')
    .innerJoin('app_user as u', 'u.id', 'a.requested_by')
    .leftJoin('app_user as d', 'd.id', 'a.decided_by')
    .selectAll('a')
    .select(['u.display_name as requester_name', 'd.display_name as decider_name'])
    .where((eb) => eb.or([eb('a.requested_by', '=', userId), inScope(eb, scope, { regionOf: 'a' })]))
    .orderBy('a.created_at', 'desc')
    .limit(200)
    .execute();
}

export async function findApproval(db: Executor, scope: Scope, userId: string, id: string, lock = false) {
  let q = db
    .selectFrom('export_approval as a')
    .selectAll('a')
    .where('a.id', '=', id)
    .where((eb) => eb.or([eb('a.requested_by', '=', userId), inScope(eb, scope, { regionOf: 'a' })]));
  if (lock) q = q.forUpdate();
  return q.executeTakeFirst();
}

export async function setApproval(db: Executor, id: string, from: ExportApprovalStatus, patch: { status: ExportApprovalStatus; decided_by?: string; decided_at?: Date; expires_at?: Date; used_at?: Date }) {
  const r = await db.updateTable('export_approval').set(patch).where('id', '=', id).where('status', '=', from).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
