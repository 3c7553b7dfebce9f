import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { hasPermission, requirePermission } from '../../platform/access/index.ts';
import { audit } from '../../platform/audit/index.ts';
import { inTransaction, systemCtx, type Ctx, type Platform } from '../../platform/context.ts';
import { conflict, forbidden, invalid, unauthorized } from '../../platform/errors.ts';
import { newId, UUID_PATTERN } from '../../platform/ids.ts';
import { loadCorpus } from './classifier/corpus.ts';
import { featuriserId } from './classifier/features.ts';
import { modelFromJson, type ClassifierModelJson } from './classifier/model.ts';
import { redact } from './classifier/normalise.ts';
import { EXAMPLE_SOURCES, type ExampleSource, type TrainingInput, type TrainingRun } from './classifier/pipeline.ts';
import { Classifier, type Suggestion } from './classifier/predict.ts';
import type { Metrics } from './classifier/evaluate.ts';
import * as store from './store.ts';

/** Longest report text the classifier reads (and that an example may hold). */
export const MAX_TEXT = 5000;
/** Newest learned examples a retraining uses; older ones have had their say. */
export const MAX_LEARNED = 50_000;
/** How often a process looks for a model another process trained. */
const REFRESH_MS = 30_000;
/** A training lease outlives a crashed holder by this much at most. */
const LEASE_MS = 15 * 60_000;
/** How long a starting process waits for another one's first training. */
const STARTUP_WAIT_MS = 5 * 60_000;

/**
 * The model in use by this process. Kept per platform (tests run several in one process); the
 * database holds the truth, this is only the parsed copy, replaced whole when a newer one appears.
 */
interface Runtime {
  classifier: Classifier | null;
  version: number | null;
  checkedAt: number;
  ready: Promise<void> | null;
}
const runtimes = new WeakMap<Platform, Runtime>();

function runtimeOf(platform: Platform): Runtime {
  let r = runtimes.get(platform);
  if (!r) {
    r = { classifier: null, version: null, checkedAt: 0, ready: null };
    runtimes.set(platform, r);
  }
  return r;
}

let corpusDigestCache: string | null = null;
const corpusDigest = () => (corpusDigestCache ??= loadCorpus().digest);

// ---- suggestions ----

/** Staff who read or create cases, any signed-in resident (their report page), tokens with case.create. */
export function requireClassifyAccess(ctx: Ctx) {
  const p = ctx.principal;
  if (p.kind === 'anonymous') throw unauthorized();
  if (p.kind === 'resident') return;
  if (p.kind === 'user' && (hasPermission(ctx, 'case.read') || hasPermission(ctx, 'case.create'))) return;
  if (p.kind === 'integration' && hasPermission(ctx, 'case.create')) return;
  throw p.kind === 'integration' ? forbidden('auth.token_scope') : forbidden();
}

export async function classify(ctx: Ctx, text: string): Promise<{ suggestions: Suggestion[]; modelVersion: number }> {
  requireClassifyAccess(ctx);
  if (!text.trim()) throw invalid('text', 'validation.required');
  const { classifier, version } = await currentClassifier(ctx.platform);
  const suggestions = classifier.classify(text, 3).map((s) => ({
    ...s,
    confidence: round4(s.confidence),
    ...(s.subConfidence !== undefined ? { subConfidence: round4(s.subConfidence) } : {}),
  }));
  return { suggestions, modelVersion: version };
}

// four significant digits: enough to rank and show, and a small runner-up does not become 0
const round4 = (x: number) => Number(x.toPrecision(4));

/** The classifier in use, loading it on first need and picking up a newer one every REFRESH_MS. */
export async function currentClassifier(platform: Platform): Promise<{ classifier: Classifier; version: number }> {
  const rt = runtimeOf(platform);
  if (!rt.classifier) await ensureModel(systemCtx(platform, 'classifier'));
  else if (Date.now() - rt.checkedAt > REFRESH_MS) {
    rt.checkedAt = Date.now();
    // during a rolling upgrade the newest model may come from a newer release: only take one this code can read
    const latest = await store.latestModelSummary(platform.db);
    if (latest && latest.version !== rt.version && usable(latest)) await loadVersion(systemCtx(platform, 'classifier'), latest.version);
  }
  return { classifier: rt.classifier!, version: rt.version! };
}

/** The model this process has in use, without waiting for one (intake must never wait for a training). */
export function loadedClassifier(platform: Platform): { classifier: Classifier; version: number } | null {
  const rt = runtimeOf(platform);
  return rt.classifier && rt.version !== null ? { classifier: rt.classifier, version: rt.version } : null;
}

// ---- lifecycle ----

/**
 * At start: put the newest model in use when it was built from this corpus with this featuriser.
 * Never trains, so a server starts at once; without a usable model the first need trains one
 * (ensureModel).
 */
export async function loadModel(ctx: Ctx): Promise<boolean> {
  const latest = await store.latestModelSummary(ctx.db);
  if (!latest || !usable(latest)) return false;
  await loadVersion(ctx, latest.version);
  return true;
}

const usable = (m: { featuriser: string; corpus_digest: string }) => m.featuriser === featuriserId() && m.corpus_digest === corpusDigest();

/**
 * Loads the newest usable model, or trains one from the shipped corpus when there is none (a first
 * start, or a new release with another corpus or featuriser). Only one process trains; the others
 * wait for its model. Concurrent callers in this process share one attempt.
 */
export function ensureModel(ctx: Ctx): Promise<void> {
  const { platform } = ctx;
  const rt = runtimeOf(platform);
  rt.ready ??= (async () => {
    try {
      const deadline = Date.now() + STARTUP_WAIT_MS;
      for (;;) {
        if (await loadModel(ctx)) return;
        const run = await trainAndStore(ctx, 'startup', { waitIfBusy: true });
        if (run) return;
        if (Date.now() > deadline) throw new Error('classifier: another process has been training for too long; no model to load');
        await new Promise((r) => setTimeout(r, 1000));
      }
    } catch (e) {
      rt.ready = null;
      throw e;
    }
  })();
  return rt.ready;
}

async function loadVersion(ctx: Ctx, version: number) {
  const row = await store.modelByVersion(ctx.db, version);
  if (!row) return;
  install(ctx.platform, version, row.model as unknown as ClassifierModelJson);
}

function install(platform: Platform, version: number, json: ClassifierModelJson) {
  const rt = runtimeOf(platform);
  const classifier = new Classifier(modelFromJson(json));
  rt.classifier = classifier;
  rt.version = version;
  rt.checkedAt = Date.now();
}

/** Digest of what a training learns from (corpus, featuriser, learned examples), stored with each model. */
async function dataDigest(ctx: Ctx): Promise<string> {
  const learned = await store.learnedState(ctx.db);
  return createHash('sha256')
    .update(JSON.stringify([corpusDigest(), featuriserId(), learned.count, learned.lastChange]))
    .digest('hex');
}

export type TrainingTrigger = 'startup' | 'scheduled' | 'manual';

/**
 * Trains a model from the corpus and the learned examples in a worker thread, stores it as the
 * next version and puts it in use. Returns null when another process holds the training lease.
 */
async function trainAndStore(ctx: Ctx, trigger: TrainingTrigger, opts: { waitIfBusy?: boolean } = {}): Promise<{ version: number; run: TrainingRun } | null> {
  const { platform } = ctx;
  const holder = newId();
  const now = platform.clock.now();
  if (!(await store.claimTraining(ctx.db, holder, now, new Date(now.getTime() + LEASE_MS)))) {
    if (opts.waitIfBusy) return null;
    throw conflict('CLASSIFIER_TRAINING', 'classifier.training_running');
  }
  try {
    const digest = await dataDigest(ctx);
    const learned = (await store.learnedExamples(ctx.db, MAX_LEARNED)).map((e) => ({
      text: e.text,
      category: e.category,
      subCategory: e.sub_category,
      source: e.source as ExampleSource,
    }));
    const run = await trainInWorker({ learned });
    const modelJson = JSON.stringify(run.model);
    const trainedBy = ctx.principal.kind === 'user' ? ctx.principal.id : null;
    const version = await inTransaction(ctx, async (trx, c) => {
      const v = await store.insertModel(trx, {
        // when its data was read: examples recorded during the training count as new for the next one
        trained_at: now,
        trigger,
        trained_by: trainedBy,
        featuriser: run.featuriser,
        corpus_digest: run.corpusDigest,
        data_digest: digest,
        corpus_examples: run.counts.corpusTrain,
        taxonomy_examples: run.counts.taxonomy,
        learned_examples: run.counts.learned,
        test_examples: run.counts.corpusTest,
        metrics: JSON.stringify(run.metrics),
        model: modelJson,
        size_bytes: Buffer.byteLength(modelJson),
        training_ms: run.trainingMs,
      });
      await audit(c, {
        action: 'classifier.train',
        entityType: 'classifier_model',
        entityId: String(v),
        details: { trigger, top1: run.metrics.top1, top3: run.metrics.top3, learned: run.counts.learned, corpus: run.counts.corpusTrain },
      });
      return v;
    });
    install(platform, version, run.model);
    platform.log.info({ version, trigger, top1: run.metrics.top1, top3: run.metrics.top3, ms: run.trainingMs }, 'classifier trained');
    return { version, run };
  } finally {
    await store.releaseTraining(ctx.db, holder);
  }
}

/** Runs the training pipeline in a worker thread: seconds of CPU that must not stall requests. */
export function trainInWorker(input: TrainingInput): Promise<TrainingRun> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./train-worker.mjs', import.meta.url), { workerData: input });
    worker.once('message', (m: { ok: true; result: TrainingRun } | { ok: false; error: string }) => {
      if (m.ok) resolve(m.result);
      else reject(new Error(`classifier training failed: ${m.error}`));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`classifier training worker exited with code ${code}`));
    });
  });
}

/** Admin: retrain now from the corpus and every learned example. */
export async function retrain(ctx: Ctx) {
  requirePermission(ctx, 'classifier.manage');
  await trainAndStore(ctx, 'manual');
  return status(ctx);
}

/** Examples recorded or relabelled since the last model that make the daily task retrain. */
export const MIN_NEW_EXAMPLES = 10;

export type ScheduledOutcome = 'trained' | 'unchanged' | 'busy' | 'no_model';

/**
 * The daily task: retrain when at least MIN_NEW_EXAMPLES examples were recorded or relabelled since
 * the last model, or when a release changed the corpus or the featuriser. The very first model is
 * left to the first request that needs one (ensureModel): a new task is due at once, and a fresh
 * server should not spend its first seconds training for nobody.
 */
export async function scheduledRetrain(platform: Platform): Promise<ScheduledOutcome> {
  const ctx = systemCtx(platform, 'classifier');
  const latest = await store.latestModelSummary(ctx.db);
  if (!latest) return 'no_model';
  if (usable(latest) && (await store.examplesSince(ctx.db, latest.trained_at)) < MIN_NEW_EXAMPLES) return 'unchanged';
  const r = await trainAndStore(ctx, usable(latest) ? 'scheduled' : 'startup', { waitIfBusy: true });
  return r ? 'trained' : 'busy';
}

export async function status(ctx: Ctx) {
  const p = ctx.principal;
  if (p.kind === 'anonymous') throw unauthorized();
  if (!hasPermission(ctx, 'classifier.manage') && !hasPermission(ctx, 'case.read')) throw forbidden();
  await currentClassifier(ctx.platform);
  const latest = await store.latestModelSummary(ctx.db);
  const examples = await store.countExamples(ctx.db);
  const rt = runtimeOf(ctx.platform);
  return { model: latest!, inUse: rt.version!, categories: rt.classifier!.model.categories, examples };
}

// ---- learning from dispatchers ----

export interface ExampleInput {
  /** the report text as the resident (or intake staff) wrote it */
  text: string;
  /** the top-level category the dispatcher set */
  category: string;
  subCategory?: string | null;
  /** dispatcher_set: chosen or confirmed; dispatcher_corrected: changed from the suggestion */
  source: ExampleSource;
  caseId?: string | null;
  /** what the classifier had suggested, if anything (lets the live hit rate be measured) */
  suggestedCategory?: string | null;
}

const CODE = /^[a-z][a-z0-9_]*$/;
const SUB_CODE = /^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/;
const UUID = new RegExp(UUID_PATTERN);

/**
 * Records what a dispatcher decided about a case's category, for the next retraining. Called by the
 * case loop (inside its transaction, after it has checked the dispatcher may do it) when a category
 * is set or corrected; one example per case, a later call for the same case relabels it. Personal
 * details are replaced by placeholders before the text is stored.
 */
export async function recordExample(ctx: Ctx, input: ExampleInput): Promise<{ id: string; created: boolean }> {
  const text = input.text?.trim() ?? '';
  if (!text) throw invalid('text', 'validation.required');
  if (text.length > MAX_TEXT) throw invalid('text', 'validation.maxLength', { limit: MAX_TEXT });
  if (!CODE.test(input.category ?? '')) throw invalid('category', 'validation.pattern');
  const sub = input.subCategory ?? null;
  if (sub !== null && (!SUB_CODE.test(sub) || !sub.startsWith(input.category + '.'))) throw invalid('subCategory', 'classifier.sub_mismatch');
  if (!(EXAMPLE_SOURCES as readonly string[]).includes(input.source)) throw invalid('source', 'validation.enum', { values: EXAMPLE_SOURCES.join(', ') });
  if (input.caseId != null && !UUID.test(input.caseId)) throw invalid('caseId', 'validation.pattern');
  if (input.suggestedCategory != null && !CODE.test(input.suggestedCategory)) throw invalid('suggestedCategory', 'validation.pattern');
  return inTransaction(ctx, async (trx, c) => {
    const r = await store.upsertExample(
      trx,
      {
        id: newId(),
        text: redact(text),
        category: input.category,
        sub_category: sub,
        source: input.source,
        suggested_category: input.suggestedCategory ?? null,
        case_id: input.caseId ?? null,
        created_by: ctx.principal.kind === 'user' ? ctx.principal.id : null,
      },
      ctx.platform.clock.now(),
    );
    await audit(c, {
      action: r.created ? 'classifier.example.record' : 'classifier.example.relabel',
      entityType: 'classifier_example',
      entityId: r.id,
      details: { category: input.category, subCategory: sub, source: input.source, caseId: input.caseId ?? null },
    });
    return r;
  });
}

export type { Metrics };
