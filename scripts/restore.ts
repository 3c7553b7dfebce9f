// `npm run restore -- <file>`: replace the database and the uploaded files with a backup's
// (docs/operations.md). Stop every Linli server first.
import path from 'node:path';
import { loadConfig } from '../server/config.ts';
import { restoreBackup } from '../server/db/backup.ts';
import { lockOrExit } from './cli.ts';
import { createLogger, resolveSecret } from '../server/platform/index.ts';
import { PiiCrypto } from '../server/platform/pii/crypto.ts';
import { existsSync } from 'node:fs';

const file = process.argv[2];
if (!file || !existsSync(file)) {
  console.error('usage: npm run restore -- <backup file>');
  process.exit(64);
}
const config = loadConfig({ logLevel: process.env.LINLI_LOG_LEVEL ?? 'warn' });
const release = lockOrExit(config);
try {
  const manifest = await restoreBackup(file, {
    engine: config.databaseUrl ? 'postgres' : 'pglite',
    databaseUrl: config.databaseUrl,
    pgdataDir: config.databaseUrl ? null : path.join(config.dataDir, 'pgdata'),
    filesDir: config.filesDir,
    timeZone: config.timeZone,
  });
  console.log(`restored the backup of ${manifest.createdAt}: ${manifest.migrations.length} migrations, ${manifest.auditRecords} audit records, ${manifest.files} files`);
  const pii = new PiiCrypto(resolveSecret(config, createLogger(config)), config.previousSecrets);
  const unknown = manifest.keyIds.filter((k) => !pii.knows(k));
  if (unknown.length) {
    console.warn(`WARNING: personal data in this backup is encrypted under key ${unknown.join(', ')}, which the configured secret does not provide. ` +
      'Set LINLI_SECRET (or LINLI_SECRET_PREVIOUS) to the secret in use when the backup was made, or that data cannot be read.');
    process.exitCode = 2;
  }
  console.log('run `npm run audit:verify` to check the audit chain, then start the server');
} finally {
  release();
}
