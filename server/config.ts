import path from 'node:path';

/**
 * Every setting Linli reads from the environment, in one place. README.md lists them.
 * Anything not set here falls back to a default that suits the embedded demo.
 */
export type Mode = 'demo' | 'production';

export interface Config {
  mode: Mode;
  port: number;
  host: string;
  publicUrl: string | null;
  dataDir: string;
  filesDir: string;
  databaseUrl: string | null;
  /** a PostgreSQL read replica for rankings, dashboards and exports (DATABASE_REPLICA_URL); needs databaseUrl */
  databaseReplicaUrl: string | null;
  /** master secret (32 bytes, hex or base64); null means "generate one in the data dir" (demo only) */
  secret: string | null;
  /** older master secrets still accepted for decryption during key rotation */
  previousSecrets: string[];
  loadDemo: boolean;
  statementTimeoutMs: number;
  dbPoolMax: number;
  /** how many requests may wait for a database connection before new ones get 503 */
  dbQueueMax: number;
  logLevel: string;
  timeZone: string;
  trustProxy: boolean;
  corsOrigins: string[];
  bodyLimitBytes: number;
  uploadLimitBytes: number;
  /** largest spreadsheet import (residents, households, buildings); streamed, never held in memory */
  importLimitBytes: number;
  rateLimitPerMinute: number;
  /** months of audit records kept (等保: at least 6); older monthly partitions are dropped once sealed */
  auditRetentionMonths: number;
  runJobs: boolean;
  /** progress text messages to residents wait outside these local hours: [from, until), e.g. 21–8; null = any hour */
  smsQuietHours: [number, number] | null;
  /** hosts Linli may call out to (LINLI_OUTBOUND_ALLOW): host, *.domain, host:port, IP or CIDR */
  outboundAllow: string[];
  version: string;
}

function int(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got "${raw}"`);
  return Math.floor(n);
}

function bool(name: string, fallback: boolean): boolean {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  return ['1', 'true', 'yes', 'on'].includes(raw.toLowerCase());
}

/** "21-8" → [21, 8] (from 21:00 until 08:00 local time); "" or "off" → null. */
function quietHours(raw: string): [number, number] | null {
  if (raw === '' || raw === 'off') return null;
  const m = /^(\d{1,2})-(\d{1,2})$/.exec(raw);
  const [from, until] = m ? [Number(m[1]), Number(m[2])] : [NaN, NaN];
  if (!(from <= 23 && until <= 23 && from !== until)) throw new Error(`LINLI_SMS_QUIET_HOURS must be two different hours like 21-8, or off; got "${raw}"`);
  return [from, until];
}

export function loadConfig(overrides: Partial<Config> = {}): Config {
  const modeRaw = process.env.LINLI_MODE ?? (process.env.NODE_ENV === 'production' ? 'production' : 'demo');
  if (modeRaw !== 'demo' && modeRaw !== 'production') throw new Error(`LINLI_MODE must be demo or production, got "${modeRaw}"`);
  const mode: Mode = modeRaw;
  const dataDir = path.resolve(process.env.LINLI_DATA_DIR ?? 'data');
  const config: Config = {
    mode,
    port: int('PORT', 8080),
    host: process.env.HOST ?? '0.0.0.0',
    publicUrl: process.env.LINLI_PUBLIC_URL ?? null,
    dataDir,
    filesDir: path.resolve(process.env.LINLI_FILES_DIR ?? path.join(dataDir, 'files')),
    databaseUrl: process.env.DATABASE_URL || null,
    databaseReplicaUrl: process.env.DATABASE_REPLICA_URL || null,
    secret: process.env.LINLI_SECRET || null,
    previousSecrets: (process.env.LINLI_SECRET_PREVIOUS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    loadDemo: bool('LINLI_DEMO', mode === 'demo'),
    statementTimeoutMs: int('LINLI_STATEMENT_TIMEOUT_MS', 15_000),
    dbPoolMax: int('LINLI_DB_POOL_MAX', 10),
    dbQueueMax: int('LINLI_DB_QUEUE_MAX', 200),
    logLevel: process.env.LINLI_LOG_LEVEL ?? 'info',
    timeZone: process.env.LINLI_TIMEZONE ?? 'Asia/Shanghai',
    trustProxy: bool('LINLI_TRUST_PROXY', false),
    corsOrigins: (process.env.LINLI_CORS_ORIGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    bodyLimitBytes: int('LINLI_BODY_LIMIT_KB', 256) * 1024,
    uploadLimitBytes: int('LINLI_UPLOAD_LIMIT_MB', 10) * 1024 * 1024,
    importLimitBytes: int('LINLI_IMPORT_LIMIT_MB', 100) * 1024 * 1024,
    rateLimitPerMinute: int('LINLI_RATE_LIMIT_PER_MINUTE', 600),
    auditRetentionMonths: int('LINLI_AUDIT_RETENTION_MONTHS', 36),
    runJobs: bool('LINLI_JOBS', true),
    smsQuietHours: quietHours(process.env.LINLI_SMS_QUIET_HOURS ?? '21-8'),
    outboundAllow: (process.env.LINLI_OUTBOUND_ALLOW ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    version: process.env.npm_package_version ?? '0.1.0',
    ...overrides,
  };
  if (config.mode === 'production' && !config.secret) {
    throw new Error('LINLI_SECRET is required in production mode (32 random bytes, hex or base64)');
  }
  if (config.databaseReplicaUrl && !config.databaseUrl) {
    throw new Error('DATABASE_REPLICA_URL needs DATABASE_URL: the embedded database has no replicas (set DATABASE_URL to the primary PostgreSQL server, or unset DATABASE_REPLICA_URL)');
  }
  if (config.auditRetentionMonths < 6) {
    throw new Error(`LINLI_AUDIT_RETENTION_MONTHS must be at least 6 (audit records are kept at least six months), got ${config.auditRetentionMonths}`);
  }
  if (config.mode === 'production' && config.loadDemo) {
    throw new Error('LINLI_DEMO cannot be on in production mode');
  }
  return config;
}
