import { createHash } from 'node:crypto';
import { featurise, featuriserId, type Featurised } from './features.ts';
import { fitSoftmax, scores, softmaxInPlace, type Dataset, type FitOptions, type SparseRow } from './linear.ts';
import { localRow, MODEL_FORMAT, vectorise, type ClassifierModel, type SubModel } from './model.ts';

/** One labelled report. `weight` says how much it counts (corpus lines 1; see service.ts for learned ones). */
export interface Example {
  text: string;
  category: string;
  sub: string | null;
  weight: number;
}

export interface FeaturisedExample extends Example {
  featurised: Featurised;
}

export interface TrainOptions {
  /** L2 penalty of the top-level model */
  l2: number;
  /** L2 penalty of the second-level models (fewer examples each: more smoothing) */
  subL2: number;
  /** a feature must occur in at least this many training reports */
  minDf: number;
  maxIterations: number;
  /** iterations of the second-level models (small problems that converge sooner) */
  subMaxIterations: number;
  /** folds for fitting the softmax temperature on out-of-fold predictions (0: no calibration) */
  calibrationFolds: number;
  /** a category needs this many examples to be learned at all */
  minExamplesPerCategory: number;
}

export const DEFAULT_TRAIN: TrainOptions = {
  l2: 1e-5,
  subL2: 1e-4,
  minDf: 2,
  maxIterations: 60,
  subMaxIterations: 50,
  calibrationFolds: 2,
  minExamplesPerCategory: 5,
};

export function featuriseAll(examples: Example[]): FeaturisedExample[] {
  return examples.map((e) => ({ ...e, featurised: featurise(e.text) }));
}

/** A stable pseudo-random number in [0, 1) for a string: the basis of every split. */
export function unitHash(s: string): number {
  return createHash('sha256').update(s).digest().readUInt32BE(0) / 2 ** 32;
}

interface Vocabulary {
  features: string[];
  index: Map<string, number>;
  idf: Float32Array;
}

function buildVocabulary(items: FeaturisedExample[], minDf: number): Vocabulary {
  const df = new Map<string, number>();
  for (const it of items) {
    for (const f of new Set(it.featurised.occurrences.map((o) => o.feature))) df.set(f, (df.get(f) ?? 0) + 1);
  }
  const features = [...df.entries()].filter(([, n]) => n >= minDf).map(([f]) => f);
  features.sort();
  const index = new Map(features.map((f, i) => [f, i]));
  const N = items.length;
  const idf = Float32Array.from(features, (f) => Math.log((1 + N) / (1 + df.get(f)!)) + 1);
  return { features, index, idf };
}

function fitOptions(l2: number, maxIterations: number): FitOptions {
  return { l2, maxIterations, tolerance: 1e-7 };
}

/** Trains the whole classifier (vocabulary, top-level model, calibration, second-level models). */
export function trainModel(examples: Example[] | FeaturisedExample[], options: Partial<TrainOptions> = {}): ClassifierModel {
  const opts = { ...DEFAULT_TRAIN, ...options };
  const all = examples.length && 'featurised' in examples[0] ? (examples as FeaturisedExample[]) : featuriseAll(examples as Example[]);
  const perCategory = new Map<string, number>();
  for (const e of all) perCategory.set(e.category, (perCategory.get(e.category) ?? 0) + 1);
  const categories = [...perCategory.entries()].filter(([, n]) => n >= opts.minExamplesPerCategory).map(([c]) => c).sort();
  if (categories.length < 2) throw new Error('classifier: at least two categories with enough examples are needed to train');
  const items = all.filter((e) => categories.includes(e.category));
  const vocab = buildVocabulary(items, opts.minDf);
  const rows = items.map((e) => vectorise(vocab.index, vocab.idf, e.featurised));
  const catIndex = new Map(categories.map((c, i) => [c, i]));
  const data: Dataset = {
    rows,
    labels: Int32Array.from(items, (e) => catIndex.get(e.category)!),
    weights: Float64Array.from(items, (e) => e.weight),
    nFeatures: vocab.features.length,
    nClasses: categories.length,
  };
  const top = fitSoftmax(data, fitOptions(opts.l2, opts.maxIterations));
  const temperature = opts.calibrationFolds >= 2 ? fitTemperature(items, data, opts) : 1;
  const subs: Record<string, SubModel> = {};
  for (const cat of categories) {
    const sub = trainSubModel(items, rows, cat, opts);
    if (sub) subs[cat] = sub;
  }
  return {
    format: MODEL_FORMAT,
    featuriser: featuriserId(),
    categories,
    features: vocab.features,
    idf: vocab.idf,
    top: { ...top, w: Float32Array.from(top.w), b: Float32Array.from(top.b) },
    subs,
    temperature,
  };
}

/** A softmax over the second-level codes of one category, on the features seen in that category. */
function trainSubModel(items: FeaturisedExample[], rows: SparseRow[], category: string, opts: TrainOptions): SubModel | null {
  const mine: number[] = [];
  for (let i = 0; i < items.length; i++) {
    const s = items[i].sub;
    if (items[i].category === category && s && s.startsWith(category + '.')) mine.push(i);
  }
  const labels = [...new Set(mine.map((i) => items[i].sub!))].sort();
  if (labels.length === 0) return null;
  const used = new Set<number>();
  for (const i of mine) for (const j of rows[i].idx) used.add(j);
  const features = Int32Array.from([...used].sort((a, b) => a - b));
  const local = new Map<number, number>();
  features.forEach((g, l) => local.set(g, l));
  const labelIndex = new Map(labels.map((l, i) => [l, i]));
  if (labels.length === 1) {
    return { labels, features: new Int32Array(0), weights: { nFeatures: 0, nClasses: 1, w: new Float32Array(0), b: new Float32Array(1) } };
  }
  const data: Dataset = {
    rows: mine.map((i) => localRow(rows[i], local)),
    labels: Int32Array.from(mine, (i) => labelIndex.get(items[i].sub!)!),
    weights: Float64Array.from(mine, (i) => items[i].weight),
    nFeatures: features.length,
    nClasses: labels.length,
  };
  const w = fitSoftmax(data, fitOptions(opts.subL2, opts.subMaxIterations));
  return { labels, features, weights: { ...w, w: Float32Array.from(w.w), b: Float32Array.from(w.b) } };
}

/**
 * Temperature scaling: out-of-fold scores from k models trained on the other folds, then the
 * temperature that minimises their negative log-likelihood (golden-section search, T in [0.1, 10]).
 * The vocabulary is the full one: it carries no label information, only which features exist.
 */
function fitTemperature(items: FeaturisedExample[], data: Dataset, opts: TrainOptions): number {
  const k = opts.calibrationFolds;
  const fold = items.map((e) => Math.floor(unitHash('fold:' + e.text) * k));
  const outOfFold: Float64Array[] = new Array(items.length);
  for (let f = 0; f < k; f++) {
    const train = data.rows.map((_, i) => i).filter((i) => fold[i] !== f);
    if (train.length === items.length || train.length === 0) continue;
    const m = fitSoftmax(
      { ...data, rows: train.map((i) => data.rows[i]), labels: Int32Array.from(train, (i) => data.labels[i]), weights: Float64Array.from(train, (i) => data.weights[i]) },
      fitOptions(opts.l2, opts.maxIterations),
    );
    for (let i = 0; i < items.length; i++) if (fold[i] === f) outOfFold[i] = scores(m, data.rows[i]);
  }
  const held = outOfFold.map((z, i) => ({ z, y: data.labels[i], w: data.weights[i] })).filter((r) => r.z);
  if (held.length === 0) return 1;
  const nll = (T: number) => {
    let s = 0;
    for (const r of held) {
      const p = softmaxInPlace(Float64Array.from(r.z), T);
      s -= r.w * Math.log(Math.max(p[r.y], 1e-12));
    }
    return s;
  };
  // golden-section search on log T
  let lo = Math.log(0.1);
  let hi = Math.log(10);
  const g = (Math.sqrt(5) - 1) / 2;
  let a = hi - g * (hi - lo);
  let b = lo + g * (hi - lo);
  let fa = nll(Math.exp(a));
  let fb = nll(Math.exp(b));
  for (let i = 0; i < 40; i++) {
    if (fa < fb) {
      hi = b;
      b = a;
      fb = fa;
      a = hi - g * (hi - lo);
      fa = nll(Math.exp(a));
    } else {
      lo = a;
      a = b;
      fa = fb;
      b = lo + g * (hi - lo);
      fb = nll(Math.exp(b));
    }
  }
  return Math.exp((lo + hi) / 2);
}
