import * as OpenCC from 'opencc-js';

/**
 * Normalisation of a resident's report before it is featurised: full-width → half-width (NFKC),
 * Traditional → Simplified script (OpenCC, Taiwan phrases included), lower case, and personal or
 * incidental details replaced by placeholder characters. A placeholder is one private-use character
 * that the featuriser treats as a boundary and never turns into a feature, so a phone number, an ID
 * number, a house number or a date can never drive a classification.
 *
 * Every character of the normalised text remembers the range of the original text it came from, so
 * the words that drove a suggestion can be shown to the dispatcher exactly as the resident wrote them.
 */
export const PLACEHOLDER = {
  url: '\uE001',
  email: '\uE002',
  phone: '\uE003',
  idNumber: '\uE004',
  address: '\uE005',
  date: '\uE006',
  time: '\uE007',
  number: '\uE008',
  person: '\uE009',
} as const;
export type PlaceholderKind = keyof typeof PLACEHOLDER;

const PLACEHOLDER_CHARS = new Set<string>(Object.values(PLACEHOLDER));
export const isPlaceholder = (ch: string) => PLACEHOLDER_CHARS.has(ch);

export interface Normalised {
  /** simplified, half-width, lower-case text with placeholders */
  text: string;
  /** for each UTF-16 unit of `text`: where its source starts in the original text */
  start: number[];
  /** for each UTF-16 unit of `text`: where its source ends (exclusive) in the original text */
  end: number[];
}

// Taiwan phrases first (軟體 → 软件), so that Taiwanese wording meets the mainland words it means.
const twToCn = OpenCC.Converter({ from: 'twp', to: 'cn' });
const tToCn = OpenCC.Converter({ from: 't', to: 'cn' });

/** Traditional → Simplified, keeping the length (phrase conversion when it does, else character by character). */
export function toSimplified(s: string): string {
  const phrase = twToCn(s);
  if (phrase.length === s.length) return phrase;
  const plain = tToCn(s);
  if (plain.length === s.length) return plain;
  let out = '';
  for (const ch of s) {
    const c = tToCn(ch);
    out += c.length === ch.length ? c : ch;
  }
  return out;
}

/** Full-width letters, digits and punctuation to their ASCII forms; ideographic space to a space. */
export function toHalfWidth(s: string): string {
  return s.normalize('NFKC');
}

// Digits may be written with spaces or dashes between groups: 138 1234 5678, 0531-8277 5640.
const MOBILE = String.raw`(?:\+?86[-\s]?)?1[3-9]\d(?:[-\s]?\d{4}){2}`;
const LANDLINE = String.raw`(?:\(0\d{2,3}\)|0\d{2,3})[-\s]?\d{3,4}[-\s]?\d{4}(?:[-\s]?转\d{1,5})?`;
const SERVICE_LINE = String.raw`[48]00[-\s]?\d{3}[-\s]?\d{4}`;
// A bare 7–8 digit local number counts as a phone only after a contact label.
const LOCAL = String.raw`\d{7,8}`;
const CONTACT_LABEL = String.raw`(?:(?:联系|联络|手机|座机|固话)?(?:电话|手机号码|手机号|手机|座机|号码|方式)|tel|phone|mobile)\s*(?:是|为|:)?\s*`;
const NUMERAL = String.raw`(?:\d+|[零一二三四五六七八九十百两]+)`;

interface Rule {
  kind: PlaceholderKind;
  re: RegExp;
}

/**
 * Order matters: longer, more specific patterns first (a URL may hold digits, an ID number is
 * longer than a phone number, a date contains numbers).
 */
const RULES: Rule[] = [
  { kind: 'url', re: /(?:https?:\/\/|www\.)[\w\-.~:/?#[\]@!$&'()*+,;=%]+/g },
  { kind: 'email', re: /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g },
  // 18-digit resident ID (last may be X) and the old 15-digit form
  // with its label, like phone numbers below: 身份证号:370102…
  { kind: 'idNumber', re: /(?:(?:身份证|证件)(?:号码|号)?\s*(?:是|为|:)?\s*)?(?<![\d])(?:\d{17}[\dx]|\d{15})(?![\d])/g },
  { kind: 'phone', re: new RegExp(String.raw`(?:${CONTACT_LABEL})?(?<![\d])(?:${MOBILE}|${LANDLINE}|${SERVICE_LINE})(?![\d])|${CONTACT_LABEL}${LOCAL}(?![\d])`, 'g') },
  // contact signatures: 联系人王女士, 张先生, 刘小姐
  { kind: 'person', re: /(?:联系人|联络人|报告人|反映人)\s*:?\s*[\u4e00-\u9fff]{1,4}?(?:先生|女士|小姐)?(?=$|[\s,.;:!?，。；：！？、\d\uE000-\uE00F])|[\u4e00-\u9fff](?:先生|女士|小姐)/g },
  // a labelled address runs to the next punctuation: 地址:泉城路东段华联旁边
  { kind: 'address', re: /(?:地址|住址|位置|地点|坐标)\s*(?:是|在)?\s*:\s*[^,.;!?，。；！？\n]{1,40}/g },
  // building, unit and room: 3号楼2单元501, 7栋1门302室, 二号楼, 12号院; 经十路92号
  {
    kind: 'address',
    re: new RegExp(
      String.raw`${NUMERAL}(?:号楼|号院|栋|幢|座|区(?=\d))(?:\s*${NUMERAL}(?:单元|门|号))?(?:\s*\d{1,5}(?:室|号|户)?)?|${NUMERAL}单元(?:\s*\d{1,5}(?:室|号|户)?)?|\d{1,5}(?:室|户|弄|号(?!楼))`,
      'g',
    ),
  },
  { kind: 'date', re: /\d{2,4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*[日号]?|\d{1,2}\s*月\s*\d{1,2}\s*[日号]|\d{4}\s*年(?:\s*\d{1,2}\s*月)?|\d{1,2}\s*月份?/g },
  { kind: 'time', re: /\d{1,2}\s*:\s*\d{2}(?:\s*:\s*\d{2})?|\d{1,2}\s*点(?:\s*半|\s*\d{1,2}\s*分?)?/g },
];

/**
 * Public service numbers are part of what residents mean ("打了110", "12345热线"), are nobody's
 * personal data, and stay as words; every other digit string becomes a number placeholder.
 */
const SERVICE_NUMBERS = new Set(['110', '119', '120', '122', '12345', '12315', '12369', '12319', '12358', '95598']);
const DIGITS = /\d+(?:\.\d+)?/g;

/** Builds the normalised text with its map back to the original. */
export function normalise(original: string): Normalised {
  // 1. half-width per code point (NFKC may expand one character into several)
  let text = '';
  const start: number[] = [];
  const end: number[] = [];
  let pos = 0;
  for (const cp of original) {
    const n = toHalfWidth(cp);
    for (let i = 0; i < n.length; i++) {
      start.push(pos);
      end.push(pos + cp.length);
    }
    text += n;
    pos += cp.length;
  }
  // 2. script and case keep the length, so the map stays as it is
  text = toSimplified(text).toLowerCase();
  let n: Normalised = { text, start, end };
  // 3. placeholders
  for (const rule of RULES) n = replaceMatches(n, rule.re, () => PLACEHOLDER[rule.kind]);
  n = replaceMatches(n, DIGITS, (m) => (SERVICE_NUMBERS.has(m) ? null : PLACEHOLDER.number));
  return collapseSpaces(n);
}

/** Replaces each match by its placeholder (or keeps it when `to` answers null), carrying the map along. */
function replaceMatches(n: Normalised, re: RegExp, to: (match: string) => string | null): Normalised {
  re.lastIndex = 0;
  let text = '';
  const start: number[] = [];
  const end: number[] = [];
  let last = 0;
  for (const m of n.text.matchAll(re)) {
    const from = m.index;
    const until = from + m[0].length;
    const replacement = to(m[0]);
    if (replacement === null || m[0].length === 0) continue;
    text += n.text.slice(last, from);
    start.push(...n.start.slice(last, from));
    end.push(...n.end.slice(last, from));
    text += replacement;
    start.push(n.start[from]);
    end.push(n.end[until - 1]);
    last = until;
  }
  if (last === 0) return n;
  text += n.text.slice(last);
  start.push(...n.start.slice(last));
  end.push(...n.end.slice(last));
  return { text, start, end };
}

function collapseSpaces(n: Normalised): Normalised {
  let text = '';
  const start: number[] = [];
  const end: number[] = [];
  for (let i = 0; i < n.text.length; i++) {
    const ch = n.text[i];
    const space = /\s/.test(ch);
    if (space && (text.length === 0 || text.endsWith(' ') || i === n.text.length - 1)) continue;
    text += space ? ' ' : ch;
    start.push(n.start[i]);
    end.push(n.end[i]);
  }
  if (text.endsWith(' ')) return { text: text.slice(0, -1), start: start.slice(0, -1), end: end.slice(0, -1) };
  return { text, start, end };
}

/** The normalised text without placeholders, punctuation or spaces: what makes two reports "the same text". */
export function contentKey(original: string): string {
  return normalise(original)
    .text.replace(/[\uE000-\uE00F]/g, '')
    .replace(/[^\p{L}\p{N}]/gu, '');
}

/**
 * The original text with every placeholder's source (phone, ID number, e-mail, URL, name, address,
 * date, time, number) replaced by the placeholder itself: what is kept of a report for training.
 * It normalises to the same text as the original, so a model learns exactly the same from it.
 */
export function redact(original: string): string {
  const n = normalise(original);
  let out = '';
  let at = 0;
  for (let i = 0; i < n.text.length; i++) {
    if (!isPlaceholder(n.text[i])) continue;
    out += original.slice(at, n.start[i]) + n.text[i];
    at = n.end[i];
  }
  return out + original.slice(at);
}
