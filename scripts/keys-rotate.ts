// `npm run keys:rotate`: re-encrypt every encrypted column and recompute its blind index under the
// current secret. Safe to run while servers run on PostgreSQL (short batches), safe to run again.
//
// Production: set LINLI_SECRET to the new secret and LINLI_SECRET_PREVIOUS to the old one on every
// server (they then read both and write with the new one), run this, then remove LINLI_SECRET_PREVIOUS.
// Demo data directory without LINLI_SECRET: a new secret is generated into data/secret.key.next,
// everything is rotated to it, and it replaces data/secret.key (stop the server first: the embedded
// database allows one process).
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateSecret } from '../server/platform/pii/crypto.ts';
import { rotateKeys } from '../server/platform/pii/rotate.ts';
import { modules } from '../server/modules/index.ts';
import { withPlatform } from './cli.ts';

let demoFiles: { current: string; next: string } | null = null;

const reports = await withPlatform(
  async (p) => {
    console.log(`rotating to key ${p.pii.keyId}`);
    const columns = modules.flatMap((m) => m.encryptedColumns ?? []);
    return rotateKeys(p.db, p.pii, columns, {
      batchSize: Number(process.env.LINLI_ROTATE_BATCH ?? 500),
      onBatch: (r) => process.stdout.write(`  ${r.table}.${r.column}: ${r.rotated} re-encrypted\r`),
    });
  },
  (config) => {
    if (config.secret) return {};
    // the demo keeps its secret in the data directory: rotate to a new one kept beside it until done
    const current = path.join(config.dataDir, 'secret.key');
    const next = path.join(config.dataDir, 'secret.key.next');
    if (!existsSync(current)) throw new Error(`no LINLI_SECRET and no ${current}: nothing to rotate from`);
    if (!existsSync(next)) writeFileSync(next, generateSecret() + '\n', { mode: 0o600 });
    demoFiles = { current, next };
    return { secret: readFileSync(next, 'utf8').trim(), previousSecrets: [readFileSync(current, 'utf8').trim(), ...config.previousSecrets] };
  },
);

console.log('');
for (const r of reports) console.log(`${r.table}.${r.column}: ${r.rotated} re-encrypted, ${r.skipped} changed meanwhile, ${r.remaining} still under an older key`);
const done = reports.every((r) => r.remaining === 0);
if (!done) {
  console.error('some values are still under an older key (changed during the run): run `npm run keys:rotate` again');
  process.exitCode = 3;
} else if (demoFiles) {
  const { current, next } = demoFiles as { current: string; next: string };
  renameSync(next, current);
  console.log(`done: ${current} now holds the new secret`);
} else {
  console.log('done: every value is under the current LINLI_SECRET; remove LINLI_SECRET_PREVIOUS from the configuration');
}
