import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { openDatabase, type Database } from '../../server/db/index.ts';
import { createLogger, createPlatform } from '../../server/platform/index.ts';
import { MemoryFileStore } from '../../server/platform/files/store.ts';
import { ManualClock, type Clock } from '../../server/platform/clock.ts';
import type { Platform } from '../../server/platform/context.ts';
import type { SmsSender } from '../../server/platform/sms/sender.ts';
import { buildApp, type BuiltApp } from '../../server/app.ts';
import { modules } from '../../server/modules/index.ts';
import { DEMO_PASSWORD } from '../../server/demo/load.ts';
import { TEST_SECRET, testConfig, urlWithDatabase } from './template.ts';
import type { Config } from '../../server/config.ts';

/** Captures what the server logs, so tests can read SMS codes and check that no personal data leaks. */
export class LogCapture extends Writable {
  lines: string[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void) {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    cb();
  }
  text() {
    return this.lines.join('\n');
  }
}

/** An SMS sender that keeps messages in memory. */
export class MemorySms implements SmsSender {
  readonly name = 'memory';
  readonly available = true;
  sent: { phone: string; text: string }[] = [];
  async send(phone: string, text: string) {
    this.sent.push({ phone, text });
  }
  lastCode(phone: string): string {
    const m = [...this.sent].reverse().find((s) => s.phone === phone);
    const code = m && /(\d{6})/.exec(m.text)?.[1];
    if (!code) throw new Error(`no code sent to ${phone}`);
    return code;
  }
}

export interface TestServer extends BuiltApp {
  platform: Platform;
  database: Database;
  /** the replica's URL when one was asked for */
  replicaUrl: string | null;
  clock: ManualClock;
  sms: MemorySms;
  logs: LogCapture;
  /** a request through the whole HTTP stack (no network) */
  request(opts: InjectOptions & { token?: string }): Promise<LightMyRequestResponse>;
  /** signs in as a demo account and returns its bearer token */
  login(username: string, password?: string): Promise<string>;
  close(): Promise<void>;
}

export interface TestServerOptions {
  /** a manual clock (default) starting at this instant, or the system clock */
  clock?: string | 'system';
  config?: Partial<Config>;
  /** log level for the capture (default info, so log content can be checked) */
  logLevel?: string;
  /** serve the built web apps too (browser tests) */
  web?: boolean;
  /**
   * PostgreSQL only: a read replica. 'copy' is another database made from the same template, which a
   * test changes on its own to tell which handle a read came from; a string is the replica's URL.
   */
  replica?: 'copy' | string;
}

/** A fresh database copied from the migrated demo template, and the application on top of it. */
export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const template = inject('template');
  let database: Database;
  let dropDb: (() => Promise<void>) | null = null;
  let replicaUrl: string | null = null;
  const config = testConfig({ logLevel: opts.logLevel ?? 'info', ...opts.config });
  const logs = new LogCapture();
  const log = createLogger(config, logs);
  if (template.engine === 'postgres') {
    const names = [`linli_t_${randomBytes(6).toString('hex')}`];
    if (opts.replica === 'copy') names.push(`${names[0]}_replica`);
    const admin = new pg.Client({ connectionString: template.baseUrl });
    await admin.connect();
    for (const name of names) await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template.templateDb}`);
    await admin.end();
    replicaUrl = opts.replica === 'copy' ? urlWithDatabase(template.baseUrl, names[1]) : (opts.replica ?? null);
    database = await openDatabase({
      databaseUrl: urlWithDatabase(template.baseUrl, names[0]),
      dataDir: null,
      timeZone: config.timeZone,
      statementTimeoutMs: config.statementTimeoutMs,
      poolMax: 5,
      queueMax: config.dbQueueMax,
      replicaUrl,
      onReplicaFallback: (err) => log.warn({ err }, 'read replica unreachable: rankings, dashboards and exports read the primary meanwhile'),
    });
    dropDb = async () => {
      const a = new pg.Client({ connectionString: template.baseUrl });
      await a.connect();
      for (const name of names) await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    };
  } else {
    if (opts.replica) throw new Error('a read replica needs PostgreSQL');
    database = await openDatabase({
      databaseUrl: null,
      dataDir: null,
      timeZone: config.timeZone,
      statementTimeoutMs: config.statementTimeoutMs,
      poolMax: 1,
      queueMax: config.dbQueueMax,
      loadDump: new Uint8Array(readFileSync(template.dumpFile)),
    });
  }
  const clock = opts.clock === 'system' ? null : new ManualClock(opts.clock ?? new Date().toISOString());
  const sms = new MemorySms();
  const platform = createPlatform({ ...config, databaseUrl: template.engine === 'postgres' ? 'test' : null, databaseReplicaUrl: replicaUrl }, database, log, {
    clock: (clock ?? undefined) as Clock | undefined,
    files: new MemoryFileStore(),
    sms,
    secret: TEST_SECRET,
  });
  const built = await buildApp(platform, modules, { web: opts.web ?? false });
  await built.app.ready();
  const server: TestServer = {
    ...built,
    platform,
    database,
    replicaUrl,
    clock: clock ?? new ManualClock(),
    sms,
    logs,
    // Promise.resolve starts the request now (an inject chain otherwise waits until awaited)
    request: ({ token, headers, ...rest }) =>
      Promise.resolve(built.app.inject({ ...rest, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } })),
    async login(username, password = DEMO_PASSWORD) {
      const res = await built.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
      if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.statusCode} ${res.body}`);
      return res.json().token as string;
    },
    async close() {
      await built.app.close();
      await database.close();
      if (dropDb) await dropDb();
    },
  };
  return server;
}

/** A brand-new empty database (no migrations, no demo), on the engine the tests run on. */
export async function openEmptyDatabase(): Promise<{ database: Database; drop: () => Promise<void> }> {
  const template = inject('template');
  if (template.engine === 'pglite') {
    const database = await openDatabase({ databaseUrl: null, dataDir: null, timeZone: 'Asia/Shanghai', statementTimeoutMs: 0, poolMax: 1, queueMax: 100 });
    return { database, drop: async () => undefined };
  }
  const name = `linli_e_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: template.baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const database = await openDatabase({ databaseUrl: urlWithDatabase(template.baseUrl, name), dataDir: null, timeZone: 'Asia/Shanghai', statementTimeoutMs: 0, poolMax: 3, queueMax: 100 });
  return {
    database,
    drop: async () => {
      const a = new pg.Client({ connectionString: template.baseUrl });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}
