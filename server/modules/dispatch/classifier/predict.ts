import { featurise, featuriserId, type Featurised, type Token } from './features.ts';
import { scores, softmaxInPlace, type SparseRow } from './linear.ts';
import { localRow, vectorise, type ClassifierModel } from './model.ts';

export interface Suggestion {
  category: string;
  /** calibrated probability of the category, 0..1 */
  confidence: number;
  /** the words of the report (as the resident wrote them) that pushed most towards this category */
  terms: string[];
  subCategory?: string;
  /** probability of the second-level code given the category */
  subConfidence?: number;
}

export const MAX_TERMS = 5;
// a term must carry at least this share of the strongest term's weight, so weak words are not listed
const TERM_SHARE = 0.2;
// particles and pronouns may carry weight in the model but explain nothing to a dispatcher
export const NOT_TERMS = new Set([...'的地得了在是都也就和与及或跟被把给着过吗呢吧啊呀哦嘛么啦哈嗯之其而等又还很太我你他她它们这那个有没不要说去来到让'].concat(['我们', '他们', '你们', '这个', '那个', '一个', '什么', '怎么', '没有', '就是', '还是', '已经', '一直', '现在']));

/** A loaded model, ready to classify. Immutable: retraining builds a new one and swaps it in. */
export class Classifier {
  readonly model: ClassifierModel;
  private readonly index: Map<string, number>;
  private readonly subLocal: Map<string, Map<number, number>>;

  constructor(model: ClassifierModel) {
    if (model.featuriser !== featuriserId()) throw new Error(`classifier model was trained with featuriser ${model.featuriser}, this server has ${featuriserId()}`);
    this.model = model;
    this.index = new Map(model.features.map((f, i) => [f, i]));
    this.subLocal = new Map();
    for (const [cat, s] of Object.entries(model.subs)) {
      const m = new Map<number, number>();
      s.features.forEach((g, l) => m.set(g, l));
      this.subLocal.set(cat, m);
    }
  }

  vectorise(f: Featurised): SparseRow {
    return vectorise(this.index, this.model.idf, f);
  }

  /** How informative a feature is in the training texts (its IDF); undefined when the model never kept it. */
  idfOf(feature: string): number | undefined {
    const j = this.index.get(feature);
    return j === undefined ? undefined : this.model.idf[j];
  }

  /** Probabilities of every category, in model.categories order. */
  probabilities(row: SparseRow): Float64Array {
    return softmaxInPlace(scores(this.model.top, row), this.model.temperature);
  }

  /** The most likely second-level code of a category and its probability given the category. */
  subOf(category: string, row: SparseRow): { code: string; confidence: number } | null {
    const sub = this.model.subs[category];
    if (!sub) return null;
    if (sub.labels.length === 1) return { code: sub.labels[0], confidence: 1 };
    const p = softmaxInPlace(scores(sub.weights, localRow(row, this.subLocal.get(category)!)));
    let best = 0;
    for (let c = 1; c < p.length; c++) if (p[c] > p[best]) best = c;
    return { code: sub.labels[best], confidence: p[best] };
  }

  /** The k most likely categories, best first, each with the words that drove it. */
  classify(text: string, k = 3): Suggestion[] {
    return this.classifyFeaturised(text, featurise(text), k);
  }

  classifyFeaturised(original: string, f: Featurised, k = 3): Suggestion[] {
    const row = this.vectorise(f);
    const p = this.probabilities(row);
    const order = [...p.keys()].sort((a, b) => p[b] - p[a] || a - b).slice(0, k);
    return order.map((c) => {
      const category = this.model.categories[c];
      const sub = this.subOf(category, row);
      return {
        category,
        confidence: p[c],
        terms: this.termsFor(c, p, row, original, f),
        ...(sub ? { subCategory: sub.code, subConfidence: sub.confidence } : {}),
      };
    });
  }

  /**
   * Each feature's share of class c's log-probability is x·(w_c − Σ_k p_k·w_k): what it adds to
   * this class beyond what it adds to the average class. That share is spread over the words the
   * feature covers; the words with the largest positive totals are the terms, in the resident's own
   * spelling (the original text under the word's span: Traditional stays Traditional).
   */
  private termsFor(c: number, p: Float64Array, row: SparseRow, original: string, f: Featurised): string[] {
    const { top } = this.model;
    const C = top.nClasses;
    const value = new Map<number, number>();
    for (let k = 0; k < row.idx.length; k++) value.set(row.idx[k], row.val[k]);
    const contribution = new Map<number, number>();
    for (const [j, v] of value) {
      let expected = 0;
      for (let q = 0; q < C; q++) expected += p[q] * top.w[j * C + q];
      contribution.set(j, v * (top.w[j * C + c] - expected));
    }
    // occurrences of a feature share its contribution equally
    const occurrencesOf = new Map<number, number>();
    for (const o of f.occurrences) {
      const j = this.index.get(o.feature);
      if (j !== undefined) occurrencesOf.set(j, (occurrencesOf.get(j) ?? 0) + 1);
    }
    const tokens = f.tokens;
    const tokenScore = new Float64Array(tokens.length);
    for (const o of f.occurrences) {
      const j = this.index.get(o.feature);
      if (j === undefined) continue;
      const share = contribution.get(j)! / occurrencesOf.get(j)!;
      const len = o.end - o.start;
      for (let t = firstTokenAt(tokens, o.start); t < tokens.length && tokens[t].start < o.end; t++) {
        const overlap = Math.min(o.end, tokens[t].end) - Math.max(o.start, tokens[t].start);
        if (overlap > 0) tokenScore[t] += (share * overlap) / len;
      }
    }
    // the same word written twice counts once, with both weights
    const byWord = new Map<string, { score: number; token: Token }>();
    tokens.forEach((tok, t) => {
      const e = byWord.get(tok.text);
      if (e) e.score += tokenScore[t];
      else byWord.set(tok.text, { score: tokenScore[t], token: tok });
    });
    const ranked = [...byWord.values()].filter((e) => e.score > 0 && !NOT_TERMS.has(e.token.text)).sort((a, b) => b.score - a.score);
    if (ranked.length === 0) return [];
    const floor = ranked[0].score * TERM_SHARE;
    const { normalised } = f;
    const terms: string[] = [];
    for (const e of ranked) {
      if (e.score < floor || terms.length >= MAX_TERMS) break;
      const from = normalised.start[e.token.start];
      const to = normalised.end[e.token.end - 1];
      const word = original.slice(from, to).trim();
      if (word && !terms.includes(word)) terms.push(word);
    }
    return terms;
  }
}

/** Index of the first token that ends after `pos` (tokens are sorted and do not overlap). */
function firstTokenAt(tokens: Token[], pos: number): number {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tokens[mid].end <= pos) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
