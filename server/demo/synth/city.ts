/**
 * Deterministic synthetic 济南市: jurisdiction tree with polygons, organisations, compounds,
 * buildings and households as arrays; residents as a lazy generator (see residents.ts).
 *
 * Everything is derived from the seed through named sub-streams (Rng.fork), and geometry per
 * community from a stream named by the community code, so changing the number of residents never
 * moves a polygon, and adding communities never reshapes existing ones.
 */
import { randomCreditCode } from './credit-code.ts';
import { parseIsoDate } from './dates.ts';
import { KM_PER_DEG_LAT, KM_PER_DEG_LNG, type Rect, rectPolygon, rectsOverlap, round6 } from './geometry.ts';
import {
  CITY, COMMERCIAL_BRANDS, COMMERCIAL_SUFFIXES, COMMUNITY_STEMS, COMMUNITY_SUFFIXES, DEPARTMENTS, type DistrictInfo, GENERIC_ROADS,
  INVENTED_DISTRICT_STEMS, INVENTED_STREET_STEMS, JINAN_DISTRICTS, OLD_SUFFIXES, RESETTLEMENT_SUFFIXES, RESETTLEMENT_VILLAGES,
  TRADE_FIRST, TRADE_SECOND, WORK_UNITS,
} from './places.ts';
import { Rng, WeightedTable } from './random.ts';
import { residentStream, type ResidentContext } from './residents.ts';
import type {
  CityOptions, CompoundType, Occupancy, SynthBuilding, SynthCity, SynthCompound, SynthHousehold, SynthOrg, SynthRegion,
} from './types.ts';

export const DEFAULT_SEED = 'linli';
/** Fixed "today" so that output never depends on the clock. */
export const DEFAULT_AS_OF = '2026-06-30';
export const DEFAULT_RESIDENTS = 2000;
/** National norm for a grid (网格): about 200 households; the generator aims at this when it sizes the tree. */
export const HOUSEHOLDS_PER_GRID = 200;
const PEOPLE_PER_OCCUPIED_HOUSEHOLD = 2.65;
const VACANCY = 0.1;
const MAX_PER_LEVEL = 999; // 3-digit serials in the codes

export interface CityPlan {
  residents: number;
  /** Households aimed at (occupied and vacant); the generated count differs by building rounding. */
  targetHouseholds: number;
  districts: number;
  streetsPerDistrict: number;
  communitiesPerStreet: number;
  gridsPerCommunity: number;
}

const clamp = (x: number, lo: number, hi: number) => (x < lo ? lo : x > hi ? hi : x);

/**
 * Sizes of the tree. Counts given in the options are used as they are; the others start from the
 * demo shape (2 × 2 × 2 × 3 = 24 grids) and grow only when the residents need more than about
 * 200 households per grid: districts first (about 400 grids each), then 8–12 streets, 6–12
 * communities and 3–6 grids, so a large city keeps the national grid norm.
 */
export function planCity(options: CityOptions = {}): CityPlan {
  const residents = Math.max(0, Math.floor(options.residents ?? DEFAULT_RESIDENTS));
  const targetHouseholds = Math.round(residents / PEOPLE_PER_OCCUPIED_HOUSEHOLD / (1 - VACANCY));
  const grids = Math.max(1, Math.round(targetHouseholds / HOUSEHOLDS_PER_GRID));
  const positive = (name: string, v: number | undefined) => {
    if (v === undefined) return undefined;
    if (!Number.isInteger(v) || v < 1 || v > MAX_PER_LEVEL) throw new RangeError(`${name} must be an integer from 1 to ${MAX_PER_LEVEL}`);
    return v;
  };
  const maxDistricts = JINAN_DISTRICTS.length + (199 - 118 + 1);
  const districts = positive('districts', options.districts) ?? clamp(Math.ceil(grids / 400), 2, maxDistricts);
  if (districts > maxDistricts) throw new RangeError(`at most ${maxDistricts} districts`);
  const streetsPerDistrict = positive('streetsPerDistrict', options.streetsPerDistrict) ?? clamp(Math.round(grids / (districts * 8 * 4)), 2, 12);
  const communitiesPerStreet = positive('communitiesPerStreet', options.communitiesPerStreet) ?? clamp(Math.round(grids / (districts * streetsPerDistrict * 4)), 2, 12);
  const gridsPerCommunity = positive('gridsPerCommunity', options.gridsPerCommunity) ?? clamp(Math.round(grids / (districts * streetsPerDistrict * communitiesPerStreet)), 3, 6);
  return { residents, targetHouseholds, districts, streetsPerDistrict, communitiesPerStreet, gridsPerCommunity };
}

const CN_DIGITS = '零一二三四五六七八九';
/** 1 → 一, 12 → 十二, 25 → 二十五, 103 → 一百零三. */
export function chineseNumber(n: number): string {
  if (n < 10) return CN_DIGITS[n];
  if (n < 20) return '十' + (n % 10 ? CN_DIGITS[n % 10] : '');
  if (n < 100) return CN_DIGITS[Math.floor(n / 10)] + '十' + (n % 10 ? CN_DIGITS[n % 10] : '');
  const rest = n % 100;
  return CN_DIGITS[Math.floor(n / 100)] + '百' + (rest === 0 ? '' : rest < 10 ? '零' + CN_DIGITS[rest] : rest < 20 ? '一' + chineseNumber(rest) : chineseNumber(rest));
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

function districtInfos(count: number): DistrictInfo[] {
  const out = JINAN_DISTRICTS.slice(0, count);
  // Invented districts: codes 370118 onward, placed on a ring around the real ones.
  for (let i = 0; out.length < count; i++) {
    const stem = INVENTED_DISTRICT_STEMS[i % INVENTED_DISTRICT_STEMS.length] + (i >= INVENTED_DISTRICT_STEMS.length ? chineseNumber(Math.floor(i / INVENTED_DISTRICT_STEMS.length) + 1) : '');
    const angle = (i * 2 * Math.PI) / 12;
    const radius = 0.45 + 0.2 * Math.floor(i / 12);
    out.push({
      code: String(370118 + i), name: `${stem}区`, short: stem,
      center: [CITY.center[0] + radius * Math.cos(angle), CITY.center[1] + radius * 0.8 * Math.sin(angle)],
      streets: [], roads: GENERIC_ROADS,
    });
  }
  return out;
}

/** Street names for a district: its real 街道 first, then invented ones, unique within the district. */
function streetNames(d: DistrictInfo, count: number, rng: Rng): { name: string; short: string }[] {
  const used = new Set<string>();
  const out: { name: string; short: string }[] = [];
  for (const s of d.streets) {
    if (out.length === count) break;
    used.add(s);
    out.push({ name: `${s}街道`, short: s });
  }
  const stems = rng.shuffle(INVENTED_STREET_STEMS);
  for (let i = 0; out.length < count; i++) {
    const stem = stems[i % stems.length] + (i >= stems.length ? chineseNumber(Math.floor(i / stems.length) + 1) : '');
    if (used.has(stem)) continue;
    used.add(stem);
    out.push({ name: `${stem}街道`, short: stem });
  }
  return out;
}

/** Unique-name helper: tries generated candidates, then numbers the last one (…二期, …2). */
class NamePool {
  private readonly used = new Set<string>();
  take(candidate: () => string, suffix: (base: string, n: number) => string, tries = 12): string {
    let name = candidate();
    for (let i = 0; i < tries && this.used.has(name); i++) name = candidate();
    if (this.used.has(name)) {
      const base = name;
      for (let n = 2; this.used.has(name); n++) name = suffix(base, n);
    }
    this.used.add(name);
    return name;
  }
}

interface Box { x: number; y: number; w: number; h: number } // km, y grows southward

/** Shelf packing of child boxes in rows of ⌈√n⌉; returns the container size. */
function packRows(children: { w: number; h: number }[], gap: number, margin: number): { w: number; h: number; at: Box[] } {
  const cols = Math.ceil(Math.sqrt(children.length));
  const at: Box[] = [];
  let y = margin, maxW = 0;
  for (let r = 0; r * cols < children.length; r++) {
    let x = margin, rowH = 0;
    for (let i = r * cols; i < Math.min(children.length, (r + 1) * cols); i++) {
      const c = children[i];
      at.push({ x, y, w: c.w, h: c.h });
      x += c.w + gap;
      rowH = Math.max(rowH, c.h);
    }
    maxW = Math.max(maxW, x - gap + margin);
    y += rowH + gap;
  }
  return { w: maxW, h: y - gap + margin, at };
}

interface CommunityPlan {
  district: number;
  code: string; // 12 digits
  w: number;
  h: number;
  rowFractions: number[]; // cumulative, 0..1
  columnFractions: number[][]; // per row, cumulative
  rng: Rng;
}

/** Splits a community into rows and columns; row-major order is the grid numbering (west→east, north→south). */
function gridSplit(rng: Rng, grids: number): { rows: number[]; cols: number[][] } {
  const rowCount = grids <= 3 ? 1 : Math.round(Math.sqrt(grids));
  const perRow: number[] = [];
  for (let r = 0; r < rowCount; r++) perRow.push(Math.floor(grids / rowCount) + (r < grids % rowCount ? 1 : 0));
  const cumulative = (n: number) => {
    const parts = Array.from({ length: n }, () => rng.float(0.75, 1.25));
    const total = parts.reduce((a, b) => a + b, 0);
    let acc = 0;
    return parts.map((p) => (acc += p / total));
  };
  return { rows: cumulative(rowCount), cols: perRow.map((n) => cumulative(n)) };
}

const TYPE_WEIGHTS_CORE = new WeightedTable<CompoundType>(['commercial', 'old', 'work_unit', 'resettlement'], [45, 32, 13, 10]);
const TYPE_WEIGHTS_OUTER = new WeightedTable<CompoundType>(['commercial', 'old', 'work_unit', 'resettlement'], [45, 20, 7, 28]);
const CORE_DISTRICTS = new Set(['370102', '370103', '370104', '370105']);

const BUILT_YEARS: Record<CompoundType, [number, number]> = { commercial: [2000, 2022], old: [1978, 1999], work_unit: [1970, 1998], resettlement: [2004, 2021] };
const VACANCY_BY_TYPE: Record<CompoundType, number> = { commercial: 0.13, resettlement: 0.12, old: 0.07, work_unit: 0.06 };
const TENANCY_BY_TYPE: Record<CompoundType, number> = { commercial: 0.12, resettlement: 0.15, old: 0.22, work_unit: 0.18 };
const AREA_BY_TYPE: Record<CompoundType, [number, number, number, number]> = { commercial: [112, 24, 60, 220], resettlement: [90, 15, 55, 140], old: [62, 10, 38, 95], work_unit: [70, 12, 45, 110] };
const MIN_FLOORS: Record<CompoundType, number> = { commercial: 6, resettlement: 6, old: 4, work_unit: 4 };

interface Shape { floors: number; units: number; perFloor: number }

// 老旧小区 and 单位院 are 4–7 storey walk-ups; 商品房 mixes 6-storey blocks, 11-storey 小高层 and towers.
const OLD_FLOORS = new WeightedTable([5, 6, 7], [3, 6, 1]);
const WORK_UNIT_FLOORS = new WeightedTable([4, 5, 6, 7], [1, 4, 4, 1]);
const RESETTLEMENT_FLOORS = new WeightedTable([6, 11, 18, 26], [2, 3, 4, 1]);
const HIGH_RISE_FLOORS = new WeightedTable([18, 26, 33], [4, 3, 2]);
const TOWER_PER_FLOOR = new WeightedTable([2, 3, 4], [5, 3, 2]);
const COMMERCIAL_KINDS = new WeightedTable(['multi', 'mid', 'high'] as const, [3, 3, 4]);

/** A building typical of the compound type, shrunk when the grid has little room left. */
function buildingShape(rng: Rng, type: CompoundType, room: number): Shape {
  let floors: number, units: number, perFloor: number;
  switch (type) {
    case 'old':
      floors = rng.draw(OLD_FLOORS); units = rng.int(2, 5); perFloor = rng.chance(0.85) ? 2 : 3; break;
    case 'work_unit':
      floors = rng.draw(WORK_UNIT_FLOORS); units = rng.int(2, 4); perFloor = 2; break;
    case 'resettlement':
      floors = rng.draw(RESETTLEMENT_FLOORS); units = rng.int(2, 3); perFloor = rng.draw(TOWER_PER_FLOOR); break;
    default: {
      const kind = rng.draw(COMMERCIAL_KINDS);
      if (kind === 'multi') { floors = rng.chance(0.75) ? 6 : 7; units = rng.int(2, 3); perFloor = 2; }
      else if (kind === 'mid') { floors = 11; units = rng.int(2, 3); perFloor = rng.chance(0.75) ? 2 : 3; }
      else { floors = rng.draw(HIGH_RISE_FLOORS); units = rng.int(1, 3); perFloor = rng.draw(TOWER_PER_FLOOR); }
    }
  }
  // Shrink towards the room left: floors first (down to the type's minimum), then units, then
  // households per floor, and only for a tiny remainder below the minimum floor count.
  const cap = Math.max(1, room) * 1.15;
  const minFloors = MIN_FLOORS[type];
  while (floors * units * perFloor > cap && (floors > 2 || units > 1 || perFloor > 2)) {
    if (floors > minFloors) floors = Math.max(minFloors, Math.min(floors - 1, Math.floor(cap / (units * perFloor))));
    else if (units > 1) units--;
    else if (perFloor > 2) perFloor--;
    else floors--;
  }
  return { floors, units, perFloor };
}

/** A compound's name and street address; "…号院" compounds are named after their own address. */
function compoundNaming(rng: Rng, type: CompoundType, roads: string[]): { name: () => string; road: string; number: number } {
  const road = rng.pick(roads);
  const number = rng.int(1, 360);
  const courtyard = type === 'old' && rng.chance(0.3);
  const name = (): string => {
    switch (type) {
      case 'commercial': return rng.pick(COMMERCIAL_BRANDS) + rng.pick(COMMERCIAL_SUFFIXES);
      case 'old': return courtyard ? `${road}${number}号院` : rng.pick(COMMUNITY_STEMS) + rng.pick(OLD_SUFFIXES);
      case 'work_unit': return rng.pick(WORK_UNITS) + rng.draw(WORK_UNIT_SUFFIXES);
      case 'resettlement': return rng.pick(RESETTLEMENT_VILLAGES) + rng.pick(RESETTLEMENT_SUFFIXES);
    }
  };
  return { name, road, number };
}
const WORK_UNIT_SUFFIXES = new WeightedTable(['宿舍', '家属院', '宿舍区'], [5, 3, 2]);

interface PendingBuilding { compound: number; shape: Shape; grid: number }

export function generateCity(options: CityOptions = {}): SynthCity {
  const seed = options.seed ?? DEFAULT_SEED;
  const asOf = options.asOf ?? DEFAULT_AS_OF;
  const asOfDay = parseIsoDate(asOf);
  const plan = planCity(options);
  const root = new Rng(seed);
  const namesRng = root.fork('names');
  const householdRng = root.fork('households');
  const orgRng = root.fork('orgs');

  const districts = districtInfos(plan.districts);
  const regions: SynthRegion[] = [];
  const orgs: SynthOrg[] = [];
  const compounds: SynthCompound[] = [];
  const buildings: SynthBuilding[] = [];
  const households: SynthHousehold[] = [];
  const creditCodes = new Set<string>();
  const creditCode = (prefix: string, region6: string, modern = false) => {
    let code = randomCreditCode(orgRng, prefix, region6, modern);
    while (creditCodes.has(code)) code = randomCreditCode(orgRng, prefix, region6, modern);
    creditCodes.add(code);
    return code;
  };

  // ---- 1. Sizes of every community (km) and how its grids split it: one stream per community code.
  const communities: CommunityPlan[] = [];
  for (let d = 0; d < districts.length; d++) {
    for (let s = 1; s <= plan.streetsPerDistrict; s++) {
      for (let c = 1; c <= plan.communitiesPerStreet; c++) {
        const code = `${districts[d].code}${pad(s, 3)}${pad(c, 3)}`;
        const rng = root.fork(`geometry:${code}`);
        const w = rng.float(0.6, 1.2), h = rng.float(0.6, 1.2);
        const split = gridSplit(rng, plan.gridsPerCommunity);
        communities.push({ district: d, code, w, h, rowFractions: split.rows, columnFractions: split.cols, rng });
      }
    }
  }

  // ---- 2. Layout: communities packed in streets, streets in districts, districts at their real centres.
  const perStreet = plan.communitiesPerStreet;
  const streetLayouts: { w: number; h: number; at: Box[] }[] = [];
  for (let i = 0; i < communities.length; i += perStreet) {
    const members = communities.slice(i, i + perStreet);
    streetLayouts.push(packRows(members, members[0].rng.float(0.03, 0.08), 0.05));
  }
  const districtLayouts = districts.map((_, d) => packRows(streetLayouts.slice(d * plan.streetsPerDistrict, (d + 1) * plan.streetsPerDistrict), 0.12, 0.25));
  const districtRects: Rect[] = [];
  const districtOrigins: [number, number][] = []; // north-west corner in degrees
  for (let d = 0; d < districts.length; d++) {
    const { w, h } = districtLayouts[d];
    let [lng, lat] = districts[d].center;
    // Real centres can be closer than the generated districts are wide; push outward until clear.
    const dx = lng - CITY.center[0], dy = lat - CITY.center[1];
    const len = Math.hypot(dx, dy);
    const step: [number, number] = len < 1e-9 ? [0.01, 0] : [(dx / len) * 0.01, (dy / len) * 0.01];
    const rectAt = (x: number, y: number): Rect => ({ west: x - w / 2 / KM_PER_DEG_LNG - 0.003, east: x + w / 2 / KM_PER_DEG_LNG + 0.003, south: y - h / 2 / KM_PER_DEG_LAT - 0.003, north: y + h / 2 / KM_PER_DEG_LAT + 0.003 });
    while (districtRects.some((r) => rectsOverlap(r, rectAt(lng, lat)))) {
      lng += step[0];
      lat += step[1];
    }
    districtRects.push(rectAt(lng, lat));
    districtOrigins.push([lng - w / 2 / KM_PER_DEG_LNG, lat + h / 2 / KM_PER_DEG_LAT]);
  }
  const toRect = (d: number, b: Box): Rect => {
    const [lng0, lat0] = districtOrigins[d];
    return {
      west: round6(lng0 + b.x / KM_PER_DEG_LNG),
      east: round6(lng0 + (b.x + b.w) / KM_PER_DEG_LNG),
      north: round6(lat0 - b.y / KM_PER_DEG_LAT),
      south: round6(lat0 - (b.y + b.h) / KM_PER_DEG_LAT),
    };
  };

  // ---- 3. Regions.
  const cityKey = `r:${CITY.code}`;
  const cityRegion: SynthRegion = { key: cityKey, level: 'city', code: CITY.code, name: CITY.name, parentKey: null, geometry: null, households: 0, sort: 0 };
  regions.push(cityRegion);
  const communityPool = new NamePool();
  const gridTargets: number[] = [];
  interface GridRef { region: SynthRegion; rect: Rect }
  const gridRefs: GridRef[] = [];
  const communityRegions: SynthRegion[] = [];
  const streetRegions: SynthRegion[] = [];
  const districtRegions: SynthRegion[] = [];
  const streetInfo: { short: string; district: number }[] = [];
  let cityRect: Rect | null = null;
  const grow = (a: Rect | null, b: Rect): Rect => (a ? { west: Math.min(a.west, b.west), south: Math.min(a.south, b.south), east: Math.max(a.east, b.east), north: Math.max(a.north, b.north) } : { ...b });

  for (let d = 0; d < districts.length; d++) {
    const info = districts[d];
    const dLayout = districtLayouts[d];
    const dRect = toRect(d, { x: 0, y: 0, w: dLayout.w, h: dLayout.h });
    cityRect = grow(cityRect, dRect);
    const districtRegion: SynthRegion = { key: `r:${info.code}000000`, level: 'district', code: `${info.code}000000`, name: info.name, parentKey: cityKey, geometry: rectPolygon(dRect), households: 0, sort: d };
    regions.push(districtRegion);
    districtRegions.push(districtRegion);
    const names = streetNames(info, plan.streetsPerDistrict, namesRng.fork(`streets:${info.code}`));
    for (let s = 0; s < plan.streetsPerDistrict; s++) {
      const streetIndex = d * plan.streetsPerDistrict + s;
      const sBox = dLayout.at[s];
      const streetCode = `${info.code}${pad(s + 1, 3)}000`;
      const streetRegion: SynthRegion = { key: `r:${streetCode}`, level: 'street', code: streetCode, name: names[s].name, parentKey: districtRegion.key, geometry: rectPolygon(toRect(d, sBox)), households: 0, sort: s };
      regions.push(streetRegion);
      streetRegions.push(streetRegion);
      streetInfo.push({ short: names[s].short, district: d });
      for (let c = 0; c < perStreet; c++) {
        const plan_ = communities[streetIndex * perStreet + c];
        const cBox = streetLayouts[streetIndex].at[c];
        const rect = toRect(d, { x: sBox.x + cBox.x, y: sBox.y + cBox.y, w: cBox.w, h: cBox.h });
        const name = communityPool.take(
          () => namesRng.pick(COMMUNITY_STEMS) + namesRng.pick(COMMUNITY_SUFFIXES) + '社区',
          (base, n) => base.replace(/社区$/, `${chineseNumber(n)}社区`),
        );
        const communityRegion: SynthRegion = { key: `r:${plan_.code}`, level: 'community', code: plan_.code, name, parentKey: streetRegion.key, geometry: rectPolygon(rect), households: 0, sort: c };
        regions.push(communityRegion);
        communityRegions.push(communityRegion);
        // Grids tile the rectangle exactly: boundaries are computed once and shared by neighbours.
        const lats = [rect.north, ...plan_.rowFractions.slice(0, -1).map((f) => round6(rect.north - (rect.north - rect.south) * f)), rect.south];
        let serial = 0;
        for (let r = 0; r < plan_.columnFractions.length; r++) {
          const cols = plan_.columnFractions[r];
          const lngs = [rect.west, ...cols.slice(0, -1).map((f) => round6(rect.west + (rect.east - rect.west) * f)), rect.east];
          for (let k = 0; k < cols.length; k++) {
            serial++;
            const gRect: Rect = { west: lngs[k], east: lngs[k + 1], north: lats[r], south: lats[r + 1] };
            const gCode = `${plan_.code}${pad(serial, 3)}`;
            const grid: SynthRegion = { key: `r:${gCode}`, level: 'grid', code: gCode, name: `${name}第${chineseNumber(serial)}网格`, parentKey: communityRegion.key, geometry: rectPolygon(gRect), households: 0, sort: serial - 1 };
            regions.push(grid);
            gridRefs.push({ region: grid, rect: gRect });
            // Most grids near the norm, a few well above it (so "over the household norm" warnings have cases).
            gridTargets.push(householdRng.chance(0.04) ? householdRng.float(1.5, 1.75) : householdRng.float(0.75, 1.25));
          }
        }
      }
    }
  }
  cityRegion.geometry = rectPolygon({ west: round6(cityRect!.west - 0.01), south: round6(cityRect!.south - 0.01), east: round6(cityRect!.east + 0.01), north: round6(cityRect!.north + 0.01) });
  apportion(gridTargets, plan.targetHouseholds);

  // ---- 4. Organisations of the jurisdiction tree.
  orgs.push({ key: 'o:platform', kind: 'platform', name: '邻里平台运维中心', regionKey: null });
  orgs.push({ key: `o:${CITY.code}:government`, kind: 'government', name: `${CITY.name}城市运行管理指挥中心`, regionKey: cityKey, code: creditCode('11', CITY.code6) });
  for (let d = 0; d < districts.length; d++) {
    const info = districts[d];
    const region = districtRegions[d];
    orgs.push({ key: `o:${region.code}:government`, kind: 'government', name: `${info.name}城市运行管理指挥中心`, regionKey: region.key, code: creditCode('11', info.code) });
    for (const dept of DEPARTMENTS) {
      orgs.push({ key: `o:${region.code}:dept:${dept.type}`, kind: 'department', name: dept.name(info), regionKey: region.key, deptType: dept.type, code: creditCode('11', info.code) });
    }
  }
  for (let s = 0; s < streetRegions.length; s++) {
    const region = streetRegions[s];
    const info = districts[streetInfo[s].district];
    orgs.push({ key: `o:${region.code}:street_office`, kind: 'street_office', name: `${region.name}办事处`, regionKey: region.key, code: creditCode('11', info.code) });
    // A police station serves one street, so its region is the street (the 分局 above it holds the district).
    orgs.push({ key: `o:${region.code}:police_station`, kind: 'department', name: `${streetInfo[s].short}派出所`, regionKey: region.key, deptType: 'police', parentKey: `o:${districtRegions[streetInfo[s].district].code}:dept:police`, code: creditCode('11', info.code) });
  }
  for (const region of communityRegions) {
    orgs.push({ key: `o:${region.code}:community_committee`, kind: 'community_committee', name: `${region.name}居民委员会`, regionKey: region.key, code: creditCode('54', region.code.slice(0, 6)) });
    orgs.push({ key: `o:${region.code}:party_org`, kind: 'party_org', name: `${region.name}党委`, regionKey: region.key });
  }

  // ---- 5. Compounds and buildings, community by community (one stream each).
  const compoundPool = new NamePool();
  const companyPool = new NamePool();
  const buildingType: CompoundType[] = [];
  for (let ci = 0; ci < communityRegions.length; ci++) {
    const community = communityRegions[ci];
    const cPlan = communities[ci];
    const info = districts[cPlan.district];
    const rng = root.fork(`estates:${community.code}`);
    // A community's grids are contiguous in gridRefs (they were created together).
    const firstGrid = ci * plan.gridsPerCommunity;
    const grids = gridRefs.slice(firstGrid, firstGrid + plan.gridsPerCommunity);
    const total = grids.reduce((a, _, i) => a + gridTargets[firstGrid + i], 0);
    if (total === 0) continue;
    const count = Math.max(total >= 40 ? 2 : 1, Math.round(total / rng.float(250, 400)));
    const types = Array.from({ length: count }, () => rng.draw(CORE_DISTRICTS.has(info.code) ? TYPE_WEIGHTS_CORE : TYPE_WEIGHTS_OUTER));
    if (ci === 0) types[0] = 'commercial'; // the demo always shows at least one managed commercial compound
    const budgets = types.map(() => rng.float(0.6, 1.4));
    const budgetSum = budgets.reduce((a, b) => a + b, 0);
    for (let i = 0; i < budgets.length; i++) budgets[i] = (total * budgets[i]) / budgetSum;

    // Walk the grids in numbering order, filling each with buildings of the current compound.
    const pending: PendingBuilding[] = [];
    let current = 0;
    for (let gi = 0; gi < grids.length; gi++) {
      let room = gridTargets[firstGrid + gi];
      while (room > 0) {
        if (budgets[current] <= 0 && current < count - 1) current++;
        const shape = buildingShape(rng, types[current], Math.min(room, Math.max(budgets[current], 1)));
        const n = shape.floors * shape.units * shape.perFloor;
        pending.push({ compound: current, shape, grid: gi });
        room -= n;
        budgets[current] -= n;
      }
    }

    // Building points: a jittered lattice per grid, kept off the grid edges.
    const points: [number, number][] = new Array(pending.length);
    for (let gi = 0; gi < grids.length; gi++) {
      const idx = pending.map((p, i) => (p.grid === gi ? i : -1)).filter((i) => i >= 0);
      const r = grids[gi].rect;
      const cols = Math.ceil(Math.sqrt(idx.length)), rows = Math.ceil(idx.length / cols);
      const cw = (r.east - r.west) / cols, ch = (r.north - r.south) / rows;
      idx.forEach((bi, k) => {
        const cx = r.west + cw * ((k % cols) + 0.5 + rng.float(-0.25, 0.25));
        const cy = r.north - ch * (Math.floor(k / cols) + 0.5 + rng.float(-0.25, 0.25));
        points[bi] = [round6(cx), round6(cy)];
      });
    }

    let serial = 0;
    for (let k = 0; k < count; k++) {
      const mine = pending.map((p, i) => (p.compound === k ? i : -1)).filter((i) => i >= 0);
      if (mine.length === 0) continue;
      const type = types[k];
      serial++;
      const key = `c:${community.code}-${pad(serial, 2)}`;
      const naming = compoundNaming(rng, type, info.roads);
      const name = compoundPool.take(naming.name, (base, n) => (type === 'commercial' || type === 'resettlement' ? `${base}${chineseNumber(n)}期` : `${base}${chineseNumber(n)}区`));
      const address = `${CITY.name}${info.name}${naming.road}${naming.number}号`;
      let managedBy: SynthCompound['managedBy'];
      let hasCompany: boolean;
      let hasOwnersCommittee: boolean;
      switch (type) {
        case 'commercial': managedBy = 'property_company'; hasCompany = true; hasOwnersCommittee = rng.chance(0.6); break;
        case 'old': hasCompany = rng.chance(0.4); managedBy = hasCompany ? 'property_company' : 'residents_committee'; hasOwnersCommittee = hasCompany && rng.chance(0.15); break;
        case 'resettlement': hasCompany = rng.chance(0.8); managedBy = hasCompany ? 'property_company' : 'residents_committee'; hasOwnersCommittee = rng.chance(0.2); break;
        case 'work_unit': hasCompany = false; managedBy = 'work_unit'; hasOwnersCommittee = false; break;
      }
      let propertyCompanyKey: string | null = null;
      if (hasCompany) {
        propertyCompanyKey = `o:pc:${key.slice(2)}`;
        const companyName = companyPool.take(
          () => `${rng.chance(0.75) ? '济南' : '山东'}${TRADE_FIRST[rng.int(0, TRADE_FIRST.length - 1)]}${TRADE_SECOND[rng.int(0, TRADE_SECOND.length - 1)]}物业${rng.chance(0.6) ? '服务' : '管理'}有限公司`,
          (base, n) => base.replace('物业', `${info.short}${chineseNumber(n)}物业`),
        );
        orgs.push({ key: propertyCompanyKey, kind: 'property_company', name: companyName, regionKey: community.key, code: creditCode('91', info.code, rng.chance(0.5)) });
      }
      let ownersCommitteeKey: string | null = null;
      if (hasOwnersCommittee) {
        ownersCommitteeKey = `o:oc:${key.slice(2)}`;
        orgs.push({ key: ownersCommitteeKey, kind: 'owners_committee', name: `${name}业主委员会`, regionKey: community.key });
      }
      let sx = 0, sy = 0;
      for (const i of mine) { sx += points[i][0]; sy += points[i][1]; }
      const [y0, y1] = BUILT_YEARS[type];
      const compound: SynthCompound = {
        key, name, communityKey: community.key, type, propertyCompanyKey, managedBy, ownersCommitteeKey, address,
        point: [round6(sx / mine.length), round6(sy / mine.length)], builtYear: rng.int(y0, y1),
      };
      if (type === 'work_unit') compound.workUnit = `${WORK_UNITS.find((u) => name.startsWith(u)) ?? name}后勤处`;
      compounds.push(compound);
      mine.forEach((i, n) => {
        const p = pending[i];
        const number = `${n + 1}号楼`;
        buildings.push({
          key: `b:${key.slice(2)}-${pad(n + 1, 2)}`, compoundKey: key, gridKey: grids[p.grid].region.key, number,
          address: `${address}${name}${number}`, floors: p.shape.floors, unitCount: p.shape.units, householdsPerUnitFloor: p.shape.perFloor, point: points[i],
        });
        buildingType.push(type);
      });
    }
  }

  // ---- 6. Households: rooms of every building, occupancy, and how many people each holds.
  const occupancyRng = root.fork('occupancy');
  const gridByKey = new Map(gridRefs.map((g) => [g.region.key, g.region]));
  const hhBuilding: number[] = [];
  for (let bi = 0; bi < buildings.length; bi++) {
    const b = buildings[bi];
    const type = buildingType[bi];
    const [mean, sd, lo, hi] = AREA_BY_TYPE[type];
    const grid = gridByKey.get(b.gridKey)!;
    // One typical flat size per building (flats of a building share a floor plan), varied a little per flat.
    const base = occupancyRng.normalIn(mean, sd, lo, hi);
    for (let u = 1; u <= b.unitCount; u++) {
      for (let f = 1; f <= b.floors; f++) {
        for (let k = 1; k <= b.householdsPerUnitFloor; k++) {
          const roomNo = `${f}${pad(k, 2)}`;
          const vacant = occupancyRng.chance(VACANCY_BY_TYPE[type]);
          const occupancy: Occupancy = vacant ? 'vacant' : occupancyRng.chance(TENANCY_BY_TYPE[type]) ? 'tenant' : 'owner';
          households.push({
            key: `h:${b.key.slice(2)}-${u}-${roomNo}`, buildingKey: b.key, unit: u, floor: f, room: `${u}单元${roomNo}`,
            areaM2: Math.round(base * (k === 1 ? 1 : occupancyRng.float(0.85, 1.1)) * 100) / 100, occupancy,
          });
          hhBuilding.push(bi);
          grid.households! += 1;
        }
      }
    }
  }
  const sizes = householdSizes(occupancyRng, households, plan.residents);
  let residentCount = 0;
  for (let i = 0; i < households.length; i++) {
    households[i].memberCount = sizes[i];
    residentCount += sizes[i];
  }

  // Household totals up the tree.
  const byKey = new Map(regions.map((r) => [r.key, r]));
  for (const g of gridRefs) {
    for (let p = g.region.parentKey; p; p = byKey.get(p)!.parentKey) byKey.get(p)!.households! += g.region.households!;
  }

  const ctx: ResidentContext = {
    seed, asOfDay, households, sizes, hhBuilding, buildings, buildingType,
    buildingDistrict: buildings.map((b) => districts.findIndex((d) => b.key.startsWith(`b:${d.code}`))),
    districts,
  };
  return {
    seed, asOf, regions, orgs, compounds, buildings, households, residentCount,
    residents: () => residentStream(ctx, root.fork('residents')),
  };
}

/** Replaces weights by integers proportional to them that sum to `total` (largest remainder), so tiny cities still get households. */
function apportion(weights: number[], total: number): void {
  const sum = weights.reduce((x, y) => x + y, 0);
  const exact = weights.map((w) => (total * w) / sum);
  let given = 0;
  for (let i = 0; i < weights.length; i++) given += weights[i] = Math.floor(exact[i]);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((p, q) => q[0] - p[0] || p[1] - q[1]);
  for (let k = 0; given < total; k++, given++) weights[order[k % order.length][1]]++;
}

const OWNER_SIZES = new WeightedTable([1, 2, 3, 4, 5, 6, 7, 8], [19, 30, 26, 14, 7.5, 3, 1, 0.5]);
const TENANT_SIZES = new WeightedTable([1, 2, 3, 4, 5], [40, 30, 22, 7, 1]);

/**
 * Members per household: drawn from typical urban size distributions (owners larger than tenants),
 * then nudged one person at a time until the total is exactly the residents asked for. When there
 * are more occupied flats than people some are emptied; when even eight per flat is not enough,
 * vacant flats are let. Only if the city has no flats at all does the count fall short.
 */
function householdSizes(rng: Rng, households: SynthHousehold[], residents: number): Uint8Array {
  const MAX = 8;
  const sizes = new Uint8Array(households.length);
  const occupied: number[] = [];
  const vacant: number[] = [];
  let total = 0;
  for (let i = 0; i < households.length; i++) {
    const occ = households[i].occupancy;
    if (occ === 'vacant') { vacant.push(i); continue; }
    sizes[i] = rng.draw(occ === 'tenant' ? TENANT_SIZES : OWNER_SIZES);
    total += sizes[i];
    occupied.push(i);
  }
  const takeRandom = (list: number[]) => {
    const k = rng.int(0, list.length - 1);
    const i = list[k];
    list[k] = list[list.length - 1];
    list.pop();
    return i;
  };
  while (occupied.length > residents) {
    const i = takeRandom(occupied);
    total -= sizes[i];
    sizes[i] = 0;
    households[i].occupancy = 'vacant';
    vacant.push(i);
  }
  while (occupied.length * MAX < residents && vacant.length > 0) {
    const i = takeRandom(vacant);
    households[i].occupancy = 'owner';
    sizes[i] = 1;
    total++;
    occupied.push(i);
  }
  const target = Math.min(residents, occupied.length * MAX);
  while (total < target) {
    const i = occupied[rng.int(0, occupied.length - 1)];
    if (sizes[i] < MAX) { sizes[i]++; total++; }
  }
  while (total > target) {
    const i = occupied[rng.int(0, occupied.length - 1)];
    if (sizes[i] > 1) { sizes[i]--; total--; }
  }
  return sizes;
}
