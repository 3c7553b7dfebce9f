import { createHash } from 'node:crypto';
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { normalise, type Normalised } from './normalise.ts';
import { taxonomyKeywords } from './taxonomy.ts';

/**
 * Turns a normalised report into feature occurrences: character 1–3-grams of each run of Chinese
 * characters (robust to typos and to words the dictionary does not know), jieba words (with the
 * taxonomy's keywords as a domain dictionary, so 飞线充电 or 僵尸车 stay one word), and Latin tokens
 * (KTV, pinyin abbreviations such as wy for 物业). Each occurrence keeps its span in the normalised
 * text, so the words behind a suggestion can be pointed at. Placeholders, punctuation and spaces
 * are boundaries: nothing spans them and they produce no feature.
 */
export interface Occurrence {
  feature: string;
  start: number;
  end: number;
}

export interface Token {
  /** normalised form */
  text: string;
  start: number;
  end: number;
}

export interface Featurised {
  normalised: Normalised;
  occurrences: Occurrence[];
  /** jieba words and Latin tokens, in order, with their spans: the units terms are chosen from */
  tokens: Token[];
}

/** Bumped whenever featurisation changes, so a stored model built with another one is retrained. */
export const FEATURISER_VERSION = 1;

/** The taxonomy's keywords, simplified and lower-cased the way report text is. */
export function domainKeywords(): string[] {
  const words = new Set<string>();
  for (const k of taxonomyKeywords()) {
    const w = normalise(k).text;
    if (w.length >= 2 && w.length <= 8 && /^[\u4e00-\u9fff]+$/.test(w)) words.add(w);
  }
  return [...words].sort();
}

let jieba: Jieba | null = null;
let dictionaryDigest = '';

/** The segmenter, loaded once: the dictionary shipped inside @node-rs/jieba plus the domain words. */
function segmenter(): Jieba {
  if (jieba) return jieba;
  const words = domainKeywords();
  const j = Jieba.withDict(dict);
  // a high frequency makes jieba prefer the domain word over splitting it
  j.loadDict(Buffer.from(words.map((w) => `${w} 3000 n`).join('\n') + '\n'));
  dictionaryDigest = createHash('sha256').update(words.join('\n')).digest('hex').slice(0, 16);
  jieba = j;
  return j;
}

/** Identifies the featurisation a model was trained with (code version and domain dictionary). */
export function featuriserId(): string {
  segmenter();
  return `${FEATURISER_VERSION}:${dictionaryDigest}`;
}

const HAN = /\p{Script=Han}/u;
const ALNUM = /[a-z0-9]/;

type RunKind = 'han' | 'alnum';
interface Run {
  kind: RunKind;
  start: number;
  end: number;
}

/** Maximal runs of Chinese characters and of Latin letters/digits; everything else separates them. */
function runsOf(text: string): Run[] {
  const runs: Run[] = [];
  let cur: Run | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    const kind: RunKind | null = HAN.test(ch) ? 'han' : ALNUM.test(ch) ? 'alnum' : null;
    if (cur && cur.kind === kind) {
      cur.end = i + 1;
      continue;
    }
    if (cur) runs.push(cur);
    cur = kind ? { kind, start: i, end: i + 1 } : null;
  }
  if (cur) runs.push(cur);
  return runs;
}

export const MAX_NGRAM = 2;

/** Featurises an original report text. */
export function featurise(original: string): Featurised {
  const normalised = normalise(original);
  const text = normalised.text;
  const occurrences: Occurrence[] = [];
  const tokens: Token[] = [];
  const j = segmenter();
  for (const run of runsOf(text)) {
    const s = text.slice(run.start, run.end);
    if (run.kind === 'alnum') {
      tokens.push({ text: s, start: run.start, end: run.end });
      occurrences.push({ feature: `w:${s}`, start: run.start, end: run.end });
      continue;
    }
    for (let n = 1; n <= MAX_NGRAM; n++) {
      for (let i = 0; i + n <= s.length; i++) {
        occurrences.push({ feature: `c:${s.slice(i, i + n)}`, start: run.start + i, end: run.start + i + n });
      }
    }
    let at = run.start;
    const words = j.cut(s, true);
    // jieba's words concatenate to its input for Chinese text; if they ever did not, spans would be wrong
    if (words.join('') !== s) {
      tokens.push({ text: s, start: run.start, end: run.end });
      continue;
    }
    for (const w of words) {
      tokens.push({ text: w, start: at, end: at + w.length });
      // single characters are already unigram features
      if (w.length > 1) occurrences.push({ feature: `w:${w}`, start: at, end: at + w.length });
      at += w.length;
    }
  }
  return { normalised, occurrences, tokens };
}
