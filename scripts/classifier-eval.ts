// `npm run classifier:eval`: trains the classifier on the training split of the shipped corpus
// (plus the taxonomy's examples) and reports how it does on the held-out split it never saw:
// top-1/top-3 accuracy, per-category precision/recall/F1, the confusion matrix, second-level
// accuracy, model size, training time and throughput on one core.
//
// `npm run classifier:eval -- --cv '{"l2":1e-5}'` instead cross-validates options inside the
// training split only (5 folds), which is how hyper-parameters are chosen without touching the
// held-out split.
import os from 'node:os';
import { readFileSync } from 'node:fs';
import { classifierThroughput } from '../server/modules/dispatch/classifier/bench.ts';
import { loadCorpus } from '../server/modules/dispatch/classifier/corpus.ts';
import { evaluate, formatMetrics } from '../server/modules/dispatch/classifier/evaluate.ts';
import { modelToJson } from '../server/modules/dispatch/classifier/model.ts';
import { trainingSet } from '../server/modules/dispatch/classifier/pipeline.ts';
import { Classifier } from '../server/modules/dispatch/classifier/predict.ts';
import { DEFAULT_TRAIN, featuriseAll, trainModel, unitHash, type TrainOptions } from '../server/modules/dispatch/classifier/train.ts';

const args = process.argv.slice(2);
const corpus = loadCorpus();
const { train, test, counts } = trainingSet(corpus, []);
const cpu = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
console.log(`corpus: ${corpus.examples.length} lines (${counts.corpusTrain} training, ${counts.corpusTest} held out), ${counts.taxonomy} taxonomy examples, ${counts.categories} categories`);
console.log(`machine: ${os.availableParallelism()} cores, ${cpu}, Node ${process.version}, load average ${os.loadavg()[0].toFixed(1)}\n`);

if (args[0] === '--cv') {
  const options: Partial<TrainOptions> = JSON.parse(args[1] ?? '{}');
  const folds = 5;
  const items = featuriseAll(train);
  // only corpus lines are scored; the taxonomy's examples are always in training
  const scored = items.map((_, i) => i).filter((i) => i < counts.corpusTrain);
  const fold = items.map((e) => Math.floor(unitHash('cv:' + e.text) * folds));
  let top1 = 0;
  let top3 = 0;
  for (let f = 0; f < folds; f++) {
    const clf = new Classifier(trainModel(items.filter((_, i) => !(i < counts.corpusTrain && fold[i] === f)), { ...options, calibrationFolds: 0 }));
    for (const i of scored.filter((i) => fold[i] === f)) {
      const s = clf.classifyFeaturised(items[i].text, items[i].featurised, 3);
      if (s[0].category === items[i].category) top1++;
      if (s.some((x) => x.category === items[i].category)) top3++;
    }
  }
  console.log(`${folds}-fold cross-validation on the training split, options ${JSON.stringify({ ...DEFAULT_TRAIN, ...options })}`);
  console.log(`top-1 ${((top1 / scored.length) * 100).toFixed(1)}%  top-3 ${((top3 / scored.length) * 100).toFixed(1)}%  (${scored.length} lines)`);
} else {
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  const model = trainModel(train);
  const trainingMs = performance.now() - started;
  const trainingCpuMs = process.cpuUsage(cpu0).user / 1000;
  const classifier = new Classifier(model);
  const items = featuriseAll(test).map((e, i) => ({ ...e, source: test[i].source }));
  console.log(formatMetrics(evaluate(classifier, items)));
  const size = Buffer.byteLength(JSON.stringify(modelToJson(model)));
  console.log(`\nmodel: ${model.features.length} features, ${model.categories.length} categories, ${Object.keys(model.subs).length} second-level models, temperature ${model.temperature.toFixed(2)}, ${(size / 1024).toFixed(0)} KiB as JSON`);
  console.log(`training: ${(trainingCpuMs / 1000).toFixed(1)} s of CPU, ${(trainingMs / 1000).toFixed(1)} s elapsed, one thread (including ${DEFAULT_TRAIN.calibrationFolds}-fold calibration)`);
  const t = classifierThroughput(classifier, corpus.examples.map((e) => e.text), 3);
  console.log(`throughput: ${t.textsPerSecond.toFixed(0)} texts/s on one core, mean ${t.meanMs.toFixed(2)} ms, p99 ${t.p99Ms.toFixed(2)} ms per text (${t.texts} texts)`);
}
