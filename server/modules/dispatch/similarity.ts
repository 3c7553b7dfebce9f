import { featurise } from './classifier/features.ts';
import { NOT_TERMS, type Classifier } from './classifier/predict.ts';

/**
 * Text similarity for duplicate reports: cosine of weighted bags of character bigrams and jieba
 * words, after the classifier's normalisation (Traditional → Simplified, full-width → half-width,
 * phone numbers, ID numbers, house numbers and dates replaced by placeholders that produce no
 * feature). So "3号楼电梯坏了" and "三號樓的電梯又壞了，電話13812345678" are close, and two reports
 * that share only a phone number or a house number are not. Single characters count a little
 * (a typo breaks a bigram, not the characters around it); particles not at all.
 */
export type TextVector = Map<string, number>;

/** Weight of a single character against a bigram or word. */
const UNIGRAM_WEIGHT = 0.3;

/**
 * `idf` weighs features by how rare they are in the classifier's training texts (路灯 says more
 * than 小区); a feature the model never kept is rare, so it gets the highest weight.
 */
export function textVector(text: string, idf?: (feature: string) => number | undefined, maxIdf = 1): TextVector {
  const counts = new Map<string, number>();
  for (const o of featurise(text).occurrences) {
    const body = o.feature.slice(2);
    // particles and pronouns (的, 了, 我们 …) and runs of them say nothing about the problem
    if (NOT_TERMS.has(body) || [...body].every((ch) => NOT_TERMS.has(ch))) continue;
    counts.set(o.feature, (counts.get(o.feature) ?? 0) + 1);
  }
  const v: TextVector = new Map();
  let norm = 0;
  for (const [feature, n] of counts) {
    const unigram = feature.startsWith('c:') && feature.length === 3;
    const w = (1 + Math.log(n)) * (idf?.(feature) ?? maxIdf) * (unigram ? UNIGRAM_WEIGHT : 1);
    v.set(feature, w);
    norm += w * w;
  }
  norm = Math.sqrt(norm);
  if (norm > 0) for (const [f, w] of v) v.set(f, w / norm);
  return v;
}

/** Cosine of two normalised vectors, 0..1. */
export function cosine(a: TextVector, b: TextVector): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let dot = 0;
  for (const [f, w] of small) {
    const x = large.get(f);
    if (x !== undefined) dot += w * x;
  }
  return Math.min(1, Math.max(0, dot));
}

/** A vectoriser weighted by the classifier in use, or unweighted without one. */
export function vectoriserFor(classifier: Classifier | null): (text: string) => TextVector {
  if (!classifier) return (text) => textVector(text);
  let max = 0;
  for (const x of classifier.model.idf) if (x > max) max = x;
  return (text) => textVector(text, (f) => classifier.idfOf(f), max || 1);
}

/** Great-circle distance in metres (haversine; plenty for a few hundred metres). */
export function distanceMeters(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const R = 6_371_000;
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * R * Math.asin(Math.min(1, Math.sqrt(h)));
}
