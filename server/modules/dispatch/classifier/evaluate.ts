import type { Classifier } from './predict.ts';
import type { FeaturisedExample } from './train.ts';

/** How a model does on examples it never saw. Stored with each model and printed by classifier:eval. */
export interface Metrics {
  examples: number;
  top1: number;
  top3: number;
  /** accuracy of the second-level code given the right category, over examples that have one */
  subGivenCategory: number | null;
  /** both the category and the second-level code right at the first suggestion */
  subEndToEnd: number | null;
  subExamples: number;
  /** expected calibration error of the top suggestion's confidence (10 bins) */
  calibrationError: number;
  perCategory: { category: string; precision: number; recall: number; f1: number; support: number }[];
  /** labels of the confusion matrix, rows = true category, columns = predicted (top-1) */
  labels: string[];
  confusion: number[][];
  /** accuracy by batch of the corpus (its top folder, or "corpus" for the original files) */
  byBatch?: Record<string, { examples: number; top1: number; top3: number }>;
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;

export function evaluate(classifier: Classifier, test: (FeaturisedExample & { source?: string })[]): Metrics {
  const labels = [...new Set([...classifier.model.categories, ...test.map((e) => e.category)])].sort();
  const at = new Map(labels.map((l, i) => [l, i]));
  const confusion = labels.map(() => labels.map(() => 0));
  let top1 = 0;
  let top3 = 0;
  let subN = 0;
  let subGiven = 0;
  let subBoth = 0;
  const bins = Array.from({ length: 10 }, () => ({ n: 0, conf: 0, correct: 0 }));
  const batches = new Map<string, { examples: number; top1: number; top3: number }>();
  for (const e of test) {
    const row = classifier.vectorise(e.featurised);
    const p = classifier.probabilities(row);
    const order = [...p.keys()].sort((a, b) => p[b] - p[a] || a - b);
    const best = classifier.model.categories[order[0]];
    const ok1 = best === e.category;
    const ok3 = order.slice(0, 3).some((c) => classifier.model.categories[c] === e.category);
    if (ok1) top1++;
    if (ok3) top3++;
    confusion[at.get(e.category)!][at.get(best)!]++;
    const bin = bins[Math.min(9, Math.floor(p[order[0]] * 10))];
    bin.n++;
    bin.conf += p[order[0]];
    if (ok1) bin.correct++;
    if (e.sub) {
      subN++;
      const given = classifier.subOf(e.category, row);
      if (given?.code === e.sub) {
        subGiven++;
        if (ok1) subBoth++;
      }
    }
    const batch = e.source?.includes('/') ? e.source.split('/')[0] : 'corpus';
    const b = batches.get(batch) ?? { examples: 0, top1: 0, top3: 0 };
    b.examples++;
    if (ok1) b.top1++;
    if (ok3) b.top3++;
    batches.set(batch, b);
  }
  const n = test.length;
  const perCategory = labels.map((category, i) => {
    const tp = confusion[i][i];
    const support = confusion[i].reduce((s, x) => s + x, 0);
    const predicted = confusion.reduce((s, r) => s + r[i], 0);
    const precision = predicted ? tp / predicted : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { category, precision: round(precision), recall: round(recall), f1: round(f1), support };
  });
  const ece = n ? bins.reduce((s, b) => s + (b.n ? Math.abs(b.conf / b.n - b.correct / b.n) * (b.n / n) : 0), 0) : 0;
  return {
    examples: n,
    top1: n ? round(top1 / n) : 0,
    top3: n ? round(top3 / n) : 0,
    subGivenCategory: subN ? round(subGiven / subN) : null,
    subEndToEnd: subN ? round(subBoth / subN) : null,
    subExamples: subN,
    calibrationError: round(ece),
    perCategory,
    labels,
    confusion,
    byBatch: Object.fromEntries(
      [...batches.entries()].sort().map(([k, b]) => [k, { examples: b.examples, top1: round(b.top1 / b.examples), top3: round(b.top3 / b.examples) }]),
    ),
  };
}

const pct = (x: number | null) => (x === null ? '   –  ' : `${(x * 100).toFixed(1).padStart(5)}%`);

/** A terminal report: headline numbers, per-category precision/recall/F1, confusion matrix. */
export function formatMetrics(m: Metrics): string {
  const lines: string[] = [];
  lines.push(`held-out examples: ${m.examples}`);
  lines.push(`top-1 accuracy:    ${pct(m.top1)}`);
  lines.push(`top-3 accuracy:    ${pct(m.top3)}`);
  lines.push(`second level, given the right category: ${pct(m.subGivenCategory)}  (${m.subExamples} examples)`);
  lines.push(`second level and category both right:   ${pct(m.subEndToEnd)}`);
  lines.push(`calibration error (ECE, top-1 confidence): ${(m.calibrationError * 100).toFixed(1)} points`);
  if (m.byBatch) {
    for (const [batch, b] of Object.entries(m.byBatch)) lines.push(`  batch ${batch.padEnd(8)} ${String(b.examples).padStart(4)} examples  top-1 ${pct(b.top1)}  top-3 ${pct(b.top3)}`);
  }
  lines.push('');
  const w = Math.max(...m.labels.map((l) => l.length));
  lines.push(`${'category'.padEnd(w)}  precision  recall     F1  support`);
  for (const c of m.perCategory) {
    lines.push(`${c.category.padEnd(w)}     ${pct(c.precision)} ${pct(c.recall)} ${pct(c.f1)}  ${String(c.support).padStart(7)}`);
  }
  lines.push('');
  // columns are numbered to keep the matrix narrow; the legend maps numbers to codes
  lines.push('confusion matrix (rows: true category, columns: top-1 prediction)');
  const head = m.labels.map((_, i) => String(i + 1).padStart(3)).join('');
  lines.push(`${''.padEnd(w + 4)}${head}`);
  m.labels.forEach((l, i) => {
    const cells = m.confusion[i].map((x) => (x === 0 ? '  ·' : String(x).padStart(3))).join('');
    lines.push(`${String(i + 1).padStart(2)} ${l.padEnd(w)} ${cells}`);
  });
  return lines.join('\n');
}
