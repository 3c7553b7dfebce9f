import { sql } from 'kysely';
import type { Executor } from '../../db/index.ts';
import type { Scope } from '../../platform/access/index.ts';
import { caseVisible } from '../cases/store.ts';

/* ---------- saved views ---------- */

export const listViews = (db: Executor, userId: string, screen: string) =>
  db.selectFrom('saved_view').select(['id', 'screen', 'name', 'filters', 'created_at']).where('user_id', '=', userId).where('screen', '=', screen).orderBy('name').execute();

export async function countViews(db: Executor, userId: string, screen: string) {
  const r = await db.selectFrom('saved_view').select((eb) => eb.fn.countAll<string>().as('n')).where('user_id', '=', userId).where('screen', '=', screen).executeTakeFirstOrThrow();
  return Number(r.n);
}

export const findView = (db: Executor, userId: string, id: string) =>
  db.selectFrom('saved_view').selectAll().where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();

/* ---------- reply templates ---------- */

/** The unit's own templates plus those the platform keeps for everyone; a category's and the general ones. */
export function listTemplates(db: Executor, orgIds: string[], category: string | undefined) {
  let q = db
    .selectFrom('reply_template as t')
    .innerJoin('org as o', 'o.id', 't.org_id')
    .select(['t.id', 't.org_id', 'o.name as org_name', 'o.kind as org_kind', 't.category', 't.text', 't.sort_order', 't.updated_at'])
    .where((eb) => eb.or([eb('t.org_id', 'in', orgIds), eb('o.kind', '=', 'platform')]));
  if (category) q = q.where((eb) => eb.or([eb('t.category', '=', category), eb('t.category', 'is', null)]));
  return q.orderBy(sql`t.category IS NULL`).orderBy('t.category').orderBy('t.sort_order').orderBy('t.created_at').limit(500).execute();
}

export async function countTemplates(db: Executor, orgId: string) {
  const r = await db.selectFrom('reply_template').select((eb) => eb.fn.countAll<string>().as('n')).where('org_id', '=', orgId).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** A template the unit keeps (only its own can be changed), locked for the change. */
export const lockTemplate = (db: Executor, orgId: string, id: string) =>
  db.selectFrom('reply_template').selectAll().where('id', '=', id).where('org_id', '=', orgId).forUpdate().executeTakeFirst();

/* ---------- watch list, handlers, clocks ---------- */

const OPEN = ['reported', 'registered', 'dispatched', 'accepted', 'handled', 'parked'] as const;
/** Which missed clocks still matter in which state (a missed register clock stops mattering once registered). */
const PENDING_IN: Record<string, readonly string[]> = {
  register: ['reported'],
  response: ['dispatched'],
  handle: ['dispatched', 'accepted'],
  verify: ['handled'],
  escalation: ['reported', 'registered', 'dispatched', 'accepted'],
  supervision_ack: OPEN,
  extension_review: ['dispatched', 'accepted'],
};

function visibleCaseIds(db: Executor, scope: Scope) {
  return db.selectFrom('cases as c').select('c.id').where((eb) => caseVisible(eb, scope));
}

/**
 * The supervisor's watch list: clocks in their warning window or past due (still open, or missed and
 * still pending in the case's current state) on cases in scope, soonest first.
 */
export function watchDeadlines(db: Executor, scope: Scope, now: Date, limit: number) {
  return db
    .selectFrom('case_deadline as d')
    .innerJoin('cases as c', 'c.id', 'd.case_id')
    .innerJoin('org as o', 'o.id', 'd.org_id')
    .select([
      'd.id', 'd.kind', 'd.clock', 'd.due_at', 'd.warn_at', 'd.state', 'd.org_id', 'o.name as org_name',
      'c.id as case_id', 'c.case_no', 'c.title', 'c.status', 'c.category', 'c.priority', 'c.community_id', 'c.version',
    ])
    .where('d.case_id', 'in', visibleCaseIds(db, scope))
    .where('c.status', 'in', [...OPEN])
    .where((eb) =>
      eb.or([
        eb.and([eb('d.state', '=', 'open'), eb('d.warn_at', '<=', now)]),
        eb.and([eb('d.state', '=', 'open'), eb('d.due_at', '<=', now)]),
        eb.and([
          eb('d.state', '=', 'missed'),
          eb.or(Object.entries(PENDING_IN).map(([kind, states]) => eb.and([eb('d.kind', '=', kind as never), eb('c.status', 'in', [...states])]))),
        ]),
      ]),
    )
    .where('d.kind', 'in', Object.keys(PENDING_IN) as never[])
    .orderBy('d.due_at')
    .orderBy('d.id')
    .limit(limit)
    .execute();
}

/** Whistle calls whose department has not checked in yet, on cases in scope, soonest first. */
export function pendingWhistles(db: Executor, scope: Scope, limit: number) {
  return db
    .selectFrom('whistle_call as w')
    .innerJoin('whistle as wh', 'wh.id', 'w.whistle_id')
    .innerJoin('cases as c', 'c.id', 'w.case_id')
    .innerJoin('org as o', 'o.id', 'w.org_id')
    .innerJoin('org as wo', 'wo.id', 'wh.whistler_org_id')
    .select([
      'w.id', 'w.due_at', 'w.escalated_at', 'wh.created_at', 'w.org_id', 'o.name as org_name', 'wo.name as whistler_name',
      'c.id as case_id', 'c.case_no', 'c.title', 'c.status', 'c.category', 'c.priority',
    ])
    .where('w.case_id', 'in', visibleCaseIds(db, scope))
    .where('w.checked_in_at', 'is', null)
    .where('c.status', 'in', [...OPEN])
    .orderBy('w.due_at')
    .orderBy('w.id')
    .limit(limit)
    .execute();
}

/** Open clocks of the given cases, where the caller may see the case. */
export function openClocks(db: Executor, scope: Scope, caseIds: string[]) {
  return db
    .selectFrom('case_deadline as d')
    .innerJoin('org as o', 'o.id', 'd.org_id')
    .select(['d.case_id', 'd.kind', 'd.clock', 'd.due_at', 'd.warn_at', 'd.org_id', 'o.name as org_name'])
    .where('d.case_id', 'in', caseIds)
    .where('d.case_id', 'in', visibleCaseIds(db, scope))
    .where('d.state', '=', 'open')
    .orderBy('d.due_at')
    .execute();
}

const HANDLER_KINDS = ['department', 'property_company', 'community_committee', 'street_office', 'owners_committee', 'social_org', 'party_org'] as const;

/** The district a region lies in (itself when it is one); null for the city. */
export async function districtOf(db: Executor, regionId: string): Promise<string | null> {
  const r = await db.selectFrom('region').select(['id', 'level', 'district_id']).where('id', '=', regionId).executeTakeFirst();
  if (!r) return null;
  return r.level === 'district' ? r.id : r.district_id;
}

/**
 * Units a case can be dispatched to or a whistle can summon: the active handling bodies placed in the
 * district (departments, street offices, community committees, property companies …); all of them for
 * a caller above district level.
 */
export function handlers(db: Executor, districtId: string | null) {
  let q = db
    .selectFrom('org as o')
    .leftJoin('region as r', 'r.id', 'o.region_id')
    .select(['o.id', 'o.kind', 'o.name', 'o.dept_type', 'o.region_id', 'r.name as region_name', 'r.level as region_level'])
    .where('o.active', '=', true)
    .where('o.kind', 'in', [...HANDLER_KINDS]);
  if (districtId) {
    q = q.where((eb) =>
      eb.or([
        eb('r.id', '=', districtId),
        eb('r.district_id', '=', districtId),
        // property companies are registered without a region: they belong where they manage compounds
        eb('o.id', 'in', eb.selectFrom('compound').select('property_company_org_id').where('district_id', '=', districtId).where('property_company_org_id', 'is not', null) as never),
      ]),
    );
  }
  return q.orderBy('o.kind').orderBy('o.name').limit(2000).execute();
}
