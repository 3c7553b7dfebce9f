/**
 * The people of the synthetic city, produced household by household on demand.
 *
 * A household's composition (a young couple, an empty nest, three generations, grandparents with a
 * left-behind grandchild, a shared rental …) is drawn for its size, and every person's age, surname,
 * registration, tags and so on follow from the family, so the data stays self-consistent. State
 * kept while iterating is bounded (ID counters per region code and birth day, one phone counter per
 * prefix), so a million residents stream in flat memory.
 */
import { addYears, civilFromDays, isoDate, yearsBetween } from './dates.ts';
import { IdNumberAllocator } from './id-number.ts';
import { givenName, surname } from './names.ts';
import { PhoneAllocator } from './phones.ts';
import { CITY, type DistrictInfo, ETHNICITIES, GENERIC_ROADS, JINAN_DISTRICTS, ORIGIN_COUNTIES, TOWN_STEMS, VILLAGE_NAMES, VILLAGE_STEMS } from './places.ts';
import { hashString, type Rng, WeightedTable } from './random.ts';
import type { CareTag, CompoundType, PoliticalStatus, Relation, SynthBuilding, SynthHousehold, SynthResident } from './types.ts';

export interface ResidentContext {
  seed: string;
  asOfDay: number;
  households: SynthHousehold[];
  sizes: Uint8Array;
  /** Index into `buildings` per household. */
  hhBuilding: number[];
  buildings: SynthBuilding[];
  buildingType: CompoundType[];
  /** Index into `districts` per building. */
  buildingDistrict: number[];
  districts: DistrictInfo[];
}

type Gender = 'male' | 'female';

/** A member before names, numbers and tags are attached. */
interface Member {
  relation: Relation;
  gender: Gender;
  age: number;
  surname: string;
  /** Lives apart from registration for a reason of its own (parents who followed a child, a nanny). */
  ownOrigin?: boolean;
  leftBehind?: boolean;
}

// ---------- household compositions

type Template = (f: FamilyBuilder, size: number) => void;

class FamilyBuilder {
  members: Member[] = [];
  constructor(readonly rng: Rng, readonly tenant: boolean) {}

  private headRelation(): Relation {
    return this.tenant ? 'tenant' : 'head';
  }

  add(relation: Relation, gender: Gender, age: number, familyName: string, extra?: Partial<Member>): Member {
    const m: Member = { relation, gender, age: Math.max(0, Math.min(104, Math.round(age))), surname: familyName, ...extra };
    this.members.push(m);
    return m;
  }

  head(gender: Gender, age: number): Member {
    return this.add(this.headRelation(), gender, age, surname(this.rng));
  }

  spouseOf(p: Member): Member {
    const gender: Gender = p.gender === 'male' ? 'female' : 'male';
    // Husbands are on average about two years older than their wives.
    const age = p.age + (gender === 'female' ? -2 : 2) + this.rng.normal(0, 2.5);
    return this.add('spouse', gender, Math.max(20, age), surname(this.rng));
  }

  /** Surname children take: the father's mostly, the mother's sometimes (more often since the 2000s). */
  childSurname(father: Member | undefined, mother: Member | undefined): string {
    if (father && mother) return this.rng.chance(0.07) ? mother.surname : father.surname;
    return (father ?? mother)!.surname;
  }

  /** Children of the couple (or single parent); ages follow the mother's age at birth. */
  children(relation: Relation, a: Member, b: Member | undefined, count: number, extra?: Partial<Member>): Member[] {
    const mother = a.gender === 'female' ? a : b?.gender === 'female' ? b : undefined;
    const father = a.gender === 'male' ? a : b?.gender === 'male' ? b : undefined;
    const parentAge = (mother ?? father ?? a).age;
    const out: Member[] = [];
    let age = parentAge - this.rng.normalIn(27, 4, 20, 40);
    for (let i = 0; i < count; i++) {
      if (age < 0) age = this.rng.float(0, Math.max(0, parentAge - 20));
      const gender: Gender = this.rng.chance(0.535) ? 'male' : 'female';
      out.push(this.add(relation, gender, age, this.childSurname(father, mother), extra));
      age -= this.rng.float(2, 8);
    }
    return out;
  }

  /** The head's parents: the father carries the head's surname. */
  parents(of: Member, count: number): Member[] {
    const fatherAge = of.age + this.rng.normalIn(29, 4, 20, 42);
    const out: Member[] = [];
    const both = count >= 2;
    // A lone surviving parent is far more often the mother.
    const first: Gender = both || this.rng.chance(0.4) ? 'male' : 'female';
    out.push(this.add('parent', first, first === 'male' ? fatherAge : fatherAge - 2, first === 'male' ? of.surname : surname(this.rng), { ownOrigin: this.rng.chance(0.35) }));
    if (both) out.push(this.add('parent', 'female', fatherAge - 2 + this.rng.normal(0, 2), surname(this.rng), { ownOrigin: out[0].ownOrigin }));
    return out;
  }
}

const coupleHeadGender = (rng: Rng): Gender => (rng.chance(0.78) ? 'male' : 'female');

const T: Record<string, Template> = {
  singleYoung: (f) => void f.head(f.rng.chance(0.63) ? 'male' : 'female', f.rng.int(20, 39)),
  singleMiddle: (f) => void f.head(f.rng.chance(0.6) ? 'male' : 'female', f.rng.int(40, 59)),
  // Widowed elderly living alone are mostly women.
  singleOld: (f) => void f.head(f.rng.chance(0.38) ? 'male' : 'female', Math.min(102, 62 + Math.abs(f.rng.normal(0, 14)))),
  coupleYoung: (f) => { const h = f.head(coupleHeadGender(f.rng), f.rng.int(23, 38)); f.spouseOf(h); },
  /** Empty nest: the child has left for study or work. */
  coupleMiddle: (f) => { const h = f.head(coupleHeadGender(f.rng), f.rng.int(48, 64)); f.spouseOf(h); },
  coupleOld: (f) => { const h = f.head(coupleHeadGender(f.rng), f.rng.normalIn(72, 8, 63, 96)); f.spouseOf(h); },
  parentChild: (f, size) => { const h = f.head(f.rng.chance(0.3) ? 'male' : 'female', f.rng.normalIn(44, 9, 26, 70)); f.children('child', h, undefined, size - 1); },
  oldWithChild: (f, size) => { const h = f.head(f.rng.chance(0.35) ? 'male' : 'female', f.rng.normalIn(80, 7, 66, 100)); f.children('child', h, undefined, size - 1); },
  siblings: (f, size) => {
    const h = f.head(f.rng.chance(0.5) ? 'male' : 'female', f.rng.int(20, 60));
    for (let i = 1; i < size; i++) f.add('sibling', f.rng.chance(0.5) ? 'male' : 'female', h.age + f.rng.int(-8, 8), h.surname);
  },
  nuclear: (f, size) => { const h = f.head(coupleHeadGender(f.rng), f.rng.normalIn(46, 10, 26, 70)); const s = f.spouseOf(h); f.children('child', h, s, size - 2); },
  /** Couple, their children and one or two of the head's parents. */
  threeGen: (f, size) => {
    const h = f.head(coupleHeadGender(f.rng), f.rng.normalIn(42, 7, 27, 60));
    const s = f.spouseOf(h);
    const parents = size >= 5 && f.rng.chance(0.6) ? 2 : 1;
    f.parents(h, Math.min(parents, size - 2));
    f.children('child', h, s, size - 2 - Math.min(parents, size - 2));
  },
  /** Grandparents raising grandchildren whose parents work elsewhere (留守). */
  skipped: (f, size) => {
    const h = f.head(coupleHeadGender(f.rng), f.rng.normalIn(64, 6, 50, 80));
    let count = size - 1;
    if (size >= 3) { f.spouseOf(h); count--; }
    const gap = f.rng.normalIn(55, 5, 42, 66);
    const childSurname = f.rng.chance(0.75) ? h.surname : surname(f.rng);
    for (let i = 0; i < count; i++) f.add('grandchild', f.rng.chance(0.52) ? 'male' : 'female', Math.max(0, Math.min(15, h.age - gap - i * f.rng.int(2, 5))), childSurname, { leftBehind: true });
  },
  /** An elderly head with an adult child, the child's spouse and grandchildren. */
  elderHead: (f, size) => {
    const h = f.head(coupleHeadGender(f.rng), f.rng.normalIn(68, 7, 55, 92));
    const s = f.spouseOf(h);
    const [child] = f.children('child', h, s, 1);
    child.age = Math.max(child.age, 24);
    if (size >= 4) {
      const inLaw = f.add('other', child.gender === 'male' ? 'female' : 'male', child.age + f.rng.int(-3, 3), surname(f.rng));
      const father = child.gender === 'male' ? child : inLaw;
      const mother = child.gender === 'male' ? inLaw : child;
      f.children('grandchild', father, mother, size - 4);
    }
  },
  /** Unrelated people sharing a rented flat (合租). */
  shared: (f, size) => {
    for (let i = 0; i < size; i++) f.add('tenant', f.rng.chance(0.62) ? 'male' : 'female', f.rng.int(20, 35), surname(f.rng));
  },
};

type TemplateName = keyof typeof T;
const ELDER_TEMPLATES = new Set<TemplateName>(['singleOld', 'coupleOld', 'oldWithChild', 'elderHead']);

const OWNER_TEMPLATES: Record<number, [TemplateName, number][]> = {
  1: [['singleYoung', 30], ['singleMiddle', 18], ['singleOld', 52]],
  2: [['coupleYoung', 15], ['coupleMiddle', 26], ['coupleOld', 34], ['parentChild', 12], ['oldWithChild', 8], ['siblings', 2], ['skipped', 3]],
  3: [['nuclear', 76], ['threeGen', 7], ['skipped', 4], ['elderHead', 7], ['parentChild', 6]],
  4: [['nuclear', 36], ['threeGen', 44], ['elderHead', 14], ['skipped', 4], ['parentChild', 2]],
  5: [['threeGen', 68], ['elderHead', 24], ['nuclear', 8]],
  6: [['threeGen', 60], ['elderHead', 40]],
};
const TENANT_TEMPLATES: Record<number, [TemplateName, number][]> = {
  1: [['singleYoung', 70], ['singleMiddle', 20], ['singleOld', 10]],
  2: [['coupleYoung', 45], ['shared', 30], ['parentChild', 15], ['coupleMiddle', 6], ['coupleOld', 4]],
  3: [['nuclear', 60], ['shared', 30], ['threeGen', 10]],
  4: [['nuclear', 50], ['threeGen', 40], ['shared', 10]],
  5: [['threeGen', 70], ['nuclear', 30]],
};

/** Old and work-unit compounds hold older people, new commercial ones younger families. */
function templateTables(source: Record<number, [TemplateName, number][]>, elderFactor: number): WeightedTable<TemplateName>[] {
  const out: WeightedTable<TemplateName>[] = [];
  for (const [size, list] of Object.entries(source)) {
    out[Number(size)] = new WeightedTable(list.map((l) => l[0]), list.map((l) => l[1] * (ELDER_TEMPLATES.has(l[0]) ? elderFactor : 1)));
  }
  return out;
}
const ELDER_FACTOR: Record<CompoundType, number> = { old: 1.5, work_unit: 1.6, resettlement: 1.1, commercial: 0.75 };
const OWNER_TABLES = Object.fromEntries(Object.entries(ELDER_FACTOR).map(([t, f]) => [t, templateTables(OWNER_TEMPLATES, f)])) as Record<CompoundType, WeightedTable<TemplateName>[]>;
const TENANT_TABLES = templateTables(TENANT_TEMPLATES, 1);

function composeHousehold(f: FamilyBuilder, size: number, type: CompoundType): void {
  const tables = f.tenant ? TENANT_TABLES : OWNER_TABLES[type];
  const table = tables[Math.min(size, tables.length - 1)];
  T[f.rng.draw(table)](f, Math.min(size, tables.length - 1));
  // Large households: more children where the parents are young enough, otherwise other relatives.
  while (f.members.length < size) {
    const head = f.members[0];
    const spouse = f.members.find((m) => m.relation === 'spouse');
    if (head.age < 60 && f.rng.chance(0.7)) f.children('child', head, spouse, 1);
    else f.add('other', f.rng.chance(0.45) ? 'male' : 'female', f.rng.int(20, 70), surname(f.rng), { ownOrigin: true });
  }
}

// ---------- registration (户籍) and origins

interface Origin {
  code: string;
  formerCode?: { code: string; untilYear: number };
  /** Address stem shared by a family registered there. */
  address: (rng: Rng) => string;
}

function originOfDistrict(d: DistrictInfo): Origin {
  return {
    code: d.code, formerCode: d.formerCode,
    address: (rng) => `${CITY.province}${CITY.name}${d.name}${rng.pick(d.roads.length ? d.roads : GENERIC_ROADS)}${rng.int(1, 300)}号${rng.int(1, 20)}号楼${rng.int(1, 4)}单元${rng.int(1, 6)}0${rng.int(1, 3)}`,
  };
}

const ruralAddress = (prefix: string) => (rng: Rng) =>
  `${prefix}${rng.pick(TOWN_STEMS)}镇${rng.chance(0.5) ? rng.pick(VILLAGE_STEMS) : ''}${rng.pick(VILLAGE_NAMES)}村${rng.int(1, 260)}号`;

const COUNTY_ORIGINS = ORIGIN_COUNTIES.map((c): Origin & { group: string; weight: number } => ({
  code: c.code, formerCode: c.formerCode, group: c.group, weight: c.weight,
  address: c.city ? ruralAddress(`${c.province}${c.city}${c.county}`) : (rng) => `${c.province}${c.county}${rng.pick(GENERIC_ROADS)}${rng.int(1, 200)}号院${rng.int(1, 12)}号楼${rng.int(1, 6)}0${rng.int(1, 4)}`,
}));
const JINAN_DISTRICT_ORIGINS = JINAN_DISTRICTS.map(originOfDistrict);
const groupTable = (group: string) => {
  const list = COUNTY_ORIGINS.filter((c) => c.group === group);
  return new WeightedTable<Origin>(list, list.map((c) => c.weight));
};
const SHANDONG = groupTable('shandong');
const OTHER_PROVINCES = groupTable('other');
const JINAN_COUNTIES = groupTable('jinan');

type OriginGroup = 'jinan' | 'shandong' | 'other';
const OWNER_ORIGIN_GROUPS = new WeightedTable<OriginGroup>(['jinan', 'shandong', 'other'], [40, 45, 15]);
const TENANT_ORIGIN_GROUPS = new WeightedTable<OriginGroup>(['jinan', 'shandong', 'other'], [15, 50, 35]);

function drawOrigin(rng: Rng, group: OriginGroup, homeDistrict: string): Origin {
  if (group === 'shandong') return rng.draw(SHANDONG);
  if (group === 'other') return rng.draw(OTHER_PROVINCES);
  // Elsewhere in 济南: another urban district mostly, sometimes one of its counties.
  if (rng.chance(0.2)) return rng.draw(JINAN_COUNTIES);
  for (;;) {
    const o = rng.pick(JINAN_DISTRICT_ORIGINS);
    if (o.code !== homeDistrict) return o;
  }
}

const idCodeFor = (o: Origin, birthYear: number) => (o.formerCode && birthYear <= o.formerCode.untilYear ? o.formerCode.code : o.code);

// ---------- people

const ETHNICITY_TABLE = new WeightedTable(ETHNICITIES.map((e) => e[0]), ETHNICITIES.map((e) => e[1]));
const HAN = '汉族';

function politicalStatus(rng: Rng, age: number, gender: Gender): PoliticalStatus {
  if (age >= 18) {
    const base = age < 23 ? 0.03 : age < 36 ? 0.085 : age < 61 ? 0.1 : 0.12;
    if (rng.chance(base * (gender === 'male' ? 1.25 : 0.75))) return 'party_member';
    if (age <= 45 && rng.chance(0.004)) return 'probationary_party_member';
    if (age >= 30 && rng.chance(0.0015)) return 'democratic_party';
    if (age <= 28 && rng.chance(age <= 24 ? 0.45 : 0.25)) return 'league_member';
    return 'masses';
  }
  if (age >= 14 && rng.chance(0.5)) return 'league_member';
  return 'masses';
}

function hasPhone(rng: Rng, age: number): boolean {
  if (age < 14) return false;
  if (age < 18) return rng.chance(0.55);
  if (age <= 75) return rng.chance(0.97);
  if (age <= 85) return rng.chance(0.65);
  return rng.chance(0.3);
}

const SUBSISTENCE_BY_TYPE: Record<CompoundType, number> = { old: 0.045, work_unit: 0.03, resettlement: 0.04, commercial: 0.01 };

/** Generates the residents; a fresh allocator state per call keeps every iteration identical. */
export function* residentStream(ctx: ResidentContext, rng: Rng): Generator<SynthResident> {
  const { asOfDay, households, sizes } = ctx;
  const minDay = addYears(asOfDay, -106);
  const salt = hashString(ctx.seed)[0];
  const ids = new IdNumberAllocator(minDay, asOfDay, salt);
  const phones = new PhoneAllocator(salt ^ 0x5bd1e995);
  const asOfYear = civilFromDays(asOfDay)[0];
  // A date in [from, to]; when the window is empty (a baby born last week), the earliest valid day.
  const between = (from: number, to: number) => isoDate(from >= to ? Math.min(from, asOfDay) : rng.int(from, to));

  for (let h = 0; h < households.length; h++) {
    const size = sizes[h];
    if (size === 0) continue;
    const hh = households[h];
    const bi = ctx.hhBuilding[h];
    const type = ctx.buildingType[bi];
    const district = ctx.districts[ctx.buildingDistrict[bi]];
    const tenant = hh.occupancy === 'tenant';
    const family = new FamilyBuilder(rng, tenant);
    composeHousehold(family, size, type);
    const members = family.members;

    const localAddress = `${CITY.province}${ctx.buildings[bi].address}${hh.room}`;
    const localOrigin = originOfDistrict(district);
    const familySeparated = rng.chance(tenant ? 0.8 : 0.16);
    const familyOrigin = familySeparated ? drawOrigin(rng, rng.draw(tenant ? TENANT_ORIGIN_GROUPS : OWNER_ORIGIN_GROUPS), district.code) : null;
    const familyAddress = familyOrigin ? familyOrigin.address(rng) : localAddress;
    const householdEthnicity = rng.draw(ETHNICITY_TABLE);
    // 低保 is granted to a registered household, so only to families registered here.
    const subsistence = !familySeparated && rng.chance(SUBSISTENCE_BY_TYPE[type]);
    const subsistenceSince = subsistence ? rng.int(asOfDay - 12 * 365, asOfDay - 30) : 0;
    const keyBase = hh.key.slice(2);

    for (let m = 0; m < members.length; m++) {
      const p = members[m];
      const gender = p.gender;
      let day = asOfDay - Math.floor((p.age + rng.float()) * 365.2425);
      if (day < minDay) day = minDay;
      const birthYear = civilFromDays(day)[0];

      // Registration: the family's, or the person's own (a parent who followed a child here, a
      // spouse who never moved the hukou, a relative or nanny).
      let separated = familySeparated;
      let origin: Origin = familyOrigin ?? localOrigin;
      let address = familyAddress;
      if (p.ownOrigin || (!familySeparated && (p.relation === 'spouse' || p.relation === 'other') && rng.chance(0.05))) {
        if (p.ownOrigin ? rng.chance(0.85) : true) {
          separated = true;
          origin = drawOrigin(rng, rng.chance(0.75) ? 'shandong' : 'other', district.code);
          address = origin.address(rng);
        }
      }
      // The ID carries the place of first registration: usually the registered county, but some
      // locals were born elsewhere and moved their hukou here later.
      let idOrigin = origin;
      if (!separated && p.age >= 18 && rng.chance(0.15)) idOrigin = rng.draw(SHANDONG);
      const allocated = ids.allocate(idCodeFor(idOrigin, birthYear), day, gender);
      day = allocated.day;
      const age = yearsBetween(day, asOfDay);

      const ethnicity = p.relation === 'spouse' || p.relation === 'other' || p.relation === 'tenant'
        ? (rng.chance(0.5) ? householdEthnicity : rng.draw(ETHNICITY_TABLE))
        : rng.chance(0.97) ? householdEthnicity : householdEthnicity === HAN ? HAN : rng.draw(ETHNICITY_TABLE);

      const careTags: { tag: CareTag; since: string }[] = [];
      if (age >= 80) careTags.push({ tag: 'advanced_age', since: isoDate(addYears(day, 80)) });
      if (age >= 65 && size === 1 && rng.chance(0.9)) careTags.push({ tag: 'elderly_alone', since: between(Math.max(addYears(day, 65), asOfDay - 15 * 365), asOfDay - 7) });
      const disabledP = age < 18 ? 0.015 : age < 60 ? 0.035 : age < 80 ? 0.085 : 0.16;
      const disabled = rng.chance(disabledP);
      if (disabled) careTags.push({ tag: 'disabled', since: between(Math.max(day, asOfDay - 30 * 365), asOfDay - 7) });
      if (subsistence) careTags.push({ tag: 'subsistence_allowance', since: isoDate(Math.max(subsistenceSince, day)) });
      else if (!separated && size === 1 && (age >= 60 || disabled) && rng.chance(0.12)) careTags.push({ tag: 'extreme_poverty', since: between(Math.max(addYears(day, age >= 60 ? 60 : 18), asOfDay - 10 * 365), asOfDay - 7) });
      const veteranP = gender === 'male' ? (age >= 40 ? 0.08 : age >= 22 ? 0.03 : 0) : age >= 22 ? 0.004 : 0;
      if (veteranP > 0 && rng.chance(veteranP)) careTags.push({ tag: 'veteran', since: between(addYears(day, 20), Math.min(addYears(day, 40), asOfDay - 30)) });
      if (p.leftBehind && age < 16 && rng.chance(0.7)) careTags.push({ tag: 'left_behind_child', since: between(Math.max(day, asOfDay - 6 * 365), asOfDay - 7) });
      if (age >= 18 && age <= 70 && rng.chance(0.003)) careTags.push({ tag: 'key_attention', since: between(asOfDay - 5 * 365, asOfDay - 7) });

      yield {
        key: `p:${keyBase}-${m + 1}`,
        name: p.surname + givenName(rng, gender, birthYear > asOfYear ? asOfYear : birthYear),
        gender,
        birthDate: isoDate(day),
        idNumber: allocated.idNumber,
        phone: hasPhone(rng, age) ? phones.next(rng) : null,
        ethnicity,
        politicalStatus: politicalStatus(rng, age, gender),
        householdKey: hh.key,
        relation: p.relation,
        registeredAddress: separated ? address : localAddress,
        registeredRegionCode: separated ? origin.code : district.code,
        separated,
        careTags,
      };
    }
  }
}
