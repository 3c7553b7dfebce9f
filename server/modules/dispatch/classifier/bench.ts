import type { Classifier } from './predict.ts';

export interface ThroughputResult {
  texts: number;
  seconds: number;
  textsPerSecond: number;
  /** per-text latency, milliseconds */
  meanMs: number;
  p99Ms: number;
}

/**
 * Classifies the texts round-robin for about `seconds` on this thread (one core), timing each call
 * end to end (normalisation, segmentation, features, both models, terms). For `npm run bench`.
 */
export function classifierThroughput(classifier: Classifier, texts: string[], seconds = 2): ThroughputResult {
  if (texts.length === 0) throw new Error('classifierThroughput: no texts');
  // warm up: JIT, jieba's and OpenCC's first calls
  for (let i = 0; i < Math.min(200, texts.length * 2); i++) classifier.classify(texts[i % texts.length], 3);
  const latencies: number[] = [];
  const started = performance.now();
  const until = started + seconds * 1000;
  let i = 0;
  while (performance.now() < until) {
    const t0 = performance.now();
    classifier.classify(texts[i++ % texts.length], 3);
    latencies.push(performance.now() - t0);
  }
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const mean = latencies.reduce((s, x) => s + x, 0) / latencies.length;
  return {
    texts: latencies.length,
    seconds: elapsed,
    textsPerSecond: latencies.length / elapsed,
    meanMs: mean,
    p99Ms: latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))],
  };
}
