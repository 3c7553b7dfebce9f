import type { Executor } from '../../db/index.ts';
import type { IntegrationPrincipal } from '../../platform/context.ts';

/**
 * The principal an outside system's report is filed as: the integration itself (the case records
 * its token), allowed to create this one case, acting for `orgId` when Linli places the report in
 * a community by that community's committee rather than by a point or a building.
 */
export function filingAs(p: IntegrationPrincipal, orgId = p.orgId): IntegrationPrincipal {
  return { ...p, orgId, scopes: [...new Set([...p.scopes, 'case.create'])] };
}

/** The one building whose registered address is exactly this text (after trimming), if there is one. */
export async function buildingByAddress(db: Executor, address: string): Promise<string | null> {
  const rows = await db.selectFrom('building').select('id').where('address', '=', address.trim()).limit(2).execute();
  return rows.length === 1 ? rows[0].id : null;
}

/** The five region ids of an organisation's region (all null for a platform-wide organisation). */
export async function regionIdsOfOrg(db: Executor, orgId: string) {
  const r = await db
    .selectFrom('org as o')
    .leftJoin('region as r', 'r.id', 'o.region_id')
    .select(['r.id', 'r.level', 'r.city_id', 'r.district_id', 'r.street_id', 'r.community_id', 'r.grid_id'])
    .where('o.id', '=', orgId)
    .executeTakeFirst();
  return { city_id: r?.city_id ?? null, district_id: r?.district_id ?? null, street_id: r?.street_id ?? null, community_id: r?.community_id ?? null, grid_id: r?.grid_id ?? null };
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();
/** ISO 8601 with the configured zone's offset (2026-07-11T10:30:00+08:00), as Open311 asks. */
export function isoWithZone(d: Date | string | null | undefined, timeZone: string): string | null {
  if (!d) return null;
  const date = new Date(d);
  let f = offsetFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    offsetFormatters.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(date).map((x) => [x.type, x.value]));
  const local = `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}`;
  const seconds = Math.floor(date.getTime() / 1000) * 1000;
  const offsetMin = Math.round((Date.parse(`${local}Z`) - seconds) / 60_000);
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
