import type { Ctx } from '../../platform/context.ts';
import { newId } from '../../platform/ids.ts';
import type { DemoRefs } from '../../platform/module.ts';
import { insertBatches, type BulkInsert } from '../../db/bulk.ts';
import type { SynthCity, SynthCompound, SynthResident } from '../../demo/synth/types.ts';
import { nameKey, normalizeBuildingNumber, normalizeRoom } from './normalize.ts';
import { sealInThread } from '../../platform/pii/crypto.ts';
import { deriveSeparated, ID_PURPOSE, PHONE_PURPOSE } from './residents/rules.ts';

/** Above this many residents the generator keeps no key → id map of people (memory stays flat). */
const KEEP_RESIDENT_REFS = 100_000;
const SEAL_BATCH = 2000;

interface Place { city_id: string; district_id: string; street_id: string; community_id: string; grid_id: string | null }

/** Region ids of a region row, for copying onto located rows. */
async function locate(ctx: Ctx, regionIds: string[]) {
  const rows = await ctx.db
    .selectFrom('region')
    .select(['id', 'city_id', 'district_id', 'street_id', 'community_id', 'grid_id'])
    .where('id', 'in', regionIds)
    .execute();
  return new Map(rows.map((r) => [r.id, r as Place]));
}

const placeOf = (r: Place) => [r.city_id, r.district_id, r.street_id, r.community_id, r.grid_id] as const;
const PLACE_COLUMNS = ['city_id', 'district_id', 'street_id', 'community_id', 'grid_id'] as const;

/**
 * The registry's part of a synthetic city: compounds, buildings, units, households, residents with
 * their household membership and care tags, and grid chiefs. Used for the demo city (batched
 * INSERTs in the loader's transaction) and by `npm run generate` (COPY on PostgreSQL, via refs.bulk).
 */
export async function loadRegistry(ctx: Ctx, city: SynthCity, refs: DemoRefs) {
  const bulk: BulkInsert = refs.bulk ?? insertBatches(ctx.db);
  const regionIds = [...new Set([...city.compounds.map((c) => refs.regions.get(c.communityKey)!), ...city.buildings.map((b) => refs.regions.get(b.gridKey)!)])];
  const at = await locate(ctx, regionIds);
  const compoundByKey = new Map<string, SynthCompound>(city.compounds.map((c) => [c.key, c]));

  await bulk(
    'compound',
    ['id', 'name', 'type', 'management', 'property_company_org_id', 'owners_committee_org_id', 'work_unit', 'address', 'lng', 'lat', 'built_year', ...PLACE_COLUMNS],
    city.compounds.map((c) => {
      const id = newId();
      refs.compounds.set(c.key, id);
      const r = at.get(refs.regions.get(c.communityKey)!)!;
      return [
        id, c.name, c.type, c.managedBy, c.propertyCompanyKey ? refs.orgs.get(c.propertyCompanyKey)! : null,
        c.ownersCommitteeKey ? refs.orgs.get(c.ownersCommitteeKey)! : null, c.workUnit ?? null, c.address, c.point[0], c.point[1], c.builtYear,
        r.city_id, r.district_id, r.street_id, r.community_id, null,
      ];
    }),
  );

  const buildingPlace = new Map<string, Place>();
  const buildingNumberKey = new Map<string, string>();
  const unitIds = new Map<string, string>(); // `${buildingKey}|${unit}`
  await bulk(
    'building',
    ['id', 'compound_id', 'number', 'number_key', 'address', 'floors', 'unit_count', 'lng', 'lat', ...PLACE_COLUMNS],
    city.buildings.map((b) => {
      const id = newId();
      refs.buildings.set(b.key, id);
      const r = at.get(refs.regions.get(b.gridKey)!)!;
      buildingPlace.set(b.key, r);
      const numberKey = normalizeBuildingNumber(b.number);
      buildingNumberKey.set(b.key, numberKey);
      return [id, refs.compounds.get(b.compoundKey)!, b.number, numberKey, b.address, b.floors, b.unitCount, b.point[0], b.point[1], ...placeOf(r)];
    }),
  );
  await bulk(
    'unit',
    ['id', 'building_id', 'number', 'name', 'district_id'],
    (function* () {
      for (const b of city.buildings) {
        for (let u = 1; u <= b.unitCount; u++) {
          const id = newId();
          unitIds.set(`${b.key}|${u}`, id);
          yield [id, refs.buildings.get(b.key)!, String(u), `${u}单元`, buildingPlace.get(b.key)!.district_id];
        }
      }
    })(),
  );

  const buildingByKey = new Map(city.buildings.map((b) => [b.key, b]));
  const dwelling = new Map<string, { unit: string; room: string }>();
  await bulk(
    'household',
    ['id', 'building_id', 'unit_id', 'unit_no', 'room_no', 'floor', 'area_m2', 'occupancy', 'compound_id', ...PLACE_COLUMNS],
    (function* () {
      for (const h of city.households) {
        const id = newId();
        refs.households.set(h.key, id);
        const b = buildingByKey.get(h.buildingKey)!;
        const room = normalizeRoom(h.room);
        const unit = room.unit ?? String(h.unit);
        dwelling.set(h.key, { unit, room: room.room });
        yield [id, refs.buildings.get(b.key)!, unitIds.get(`${b.key}|${h.unit}`) ?? null, unit, room.room, h.floor, h.areaM2, h.occupancy, refs.compounds.get(b.compoundKey)!, ...placeOf(buildingPlace.get(b.key)!)];
      }
    })(),
  );

  // Residents, then their memberships and tags: three passes over the lazy resident stream, so
  // nothing but the household maps and the residents' ids (16 bytes each) is held in memory.
  const householdByKey = new Map(city.households.map((h) => [h.key, h]));
  const pii = ctx.platform.pii;
  const residentIds = new UuidList(city.residentCount);
  const keepRefs = city.residentCount <= KEEP_RESIDENT_REFS;
  const seal = refs.seal ?? sealInThread(pii);
  const unhoused = { ...at.get(refs.regions.get(city.compounds[0].communityKey)!)!, grid_id: null };
  /** Where a resident lives: their building's place, or the first community for the unhoused. */
  const residentPlace = (p: SynthResident) => (p.householdKey ? buildingPlace.get(householdByKey.get(p.householdKey)!.buildingKey)! : unhoused);
  /** One batch of residents as rows, their numbers sealed (possibly on worker threads). */
  const residentRows = async (batch: SynthResident[]) => {
    // ids in stream order now, before waiting: later passes find them by position
    const rowIds = batch.map((p) => {
      const id = newId();
      residentIds.push(id);
      if (keepRefs) refs.residents.set(p.key, id);
      return id;
    });
    const phones = batch.filter((p) => p.phone).map((p) => p.phone!);
    const [ids, sealedPhones] = await Promise.all([seal(ID_PURPOSE, batch.map((p) => p.idNumber)), seal(PHONE_PURPOSE, phones)]);
    let k = 0;
    return batch.map((p, i) => {
      const id = rowIds[i];
      const h = p.householdKey ? householdByKey.get(p.householdKey)! : null;
      const b = h ? buildingByKey.get(h.buildingKey)! : null;
      const d = h ? dwelling.get(h.key)! : null;
      const separated = b && d ? deriveSeparated(p.registeredAddress, { compoundName: compoundByKey.get(b.compoundKey)!.name, buildingKey: buildingNumberKey.get(b.key)!, unit: d.unit, room: d.room }) : null;
      const ph = p.phone ? sealedPhones[k++] : null;
      return [
        id, p.name, nameKey(p.name), p.gender, p.birthDate, ids[i].enc, ids[i].hash, p.idNumber.slice(-4), ph?.enc ?? null, ph?.hash ?? null, p.phone ? p.phone.slice(-4) : null, p.ethnicity,
        p.politicalStatus, p.registeredAddress, p.registeredRegionCode, separated, h ? refs.households.get(h.key)! : null, p.relation,
        b ? refs.buildings.get(b.key)! : null, b ? refs.compounds.get(b.compoundKey)! : null, ...placeOf(residentPlace(p)),
      ];
    });
  };
  await bulk(
    'resident',
    ['id', 'name', 'name_key', 'gender', 'birth_date', 'id_enc', 'id_hash', 'id_tail', 'phone_enc', 'phone_hash', 'phone_tail', 'ethnicity',
      'political_status', 'registered_address', 'registered_region_code', 'separated', 'household_id', 'relation', 'building_id', 'compound_id', ...PLACE_COLUMNS],
    (async function* () {
      // a few batches sealed ahead, so the sealing threads and this one work at the same time
      const ahead: Promise<unknown[][]>[] = [];
      let batch: SynthResident[] = [];
      for (const p of city.residents()) {
        batch.push(p);
        if (batch.length < SEAL_BATCH) continue;
        ahead.push(residentRows(batch));
        batch = [];
        if (ahead.length >= 3) yield* await ahead.shift()!;
      }
      if (batch.length) ahead.push(residentRows(batch));
      while (ahead.length) yield* await ahead.shift()!;
    })(),
  );
  await bulk(
    'household_member',
    ['id', 'resident_id', 'household_id', 'relation', 'valid_from', 'reason_in', 'district_id'],
    (function* () {
      let i = 0;
      for (const p of city.residents()) {
        const id = residentIds.get(i++);
        if (!p.householdKey) continue;
        const b = buildingByKey.get(householdByKey.get(p.householdKey)!.buildingKey)!;
        // moved in when the compound was built, or at birth if later
        const built = `${compoundByKey.get(b.compoundKey)!.builtYear}-01-01`;
        yield [newId(), id, refs.households.get(p.householdKey)!, p.relation, p.birthDate > built ? p.birthDate : built, 'generated', buildingPlace.get(b.key)!.district_id];
      }
    })(),
  );
  await bulk(
    'resident_tag',
    ['id', 'resident_id', 'tag', 'valid_from', 'district_id'],
    (function* () {
      let i = 0;
      for (const p of city.residents()) {
        const id = residentIds.get(i++);
        const districtId = residentPlace(p).district_id;
        for (const t of p.careTags) yield [newId(), id, t.tag, t.since, districtId];
      }
    })(),
  );

  // Grid chiefs (网格长): the demo community administrator leads the grids of their community.
  const chief = refs.users.get('community');
  const chiefRow = chief ? await ctx.db.selectFrom('app_user').select('org_id').where('id', '=', chief).executeTakeFirst() : null;
  if (chief && chiefRow) {
    const org = await ctx.db.selectFrom('org').select('region_id').where('id', '=', chiefRow.org_id).executeTakeFirst();
    if (org?.region_id) {
      await ctx.db.updateTable('region').set({ chief_user_id: chief }).where('level', '=', 'grid').where('community_id', '=', org.region_id).execute();
    }
  }
}

/** Fixed-capacity list of UUIDs stored as raw bytes. */
class UuidList {
  private readonly buf: Buffer;
  private n = 0;
  constructor(capacity: number) {
    this.buf = Buffer.alloc(Math.max(1, capacity) * 16);
  }
  push(id: string) {
    if (this.n * 16 >= this.buf.length) throw new RangeError('more residents than the city said it has');
    this.buf.write(id.replace(/-/g, ''), this.n++ * 16, 16, 'hex');
  }
  get(i: number): string {
    const h = this.buf.toString('hex', i * 16, i * 16 + 16);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
}
