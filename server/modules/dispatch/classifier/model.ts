import type { Featurised } from './features.ts';
import type { LinearWeights, SparseRow } from './linear.ts';

/**
 * A trained classifier as plain data: the vocabulary with its IDF weights, the top-level softmax
 * model and one small softmax model per top-level category over its second-level codes. It is
 * stored as JSON (weights as base64 float32), a few hundred kilobytes.
 */
export const MODEL_FORMAT = 1;

export interface SubModel {
  labels: string[];
  /** the global feature indices this model has weights for (the features seen in its category) */
  features: Int32Array;
  weights: LinearWeights;
}

export interface ClassifierModel {
  format: number;
  /** featuriserId() at training time; another featuriser cannot use these weights */
  featuriser: string;
  categories: string[];
  features: string[];
  idf: Float32Array;
  top: LinearWeights;
  subs: Record<string, SubModel>;
  /** softmax temperature fitted on out-of-fold predictions, so confidences mean what they say */
  temperature: number;
}

/** Sparse TF-IDF row of a featurised text: sublinear term frequency × IDF, L2-normalised. */
export function vectorise(index: ReadonlyMap<string, number>, idf: ArrayLike<number>, f: Featurised): SparseRow {
  const counts = new Map<number, number>();
  for (const o of f.occurrences) {
    const j = index.get(o.feature);
    if (j !== undefined) counts.set(j, (counts.get(j) ?? 0) + 1);
  }
  const idx = Int32Array.from([...counts.keys()].sort((a, b) => a - b));
  const val = new Float64Array(idx.length);
  let norm = 0;
  for (let k = 0; k < idx.length; k++) {
    const v = (1 + Math.log(counts.get(idx[k])!)) * idf[idx[k]];
    val[k] = v;
    norm += v * v;
  }
  norm = Math.sqrt(norm);
  if (norm > 0) for (let k = 0; k < val.length; k++) val[k] /= norm;
  return { idx, val };
}

/** Restricts a row to the features of a sub-model, renumbered into its local indices. */
export function localRow(row: SparseRow, local: ReadonlyMap<number, number>): SparseRow {
  const idx: number[] = [];
  const val: number[] = [];
  for (let k = 0; k < row.idx.length; k++) {
    const j = local.get(row.idx[k]);
    if (j !== undefined) {
      idx.push(j);
      val.push(row.val[k]);
    }
  }
  return { idx: Int32Array.from(idx), val: Float64Array.from(val) };
}

// ---- JSON ----

interface LinearJson {
  nFeatures: number;
  nClasses: number;
  w: string;
  b: string;
}

export interface ClassifierModelJson {
  format: number;
  featuriser: string;
  categories: string[];
  features: string[];
  idf: string;
  top: LinearJson;
  subs: Record<string, { labels: string[]; features: string; weights: LinearJson }>;
  temperature: number;
}

const f32ToBase64 = (a: ArrayLike<number>) => Buffer.from(Float32Array.from(a).buffer).toString('base64');
const i32ToBase64 = (a: Int32Array) => Buffer.from(Int32Array.from(a).buffer).toString('base64');

function base64ToF32(s: string, length: number, what: string): Float32Array {
  const buf = Buffer.from(s, 'base64');
  if (buf.length !== length * 4) throw new Error(`classifier model: ${what} has ${buf.length / 4} values, expected ${length}`);
  // copy into an aligned buffer of its own
  return new Float32Array(new Uint8Array(buf).buffer);
}

function base64ToI32(s: string, what: string): Int32Array {
  const buf = Buffer.from(s, 'base64');
  if (buf.length % 4 !== 0) throw new Error(`classifier model: ${what} is not a list of 32-bit integers`);
  return new Int32Array(new Uint8Array(buf).buffer);
}

const linearToJson = (m: LinearWeights): LinearJson => ({ nFeatures: m.nFeatures, nClasses: m.nClasses, w: f32ToBase64(m.w), b: f32ToBase64(m.b) });

function linearFromJson(j: LinearJson, what: string): LinearWeights {
  if (!Number.isInteger(j.nFeatures) || !Number.isInteger(j.nClasses) || j.nFeatures < 0 || j.nClasses < 1) throw new Error(`classifier model: bad shape of ${what}`);
  return { nFeatures: j.nFeatures, nClasses: j.nClasses, w: base64ToF32(j.w, j.nFeatures * j.nClasses, `${what}.w`), b: base64ToF32(j.b, j.nClasses, `${what}.b`) };
}

export function modelToJson(m: ClassifierModel): ClassifierModelJson {
  const subs: ClassifierModelJson['subs'] = {};
  for (const [cat, s] of Object.entries(m.subs)) subs[cat] = { labels: s.labels, features: i32ToBase64(s.features), weights: linearToJson(s.weights) };
  return {
    format: m.format,
    featuriser: m.featuriser,
    categories: m.categories,
    features: m.features,
    idf: f32ToBase64(m.idf),
    top: linearToJson(m.top),
    subs,
    temperature: m.temperature,
  };
}

/** Reads a stored model, checking every shape (a damaged row must fail loudly, not classify badly). */
export function modelFromJson(j: ClassifierModelJson): ClassifierModel {
  if (j.format !== MODEL_FORMAT) throw new Error(`classifier model: format ${j.format}, this server reads ${MODEL_FORMAT}`);
  const F = j.features.length;
  const top = linearFromJson(j.top, 'top');
  if (top.nFeatures !== F || top.nClasses !== j.categories.length) throw new Error('classifier model: top model does not match the vocabulary');
  const subs: Record<string, SubModel> = {};
  for (const [cat, s] of Object.entries(j.subs)) {
    const features = base64ToI32(s.features, `subs.${cat}.features`);
    const weights = linearFromJson(s.weights, `subs.${cat}`);
    if (weights.nFeatures !== features.length || weights.nClasses !== s.labels.length) throw new Error(`classifier model: sub-model ${cat} does not match its labels`);
    if (features.some((x) => x < 0 || x >= F)) throw new Error(`classifier model: sub-model ${cat} refers to unknown features`);
    subs[cat] = { labels: s.labels, features, weights };
  }
  if (!(j.temperature > 0)) throw new Error('classifier model: bad temperature');
  return {
    format: j.format,
    featuriser: j.featuriser,
    categories: j.categories,
    features: j.features,
    idf: base64ToF32(j.idf, F, 'idf'),
    top,
    subs,
    temperature: j.temperature,
  };
}
