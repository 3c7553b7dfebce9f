import type { Ctx } from '../../../platform/context.ts';
import type { Executor } from '../../../db/index.ts';
import { inScope, rowInScope, scopeOf, type Scope } from '../../../platform/access/index.ts';
import type { FieldErrors } from '../../../platform/errors.ts';
import { normalizeBuildingNumber, normalizeText, normalizeUnitNumber, normalizeRoom } from '../normalize.ts';
import { checkPersonFields } from '../residents/service.ts';
import { residentsByIdHash } from '../residents/store.ts';
import type { Selectable } from 'kysely';
import type { ImportKind, Occupancy, PoliticalStatus, Relation, ResidentTable } from '../tables.ts';
import { COLUMNS, parseDateCell, parseGender, parseOccupancy, parsePolitical, parseRelation, TAG_ALIASES } from './columns.ts';

/**
 * Turns spreadsheet rows into checked records. Everything a row refers to (compounds, buildings,
 * grids, care tags) is looked up in the importer's scope once per import; people are checked
 * against the registry in batches. The same code runs to validate and again to confirm.
 */
export interface Problem {
  column: string | null;
  code: string;
  params?: Record<string, string | number>;
}

export interface BuildingRef {
  id: string;
  compound_id: string | null;
  number_key: string;
  city_id: string;
  district_id: string;
  street_id: string;
  community_id: string;
  grid_id: string;
  compound_name: string | null;
}

export interface Place {
  building: BuildingRef;
  unit: string;
  room: string;
}

export interface ResidentRecord {
  name: string;
  idNumber: string;
  birthDate: string;
  gender: 'male' | 'female';
  phone: string | null | undefined;
  ethnicity: string | null | undefined;
  politicalStatus: PoliticalStatus | undefined;
  relation: Relation | undefined;
  place: Place | null;
  area: number | undefined;
  occupancy: Occupancy | undefined;
  registeredAddress: string | undefined;
  tags: string[];
  movedInOn: string | undefined;
}

export interface HouseholdRecord {
  place: Place;
  floor: number | undefined;
  area: number | undefined;
  occupancy: Occupancy | undefined;
}

export interface BuildingRecord {
  compound: { id: string; name: string; address: string; community_id: string } | null;
  number: string;
  numberKey: string;
  grid: GridRef;
  floors: number | undefined;
  unitCount: number | undefined;
  address: string | undefined;
}

export type ImportRecord = ResidentRecord | HouseholdRecord | BuildingRecord;

interface GridRef { id: string; code: string; name: string; city_id: string; district_id: string; street_id: string; community_id: string }

/** What rows may refer to, loaded once per import from the importer's scope. */
export class Lookup {
  private constructor(
    readonly scope: Scope,
    private readonly compounds: Map<string, { id: string; name: string; address: string; community_id: string }[]>,
    private readonly buildings: Map<string, BuildingRef[]>,
    private readonly grids: Map<string, GridRef[]>,
    private readonly tags: Map<string, string>,
    /** where rows without a building are placed: the importer's community (or grid), when they have one */
    readonly home: { community_id: string; city_id: string; district_id: string; street_id: string; grid_id: string | null } | null,
  ) {}

  static async load(ctx: Ctx): Promise<Lookup> {
    const scope = scopeOf(ctx);
    const db = ctx.db;
    const compounds = await db.selectFrom('compound as c').select(['c.id', 'c.name', 'c.address', 'c.community_id']).where((eb) => inScope(eb, scope, { regionOf: 'c' })).execute();
    const buildings = await db
      .selectFrom('building as b')
      .leftJoin('compound as c', 'c.id', 'b.compound_id')
      .select(['b.id', 'b.compound_id', 'b.number_key', 'b.city_id', 'b.district_id', 'b.street_id', 'b.community_id', 'b.grid_id', 'c.name as compound_name'])
      .where((eb) => inScope(eb, scope, { regionOf: 'b' }))
      .execute();
    const grids = await db
      .selectFrom('region as rg')
      .select(['rg.id', 'rg.code', 'rg.name', 'rg.city_id', 'rg.district_id', 'rg.street_id', 'rg.community_id'])
      .where('rg.level', '=', 'grid')
      .where((eb) => inScope(eb, scope, { regionOf: 'rg' }))
      .execute();
    const tags = await db.selectFrom('care_tag').select(['code', 'name_zh']).where('active', '=', true).execute();
    const group = <T>(rows: T[], key: (r: T) => string[]) => {
      const m = new Map<string, T[]>();
      for (const r of rows) for (const k of key(r)) m.set(k, [...(m.get(k) ?? []), r]);
      return m;
    };
    const tagMap = new Map<string, string>();
    for (const t of tags) for (const name of [t.code, t.name_zh, ...(TAG_ALIASES[t.code] ?? [])]) tagMap.set(name, t.code);
    let home: Lookup['home'] = null;
    if (scope.kind === 'region' && (scope.level === 'community' || scope.level === 'grid')) {
      const r = await db.selectFrom('region').select(['city_id', 'district_id', 'street_id', 'community_id', 'grid_id']).where('id', '=', scope.regionId).executeTakeFirst();
      if (r) home = { city_id: r.city_id!, district_id: r.district_id!, street_id: r.street_id!, community_id: r.community_id!, grid_id: r.grid_id };
    }
    return new Lookup(
      scope,
      group(compounds, (c) => [normalizeText(c.name)]),
      group(buildings as BuildingRef[], (b) => [`${b.compound_id ?? ''}|${b.number_key}`, `*|${b.number_key}`]),
      group(grids as GridRef[], (g) => [g.code, normalizeText(g.name)]),
      tagMap,
      home,
    );
  }

  // a file names the same few compounds and buildings on every row: normalise each spelling once
  private readonly normalized = new Map<string, string>();
  private memo(kind: 'c' | 'b', raw: string, normalize: (s: string) => string) {
    const key = kind + raw;
    let v = this.normalized.get(key);
    if (v === undefined) {
      if (this.normalized.size >= 10_000) this.normalized.clear(); // bounded, whatever the file holds
      v = normalize(raw);
      this.normalized.set(key, v);
    }
    return v;
  }

  compound(name: string) {
    return this.compounds.get(this.memo('c', name, normalizeText)) ?? [];
  }

  buildingKey(raw: string) {
    return this.memo('b', raw, normalizeBuildingNumber);
  }

  /** A building by compound (when named) and normalised number; several matches without a compound are ambiguous. */
  building(compoundId: string | null, numberKey: string): BuildingRef[] {
    return this.buildings.get(compoundId === null ? `*|${numberKey}` : `${compoundId}|${numberKey}`) ?? [];
  }

  grid(raw: string) {
    return this.grids.get(/^\d{15}$/.test(raw) ? raw : normalizeText(raw)) ?? [];
  }

  tag(name: string) {
    return this.tags.get(name.trim());
  }

  /** Buildings created by this import become known to later rows of it. */
  addBuilding(b: BuildingRef) {
    for (const k of [`${b.compound_id ?? ''}|${b.number_key}`, `*|${b.number_key}`]) this.buildings.set(k, [...(this.buildings.get(k) ?? []).filter((x) => x.id !== b.id), b]);
  }
}

/** The cells of a row by field key, trimmed; columns the file does not have are undefined. */
export type Cells = Record<string, string | undefined>;

export function rowCells(byIndex: Map<number, string>, cells: string[]): Cells {
  const out: Cells = {};
  for (const [i, key] of byIndex) out[key] = (cells[i] ?? '').trim();
  return out;
}

const filled = (v: string | undefined): v is string => v !== undefined && v !== '';

function number(cells: Cells, key: string, problems: Problem[], min: number, max: number, integer: boolean): number | undefined {
  const raw = cells[key];
  if (!filled(raw)) return undefined;
  const n = Number(raw.replace(/(平方米|㎡|m2|M2|层|个)$/, ''));
  if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    problems.push({ column: key, code: 'number_invalid', params: { min, max } });
    return undefined;
  }
  return n;
}

/** Compound + building + unit + room of a row, resolved to a building in scope. */
function resolvePlace(cells: Cells, lookup: Lookup, problems: Problem[], roomRequired: boolean): Place | null | undefined {
  if (!filled(cells.building)) {
    if (filled(cells.room) || filled(cells.unit)) problems.push({ column: 'building', code: 'required' });
    return null;
  }
  let compoundId: string | null = null;
  if (filled(cells.compound)) {
    const found = lookup.compound(cells.compound);
    if (found.length !== 1) {
      problems.push({ column: 'compound', code: found.length ? 'compound_ambiguous' : 'compound_unknown', params: { value: cells.compound } });
      return undefined;
    }
    compoundId = found[0].id;
  }
  const numberKey = lookup.buildingKey(cells.building);
  const buildings = lookup.building(compoundId, numberKey);
  if (buildings.length !== 1) {
    problems.push({ column: 'building', code: buildings.length ? 'building_ambiguous' : 'building_unknown', params: { value: cells.building } });
    return undefined;
  }
  if (!filled(cells.room)) {
    if (roomRequired) problems.push({ column: 'room', code: 'required' });
    return undefined;
  }
  const room = normalizeRoom(cells.room);
  const unit = filled(cells.unit) ? normalizeUnitNumber(cells.unit) : (room.unit ?? '');
  if (!/^[\dA-Z]+$/.test(room.room) || (unit && !/^\d+$/.test(unit))) {
    problems.push({ column: filled(cells.unit) && unit && !/^\d+$/.test(unit) ? 'unit' : 'room', code: 'room_invalid' });
    return undefined;
  }
  return { building: buildings[0], unit, room: room.room };
}

const enumCell = <T>(cells: Cells, key: string, parse: (s: string) => T | null, problems: Problem[]): T | undefined => {
  const raw = cells[key];
  if (!filled(raw)) return undefined;
  const v = parse(raw);
  if (v === null) problems.push({ column: key, code: `${key}_unknown`, params: { value: raw } });
  return v ?? undefined;
};

/** Problems of the person fields, from the same checks the API uses; keys map onto import problem codes. */
function personProblems(fields: FieldErrors): Problem[] {
  return Object.entries(fields).map(([column, v]) => {
    const key = typeof v === 'string' ? v : v.key;
    return { column, code: key.replace(/^(registry|pii)\./, '') };
  });
}

export function checkResidentRow(cells: Cells, lookup: Lookup, day: string): { record: ResidentRecord | null; problems: Problem[] } {
  const problems: Problem[] = [];
  if (!filled(cells.name)) problems.push({ column: 'name', code: 'required' });
  if (!filled(cells.idNumber)) problems.push({ column: 'idNumber', code: 'required' });
  else if (/^\d(\.\d+)?e\+\d+$/i.test(cells.idNumber)) problems.push({ column: 'idNumber', code: 'id_number_as_number' });
  const birth = filled(cells.birthDate) ? parseDateCell(cells.birthDate) : undefined;
  if (birth === 'impossible') problems.push({ column: 'birthDate', code: 'date_impossible', params: { value: cells.birthDate! } });
  else if (birth === null) problems.push({ column: 'birthDate', code: 'date_format', params: { value: cells.birthDate! } });
  const gender = enumCell(cells, 'gender', parseGender, problems);
  const fields: FieldErrors = {};
  const person = checkPersonFields(
    {
      ...(filled(cells.name) ? { name: cells.name } : {}),
      ...(filled(cells.idNumber) && !problems.some((p) => p.column === 'idNumber') ? { idNumber: cells.idNumber } : {}),
      ...(cells.phone !== undefined ? { phone: cells.phone || null } : {}),
      ...(cells.ethnicity !== undefined ? { ethnicity: cells.ethnicity || null } : {}),
      ...(gender ? { gender } : {}),
      ...(typeof birth === 'string' && birth !== 'impossible' ? { birthDate: birth } : {}),
    },
    day,
    fields,
  );
  problems.push(...personProblems(fields));
  const politicalStatus = enumCell(cells, 'politicalStatus', parsePolitical, problems);
  const relation = enumCell(cells, 'relation', parseRelation, problems);
  const occupancy = enumCell(cells, 'occupancy', parseOccupancy, problems);
  const area = number(cells, 'area', problems, 1, 10000, false);
  const place = resolvePlace(cells, lookup, problems, false);
  if (place === null && relation) problems.push({ column: 'relation', code: 'relation_without_household' });
  if (place === null && !lookup.home) problems.push({ column: 'building', code: 'building_required' });
  const tags: string[] = [];
  if (filled(cells.tags)) {
    for (const name of cells.tags.split(/[,，、;；/\s]+/).filter(Boolean)) {
      const code = lookup.tag(name);
      if (!code) problems.push({ column: 'tags', code: 'tag_unknown', params: { value: name } });
      else if (!tags.includes(code)) tags.push(code);
    }
  }
  let movedInOn: string | undefined;
  if (filled(cells.movedInOn)) {
    const d = parseDateCell(cells.movedInOn);
    if (d === 'impossible' || d === null) problems.push({ column: 'movedInOn', code: d === null ? 'date_format' : 'date_impossible', params: { value: cells.movedInOn } });
    else if (d > day) problems.push({ column: 'movedInOn', code: 'date_in_future' });
    else movedInOn = d;
  }
  if (problems.length || place === undefined) return { record: null, problems };
  return {
    record: {
      name: person.name!,
      idNumber: person.idNumber!,
      birthDate: person.birthDate!,
      gender: person.gender!,
      phone: person.phone,
      ethnicity: person.ethnicity,
      politicalStatus,
      relation,
      place,
      area,
      occupancy,
      registeredAddress: filled(cells.registeredAddress) ? cells.registeredAddress : undefined,
      tags,
      movedInOn,
    },
    problems,
  };
}

export function checkHouseholdRow(cells: Cells, lookup: Lookup): { record: HouseholdRecord | null; problems: Problem[] } {
  const problems: Problem[] = [];
  const place = resolvePlace(cells, lookup, problems, true);
  const floor = number(cells, 'floor', problems, -5, 200, true);
  const area = number(cells, 'area', problems, 1, 10000, false);
  const occupancy = enumCell(cells, 'occupancy', parseOccupancy, problems);
  if (!place || problems.length) return { record: null, problems };
  return { record: { place, floor, area, occupancy }, problems };
}

export function checkBuildingRow(cells: Cells, lookup: Lookup): { record: BuildingRecord | null; problems: Problem[] } {
  const problems: Problem[] = [];
  let compound: BuildingRecord['compound'] = null;
  if (filled(cells.compound)) {
    const found = lookup.compound(cells.compound);
    if (found.length !== 1) problems.push({ column: 'compound', code: found.length ? 'compound_ambiguous' : 'compound_unknown', params: { value: cells.compound } });
    else compound = found[0];
  }
  const numberKey = filled(cells.building) ? lookup.buildingKey(cells.building) : '';
  if (!numberKey) problems.push({ column: 'building', code: 'required' });
  let grid: GridRef | undefined;
  if (!filled(cells.grid)) problems.push({ column: 'grid', code: 'required' });
  else {
    const found = lookup.grid(cells.grid);
    if (found.length !== 1) problems.push({ column: 'grid', code: found.length ? 'grid_ambiguous' : 'grid_unknown', params: { value: cells.grid } });
    else grid = found[0];
  }
  if (grid && compound && grid.community_id !== compound.community_id) problems.push({ column: 'grid', code: 'grid_other_community' });
  const floors = number(cells, 'floors', problems, 1, 200, true);
  const unitCount = number(cells, 'unitCount', problems, 0, 50, true);
  if (problems.length || !grid) return { record: null, problems };
  return { record: { compound, number: cells.building!, numberKey, grid, floors, unitCount, address: filled(cells.address) ? cells.address : undefined }, problems };
}

export function checkRow(kind: ImportKind, cells: Cells, lookup: Lookup, day: string) {
  if (kind === 'residents') return checkResidentRow(cells, lookup, day);
  if (kind === 'households') return checkHouseholdRow(cells, lookup);
  return checkBuildingRow(cells, lookup);
}

/** The registered people of a batch, by the blind index of their ID number: one query per batch. */
export async function registryRows(db: Executor, hashes: string[]): Promise<Map<string, Selectable<ResidentTable>>> {
  return new Map((await residentsByIdHash(db, hashes)).map((r) => [r.id_hash, r]));
}

/**
 * The check that needs the registry: a person registered and active in another jurisdiction, or
 * recorded as deceased, cannot be imported here. Duplicates within the file are found by the
 * caller (it remembers blind indexes of the IDs it has seen).
 */
export function registryProblem(scope: Scope, r: Selectable<ResidentTable> | undefined): Problem | null {
  if (!r) return null;
  if (r.status === 'deceased') return { column: 'idNumber', code: 'resident_deceased' };
  if (r.status === 'active' && !rowInScope(scope, r)) return { column: 'idNumber', code: 'resident_elsewhere' };
  return null;
}

export const columnHeader = (kind: ImportKind, key: string | null) => (key ? (COLUMNS[kind].find((c) => c.key === key)?.header ?? key) : null);
