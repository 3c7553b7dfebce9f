import { sql, type ExpressionBuilder } from 'kysely';
import type { DB, Executor } from '../../db/index.ts';
import { inScope, type Scope } from '../../platform/access/index.ts';
import type { Principal } from '../../platform/context.ts';
import type { CaseRow } from './events.ts';

export type CaseEB = ExpressionBuilder<DB & { c: DB['cases'] }, 'c'>;

/** Region scope through the five ids; org scope through any assignment, past or present. */
export function caseVisible(eb: CaseEB, scope: Scope) {
  return inScope(eb, scope, {
    regionOf: 'c',
    assignedTo: (orgId) =>
      eb.exists(eb.selectFrom('case_assignment as a').select('a.case_id').whereRef('a.case_id', '=', 'c.id').where('a.org_id', '=', orgId)),
  });
}

function whereCaller(principal: Principal, scope: Scope) {
  return (eb: CaseEB) =>
    principal.kind === 'resident' ? eb('c.reporter_account_id', '=', principal.id) : caseVisible(eb, scope);
}

/** The case, locked for the rest of the transaction, if the caller may see it. */
export async function lockCase(db: Executor, principal: Principal, scope: Scope, id: string): Promise<CaseRow | undefined> {
  return db.selectFrom('cases as c').selectAll('c').where('c.id', '=', id).where(whereCaller(principal, scope)).forUpdate().executeTakeFirst() as Promise<CaseRow | undefined>;
}

export async function findCase(db: Executor, principal: Principal, scope: Scope, id: string): Promise<CaseRow | undefined> {
  return db.selectFrom('cases as c').selectAll('c').where('c.id', '=', id).where(whereCaller(principal, scope)).executeTakeFirst() as Promise<CaseRow | undefined>;
}

export interface CaseFilter {
  status?: string[];
  category?: string;
  orgId?: string;
  gridId?: string;
  communityId?: string;
  overdue?: boolean;
  q?: string;
  from?: Date;
  to?: Date;
  /** reported: newest first; due: the handling deadline, soonest first (cases without one are left out) */
  sort?: 'reported' | 'due';
  cursor?: { at: Date; id: string };
  limit: number;
}

export async function listCases(db: Executor, principal: Principal, scope: Scope, f: CaseFilter) {
  let q = db
    .selectFrom('cases as c')
    .select([
      'c.id', 'c.case_no', 'c.status', 'c.channel', 'c.type', 'c.category', 'c.category_top', 'c.title', 'c.priority', 'c.address',
      'c.grid_id', 'c.community_id', 'c.street_id', 'c.district_id', 'c.assigned_org_id', 'c.dispatch_org_id', 'c.handling_level',
      'c.handle_due_at', 'c.overdue', 'c.reported_at', 'c.updated_at', 'c.version',
    ])
    .where(whereCaller(principal, scope))
    .limit(f.limit + 1);
  if (f.sort === 'due') q = q.where('c.handle_due_at', 'is not', null).orderBy('c.handle_due_at', 'asc').orderBy('c.id', 'asc');
  else q = q.orderBy('c.reported_at', 'desc').orderBy('c.id', 'desc');
  if (f.status?.length) q = q.where('c.status', 'in', f.status);
  if (f.category) q = q.where((eb) => (f.category!.includes('.') ? eb('c.category', '=', f.category!) : eb('c.category_top', '=', f.category!)));
  if (f.orgId) q = q.where((eb) => eb.or([eb('c.assigned_org_id', '=', f.orgId!), eb('c.dispatch_org_id', '=', f.orgId!)]));
  if (f.gridId) q = q.where('c.grid_id', '=', f.gridId);
  if (f.communityId) q = q.where('c.community_id', '=', f.communityId);
  if (f.overdue !== undefined) q = q.where('c.overdue', '=', f.overdue);
  if (f.from) q = q.where('c.reported_at', '>=', f.from);
  if (f.to) q = q.where('c.reported_at', '<', f.to);
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (m) => '\\' + m)}%`;
    q = q.where((eb) => eb.or([eb('c.title', 'ilike', like), eb('c.description', 'ilike', like), eb('c.case_no', '=', f.q!), eb('c.address', 'ilike', like)]));
  }
  if (f.cursor) {
    const { at, id } = f.cursor;
    q = f.sort === 'due'
      ? q.where((eb) => eb.or([eb('c.handle_due_at', '>', at), eb.and([eb('c.handle_due_at', '=', at), eb('c.id', '>', id)])]))
      : q.where((eb) => eb.or([eb('c.reported_at', '<', at), eb.and([eb('c.reported_at', '=', at), eb('c.id', '<', id)])]));
  }
  return q.execute();
}

/**
 * Everything that hangs off one case. Its events all come at or after its report, so the bound on
 * `at` lets PostgreSQL skip the months before it: the cost stays the same as years of history pile up.
 */
export async function caseChildren(db: Executor, c: { id: string; reported_at: Date }) {
  const caseId = c.id;
  const [events, attachments, deadlines, assignments, whistles, supervisions, extensions] = await Promise.all([
    db.selectFrom('case_event').selectAll().where('case_id', '=', caseId).where('at', '>=', c.reported_at).orderBy('at').orderBy('id').execute(),
    db.selectFrom('case_attachment as a').innerJoin('file_object as f', 'f.id', 'a.file_id')
      .select(['a.file_id', 'a.kind', 'a.added_at', 'f.mime', 'f.size_bytes', 'f.sha256']).where('a.case_id', '=', caseId).orderBy('a.added_at').execute(),
    db.selectFrom('case_deadline').selectAll().where('case_id', '=', caseId).orderBy('started_at').orderBy('kind').execute(),
    db.selectFrom('case_assignment as a').innerJoin('org as o', 'o.id', 'a.org_id')
      .select(['a.org_id', 'o.name', 'a.role', 'a.since', 'a.until']).where('a.case_id', '=', caseId).orderBy('a.since').execute(),
    db.selectFrom('whistle_call as w').innerJoin('org as o', 'o.id', 'w.org_id').innerJoin('whistle as wh', 'wh.id', 'w.whistle_id')
      .select(['w.id', 'w.whistle_id', 'wh.whistler_org_id', 'wh.created_at', 'w.org_id', 'o.name', 'w.due_at', 'w.checked_in_at', 'w.reported_at', 'w.report_note', 'w.escalated_at', 'w.rated_on_time', 'w.rated_effective'])
      .where('w.case_id', '=', caseId).orderBy('wh.created_at').orderBy('o.name').execute(),
    db.selectFrom('supervision').selectAll().where('case_id', '=', caseId).orderBy('created_at').execute(),
    db.selectFrom('extension_request').selectAll().where('case_id', '=', caseId).orderBy('created_at').execute(),
  ]);
  return { events, attachments, deadlines, assignments, whistles, supervisions, extensions };
}

export async function orgNames(db: Executor, ids: string[]) {
  const unique = [...new Set(ids.filter(Boolean))];
  if (!unique.length) return new Map<string, string>();
  const rows = await db.selectFrom('org').select(['id', 'name']).where('id', 'in', unique).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** A PostgreSQL sequence per district and year: no hot counter row; gaps after rollbacks are fine. */
export function caseNoSequence(districtCode6: string, year: number) {
  return `case_no_${districtCode6}_${year}`;
}

/**
 * The SQL for the next number of a district's year, to use inside the INSERT of the case (no extra
 * round trip). The sequence is created on first use inside the caller's transaction; a concurrent
 * creator makes ours fail with a duplicate, which a savepoint absorbs.
 */
const knownSequences = new WeakMap<object, Set<string>>();
export async function caseNoExpression(db: Executor, cacheKey: object, districtCode6: string, year: number) {
  const seq = caseNoSequence(districtCode6, year);
  let known = knownSequences.get(cacheKey);
  if (!known) knownSequences.set(cacheKey, (known = new Set()));
  if (!known.has(seq)) {
    await sql`SAVEPOINT case_no_sequence`.execute(db);
    try {
      await sql`CREATE SEQUENCE IF NOT EXISTS ${sql.id(seq)}`.execute(db);
      await sql`RELEASE SAVEPOINT case_no_sequence`.execute(db);
    } catch (e) {
      if (!['23505', '42P07'].includes((e as { code?: string }).code ?? '')) throw e;
      await sql`ROLLBACK TO SAVEPOINT case_no_sequence`.execute(db);
    }
    known.add(seq);
  }
  return sql<string>`${`${districtCode6}-${year}-`} || lpad(nextval(${seq})::text, 6, '0')`;
}
