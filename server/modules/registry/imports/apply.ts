import type { Ctx } from '../../../platform/context.ts';
import type { Executor } from '../../../db/index.ts';
import { insertRecords, updateRecords } from '../../../db/bulk.ts';
import { newId } from '../../../platform/ids.ts';
import { maskPhone } from '../../../platform/pii/index.ts';
import { nameKey } from '../normalize.ts';
import * as places from '../places/store.ts';
import * as residents from '../residents/store.ts';
import { deriveSeparated, PHONE_PURPOSE, protectPhone, type Dwelling, type ProtectedId, type ProtectedPhone } from '../residents/rules.ts';
import type { HouseholdMemberTable, HouseholdTable, Relation, ResidentChangeTable, ResidentTable, ResidentTagTable } from '../tables.ts';
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

/** What one batch of residents writes, gathered first and then written one statement per kind. */
interface Writes {
  residents: Insertable<ResidentTable>[];
  updates: ({ id: string } & Updateable<ResidentTable>)[];
  closes: { id: string; valid_to: string; reason_out: string; closed_by: string | null }[];
  members: Insertable<HouseholdMemberTable>[];
  tags: Insertable<ResidentTagTable>[];
  changes: (Omit<Insertable<ResidentChangeTable>, 'changes'> & { changes: Record<string, unknown> })[];
}

/**
 * Writes checked records inside the confirm transaction, batch by batch. Natural keys make it
 * idempotent: a resident is found by the blind index of the ID number, a household by building +
 * unit + room, a building by compound + number; a row that matches what is stored writes nothing,
 * and an empty cell never erases a stored value.
 */
export class Applier {
  readonly result: ApplyResult = { created: 0, updated: 0, unchanged: 0, skipped: 0, householdsCreated: 0 };
  private readonly units = new Map<string, string>();
  private readonly actor: string | null;

  constructor(private readonly ctx: Ctx, private readonly db: Executor, private readonly lookup: Lookup, private readonly source: string, private readonly day: string) {
    this.actor = ctx.principal.kind === 'user' ? ctx.principal.id : null;
  }

  /** The units of (building, number) pairs, created where missing: one round trip for those this import has not met yet. */
  private async ensureUnits(pairs: { building: { id: string; district_id: string }; number: string }[]) {
    const missing = new Map<string, { id: string; building: { id: string; district_id: string }; number: string }>();
    for (const p of pairs) {
      const key = `${p.building.id}|${p.number}`;
      if (p.number && !this.units.has(key)) missing.set(key, { ...p, id: newId() });
    }
    for (const [key, id] of await places.ensureUnits(this.db, [...missing.values()])) this.units.set(key, id);
  }

  /** Households of the batch's places: existing ones (updated where the row says otherwise), the rest created. */
  private async households(items: { place: Place; floor?: number; area?: number; occupancy?: HouseholdTable['occupancy'] }[]) {
    const out = new Map<string, string>();
    const distinct = new Map<string, (typeof items)[number]>();
    for (const it of items) distinct.set(placeKey(it.place), it);
    if (distinct.size === 0) return out;
    const existing = await places.householdsByKeys(this.db, [...distinct.values()].map((i) => ({ building_id: i.place.building.id, unit_no: i.place.unit, room_no: i.place.room })));
    const byKey = new Map(existing.map((h) => [`${h.building_id}|${h.unit_no}|${h.room_no}`, h]));
    const fresh: Insertable<HouseholdTable>[] = [];
    const changed: ({ id: string } & Updateable<HouseholdTable>)[] = [];
    await this.ensureUnits([...distinct].filter(([key]) => !byKey.has(key)).map(([, it]) => ({ building: it.place.building, number: it.place.unit })));
    for (const [key, it] of distinct) {
      const h = byKey.get(key);
      if (h) {
        out.set(key, h.id);
        const set = this.householdChanges(h, it);
        if (set) changed.push({ id: h.id, ...set, updated_at: this.ctx.platform.clock.now() });
        continue;
      }
      const id = newId();
      out.set(key, id);
      const b = it.place.building;
      fresh.push({
        id, building_id: b.id, unit_id: this.units.get(`${b.id}|${it.place.unit}`) ?? null, unit_no: it.place.unit, room_no: it.place.room,
        floor: it.floor ?? (/^\d{3,4}$/.test(it.place.room) ? Math.floor(Number(it.place.room) / 100) || null : null), area_m2: it.area ?? null, occupancy: it.occupancy ?? 'owner',
        compound_id: b.compound_id, city_id: b.city_id, district_id: b.district_id, street_id: b.street_id, community_id: b.community_id, grid_id: b.grid_id,
      });
    }
    await updateRecords(this.db, 'household', changed);
    this.result.householdsCreated += await insertRecords(this.db, 'household', fresh);
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
    const units: { building: { id: string; district_id: string }; number: string }[] = [];
    const unitsOf = (building: { id: string; district_id: string }, count: number | undefined) => {
      for (let u = 1; u <= (count ?? 0); u++) units.push({ building, number: String(u) });
    };
    for (const r of batch) {
      const communityId = r.compound?.community_id ?? r.grid.community_id;
      const b = await places.buildingByKey(this.db, r.compound?.id ?? null, communityId, r.numberKey);
      if (b) {
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
        unitsOf(b, set.unit_count);
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
      unitsOf({ id, district_id: g.district_id }, r.unitCount);
      this.lookup.addBuilding({ id, compound_id: r.compound?.id ?? null, number_key: r.numberKey, city_id: g.city_id, district_id: g.district_id, street_id: g.street_id, community_id: g.community_id, grid_id: g.id, compound_name: r.compound?.name ?? null });
      this.result.created++;
    }
    await this.ensureUnits(units);
  }

  /**
   * One batch of residents in a fixed number of statements, whatever its size: the open memberships
   * and care tags of the people already registered are read at once, then new people, changed
   * people, memberships, tags and change history are written as one statement each (updates one per
   * set of changed columns).
   */
  async applyResidents(batch: { record: ResidentRecord; hash: string; sealed: ProtectedId & ProtectedPhone }[], registered: Map<string, Selectable<ResidentTable>>) {
    const households = await this.households(batch.filter((b) => b.record.place).map(({ record: r }) => ({ place: r.place!, area: r.area, occupancy: r.occupancy })));
    const ids = [...registered.values()].map((r) => r.id);
    const openByResident = new Map((await residents.openMemberships(this.db, ids)).map((m) => [m.resident_id, m]));
    const openTags = new Set((await residents.openTags(this.db, ids)).map((t) => `${t.resident_id}|${t.tag}`));

    const w: Writes = { residents: [], updates: [], closes: [], members: [], tags: [], changes: [] };
    // memberships and care tags live in the district of the household / the person (distribution key)
    const memberRow = (residentId: string, householdId: string, districtId: string, relation: Relation, from: string, reason: string) => ({
      id: newId(), resident_id: residentId, household_id: householdId, district_id: districtId, relation, valid_from: from, reason_in: reason, created_by: this.actor,
    });
    const tagRow = (residentId: string, districtId: string, tag: string) => ({ id: newId(), resident_id: residentId, district_id: districtId, tag, valid_from: this.day, created_by: this.actor });

    for (const { record: rec, hash, sealed } of batch) {
      const current = registered.get(hash);
      const householdId = rec.place ? households.get(placeKey(rec.place))! : null;
      const place = rec.place
        ? { household_id: householdId, building_id: rec.place.building.id, compound_id: rec.place.building.compound_id, city_id: rec.place.building.city_id, district_id: rec.place.building.district_id, street_id: rec.place.building.street_id, community_id: rec.place.building.community_id, grid_id: rec.place.building.grid_id }
        : null;
      if (!current) {
        const id = newId();
        const home = place ?? { household_id: null, building_id: null, compound_id: null, ...this.lookup.home! };
        const relation = rec.place ? (rec.relation ?? 'head') : null;
        w.residents.push({
          id, name: rec.name, name_key: nameKey(rec.name), gender: rec.gender, birth_date: rec.birthDate, ...sealed,
          ethnicity: rec.ethnicity ?? null, political_status: rec.politicalStatus ?? null, registered_address: rec.registeredAddress ?? null,
          separated: deriveSeparated(rec.registeredAddress ?? null, rec.place ? dwellingOf(rec.place) : null), relation, ...home, created_by: this.actor,
        });
        if (householdId) w.members.push(memberRow(id, householdId, home.district_id, relation!, rec.movedInOn ?? this.day, 'imported'));
        for (const t of rec.tags) w.tags.push(tagRow(id, home.district_id, t));
        this.result.created++;
        continue;
      }
      if (current.status === 'deceased' || (current.status === 'active' && !this.inScope(current))) {
        this.result.skipped++;
        continue;
      }
      const { changed, districtId } = this.update(current, rec, place, openByResident.get(current.id) ?? null, w, memberRow);
      const addTags = rec.tags.filter((t) => !openTags.has(`${current.id}|${t}`));
      for (const t of addTags) w.tags.push(tagRow(current.id, districtId, t));
      if (changed || addTags.length) this.result.updated++;
      else this.result.unchanged++;
    }
    // closes before inserts: a person has at most one open membership (a unique index says so)
    await updateRecords(this.db, 'household_member', w.closes);
    await insertRecords(this.db, 'resident', w.residents);
    // a person moved to another district takes their care tags along
    await residents.updateResidents(this.db, w.updates);
    await insertRecords(this.db, 'household_member', w.members);
    await insertRecords(this.db, 'resident_tag', w.tags);
    await insertRecords(this.db, 'resident_change', w.changes);
  }

  private inScope(r: { city_id: string; district_id: string; street_id: string; community_id: string; grid_id: string | null }) {
    const s = this.lookup.scope;
    if (s.kind === 'all') return true;
    if (s.kind === 'org') return false;
    return (r as Record<string, unknown>)[`${s.level}_id`] === s.regionId;
  }

  /** Brings a stored resident in line with a row (into `w`, written with the batch); returns whether anything changed, and the district the person is in now. */
  private update(
    current: Selectable<ResidentTable>,
    rec: ResidentRecord,
    place: { household_id: string | null; building_id: string; compound_id: string | null; city_id: string; district_id: string; street_id: string; community_id: string; grid_id: string } | null,
    open: { id: string; household_id: string; relation: string } | null,
    w: Writes,
    memberRow: (residentId: string, householdId: string, districtId: string, relation: Relation, from: string, reason: string) => Writes['members'][number],
  ): { changed: boolean; districtId: string } {
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
      if (open) w.closes.push({ id: open.id, valid_to: rec.movedInOn && rec.movedInOn >= this.day ? rec.movedInOn : this.day, reason_out: open.household_id === place.household_id ? 'relation_changed' : 'moved', closed_by: this.actor });
      w.members.push(memberRow(current.id, place.household_id!, place.district_id, relation, open ? this.day : (rec.movedInOn ?? this.day), open?.household_id === place.household_id ? 'relation_changed' : 'imported'));
      changes.household = { from: open?.household_id ?? null, to: place.household_id };
      Object.assign(set, place, { relation, status: 'active' });
    } else if (reregister && !place) {
      Object.assign(set, { ...this.lookup.home!, household_id: null, building_id: null, compound_id: null, relation: null, status: 'active' });
      changes.status = { from: current.status, to: 'active' };
    }
    const districtId = (set.district_id as string | undefined) ?? current.district_id;
    if (Object.keys(changes).length === 0) return { changed: false, districtId };
    if (changes.registeredAddress || moves) {
      set.separated = rec.place ? deriveSeparated(set.registered_address ?? current.registered_address, dwellingOf(rec.place)) : current.separated;
    }
    const now = this.ctx.platform.clock.now();
    w.updates.push({ id: current.id, ...set, updated_at: now });
    w.changes.push({ id: newId(), resident_id: current.id, at: now, actor_id: this.actor, source: this.source, changes });
    return { changed: true, districtId };
  }
}
