import type { Ctx } from '../../../platform/context.ts';
import type { Executor } from '../../../db/index.ts';
import { insertBatches } from '../../../db/bulk.ts';
import { newId } from '../../../platform/ids.ts';
import { maskPhone } from '../../../platform/pii/index.ts';
import { nameKey } from '../normalize.ts';
import * as places from '../places/store.ts';
import * as residents from '../residents/store.ts';
import { deriveSeparated, ID_PURPOSE, PHONE_PURPOSE, protectIdNumber, protectPhone, type Dwelling } from '../residents/rules.ts';
import type { HouseholdTable, ResidentTable } from '../tables.ts';
import type { Insertable, Selectable, Updateable } from 'kysely';
import type { BuildingRecord, HouseholdRecord, Lookup, Place, ResidentRecord } from './rows.ts';

export interface ApplyResult {
  created: number;
  updated: number;
  unchanged: number;
  skipped: number;
  householdsCreated: number;
}

const placeKey = (p: Place) => `${p.building.id}|${p.unit}|${p.room}`;
const dwellingOf = (p: Place): Dwelling => ({ compoundName: p.building.compound_name, buildingKey: p.building.number_key, unit: p.unit, room: p.room });

/**
 * Writes checked records inside the confirm transaction, batch by batch. Natural keys make it
 * idempotent: a resident is found by the blind index of the ID number, a household by building +
 * unit + room, a building by compound + number; a row that matches what is stored writes nothing,
 * and an empty cell never erases a stored value.
 */
export class Applier {
  readonly result: ApplyResult = { created: 0, updated: 0, unchanged: 0, skipped: 0, householdsCreated: 0 };
  private readonly units = new Map<string, string>();
  private readonly bulk;
  private readonly actor: string | null;

  constructor(private readonly ctx: Ctx, private readonly db: Executor, private readonly lookup: Lookup, private readonly source: string, private readonly day: string) {
    this.bulk = insertBatches(db);
    this.actor = ctx.principal.kind === 'user' ? ctx.principal.id : null;
  }

  private async unitId(building: { id: string; district_id: string }, unit: string) {
    if (!unit) return null;
    const key = `${building.id}|${unit}`;
    let id = this.units.get(key);
    if (!id) {
      id = await places.ensureUnit(this.db, building, unit, newId());
      this.units.set(key, id);
    }
    return id;
  }

  /** Households of the batch's places: existing ones (updated where the row says otherwise), the rest created. */
  private async households(items: { place: Place; floor?: number; area?: number; occupancy?: HouseholdTable['occupancy'] }[]) {
    const out = new Map<string, string>();
    const distinct = new Map<string, (typeof items)[number]>();
    for (const it of items) distinct.set(placeKey(it.place), it);
    if (distinct.size === 0) return out;
    const existing = await this.db
      .selectFrom('household')
      .selectAll()
      .where((eb) => eb(eb.refTuple('building_id', 'unit_no', 'room_no'), 'in', [...distinct.values()].map((i) => eb.tuple(i.place.building.id, i.place.unit, i.place.room))))
      .execute();
    const byKey = new Map(existing.map((h) => [`${h.building_id}|${h.unit_no}|${h.room_no}`, h]));
    const fresh: Insertable<HouseholdTable>[] = [];
    for (const [key, it] of distinct) {
      const h = byKey.get(key);
      if (h) {
        out.set(key, h.id);
        const set = this.householdChanges(h, it);
        if (set) await places.updateHousehold(this.db, h.id, { ...set, updated_at: this.ctx.platform.clock.now() });
        continue;
      }
      const id = newId();
      out.set(key, id);
      const b = it.place.building;
      fresh.push({
        id, building_id: b.id, unit_id: await this.unitId(b, it.place.unit), unit_no: it.place.unit, room_no: it.place.room,
        floor: it.floor ?? (/^\d{3,4}$/.test(it.place.room) ? Math.floor(Number(it.place.room) / 100) || null : null), area_m2: it.area ?? null, occupancy: it.occupancy ?? 'owner',
        compound_id: b.compound_id, city_id: b.city_id, district_id: b.district_id, street_id: b.street_id, community_id: b.community_id, grid_id: b.grid_id,
      });
    }
    if (fresh.length) {
      const cols = Object.keys(fresh[0]) as (keyof Insertable<HouseholdTable>)[];
      await this.bulk('household', cols, fresh.map((r) => cols.map((c) => r[c])));
      this.result.householdsCreated += fresh.length;
    }
    return out;
  }

  private householdChanges(h: Selectable<HouseholdTable>, it: { floor?: number; area?: number; occupancy?: HouseholdTable['occupancy'] }) {
    const set: Updateable<HouseholdTable> = {};
    if (it.floor !== undefined && it.floor !== h.floor) set.floor = it.floor;
    if (it.area !== undefined && Number(it.area) !== Number(h.area_m2)) set.area_m2 = it.area;
    if (it.occupancy !== undefined && it.occupancy !== h.occupancy) set.occupancy = it.occupancy;
    return Object.keys(set).length ? set : null;
  }

  async applyHouseholds(batch: HouseholdRecord[]) {
    const before = this.result.householdsCreated;
    await this.households(batch.map((r) => ({ place: r.place, floor: r.floor, area: r.area, occupancy: r.occupancy })));
    this.result.created += this.result.householdsCreated - before;
    this.result.unchanged += batch.length - (this.result.householdsCreated - before);
  }

  async applyBuildings(batch: BuildingRecord[]) {
    for (const r of batch) {
      const communityId = r.compound?.community_id ?? r.grid.community_id;
      const existing = await places.buildingByKey(this.db, r.compound?.id ?? null, communityId, r.numberKey);
      if (existing) {
        const b = await this.db.selectFrom('building').selectAll().where('id', '=', existing.id).executeTakeFirstOrThrow();
        const set = {
          ...(r.floors !== undefined && r.floors !== b.floors ? { floors: r.floors } : {}),
          ...(r.unitCount !== undefined && r.unitCount !== b.unit_count ? { unit_count: r.unitCount } : {}),
          ...(r.address !== undefined && r.address !== b.address ? { address: r.address } : {}),
          ...(r.grid.id !== b.grid_id ? { grid_id: r.grid.id } : {}),
        };
        if (Object.keys(set).length === 0) {
          this.result.unchanged++;
          continue;
        }
        await places.updateBuilding(this.db, b.id, { ...set, updated_at: this.ctx.platform.clock.now() });
        if (set.grid_id) await places.moveBuildingPlace(this.db, b.id, r.grid.id);
        for (let u = 1; u <= (set.unit_count ?? 0); u++) await this.unitId(b, String(u));
        this.result.updated++;
        continue;
      }
      const id = newId();
      const g = r.grid;
      await places.insertBuilding(this.db, {
        id, compound_id: r.compound?.id ?? null, number: r.number, number_key: r.numberKey, address: r.address ?? `${r.compound?.address ?? ''}${r.compound?.name ?? ''}${r.number}`,
        floors: r.floors ?? null, unit_count: r.unitCount ?? null, lng: null, lat: null,
        city_id: g.city_id, district_id: g.district_id, street_id: g.street_id, community_id: g.community_id, grid_id: g.id,
      });
      for (let u = 1; u <= (r.unitCount ?? 0); u++) await this.unitId({ id, district_id: g.district_id }, String(u));
      this.lookup.addBuilding({ id, compound_id: r.compound?.id ?? null, number_key: r.numberKey, city_id: g.city_id, district_id: g.district_id, street_id: g.street_id, community_id: g.community_id, grid_id: g.id, compound_name: r.compound?.name ?? null });
      this.result.created++;
    }
  }

  async applyResidents(batch: ResidentRecord[]) {
    const pii = this.ctx.platform.pii;
    const households = await this.households(batch.filter((r) => r.place).map((r) => ({ place: r.place!, area: r.area, occupancy: r.occupancy })));
    const hashes = batch.map((r) => pii.blindIndex(ID_PURPOSE, r.idNumber));
    const existing = await residents.residentsByIdHash(this.db, hashes);
    const byHash = new Map(existing.map((r) => [r.id_hash, r]));
    const ids = existing.map((r) => r.id);
    const open = ids.length ? await this.db.selectFrom('household_member').selectAll().where('resident_id', 'in', ids).where('valid_to', 'is', null).execute() : [];
    const openByResident = new Map(open.map((m) => [m.resident_id, m]));
    const tags = ids.length ? await this.db.selectFrom('resident_tag').select(['resident_id', 'tag']).where('resident_id', 'in', ids).where('valid_to', 'is', null).execute() : [];
    const openTags = new Set(tags.map((t) => `${t.resident_id}|${t.tag}`));

    const newResidents: unknown[][] = [];
    const newMembers: unknown[][] = [];
    const newTags: unknown[][] = [];
    const residentCols = [
      'id', 'name', 'name_key', 'gender', 'birth_date', 'id_enc', 'id_hash', 'id_tail', 'phone_enc', 'phone_hash', 'phone_tail', 'ethnicity', 'political_status',
      'registered_address', 'separated', 'relation', 'household_id', 'building_id', 'compound_id', 'city_id', 'district_id', 'street_id', 'community_id', 'grid_id', 'created_by',
    ];
    const memberRow = (residentId: string, householdId: string, districtId: string, relation: string, from: string, reason: string) => [newId(), residentId, householdId, districtId, relation, from, reason, this.actor];
    const tagRow = (residentId: string, districtId: string, tag: string) => [newId(), residentId, districtId, tag, this.day, this.actor];

    for (let i = 0; i < batch.length; i++) {
      const rec = batch[i];
      const current = byHash.get(hashes[i]);
      const householdId = rec.place ? households.get(placeKey(rec.place))! : null;
      const place = rec.place
        ? { household_id: householdId, building_id: rec.place.building.id, compound_id: rec.place.building.compound_id, city_id: rec.place.building.city_id, district_id: rec.place.building.district_id, street_id: rec.place.building.street_id, community_id: rec.place.building.community_id, grid_id: rec.place.building.grid_id }
        : null;
      if (!current) {
        const id = newId();
        const home = place ?? { household_id: null, building_id: null, compound_id: null, ...this.lookup.home! };
        const relation = rec.place ? (rec.relation ?? 'head') : null;
        const idp = protectIdNumber(pii, rec.idNumber);
        const ph = protectPhone(pii, rec.phone ?? null);
        newResidents.push([
          id, rec.name, nameKey(rec.name), rec.gender, rec.birthDate, idp.id_enc, idp.id_hash, idp.id_tail, ph.phone_enc, ph.phone_hash, ph.phone_tail, rec.ethnicity ?? null,
          rec.politicalStatus ?? null, rec.registeredAddress ?? null, deriveSeparated(rec.registeredAddress ?? null, rec.place ? dwellingOf(rec.place) : null), relation,
          home.household_id, home.building_id, home.compound_id, home.city_id, home.district_id, home.street_id, home.community_id, home.grid_id, this.actor,
        ]);
        if (householdId) newMembers.push(memberRow(id, householdId, home.district_id, relation!, rec.movedInOn ?? this.day, 'imported'));
        for (const t of rec.tags) newTags.push(tagRow(id, home.district_id, t));
        this.result.created++;
        continue;
      }
      if (current.status === 'deceased' || (current.status === 'active' && !this.inScope(current))) {
        this.result.skipped++;
        continue;
      }
      const { changed, districtId } = await this.update(current, rec, place, openByResident.get(current.id) ?? null);
      const addTags = rec.tags.filter((t) => !openTags.has(`${current.id}|${t}`));
      for (const t of addTags) newTags.push(tagRow(current.id, districtId, t));
      if (changed || addTags.length) this.result.updated++;
      else this.result.unchanged++;
    }
    await this.bulk('resident', residentCols, newResidents);
    await this.bulk('household_member', ['id', 'resident_id', 'household_id', 'district_id', 'relation', 'valid_from', 'reason_in', 'created_by'], newMembers);
    await this.bulk('resident_tag', ['id', 'resident_id', 'district_id', 'tag', 'valid_from', 'created_by'], newTags);
  }

  private inScope(r: { city_id: string; district_id: string; street_id: string; community_id: string; grid_id: string | null }) {
    const s = this.lookup.scope;
    if (s.kind === 'all') return true;
    if (s.kind === 'org') return false;
    return (r as Record<string, unknown>)[`${s.level}_id`] === s.regionId;
  }

  /** Brings a stored resident in line with a row; returns whether anything was written, and the district the resident is in now. */
  private async update(
    current: Selectable<ResidentTable>,
    rec: ResidentRecord,
    place: { household_id: string | null; building_id: string; compound_id: string | null; city_id: string; district_id: string; street_id: string; community_id: string; grid_id: string } | null,
    open: { id: string; household_id: string; relation: string } | null,
  ): Promise<{ changed: boolean; districtId: string }> {
    const pii = this.ctx.platform.pii;
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    const set: Updateable<ResidentTable> = {};
    const reregister = current.status !== 'active';
    if (rec.name !== current.name) {
      changes.name = { from: current.name, to: rec.name };
      Object.assign(set, { name: rec.name, name_key: nameKey(rec.name) });
    }
    if (rec.phone && !(current.phone_hash && pii.blindIndexes(PHONE_PURPOSE, rec.phone).includes(current.phone_hash))) {
      changes.phone = { from: current.phone_enc ? maskPhone(pii.decrypt(current.phone_enc)) : null, to: maskPhone(rec.phone) };
      Object.assign(set, protectPhone(pii, rec.phone));
    }
    if (rec.ethnicity && rec.ethnicity !== current.ethnicity) {
      changes.ethnicity = { from: current.ethnicity, to: rec.ethnicity };
      set.ethnicity = rec.ethnicity;
    }
    if (rec.politicalStatus && rec.politicalStatus !== current.political_status) {
      changes.politicalStatus = { from: current.political_status, to: rec.politicalStatus };
      set.political_status = rec.politicalStatus;
    }
    if (rec.registeredAddress && rec.registeredAddress !== current.registered_address) {
      changes.registeredAddress = { from: current.registered_address, to: rec.registeredAddress };
      set.registered_address = rec.registeredAddress;
    }
    const relation = rec.relation ?? (open && place && open.household_id === place.household_id ? (open.relation as ResidentRecord['relation']) : 'head')!;
    const moves = place && (!open || open.household_id !== place.household_id || open.relation !== relation);
    if (moves) {
      if (open) await residents.closeMembership(this.db, open.id, rec.movedInOn && rec.movedInOn >= this.day ? rec.movedInOn : this.day, open.household_id === place.household_id ? 'relation_changed' : 'moved', this.actor);
      await residents.insertMembership(this.db, {
        id: newId(), resident_id: current.id, household_id: place.household_id!, district_id: place.district_id, relation, valid_from: open ? this.day : (rec.movedInOn ?? this.day),
        reason_in: open?.household_id === place.household_id ? 'relation_changed' : 'imported', created_by: this.actor,
      });
      changes.household = { from: open?.household_id ?? null, to: place.household_id };
      Object.assign(set, place, { relation, status: 'active' });
    } else if (reregister && !place) {
      Object.assign(set, { ...this.lookup.home!, household_id: null, building_id: null, compound_id: null, relation: null, status: 'active' });
      changes.status = { from: current.status, to: 'active' };
    }
    const districtId = set.district_id ?? current.district_id;
    if (Object.keys(changes).length === 0) return { changed: false, districtId };
    if (changes.registeredAddress || moves) {
      set.separated = rec.place ? deriveSeparated(set.registered_address ?? current.registered_address, dwellingOf(rec.place)) : current.separated;
    }
    await residents.updateResident(this.db, current.id, { ...set, updated_at: this.ctx.platform.clock.now() });
    await residents.insertChange(this.db, { id: newId(), resident_id: current.id, at: this.ctx.platform.clock.now(), actor_id: this.actor, source: this.source, changes: JSON.stringify(changes) });
    return { changed: true, districtId };
  }
}
