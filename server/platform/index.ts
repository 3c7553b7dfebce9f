import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Database } from '../db/index.ts';
import { systemClock, type Clock } from './clock.ts';
import type { Platform } from './context.ts';
import { LocalFileStore, type FileStore } from './files/store.ts';
import { JobQueue } from './jobs/queue.ts';
import { generateSecret, PiiCrypto } from './pii/crypto.ts';
import { DevLogSmsSender, WebhookSmsSender, type SmsSender } from './sms/sender.ts';
import { OutboundHttp } from './http/outbound.ts';

/** Logger for the whole process. Authorization headers and cookies are never written. */
export function createLogger(config: Pick<Config, 'logLevel'>, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level: config.logLevel,
      base: { service: 'linli' },
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'headers.cookie'], remove: true },
      serializers: {
        // only method and path; the query string may hold personal data
        req: (req: { method?: string; url?: string; id?: string }) => ({ id: req.id, method: req.method, path: req.url?.split('?')[0] }),
      },
    },
    destination,
  );
}

/**
 * The master secret. In production it must come from LINLI_SECRET; in demo mode one is generated on
 * first start and kept in the data directory (readable by the owner only).
 */
export function resolveSecret(config: Config, log: Logger): string {
  if (config.secret) return config.secret;
  const file = path.join(config.dataDir, 'secret.key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = generateSecret();
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  log.warn({ file }, 'generated a new LINLI_SECRET for this demo data directory; set LINLI_SECRET yourself in production');
  return secret;
}

export interface PlatformOverrides {
  clock?: Clock;
  files?: FileStore;
  sms?: SmsSender;
  secret?: string;
  previousSecrets?: string[];
  outbound?: OutboundHttp;
}

export function createPlatform(config: Config, database: Database, log: Logger, overrides: PlatformOverrides = {}): Platform {
  const clock = overrides.clock ?? systemClock;
  const secret = overrides.secret ?? resolveSecret(config, log);
  const smsUrl = process.env.LINLI_SMS_WEBHOOK_URL;
  const outbound = overrides.outbound ?? new OutboundHttp({ allow: config.outboundAllow });
  // the operator configured the gateway, so its host is allowed (an internal address still needs its own entry)
  if (smsUrl && !overrides.sms) outbound.allowUrl(smsUrl);
  const sms = overrides.sms ?? (smsUrl ? new WebhookSmsSender(smsUrl, process.env.LINLI_SMS_WEBHOOK_KEY ?? null, outbound) : new DevLogSmsSender(log, config.mode === 'production'));
  return {
    config,
    db: database.db,
    reader: database.reader,
    replicaHealth: () => database.replicaHealth(),
    clock,
    pii: new PiiCrypto(secret, overrides.previousSecrets ?? config.previousSecrets),
    files: overrides.files ?? new LocalFileStore(config.filesDir),
    sms,
    jobs: new JobQueue(database.db, clock),
    outbound,
    log,
    engine: database.engine,
    dbStats: () => database.poolStats(),
    onNotify: (listener) => database.onNotify(listener),
  };
}
