// Builds the staff console (web/console) and the resident page (web/resident) with Vite when their
// sources changed since the last build (a hash of the sources is kept next to the output).
// `npm install` runs it (postinstall) and `npm start` runs it again, so no manual step is needed.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const APPS = ['web/console', 'web/resident'];
const SHARED = ['web/shared', 'package-lock.json'];

function hashTree(target, hash) {
  if (!existsSync(target)) return;
  const st = statSync(target);
  if (st.isFile()) {
    hash.update(path.relative(root, target));
    hash.update(readFileSync(target));
    return;
  }
  for (const name of readdirSync(target).sort()) {
    if (name === 'dist' || name === 'node_modules' || name.startsWith('.')) continue;
    hashTree(path.join(target, name), hash);
  }
}

function sourceHash(app) {
  const hash = createHash('sha256');
  for (const p of [app, ...SHARED]) hashTree(path.join(root, p), hash);
  return hash.digest('hex');
}

export async function buildWebIfStale({ force = false } = {}) {
  for (const app of APPS) {
    const dir = path.join(root, app);
    if (!existsSync(path.join(dir, 'vite.config.ts'))) continue;
    const stamp = path.join(dir, 'dist', '.source-hash');
    const want = sourceHash(app);
    if (!force && existsSync(stamp) && readFileSync(stamp, 'utf8') === want) continue;
    const { build } = await import('vite');
    const started = Date.now();
    console.log(`building ${app} …`);
    await build({ root: dir, configFile: path.join(dir, 'vite.config.ts'), logLevel: 'warn' });
    writeFileSync(stamp, want);
    console.log(`built ${app} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildWebIfStale({ force: process.argv.includes('--force') });
}
