import { Type } from 'typebox';
import type { App } from '../../platform/module.ts';
import { systemCtx, type Platform } from '../../platform/context.ts';
import { Body, DateTime, IdParams, Nullable, responses, Uuid } from '../../platform/http/schemas.ts';
import * as service from './service.ts';
import { similarCases } from './duplicates.ts';
import { acknowledgeHotSpot, getHotSpot, listHotSpots } from './hotspots.ts';
import { getSettings, LIMITS, updateSettings } from './settings.ts';
import { suggest, suggestionRates } from './suggestions.ts';

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

const Code = Type.String({ pattern: '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)?$', maxLength: 80 });
const Period = Type.String({ pattern: '^\\d{4}-(\\d{2}(-\\d{2})?|W\\d{2}|Q[1-4])$', description: 'YYYY-MM-DD, YYYY-Www, YYYY-MM or YYYY-Qn' });

const Handler = Type.Object({
  orgId: Uuid,
  orgName: Nullable(Type.String()),
  matched: Type.Boolean({ description: 'false: no routing rule matched; the community dispatches by hand' }),
  assistOrgIds: Type.Array(Uuid),
  supervisorOrgId: Nullable(Uuid),
});
const RouteSuggestion = Type.Object({
  category: Type.String({ description: 'top-level taxonomy code' }),
  categoryName: Type.String(),
  confidence: Nullable(Type.Number({ minimum: 0, maximum: 1, description: 'null when the caller gave the category' })),
  terms: Type.Array(Type.String()),
  subCategory: Type.Optional(Type.String()),
  subConfidence: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
  handler: Handler,
});
const SuggestAnswer = Type.Object({
  modelVersion: Nullable(Type.Integer()),
  place: Type.Object({ buildingId: Nullable(Uuid), compoundId: Nullable(Uuid), cityId: Uuid, districtId: Uuid, streetId: Uuid, communityId: Uuid, gridId: Nullable(Uuid) }),
  suggestions: Type.Array(RouteSuggestion),
});

const Tally = Type.Object({ decided: Type.Integer(), accepted: Type.Integer(), corrected: Type.Integer(), acceptRate: Nullable(Type.Number()) });
const Rates = Type.Object({
  period: Type.String(), from: DateTime, to: DateTime, regionId: Nullable(Uuid),
  categoryDecisions: Tally,
  handlerDecisions: Tally,
  bySuggestedCategory: Type.Array(Type.Object({ category: Type.String(), categoryDecisions: Tally, handlerDecisions: Tally })),
});

const Similar = Type.Object({
  caseId: Uuid, distanceMeters: Type.Number(), windowHours: Type.Number(), minScore: Type.Number(),
  items: Type.Array(Type.Object({
    id: Uuid, caseNo: Type.String(), status: Type.String(), title: Type.String(), category: Type.String(), categoryTop: Type.String(), address: Nullable(Type.String()),
    reportedAt: DateTime,
    score: Type.Number({ minimum: 0, maximum: 1, description: 'text similarity' }),
    sameBuilding: Type.Boolean(), sameCategory: Type.Boolean(), distanceMeters: Nullable(Type.Number()), hoursApart: Type.Number(),
  })),
});

const HotSpot = Type.Object({
  id: Uuid, status: Type.String(), category: Type.String(), categoryName: Type.String(),
  placeKind: Type.String({ description: 'building or grid' }), placeId: Uuid, placeName: Nullable(Type.String()),
  districtId: Uuid, streetId: Uuid, communityId: Uuid, gridId: Nullable(Uuid),
  caseCount: Type.Integer(), threshold: Type.Integer(), windowDays: Type.Integer(),
  firstReportedAt: DateTime, lastReportedAt: DateTime, raisedAt: DateTime, acknowledgedAt: Nullable(DateTime), acknowledgeNote: Nullable(Type.String()),
});
const HotSpotDetail = Type.Intersect([
  HotSpot,
  Type.Object({ cases: Type.Array(Type.Object({ id: Uuid, caseNo: Type.String(), title: Type.String(), status: Type.String(), category: Type.String(), reportedAt: DateTime })) }),
]);

const num = (l: { minimum: number; maximum: number }, integer = true) => (integer ? Type.Integer(l) : Type.Number(l));
const Settings = Type.Object({
  duplicates: Type.Object({ distanceMeters: num(LIMITS.distanceMeters), windowHours: num(LIMITS.windowHours), minScore: num(LIMITS.minScore, false) }),
  hotSpots: Type.Object({ windowDays: num(LIMITS.windowDays), buildingThreshold: num(LIMITS.buildingThreshold), gridThreshold: num(LIMITS.gridThreshold) }),
});
const SettingsChange = Body({
  duplicates: Type.Optional(Type.Object({ distanceMeters: Type.Optional(num(LIMITS.distanceMeters)), windowHours: Type.Optional(num(LIMITS.windowHours)), minScore: Type.Optional(num(LIMITS.minScore, false)) }, { additionalProperties: false })),
  hotSpots: Type.Optional(Type.Object({ windowDays: Type.Optional(num(LIMITS.windowDays)), buildingThreshold: Type.Optional(num(LIMITS.buildingThreshold)), gridThreshold: Type.Optional(num(LIMITS.gridThreshold)) }, { additionalProperties: false })),
});

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

  app.post(
    '/api/dispatch/suggest',
    {
      schema: {
        tags: ['dispatch'],
        summary: 'Category and handler suggestions for a report text (or the handler for a chosen category) at a place',
        description:
          'With `text`: the three likeliest categories, each with the handler the routing rules give for it at the place (building, point, or without either the caller’s own grid or community). With `category`: its handler. Nothing is stored.',
        body: Body({
          text: Type.Optional(Type.String({ minLength: 1, maxLength: service.MAX_TEXT, pattern: '\\S' })),
          category: Type.Optional(Code),
          buildingId: Type.Optional(Uuid),
          location: Type.Optional(Type.Object({ lat: Type.Number({ minimum: -90, maximum: 90 }), lng: Type.Number({ minimum: -180, maximum: 180 }) }, { additionalProperties: false })),
        }),
        response: responses({ 200: SuggestAnswer }),
      },
      config: { access: 'signed-in', rateLimit: { name: 'classify', perAccount: 120, perIp: 300, windowSeconds: 60 } },
    },
    async (req) => suggest(req.ctx, req.body),
  );

  app.get(
    '/api/dispatch/suggestion-rates',
    {
      config: { access: { permission: 'metrics.read' } },
      schema: {
        tags: ['dispatch'],
        summary: 'How often dispatchers accept or correct the suggested category (at registration) and handler (at dispatch)',
        querystring: Type.Object({ period: Period, regionId: Type.Optional(Uuid) }, { additionalProperties: false }),
        response: responses({ 200: Rates }),
      },
    },
    async (req) => suggestionRates(req.ctx, req.query),
  );

  app.get(
    '/api/cases/:id/similar',
    {
      config: { access: { permission: 'case.read' } },
      schema: {
        tags: ['dispatch'],
        summary: 'Possible duplicates: open cases nearby, close in time, with similar text',
        description: 'Nearby: the same building, or within `distanceMeters` of the case’s point (a case with neither: its grid). Defaults from the dispatch settings. Only cases the caller may see.',
        params: IdParams,
        querystring: Type.Object(
          {
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
            distanceMeters: Type.Optional(num(LIMITS.distanceMeters)),
            windowHours: Type.Optional(num(LIMITS.windowHours)),
            minScore: Type.Optional(num(LIMITS.minScore, false)),
          },
          { additionalProperties: false },
        ),
        response: responses({ 200: Similar }),
      },
    },
    async (req) => similarCases(req.ctx, req.params.id, req.query),
  );

  app.get(
    '/api/hotspots',
    {
      config: { access: { permission: 'case.read' } },
      schema: {
        tags: ['dispatch'],
        summary: 'Hot spots in the caller’s region: one category reported again and again at one building or in one grid',
        querystring: Type.Object(
          {
            status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('acknowledged')])),
            category: Type.Optional(Code),
            communityId: Type.Optional(Uuid),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
          },
          { additionalProperties: false },
        ),
        response: responses({ 200: Type.Object({ items: Type.Array(HotSpot) }) }),
      },
    },
    async (req) => listHotSpots(req.ctx, req.query),
  );

  app.get(
    '/api/hotspots/:id',
    { config: { access: { permission: 'case.read' } }, schema: { tags: ['dispatch'], summary: 'A hot spot with its reports', params: IdParams, response: responses({ 200: HotSpotDetail }) } },
    async (req) => getHotSpot(req.ctx, req.params.id),
  );

  app.post(
    '/api/hotspots/:id/acknowledge',
    {
      config: { access: { permission: 'hotspot.manage' } },
      schema: {
        tags: ['dispatch'],
        summary: 'Acknowledge a hot spot with what is being done about it; later reports start a new count',
        params: IdParams,
        body: Body({ note: Type.String({ minLength: 1, maxLength: 500, pattern: '\\S' }) }),
        response: responses({ 200: HotSpotDetail }),
      },
    },
    async (req) => acknowledgeHotSpot(req.ctx, req.params.id, req.body.note),
  );

  app.get(
    '/api/dispatch/settings',
    { config: { access: { permission: 'case.read' } }, schema: { tags: ['dispatch'], summary: 'Duplicate-search and hot-spot thresholds', response: responses({ 200: Settings }) } },
    async (req) => getSettings(req.ctx),
  );

  app.put(
    '/api/dispatch/settings',
    {
      config: { access: { permission: 'case.admin' } },
      schema: { tags: ['dispatch'], summary: 'Change duplicate-search and hot-spot thresholds (parts left out stay)', body: SettingsChange, response: responses({ 200: Settings }) },
    },
    async (req) => updateSettings(req.ctx, req.body),
  );
}
