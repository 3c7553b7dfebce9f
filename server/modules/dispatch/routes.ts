import { Type } from 'typebox';
import type { App } from '../../platform/module.ts';
import { systemCtx, type Platform } from '../../platform/context.ts';
import { Body, DateTime, Nullable, responses } from '../../platform/http/schemas.ts';
import * as service from './service.ts';

const Suggestion = Type.Object({
  category: Type.String({ description: 'top-level taxonomy code' }),
  confidence: Type.Number({ minimum: 0, maximum: 1, description: 'calibrated probability' }),
  terms: Type.Array(Type.String(), { description: 'the words of the text that drove this suggestion, as written' }),
  subCategory: Type.Optional(Type.String({ description: 'most likely second-level code within the category' })),
  subConfidence: Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: 'probability of subCategory given the category' })),
});

const CategoryMetrics = Type.Object({
  category: Type.String(),
  precision: Type.Number(),
  recall: Type.Number(),
  f1: Type.Number(),
  support: Type.Integer(),
});

const Status = Type.Object({
  version: Type.Integer({ description: 'version of the newest stored model' }),
  versionInUse: Type.Integer({ description: 'version this server process classifies with' }),
  trainedAt: DateTime,
  trigger: Type.String(),
  trainingMs: Type.Integer(),
  sizeBytes: Type.Integer(),
  categories: Type.Array(Type.String()),
  training: Type.Object({
    corpus: Type.Integer({ description: 'lines of the shipped corpus’s training split' }),
    taxonomy: Type.Integer({ description: 'examples made from the taxonomy’s names, descriptions and keywords' }),
    learned: Type.Integer({ description: 'categories set or corrected by dispatchers on real cases' }),
  }),
  heldOut: Type.Object({
    examples: Type.Integer(),
    top1: Type.Number(),
    top3: Type.Number(),
    subGivenCategory: Nullable(Type.Number()),
    subEndToEnd: Nullable(Type.Number()),
    calibrationError: Type.Number(),
    perCategory: Type.Array(CategoryMetrics),
  }),
  learnedExamples: Type.Object({ total: Type.Integer(), corrected: Type.Integer() }),
});

type StatusRow = Awaited<ReturnType<typeof service.status>>;
function presentStatus(s: StatusRow) {
  const m = s.model.metrics as unknown as service.Metrics;
  return {
    version: s.model.version,
    versionInUse: s.inUse,
    trainedAt: new Date(s.model.trained_at).toISOString(),
    trigger: s.model.trigger,
    trainingMs: s.model.training_ms,
    sizeBytes: s.model.size_bytes,
    categories: s.categories,
    training: { corpus: s.model.corpus_examples, taxonomy: s.model.taxonomy_examples, learned: s.model.learned_examples },
    heldOut: {
      examples: m.examples,
      top1: m.top1,
      top3: m.top3,
      subGivenCategory: m.subGivenCategory,
      subEndToEnd: m.subEndToEnd,
      calibrationError: m.calibrationError,
      perCategory: m.perCategory,
    },
    learnedExamples: s.examples,
  };
}

export function dispatchRoutes(app: App, platform: Platform) {
  // the newest model is in use before the server takes requests (training, if needed, comes later)
  app.addHook('onReady', async () => {
    await service.loadModel(systemCtx(platform, 'classifier'));
  });

  app.post(
    '/api/cases/classify',
    {
      schema: {
        tags: ['dispatch'],
        summary: 'Suggest categories for a report text',
        description:
          'The three most likely top-level categories, best first, with calibrated confidences, the words that drove each, and the most likely second-level category. Phone numbers, ID numbers, addresses and dates in the text are ignored. Nothing is stored.',
        body: Body({ text: Type.String({ minLength: 1, maxLength: service.MAX_TEXT, pattern: '\\S' }) }),
        response: responses({ 200: Type.Object({ suggestions: Type.Array(Suggestion), modelVersion: Type.Integer() }) }),
      },
      config: { access: 'signed-in', rateLimit: { name: 'classify', perAccount: 120, perIp: 300, windowSeconds: 60 } },
    },
    async (req) => service.classify(req.ctx, req.body.text),
  );

  app.get(
    '/api/classifier',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['dispatch'],
        summary: 'The classifier model in use: version, training data, accuracy on the held-out split',
        response: responses({ 200: Status }),
      },
    },
    async (req) => presentStatus(await service.status(req.ctx)),
  );

  app.post(
    '/api/classifier/retrain',
    {
      config: { access: { permission: 'classifier.manage' } },
      schema: {
        tags: ['dispatch'],
        summary: 'Retrain the classifier now from the shipped corpus and every learned example',
        description: 'Runs in a background thread and answers when the new model is in use. 409 while another training runs.',
        response: responses({ 200: Status }),
      },
    },
    async (req) => presentStatus(await service.retrain(req.ctx)),
  );
}
