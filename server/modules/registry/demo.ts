import type { Ctx } from '../../platform/context.ts';
import { newId } from '../../platform/ids.ts';
import type { DemoRefs } from '../../platform/module.ts';
import type { SynthCity } from '../../demo/synth/types.ts';

/** Region ids of a region row, for copying onto located rows. */
async function locate(ctx: Ctx, regionIds: string[]) {
  const rows = await ctx.db
    .selectFrom('region')
    .select(['id', 'city_id', 'district_id', 'street_id', 'community_id', 'grid_id'])
    .where('id', 'in', regionIds)
    .execute();
  return new Map(rows.map((r) => [r.id, r]));
}

/** The demo city's compounds and buildings. */
export async function loadPlaces(ctx: Ctx, city: SynthCity, refs: DemoRefs) {
  const regionIds = [...new Set([...city.compounds.map((c) => refs.regions.get(c.communityKey)!), ...city.buildings.map((b) => refs.regions.get(b.gridKey)!)])];
  const at = await locate(ctx, regionIds);
  const compounds = city.compounds.map((c) => {
    const id = newId();
    refs.compounds.set(c.key, id);
    const r = at.get(refs.regions.get(c.communityKey)!)!;
    return {
      id,
      name: c.name,
      type: c.type,
      management: c.managedBy,
      property_company_org_id: c.propertyCompanyKey ? refs.orgs.get(c.propertyCompanyKey)! : null,
      owners_committee_org_id: c.ownersCommitteeKey ? refs.orgs.get(c.ownersCommitteeKey)! : null,
      work_unit: c.workUnit ?? null,
      address: c.address,
      lng: c.point[0],
      lat: c.point[1],
      built_year: c.builtYear,
      city_id: r.city_id!,
      district_id: r.district_id!,
      street_id: r.street_id!,
      community_id: r.community_id!,
      grid_id: null,
    };
  });
  for (let i = 0; i < compounds.length; i += 500) await ctx.db.insertInto('compound').values(compounds.slice(i, i + 500)).execute();
  const buildings = city.buildings.map((b) => {
    const id = newId();
    refs.buildings.set(b.key, id);
    const r = at.get(refs.regions.get(b.gridKey)!)!;
    return {
      id,
      compound_id: refs.compounds.get(b.compoundKey)!,
      number: b.number,
      address: b.address,
      floors: b.floors,
      unit_count: b.unitCount,
      lng: b.point[0],
      lat: b.point[1],
      city_id: r.city_id!,
      district_id: r.district_id!,
      street_id: r.street_id!,
      community_id: r.community_id!,
      grid_id: r.grid_id!,
    };
  });
  for (let i = 0; i < buildings.length; i += 500) await ctx.db.insertInto('building').values(buildings.slice(i, i + 500)).execute();
}
