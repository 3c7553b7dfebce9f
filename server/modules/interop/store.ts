import { sql } from 'kysely';
import type { Executor } from '../../db/index.ts';
import { inScope, regionColumn, type Scope } from '../../platform/access/index.ts';
import type { RegionLevel } from '../../db/schema.ts';

// ---- Open311

export async function regionByCode(db: Executor, code: string) {
  return db.selectFrom('region').select(['id', 'level', 'code', 'name']).where('code', '=', code).executeTakeFirst();
}

export async function services(db: Executor, code?: string) {
  let q = db
    .selectFrom('taxonomy as t')
    .innerJoin('taxonomy as p', 'p.code', 't.parent_code')
    .select([
      't.code', 't.name_zh_cn', 't.name_zh_tw', 't.name_en', 't.description_zh_cn', 't.description_zh_tw', 't.description_en', 't.keywords',
      'p.name_zh_cn as group_zh_cn', 'p.name_zh_tw as group_zh_tw', 'p.name_en as group_en',
      sql<boolean>`exists (select 1 from open311_attribute a where a.service_code = t.code)`.as('has_attributes'),
    ])
    .where('t.level', '=', 2)
    .where('t.active', '=', true)
    .where('p.active', '=', true)
    .orderBy('p.sort_order').orderBy('t.parent_code').orderBy('t.sort_order').orderBy('t.code');
  if (code) q = q.where('t.code', '=', code);
  return q.execute();
}

export async function attributes(db: Executor, serviceCode: string) {
  return db.selectFrom('open311_attribute').selectAll().where('service_code', '=', serviceCode).orderBy('sort_order').orderBy('code').execute();
}

export interface RequestFilter {
  ids?: string[];
  serviceCodes?: string[];
  from?: Date;
  to?: Date;
  statuses?: string[];
  region?: { level: RegionLevel; id: string };
  limit: number;
}

/** Cases that came in through Open311, newest first, with what the request carried. */
export async function open311Cases(db: Executor, f: RequestFilter) {
  let q = db
    .selectFrom('cases as c')
    .innerJoin('open311_request as r', 'r.case_id', 'c.id')
    .leftJoin('org as o', 'o.id', 'c.assigned_org_id')
    .select([
      'c.case_no', 'c.status', 'c.category', 'c.description', 'c.address', 'c.building_id', 'c.lat', 'c.lng', 'c.reported_at', 'c.updated_at',
      'c.handle_due_at', 'o.name as agency', 'r.media_url',
    ])
    .where('c.channel', '=', 'open311')
    .orderBy('c.reported_at', 'desc')
    .orderBy('c.id', 'desc')
    .limit(f.limit);
  if (f.ids) q = q.where('c.case_no', 'in', f.ids);
  if (f.serviceCodes) q = q.where('c.category', 'in', f.serviceCodes);
  if (f.from) q = q.where('c.reported_at', '>=', f.from);
  if (f.to) q = q.where('c.reported_at', '<=', f.to);
  if (f.statuses) q = q.where('c.status', 'in', f.statuses);
  if (f.region) q = q.where(`c.${regionColumn[f.region.level]}`, '=', f.region.id);
  return q.execute();
}

export async function requestByToken(db: Executor, token: string) {
  return db.selectFrom('open311_request as r').leftJoin('cases as c', 'c.id', 'r.case_id').select(['r.token', 'r.state', 'c.case_no']).where('r.token', '=', token).executeTakeFirst();
}


export async function pendingRequests(db: Executor, scope: Scope) {
  return db
    .selectFrom('open311_request as r')
    .innerJoin('api_token as t', 't.id', 'r.api_token_id')
    .select(['r.id', 'r.token', 'r.service_code', 'r.description', 'r.address', 'r.media_url', 'r.created_at', 't.name as client'])
    .where('r.state', '=', 'pending')
    .where((eb) => inScope(eb, scope, { regionOf: 'r', assignedTo: (orgId) => eb('t.org_id', '=', orgId) }))
    .orderBy('r.created_at')
    .limit(500)
    .execute();
}

export async function lockPending(db: Executor, scope: Scope, id: string) {
  return db
    .selectFrom('open311_request as r')
    .innerJoin('api_token as t', 't.id', 'r.api_token_id')
    .select(['r.id', 'r.state', 'r.token', 'r.service_code', 'r.description', 'r.address', 'r.reporter_enc', 'r.api_token_id', 't.name as token_name', 't.kind as token_kind', 't.scopes', 't.org_id'])
    .where('r.id', '=', id)
    .where((eb) => inScope(eb, scope, { regionOf: 'r', assignedTo: (orgId) => eb('t.org_id', '=', orgId) }))
    .forUpdate('r')
    .executeTakeFirst();
}
