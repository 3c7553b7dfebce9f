import { sql } from 'kysely';
import type { Transaction } from 'kysely';
import type { DB } from '../db/index.ts';
import type { BulkInsert } from '../db/bulk.ts';
import type { SealMany } from '../platform/pii/crypto.ts';
import type { GeoJsonGeometry, OrgKind, RegionLevel } from '../db/schema.ts';
import { systemCtx, type Ctx, type Platform } from '../platform/context.ts';
import { newId } from '../platform/ids.ts';
import { hashPassword } from '../platform/auth/passwords.ts';
import { audit } from '../platform/audit/index.ts';
import type { DemoRefs, LinliModule } from '../platform/module.ts';
import { generateCity } from './synth/city.ts';
import type { SynthCity, SynthRegion } from './synth/types.ts';

export const DEMO_PASSWORD = 'linli-demo-2026';
export const DEMO_RESIDENT_PHONE = '13800138000';
export const DEMO_SEED = 'linli-demo';
const MARKER = 'demo.loaded';

export interface DemoAccount {
  username: string;
  role: string;
  org: string;
}

export interface DemoResult {
  loaded: boolean;
  accounts: DemoAccount[];
  residents: number;
}

/** The demo accounts; created only in demo mode, all with DEMO_PASSWORD. */
function demoAccounts(city: SynthCity) {
  const byLevel = (level: RegionLevel) => city.regions.filter((r) => r.level === level);
  const districts = byLevel('district');
  const streets = byLevel('street');
  const communities = byLevel('community');
  const firstDistrict = districts[0];
  const firstStreet = streets.find((s) => s.parentKey === firstDistrict.key)!;
  const firstCommunity = communities.find((c) => c.parentKey === firstStreet.key)!;
  const firstGrid = byLevel('grid').find((g) => g.parentKey === firstCommunity.key)!;
  const secondDistrict = districts[1] ?? districts[0];
  const secondStreet = streets.find((s) => s.parentKey === secondDistrict.key)!;
  const communityOfSecond = communities.find((c) => c.parentKey === secondStreet.key)!;
  const org = (kind: OrgKind, regionKey: string | null, deptType?: string) =>
    city.orgs.find((o) => o.kind === kind && o.regionKey === regionKey && (!deptType || o.deptType === deptType))!;
  const firstCompound = city.compounds.find((c) => c.communityKey === firstCommunity.key && c.propertyCompanyKey) ?? city.compounds.find((c) => c.propertyCompanyKey)!;
  return [
    { username: 'admin', displayName: '平台管理员', org: org('platform', null), roles: ['platform_admin'], grid: null },
    { username: 'district', displayName: `${firstDistrict.name}管理员`, org: org('government', firstDistrict.key), roles: ['district_admin'], grid: null },
    { username: 'street', displayName: `${firstStreet.name}管理员`, org: org('street_office', firstStreet.key), roles: ['street_admin'], grid: null },
    { username: 'community', displayName: `${firstCommunity.name}管理员`, org: org('community_committee', firstCommunity.key), roles: ['community_admin'], grid: null },
    { username: 'grid', displayName: `${firstGrid.name}网格员`, org: org('community_committee', firstCommunity.key), roles: ['grid_worker'], grid: firstGrid },
    { username: 'dept', displayName: '城管局承办人', org: org('department', firstDistrict.key, 'urban_management'), roles: ['dept_handler'], grid: null },
    { username: 'property', displayName: '物业客服', org: city.orgs.find((o) => o.key === firstCompound.propertyCompanyKey)!, roles: ['property_staff'], grid: null },
    { username: 'community2', displayName: `${communityOfSecond.name}管理员`, org: org('community_committee', communityOfSecond.key), roles: ['community_admin'], grid: null },
    { username: 'leader', displayName: '区指挥中心值班员', org: org('government', firstDistrict.key), roles: ['command_viewer'], grid: null },
  ];
}

function bboxOf(geometry: GeoJsonGeometry | null) {
  if (!geometry) return { min_lng: null, min_lat: null, max_lng: null, max_lat: null };
  const rings = geometry.type === 'Polygon' ? (geometry.coordinates as number[][][]) : (geometry.coordinates as number[][][][]).flat();
  let minLng = Infinity, minLat = Infinity, maxLng = -Infinity, maxLat = -Infinity;
  for (const ring of rings) for (const [lng, lat] of ring) {
    minLng = Math.min(minLng, lng); maxLng = Math.max(maxLng, lng);
    minLat = Math.min(minLat, lat); maxLat = Math.max(maxLat, lat);
  }
  return { min_lng: minLng, min_lat: minLat, max_lng: maxLng, max_lat: maxLat };
}

async function insertRegions(trx: Transaction<DB>, city: SynthCity, refs: DemoRefs) {
  const byKey = new Map(city.regions.map((r) => [r.key, r]));
  for (const r of city.regions) refs.regions.set(r.key, newId());
  const ancestors = (r: SynthRegion) => {
    const out: Partial<Record<RegionLevel, string>> = {};
    for (let cur: SynthRegion | undefined = r; cur; cur = cur.parentKey ? byKey.get(cur.parentKey) : undefined) out[cur.level] = refs.regions.get(cur.key)!;
    return out;
  };
  const rows = city.regions.map((r) => {
    const a = ancestors(r);
    return {
      id: refs.regions.get(r.key)!,
      parent_id: r.parentKey ? refs.regions.get(r.parentKey)! : null,
      level: r.level,
      code: r.code,
      name: r.name,
      city_id: a.city ?? null,
      district_id: a.district ?? null,
      street_id: a.street ?? null,
      community_id: a.community ?? null,
      grid_id: a.grid ?? null,
      geometry: r.geometry ? JSON.stringify(r.geometry) : null,
      ...bboxOf(r.geometry as GeoJsonGeometry | null),
      households: r.households,
      sort_order: r.sort,
    };
  });
  for (let i = 0; i < rows.length; i += 200) await trx.insertInto('region').values(rows.slice(i, i + 200)).execute();
}

async function insertOrgs(trx: Transaction<DB>, city: SynthCity, refs: DemoRefs) {
  for (const o of city.orgs) refs.orgs.set(o.key, newId());
  const rows = city.orgs.map((o) => ({
    id: refs.orgs.get(o.key)!,
    kind: o.kind,
    name: o.name,
    region_id: o.regionKey ? refs.regions.get(o.regionKey)! : null,
    parent_id: o.parentKey ? refs.orgs.get(o.parentKey)! : null,
    dept_type: o.deptType ?? null,
    code: o.code ?? null,
  }));
  for (let i = 0; i < rows.length; i += 200) await trx.insertInto('org').values(rows.slice(i, i + 200)).execute();
}

/**
 * Loads the demo city once: regions with grid polygons, organisations, demo accounts, then each
 * module's part (places, people …). Everything in one transaction; a marker makes later starts skip it.
 */
export async function loadDemo(platform: Platform, modules: LinliModule[], opts: { seed?: string; residents?: number; bulk?: BulkInsert; seal?: SealMany } = {}): Promise<DemoResult> {
  const existing = await platform.db.selectFrom('setting').select('key').where('key', '=', MARKER).executeTakeFirst();
  const city = generateCity({ seed: opts.seed ?? DEMO_SEED, residents: opts.residents ?? 2000 });
  const accounts = demoAccounts(city);
  const listed = accounts.map((a) => ({ username: a.username, role: a.roles[0], org: a.org.name }));
  if (existing) return { loaded: false, accounts: listed, residents: city.residentCount };

  const passwordHash = await hashPassword(DEMO_PASSWORD);
  await platform.db.transaction().execute(async (trx) => {
    await sql`SET LOCAL statement_timeout = 0`.execute(trx);
    const ctx: Ctx = { ...systemCtx(platform, 'demo'), db: trx };
    const refs: DemoRefs = { regions: new Map(), orgs: new Map(), users: new Map(), compounds: new Map(), buildings: new Map(), households: new Map(), residents: new Map(), bulk: opts.bulk, seal: opts.seal };
    await insertRegions(trx, city, refs);
    await insertOrgs(trx, city, refs);
    for (const a of accounts) {
      const id = newId();
      refs.users.set(a.username, id);
      await trx
        .insertInto('app_user')
        .values({
          id,
          username: a.username,
          display_name: a.displayName,
          org_id: refs.orgs.get(a.org.key)!,
          grid_id: a.grid ? refs.regions.get(a.grid.key)! : null,
          password_hash: passwordHash,
          must_change_password: false,
        })
        .execute();
      await trx.insertInto('user_role').values(a.roles.map((role_code) => ({ user_id: id, role_code }))).execute();
    }
    for (const m of modules) if (m.demo) await m.demo(ctx, city, refs);
    await trx.insertInto('setting').values({ key: MARKER, value: JSON.stringify({ seed: city.seed, at: platform.clock.now().toISOString() }) }).execute();
    await audit(ctx, { action: 'demo.load', entityType: 'setting', entityId: MARKER, details: { regions: city.regions.length, orgs: city.orgs.length } });
  });
  return { loaded: true, accounts: listed, residents: city.residentCount };
}
