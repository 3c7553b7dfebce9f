import { loadCorpus, type Corpus, type CorpusExample } from './corpus.ts';
import { evaluate, type Metrics } from './evaluate.ts';
import { featuriserId } from './features.ts';
import { modelToJson, type ClassifierModelJson } from './model.ts';
import { contentKey } from './normalise.ts';
import { Classifier } from './predict.ts';
import { taxonomyExamples } from './taxonomy.ts';
import { featuriseAll, trainModel, type Example, type TrainOptions } from './train.ts';

/**
 * One training run, from data to a stored-ready model: the shipped corpus's training split, the
 * taxonomy's examples and the examples learned from dispatchers, evaluated on the corpus's held-out
 * split. Pure and synchronous; the service runs it in a worker thread.
 */
export const EXAMPLE_SOURCES = ['dispatcher_set', 'dispatcher_corrected'] as const;
export type ExampleSource = (typeof EXAMPLE_SOURCES)[number];

export interface LearnedExample {
  text: string;
  category: string;
  subCategory: string | null;
  source: ExampleSource;
}

/**
 * A category a dispatcher set on a real case counts as much as a corpus line; one they corrected
 * (the suggestion was wrong) counts double, because it is exactly where the model needs to move.
 */
export const LEARNED_WEIGHT: Record<ExampleSource, number> = { dispatcher_set: 1, dispatcher_corrected: 2 };

export interface TrainingCounts {
  corpusTrain: number;
  corpusTest: number;
  taxonomy: number;
  /** learned examples used (after removing duplicates and anything matching a held-out line) */
  learned: number;
  /** learned examples left out because their text matches a held-out corpus line */
  learnedHeldOut: number;
  categories: number;
}

export interface TrainingRun {
  model: ClassifierModelJson;
  metrics: Metrics;
  counts: TrainingCounts;
  corpusDigest: string;
  featuriser: string;
  trainingMs: number;
}

export interface TrainingInput {
  learned: LearnedExample[];
  options?: Partial<TrainOptions>;
}

/**
 * The training set: corpus training split + taxonomy + learned examples. Learned examples are
 * de-duplicated by content (the latest label of the same text wins: input is oldest first) and any
 * whose content matches a held-out corpus line is dropped, so the held-out metrics stay honest.
 */
export function trainingSet(corpus: Corpus, learned: LearnedExample[]): { train: Example[]; test: CorpusExample[]; counts: TrainingCounts } {
  const test = corpus.examples.filter((e) => e.split === 'test');
  const corpusTrain = corpus.examples.filter((e) => e.split === 'train');
  const heldOut = new Set(test.map((e) => contentKey(e.text)));
  const latest = new Map<string, LearnedExample>();
  let learnedHeldOut = 0;
  for (const l of learned) {
    const key = contentKey(l.text);
    if (heldOut.has(key)) {
      learnedHeldOut++;
      continue;
    }
    latest.delete(key);
    latest.set(key, l);
  }
  const fromCases: Example[] = [...latest.values()].map((l) => ({ text: l.text, category: l.category, sub: l.subCategory, weight: LEARNED_WEIGHT[l.source] }));
  const taxonomy = taxonomyExamples();
  const train = [...corpusTrain, ...taxonomy, ...fromCases];
  return {
    train,
    test,
    counts: {
      corpusTrain: corpusTrain.length,
      corpusTest: test.length,
      taxonomy: taxonomy.length,
      learned: fromCases.length,
      learnedHeldOut,
      categories: new Set(train.map((e) => e.category)).size,
    },
  };
}

export function runTraining(input: TrainingInput, corpus: Corpus = loadCorpus()): TrainingRun {
  const started = performance.now();
  const { train, test, counts } = trainingSet(corpus, input.learned);
  const model = trainModel(train, input.options);
  const trainingMs = Math.round(performance.now() - started);
  const metrics = evaluate(new Classifier(model), featuriseAll(test).map((e, i) => ({ ...e, source: test[i].source })));
  return { model: modelToJson(model), metrics, counts: { ...counts, categories: model.categories.length }, corpusDigest: corpus.digest, featuriser: featuriserId(), trainingMs };
}
