import { describe, it, expect } from 'vitest';
import { generateCity, planCity } from './city.ts';
import { isValidCreditCode } from './credit-code.ts';
import { idCheckChar, IdNumberAllocator, parseIdNumber } from './id-number.ts';
import { SURNAME_LIST } from './names.ts';
import { isValidMobile } from './phones.ts';
import { Rng } from './random.ts';
import type { Polygon, SynthCity, SynthRegion, SynthResident } from './types.ts';

// Independent re-implementation of GB 11643-1999 so the test does not trust the code under test.
function checkChar(body17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(body17[i]) * weights[i];
  return '10X98765432'[sum % 11];
}

const MOBILE = /^1(3\d|5[0-35-9]|7[0-35-8]|8\d|9[0-35-9]|4[5-9]|6[2567])\d{8}$/;

interface Box { west: number; south: number; east: number; north: number }
function box(p: Polygon): Box {
  const xs = p.coordinates[0].map((c) => c[0]), ys = p.coordinates[0].map((c) => c[1]);
  return { west: Math.min(...xs), east: Math.max(...xs), south: Math.min(...ys), north: Math.max(...ys) };
}
function area(p: Polygon): number {
  const r = p.coordinates[0];
  let a = 0;
  for (let i = 0; i + 1 < r.length; i++) a += r[i][0] * r[i + 1][1] - r[i + 1][0] * r[i][1];
  return a / 2;
}
const overlaps = (a: Box, b: Box) => a.west < b.east && b.west < a.east && a.south < b.north && b.south < a.north;
const inside = (outer: Box, inner: Box) => inner.west >= outer.west && inner.east <= outer.east && inner.south >= outer.south && inner.north <= outer.north;

function ageOn(birth: string, on: string): number {
  const [by, bm, bd] = birth.split('-').map(Number);
  const [y, m, d] = on.split('-').map(Number);
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

function structure(city: SynthCity) {
  const { regions, orgs, compounds, buildings, households, residentCount, seed, asOf } = city;
  return JSON.stringify({ regions, orgs, compounds, buildings, households, residentCount, seed, asOf });
}

/** Structural invariants every generated city must satisfy, whatever its size. */
function checkStructure(city: SynthCity) {
  const byKey = new Map(city.regions.map((r) => [r.key, r]));
  const level = (l: SynthRegion['level']) => city.regions.filter((r) => r.level === l);
  const children = new Map<string, SynthRegion[]>();
  for (const r of city.regions) if (r.parentKey) (children.get(r.parentKey) ?? children.set(r.parentKey, []).get(r.parentKey)!).push(r);

  // Keys unique across the whole city.
  const keys = [...city.regions, ...city.orgs, ...city.compounds, ...city.buildings, ...city.households].map((x) => x.key);
  expect(new Set(keys).size).toBe(keys.length);
  expect(new Set(city.regions.map((r) => r.code)).size).toBe(city.regions.length);

  // Codes.
  const [cityRegion] = level('city');
  expect(cityRegion.code).toBe('370100000000');
  expect(cityRegion.name).toBe('济南市');
  for (const d of level('district')) {
    expect(d.code).toMatch(/^3701\d{2}000000$/);
    expect(d.parentKey).toBe(cityRegion.key);
  }
  for (const s of level('street')) {
    const parent = byKey.get(s.parentKey!)!;
    expect(s.code).toMatch(/^\d{9}000$/);
    expect(s.code.slice(0, 6)).toBe(parent.code.slice(0, 6));
    expect(s.code.slice(6, 9)).not.toBe('000');
    expect(s.name).toMatch(/街道$/);
  }
  for (const c of level('community')) {
    const parent = byKey.get(c.parentKey!)!;
    expect(c.code).toMatch(/^\d{12}$/);
    expect(c.code.slice(0, 9)).toBe(parent.code.slice(0, 9));
    expect(c.code.slice(9)).not.toBe('000');
    expect(c.name).toMatch(/社区$/);
  }
  for (const g of level('grid')) {
    const parent = byKey.get(g.parentKey!)!;
    expect(g.code).toMatch(/^\d{15}$/);
    expect(g.code.slice(0, 12)).toBe(parent.code);
    expect(g.name).toMatch(/网格$/);
  }
  expect(city.regions.map((r) => r.key)).toEqual(city.regions.map((r) => `r:${r.code}`));

  // Polygons: closed, counter-clockwise rings.
  for (const r of city.regions) {
    expect(r.geometry).not.toBeNull();
    const ring = r.geometry!.coordinates[0];
    expect(ring[0]).toEqual(ring[ring.length - 1]);
    expect(area(r.geometry!)).toBeGreaterThan(0);
  }

  // Grids tile each community exactly; siblings never overlap; children lie inside parents.
  for (const parent of city.regions) {
    const kids = children.get(parent.key) ?? [];
    const outer = box(parent.geometry!);
    for (const k of kids) expect(inside(outer, box(k.geometry!)), `${k.code} inside ${parent.code}`).toBe(true);
    for (let i = 0; i < kids.length; i++) for (let j = i + 1; j < kids.length; j++) {
      expect(overlaps(box(kids[i].geometry!), box(kids[j].geometry!)), `${kids[i].code} vs ${kids[j].code}`).toBe(false);
    }
    if (parent.level === 'community') {
      const sum = kids.reduce((a, k) => a + area(k.geometry!), 0);
      expect(Math.abs(sum - area(parent.geometry!))).toBeLessThan(area(parent.geometry!) * 1e-9);
      // Numbering runs west to east within a row, rows north to south.
      const sorted = [...kids].sort((a, b) => box(b.geometry!).north - box(a.geometry!).north || box(a.geometry!).west - box(b.geometry!).west);
      expect(sorted.map((k) => k.code)).toEqual([...kids].sort((a, b) => a.code.localeCompare(b.code)).map((k) => k.code));
    }
  }
  const districts = level('district');
  for (let i = 0; i < districts.length; i++) for (let j = i + 1; j < districts.length; j++) {
    expect(overlaps(box(districts[i].geometry!), box(districts[j].geometry!))).toBe(false);
  }

  // Compounds, buildings, households.
  const compounds = new Map(city.compounds.map((c) => [c.key, c]));
  const orgs = new Map(city.orgs.map((o) => [o.key, o]));
  for (const c of city.compounds) {
    const community = byKey.get(c.communityKey)!;
    expect(community.level).toBe('community');
    if (c.propertyCompanyKey) {
      const pc = orgs.get(c.propertyCompanyKey)!;
      expect(pc.kind).toBe('property_company');
      expect(pc.name).toMatch(/^(济南|山东).*物业(服务|管理)有限公司$/);
      expect(pc.regionKey).toBe(c.communityKey);
      expect(c.managedBy).toBe('property_company');
    } else {
      expect(c.managedBy).not.toBe('property_company');
    }
    if (c.type === 'work_unit') expect(c.managedBy).toBe('work_unit');
    if (c.type === 'commercial') expect(c.propertyCompanyKey).not.toBeNull();
    if (c.ownersCommitteeKey) expect(orgs.get(c.ownersCommitteeKey)!.kind).toBe('owners_committee');
    expect(inside(box(community.geometry!), { west: c.point[0], east: c.point[0], south: c.point[1], north: c.point[1] })).toBe(true);
  }
  const gridHouseholds = new Map<string, number>();
  const buildingGrid = new Map(city.buildings.map((b) => [b.key, b.gridKey]));
  for (const b of city.buildings) {
    const grid = byKey.get(b.gridKey)!;
    expect(grid.level).toBe('grid');
    const g = box(grid.geometry!);
    expect(b.point[0] > g.west && b.point[0] < g.east && b.point[1] > g.south && b.point[1] < g.north, `${b.key} strictly inside ${grid.code}`).toBe(true);
    const compound = compounds.get(b.compoundKey)!;
    expect(grid.parentKey).toBe(compound.communityKey);
    expect(b.number).toMatch(/^\d+号楼$/);
  }
  let members = 0;
  const badHouseholds: string[] = [];
  for (const h of city.households) {
    const g = buildingGrid.get(h.buildingKey)!;
    gridHouseholds.set(g, (gridHouseholds.get(g) ?? 0) + 1);
    if (h.room !== `${h.unit}单元${h.floor}${h.room.slice(-2)}` || (h.occupancy === 'vacant') !== (h.memberCount === 0) || !(h.areaM2 > 20)) badHouseholds.push(h.key);
    members += h.memberCount!;
  }
  expect(badHouseholds).toEqual([]);
  expect(members).toBe(city.residentCount);
  for (const g of level('grid')) expect(g.households).toBe(gridHouseholds.get(g.key) ?? 0);
  for (const r of city.regions.filter((x) => x.level !== 'grid')) {
    expect(r.households).toBe((children.get(r.key) ?? []).reduce((a, k) => a + k.households!, 0));
  }

  // Organisations.
  expect(city.orgs.filter((o) => o.kind === 'platform')).toEqual([{ key: 'o:platform', kind: 'platform', name: '邻里平台运维中心', regionKey: null }]);
  for (const d of districts) {
    expect(city.orgs.some((o) => o.kind === 'government' && o.regionKey === d.key)).toBe(true);
    const depts = city.orgs.filter((o) => o.kind === 'department' && o.regionKey === d.key).map((o) => o.deptType).sort();
    expect(depts).toEqual(['civil_affairs', 'emergency', 'environment', 'health', 'housing', 'market_regulation', 'police', 'transport', 'urban_management', 'water']);
  }
  for (const s of level('street')) {
    expect(city.orgs.filter((o) => o.kind === 'street_office' && o.regionKey === s.key).map((o) => o.name)).toEqual([`${s.name}办事处`]);
    const station = city.orgs.find((o) => o.kind === 'department' && o.deptType === 'police' && o.regionKey === s.key)!;
    expect(station.name).toMatch(/派出所$/);
    expect(orgs.get(station.parentKey!)!.regionKey).toBe(s.parentKey);
  }
  for (const c of level('community')) {
    expect(city.orgs.filter((o) => o.kind === 'community_committee' && o.regionKey === c.key).map((o) => o.name)).toEqual([`${c.name}居民委员会`]);
    expect(city.orgs.filter((o) => o.kind === 'party_org' && o.regionKey === c.key)).toHaveLength(1);
  }
  const codes = city.orgs.filter((o) => o.code).map((o) => o.code!);
  expect(new Set(codes).size).toBe(codes.length);
  for (const code of codes) expect(isValidCreditCode(code), code).toBe(true);
}

/**
 * Person-level invariants; returns the people for statistics. Plain conditions collected into one
 * list (rather than an expect() per field) keep a 200,000-person check to a couple of seconds.
 */
function checkResidents(city: SynthCity): SynthResident[] {
  const asOf = city.asOf!;
  const people = [...city.residents()];
  expect(people).toHaveLength(city.residentCount);
  const hh = new Map(city.households.map((h) => [h.key, h]));
  const ids = new Set<string>(), phones = new Set<string>(), keys = new Set<string>();
  const failures: string[] = [];
  const check = (ok: boolean, what: string, p: SynthResident) => {
    if (!ok && failures.length < 20) failures.push(`${what}: ${JSON.stringify(p)}`);
  };
  for (const p of people) {
    check(/^\d{17}[\dX]$/.test(p.idNumber) && p.idNumber[17] === checkChar(p.idNumber.slice(0, 17)), 'ID check character', p);
    check(p.idNumber.slice(6, 14) === p.birthDate.replaceAll('-', ''), 'ID birth date', p);
    check((Number(p.idNumber[16]) % 2 === 1 ? 'male' : 'female') === p.gender, 'ID gender digit', p);
    check(/^\d{4}-\d{2}-\d{2}$/.test(p.birthDate) && !Number.isNaN(Date.parse(p.birthDate)) && p.birthDate <= asOf, 'birth date', p);
    check(!ids.has(p.idNumber), 'duplicate ID', p);
    ids.add(p.idNumber);
    check(!keys.has(p.key) && p.key.startsWith('p:'), 'duplicate key', p);
    keys.add(p.key);
    const age = ageOn(p.birthDate, asOf);
    if (p.phone !== null) {
      check(MOBILE.test(p.phone) && isValidMobile(p.phone), 'phone format', p);
      check(!phones.has(p.phone), 'duplicate phone', p);
      phones.add(p.phone);
      check(age >= 14, 'child with phone', p);
    }
    const household = hh.get(p.householdKey!);
    check(household !== undefined && household.occupancy !== 'vacant', 'household', p);
    if (!household) continue;
    const district = household.buildingKey.slice(2, 8);
    check(/^\d{6}$/.test(p.registeredRegionCode), 'registered code', p);
    if (p.separated) check(p.registeredRegionCode !== district, 'separated but registered here', p);
    else check(p.registeredRegionCode === district && p.registeredAddress.endsWith(household.room), 'registered here', p);
    if (p.politicalStatus === 'party_member' || p.politicalStatus === 'probationary_party_member') check(age >= 18, 'minor party member', p);
    if (p.politicalStatus === 'league_member') check(age >= 14 && age <= 28, 'league age', p);
    const tags = p.careTags.map((t) => t.tag);
    check(tags.includes('advanced_age') === age >= 80, 'advanced_age', p);
    if (tags.includes('elderly_alone')) check(age >= 65 && household.memberCount === 1, 'elderly_alone', p);
    if (tags.includes('left_behind_child')) check(age < 16, 'left_behind_child', p);
    for (const t of p.careTags) check(t.since >= p.birthDate && t.since <= asOf, `tag date ${t.tag}`, p);
    check(p.name.length >= 2 && p.name.length <= 4, 'name length', p);
  }
  expect(failures).toEqual([]);
  return people;
}

function share(people: SynthResident[], pred: (p: SynthResident) => boolean) {
  return people.filter(pred).length / people.length;
}

const WEIGHTS = [1, 3];

describe('random', () => {
  it('is reproducible, ranged, and forks independently of consumption', () => {
    const a = new Rng('x'), b = new Rng('x');
    for (let i = 0; i < 100; i++) expect(a.next()).toBe(b.next());
    const fresh = new Rng('x').fork('sub').next();
    const used = new Rng('x');
    for (let i = 0; i < 50; i++) used.next();
    expect(used.fork('sub').next()).toBe(fresh);
    expect(new Rng('x').fork('a').next()).not.toBe(new Rng('x').fork('b').next());
    const r = new Rng(1);
    const counts = [0, 0, 0];
    for (let i = 0; i < 30000; i++) {
      const v = r.int(1, 3);
      expect(v >= 1 && v <= 3).toBe(true);
      counts[v - 1]++;
    }
    for (const c of counts) expect(c).toBeGreaterThan(9000);
    let bs = 0;
    for (let i = 0; i < 10000; i++) if (r.weighted(['a', 'b'], WEIGHTS) === 'b') bs++;
    expect(bs / 10000).toBeGreaterThan(0.72);
    expect(bs / 10000).toBeLessThan(0.78);
    let sum = 0, sq = 0;
    for (let i = 0; i < 20000; i++) { const x = r.normal(10, 2); sum += x; sq += x * x; }
    const mean = sum / 20000;
    expect(mean).toBeCloseTo(10, 0);
    expect(Math.sqrt(sq / 20000 - mean * mean)).toBeCloseTo(2, 0);
  });
});

describe('identity numbers', () => {
  it('computes the GB 11643 check character (standard example 11010519491231002X)', () => {
    expect(idCheckChar('11010519491231002')).toBe('X');
    expect(parseIdNumber('11010519491231002X')).toEqual({ regionCode: '110105', birthDate: '1949-12-31', gender: 'female', sequence: 2 });
    expect(parseIdNumber('110105194912310021')).toBeNull();
    expect(parseIdNumber('11010519490231002X')).toBeNull(); // 31 February fails before the checksum matters
  });

  it('allocates unique numbers even when one region and birth day is crowded', () => {
    const alloc = new IdNumberAllocator(0, 10, 7);
    const seen = new Set<string>();
    for (let i = 0; i < 1200; i++) {
      const { idNumber, day } = alloc.allocate('370102', 3, 'male');
      expect(seen.has(idNumber)).toBe(false);
      seen.add(idNumber);
      expect(parseIdNumber(idNumber)!.gender).toBe('male');
      expect(day).toBeGreaterThanOrEqual(3);
    }
  });
});

describe('generateCity (demo defaults)', () => {
  const city = generateCity();

  it('has the demo shape: 2 districts × 2 streets × 2 communities × 3 grids, 2,000 residents', () => {
    expect(planCity()).toMatchObject({ districts: 2, streetsPerDistrict: 2, communitiesPerStreet: 2, gridsPerCommunity: 3, residents: 2000 });
    const count = (l: string) => city.regions.filter((r) => r.level === l).length;
    expect([count('city'), count('district'), count('street'), count('community'), count('grid')]).toEqual([1, 2, 4, 8, 24]);
    expect(city.regions.filter((r) => r.level === 'district').map((r) => [r.code, r.name])).toEqual([['370102000000', '历下区'], ['370115000000', '济阳区']]);
    expect(city.residentCount).toBe(2000);
    // About two compounds per community.
    expect(city.compounds.length).toBeGreaterThanOrEqual(12);
    expect(city.compounds.length).toBeLessThanOrEqual(24);
    expect(city.compounds.some((c) => c.propertyCompanyKey)).toBe(true);
  });

  it('places districts near their real coordinates', () => {
    const center = (code: string) => {
      const b = box(city.regions.find((r) => r.code === code)!.geometry!);
      return [(b.west + b.east) / 2, (b.south + b.north) / 2];
    };
    const [lx, ly] = center('370102000000');
    const [jx, jy] = center('370115000000');
    expect(Math.abs(lx - 117.07) + Math.abs(ly - 36.66)).toBeLessThan(0.05);
    expect(Math.abs(jx - 117.17) + Math.abs(jy - 36.98)).toBeLessThan(0.05);
  });

  it('satisfies the structural rules', () => {
    checkStructure(city);
  });

  it('produces consistent, valid people', () => {
    const people = checkResidents(city);
    const hh = new Map(city.households.map((h) => [h.key, h]));
    const occupied = city.households.filter((h) => h.occupancy !== 'vacant').length;
    expect(city.residentCount / occupied).toBeGreaterThan(2.4);
    expect(city.residentCount / occupied).toBeLessThan(2.9);
    expect(share(people, (p) => p.separated)).toBeGreaterThan(0.18);
    expect(share(people, (p) => p.separated)).toBeLessThan(0.34);
    expect(people.every((p) => hh.has(p.householdKey!))).toBe(true);
    expect(people.filter((p) => p.relation === 'head' || p.relation === 'tenant').length).toBeGreaterThanOrEqual(occupied * 0.9);
  });

  it('is deterministic for a seed and different across seeds', () => {
    const again = generateCity();
    expect(structure(again)).toBe(structure(city));
    expect(JSON.stringify([...again.residents()])).toBe(JSON.stringify([...city.residents()]));
    // Iterating the same city twice yields the same people too.
    expect(JSON.stringify([...city.residents()])).toBe(JSON.stringify([...city.residents()]));
    const other = generateCity({ seed: 'another' });
    expect(structure(other)).not.toBe(structure(city));
    expect([...other.residents()][0].idNumber).not.toBe([...city.residents()][0].idNumber);
  });

  it('keeps polygons fixed when only the number of residents changes', () => {
    const bigger = generateCity({ residents: 3000 });
    expect(JSON.stringify(bigger.regions.map((r) => r.geometry))).toBe(JSON.stringify(city.regions.map((r) => r.geometry)));
    expect(bigger.residentCount).toBe(3000);
  });
});

describe('generateCity (options)', () => {
  it('honours explicit counts, including grid counts that are not a rectangle', () => {
    const city = generateCity({ seed: 'shape', districts: 3, streetsPerDistrict: 3, communitiesPerStreet: 4, gridsPerCommunity: 5, residents: 12000 });
    const count = (l: string) => city.regions.filter((r) => r.level === l).length;
    expect([count('district'), count('street'), count('community'), count('grid')]).toEqual([3, 9, 36, 180]);
    expect(city.regions.find((r) => r.level === 'district' && r.sort === 2)!.code).toBe('370103000000');
    checkStructure(city);
    checkResidents(city);
  });

  it('rejects impossible counts', () => {
    expect(() => generateCity({ gridsPerCommunity: 0 })).toThrow(RangeError);
    expect(() => generateCity({ streetsPerDistrict: 1000 })).toThrow(RangeError);
  });
});

describe('generateCity (200,000 residents)', () => {
  it('generates and iterates with a sensible structure', () => {
    const started = performance.now();
    const city = generateCity({ seed: 'bench', residents: 200_000 });
    const built = performance.now();
    const plan = planCity({ residents: 200_000 });
    expect(plan.districts).toBeGreaterThanOrEqual(2);
    expect(city.residentCount).toBe(200_000);
    checkStructure(city);

    const grids = city.regions.filter((r) => r.level === 'grid').map((g) => g.households!).sort((a, b) => a - b);
    const median = grids[grids.length >> 1];
    expect(median).toBeGreaterThanOrEqual(170);
    expect(median).toBeLessThanOrEqual(240);
    expect(grids.filter((n) => n >= 120 && n <= 320).length / grids.length).toBeGreaterThan(0.9);
    expect(grids.some((n) => n > 300)).toBe(true); // a few above the norm, for warnings
    const vacancy = city.households.filter((h) => h.occupancy === 'vacant').length / city.households.length;
    expect(vacancy).toBeGreaterThan(0.08);
    expect(vacancy).toBeLessThan(0.12);
    const perCommunity = city.compounds.length / city.regions.filter((r) => r.level === 'community').length;
    expect(perCommunity).toBeGreaterThanOrEqual(2);

    const iterStart = performance.now();
    let n = 0;
    for (const _ of city.residents()) n++;
    const iterated = performance.now();
    expect(n).toBe(200_000);
    console.log(`200k city: structure ${(built - started).toFixed(0)} ms, iterating residents ${(iterated - iterStart).toFixed(0)} ms`);
    const people = checkResidents(city);

    const asOf = city.asOf!;
    const ages = people.map((p) => ageOn(p.birthDate, asOf));
    const ageShare = (lo: number, hi: number) => ages.filter((a) => a >= lo && a <= hi).length / ages.length;
    expect(ageShare(0, 13)).toBeGreaterThan(0.07);
    expect(ageShare(0, 13)).toBeLessThan(0.16);
    expect(ageShare(50, 75)).toBeGreaterThan(0.25);
    expect(ageShare(80, 200)).toBeGreaterThan(0.02);
    expect(ageShare(80, 200)).toBeLessThan(0.06);
    const male = share(people, (p) => p.gender === 'male');
    expect(male).toBeGreaterThan(0.495);
    expect(male).toBeLessThan(0.525);
    expect(share(people, (p) => p.ethnicity === '汉族')).toBeGreaterThan(0.97);
    expect(share(people, (p) => p.ethnicity === '回族')).toBeGreaterThan(0.005);
    expect(share(people, (p) => p.politicalStatus === 'party_member')).toBeGreaterThan(0.065);
    expect(share(people, (p) => p.politicalStatus === 'party_member')).toBeLessThan(0.095);
    expect(share(people, (p) => p.separated)).toBeGreaterThan(0.2);
    expect(share(people, (p) => p.separated)).toBeLessThan(0.3);
    const tagShare = (tag: string) => share(people, (p) => p.careTags.some((t) => t.tag === tag));
    expect(tagShare('subsistence_allowance')).toBeGreaterThan(0.012);
    expect(tagShare('subsistence_allowance')).toBeLessThan(0.03);
    expect(tagShare('extreme_poverty')).toBeGreaterThan(0.001);
    expect(tagShare('extreme_poverty')).toBeLessThan(0.006);
    expect(tagShare('disabled')).toBeGreaterThan(0.035);
    expect(tagShare('disabled')).toBeLessThan(0.065);
    expect(tagShare('veteran')).toBeGreaterThan(0.018);
    expect(tagShare('veteran')).toBeLessThan(0.035);
    expect(tagShare('left_behind_child')).toBeLessThan(0.015);
    expect(tagShare('key_attention')).toBeLessThan(0.01);
    const veterans = people.filter((p) => p.careTags.some((t) => t.tag === 'veteran'));
    expect(share(veterans, (p) => p.gender === 'male' && ageOn(p.birthDate, asOf) >= 40)).toBeGreaterThan(0.7);
    const adultsWithPhone = share(people.filter((p) => { const a = ageOn(p.birthDate, asOf); return a >= 18 && a <= 75; }), (p) => p.phone !== null);
    expect(adultsWithPhone).toBeGreaterThan(0.93);
    // Names: common surnames dominate, given names mostly two characters.
    const surnames = new Map<string, number>();
    for (const p of people) {
      const s = SURNAME_LIST.find((x) => x.length === 2 && p.name.startsWith(x)) ?? p.name[0];
      surnames.set(s, (surnames.get(s) ?? 0) + 1);
    }
    const top = [...surnames.entries()].sort((a, b) => b[1] - a[1]).slice(0, 4).map((e) => e[0]);
    expect(top).toEqual(expect.arrayContaining(['王', '李', '张']));
    expect(surnames.size).toBeGreaterThan(100);
    const twoCharGiven = share(people, (p) => p.name.length - (SURNAME_LIST.some((x) => x.length === 2 && p.name.startsWith(x)) ? 2 : 1) === 2);
    expect(twoCharGiven).toBeGreaterThan(0.7);
    expect(twoCharGiven).toBeLessThan(0.95);
  });
});
