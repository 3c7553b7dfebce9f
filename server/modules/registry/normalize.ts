import * as OpenCC from 'opencc-js';

/**
 * Normalisation of what people type into spreadsheets and forms, so that the same flat typed two
 * ways is one household and 張偉 finds 张伟. Pure functions; see normalize.test.ts for the cases.
 */

// Taiwan-variant input also covers standard Traditional characters.
const toSimplified = OpenCC.Converter({ from: 'tw', to: 'cn' });

const NUMERAL_DIGIT: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const NUMERAL_UNIT: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };

/** 三 → 3, 十二 → 12, 一百零三 → 103, 五零一 → 501 (read digit by digit when there is no 十/百/千). */
export function chineseNumeralValue(s: string): number | null {
  if (!s || ![...s].every((c) => c in NUMERAL_DIGIT || c in NUMERAL_UNIT)) return null;
  if (![...s].some((c) => c in NUMERAL_UNIT)) return Number([...s].map((c) => NUMERAL_DIGIT[c]).join(''));
  let total = 0;
  let digit = -1;
  for (const c of s) {
    if (c in NUMERAL_DIGIT) digit = NUMERAL_DIGIT[c];
    else {
      total += (digit < 0 ? 1 : digit) * NUMERAL_UNIT[c];
      digit = -1;
    }
  }
  return total + (digit > 0 ? digit : 0);
}

// Words after which a run of Chinese numerals is a number: 三号楼, 二单元, 五零一室, 二期, 十二层.
const NUMBERED = '号楼|号|栋|幢|座|楼|单元|门|层|室|户|期|区';
const NUMERAL_RUN = new RegExp(`([零〇一二两三四五六七八九十百千]+)(?=${NUMBERED})`, 'g');

/**
 * Common form of an address: full-width to half-width (NFKC), Latin upper case, spaces and
 * punctuation removed, dashes unified, Chinese numerals before 号/栋/单元/室 … turned into digits.
 */
export function normalizeText(raw: string): string {
  return raw
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s\u3000]+/g, '')
    .replace(/[‐‑‒–—―－﹣−~～]/g, '-')
    .replace(/[,，、.。·•・‧:：;；'"“”‘’()（）[\]【】{}<>《》]/g, '')
    .replace(NUMERAL_RUN, (run) => String(chineseNumeralValue(run) ?? run));
}

const BUILDING_MARK = '(?:号楼|#楼|栋|幢|座|号|#|楼)';
const BUILDING_NO = '(\\d+[A-Z]?|[A-Z])';
const ROOM_NO = '(\\d+[A-Z]?)';
const ROOM_MARK = '(?:室|号|户)?';
// 3号楼2单元501室 / 3栋2-501 / 3幢2单元501号
const WITH_UNIT = new RegExp(`^(.*?)${BUILDING_NO}${BUILDING_MARK}-?(\\d+)(?:单元|-)${ROOM_NO}${ROOM_MARK}$`);
// 3-2-501
const DASHED = new RegExp(`^(.*?)${BUILDING_NO}-(\\d+)-${ROOM_NO}${ROOM_MARK}$`);
// 3号楼501 / 3栋-501 (no units)
const NO_UNIT = new RegExp(`^(.*?)${BUILDING_NO}${BUILDING_MARK}-?${ROOM_NO}${ROOM_MARK}$`);

export interface FlatAddress {
  /** what precedes the building: road, number, compound name (normalised) */
  prefix: string;
  building: string;
  unit: string;
  room: string;
}

/** Splits an address that ends in building / unit / room; null when it does not end that way. */
export function parseFlatAddress(raw: string): FlatAddress | null {
  const s = normalizeText(raw);
  for (const re of [WITH_UNIT, DASHED]) {
    const m = re.exec(s);
    if (m) return { prefix: m[1], building: m[2], unit: String(Number(m[3])), room: stripZeros(m[4]) };
  }
  const m = NO_UNIT.exec(s);
  if (m) return { prefix: m[1], building: m[2], unit: '', room: stripZeros(m[3]) };
  return null;
}

const stripZeros = (s: string) => s.replace(/^0+(?=\d)/, '');

/** The natural key of a flat within its compound: "3-2-501" (unit empty when the building has none). */
export const flatKey = (f: Pick<FlatAddress, 'building' | 'unit' | 'room'>) => `${f.building}-${f.unit}-${f.room}`;

/** A column holding only a number may spell it in Chinese numerals ("五零一", "二"). */
function normalizeField(raw: string): string {
  const s = normalizeText(raw);
  const n = chineseNumeralValue(s);
  return n === null ? s : String(n);
}

/** "3号楼" = "3栋" = "三号楼" = "3#" → "3"; names that are not numbers stay as they are, normalised ("综合楼"). */
export function normalizeBuildingNumber(raw: string): string {
  const s = normalizeField(raw);
  const m = new RegExp(`^${BUILDING_NO}${BUILDING_MARK}?$`).exec(s);
  return m ? stripZeros(m[1]) : s;
}

/** "2单元" = "二单元" = "2" → "2"; empty stays empty. */
export function normalizeUnitNumber(raw: string): string {
  const s = normalizeField(raw);
  const m = /^第?(\d+)(?:单元|门)?$/.exec(s);
  return m ? String(Number(m[1])) : s;
}

/**
 * A room as typed in a 房号 column, possibly with its unit ("2单元501", "2-501") and a 室 suffix.
 * Returns the unit found in the room text, if any, so a spreadsheet without a 单元 column still works.
 */
export function normalizeRoom(raw: string): { unit: string | null; room: string } {
  const s = normalizeField(raw);
  const withUnit = /^(\d+)(?:单元|-)(\d+[A-Z]?)(?:室|号|户)?$/.exec(s);
  if (withUnit) return { unit: String(Number(withUnit[1])), room: stripZeros(withUnit[2]) };
  const plain = /^(\d+[A-Z]?)(?:室|号|户)?$/.exec(s);
  return { unit: null, room: plain ? stripZeros(plain[1]) : s };
}

/** The search key of a name: Simplified Chinese, no spaces, one kind of middle dot, Latin upper case. */
export function nameKey(name: string): string {
  return toSimplified(name.normalize('NFKC').replace(/\s+/g, '').replace(/[•・‧∙]/g, '·')).toUpperCase();
}

/** A display name as entered, trimmed, spaces collapsed; letters, CJK, middle dots and spaces only. */
export function cleanName(raw: string): string | null {
  const s = raw.normalize('NFKC').trim().replace(/\s+/g, ' ').replace(/[•・‧∙]/g, '·');
  if (s.length < 1 || s.length > 50) return null;
  return /^[\p{Script=Han}\p{L}·' -]+$/u.test(s) ? s : null;
}
