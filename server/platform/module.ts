import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Catalog } from './i18n/index.ts';
import type { Platform } from './context.ts';
import type { ScheduledTask } from './jobs/scheduler.ts';
import type { JobHandler } from './jobs/queue.ts';
import type { Ctx } from './context.ts';
import type { SynthCity } from '../demo/synth/types.ts';
import type { BulkInsert } from '../db/bulk.ts';
import type { SealMany } from './pii/crypto.ts';
import type { EncryptedColumn } from './pii/rotate.ts';

/** Database ids of what the demo loader has created so far, by the synthetic city's keys. */
export interface DemoRefs {
  regions: Map<string, string>;
  orgs: Map<string, string>;
  users: Map<string, string>;
  compounds: Map<string, string>;
  buildings: Map<string, string>;
  households: Map<string, string>;
  residents: Map<string, string>;
  /** how to write large row sets (COPY on PostgreSQL from the city generator); modules fall back to batched INSERTs */
  bulk?: BulkInsert;
  /** how to encrypt many personal values at once (worker threads in the city generator); default: in this thread */
  seal?: SealMany;
}

/** The Fastify instance modules register their routes on (JSON-schema typed through TypeBox). */
export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression<RawServerDefault>,
  RawReplyDefaultExpression<RawServerDefault>,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/**
 * A domain module as the application sees it: its HTTP routes, recurring tasks, queued-job
 * handlers and messages. server/modules/index.ts lists the modules that make up Linli.
 */
export interface LinliModule {
  name: string;
  messages?: Catalog;
  routes?: (app: App, platform: Platform) => void | Promise<void>;
  tasks?: (platform: Platform) => ScheduledTask[];
  jobs?: (platform: Platform) => Record<string, JobHandler>;
  /** columns holding encrypted personal data (and their blind indexes): key rotation re-encrypts them */
  encryptedColumns?: EncryptedColumn[];
  /**
   * Loads this module's part of the demo city (first start in demo mode, and the test template),
   * inside the loader's transaction. Modules run in registration order and may read refs filled
   * by the modules before them.
   */
  demo?: (ctx: Ctx, city: SynthCity, refs: DemoRefs) => Promise<void>;
  /**
   * Called by the server once it listens (not in tests): background warm-up that must not delay the
   * start, such as training the first classifier model. Errors are logged, never fatal.
   */
  onStarted?: (platform: Platform) => Promise<void>;
}
