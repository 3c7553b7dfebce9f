// Resident search latency on a generated city: `tsx scripts/bench-search.ts [--runs 200]` against the
// configured database. Signs in as the demo district, street and community administrators and times
// GET /api/residents by name (full name and surname + one character, Simplified and Traditional),
// masked ID tail, phone and full ID number. Prints p50/p95/max per kind. Numbers: docs/registry.md.
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as OpenCC from 'opencc-js';
import { loadConfig } from '../server/config.ts';
import { openDatabase } from '../server/db/index.ts';
import { buildApp } from '../server/app.ts';
import { createLogger, createPlatform } from '../server/platform/index.ts';
import { modules } from '../server/modules/index.ts';
import { DEMO_PASSWORD, DEMO_SEED } from '../server/demo/load.ts';
import { generateCity } from '../server/demo/synth/index.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '200' }, residents: { type: 'string' }, seed: { type: 'string', default: DEMO_SEED } } });
const runs = Number(values.runs);
const config = loadConfig({ logLevel: 'warn', rateLimitPerMinute: 1_000_000 });
const database = await openDatabase({
  databaseUrl: config.databaseUrl,
  dataDir: config.databaseUrl ? null : path.join(config.dataDir, 'pgdata'),
  timeZone: config.timeZone,
  statementTimeoutMs: config.statementTimeoutMs,
  poolMax: 4,
  queueMax: 100,
});
const platform = createPlatform(config, database, createLogger(config));
const { app } = await buildApp(platform, modules);
const total = Number((await database.db.selectFrom('resident').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
const toTraditional = OpenCC.Converter({ from: 'cn', to: 'tw' });

// Known people of the generated city (same seed and size as `npm run generate`), spread over the stream.
const sample: { name: string; idNumber: string; phone: string | null }[] = [];
const every = Math.max(1, Math.floor(total / runs));
let i = 0;
for (const p of generateCity({ seed: values.seed, residents: Number(values.residents ?? total) }).residents()) {
  if (i++ % every === 0) sample.push({ name: p.name, idNumber: p.idNumber, phone: p.phone });
  if (sample.length >= runs) break;
}

const login = async (username: string) => (await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: DEMO_PASSWORD } })).json().token as string;
const pct = (xs: number[], p: number) => xs.sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

console.log(`${total.toLocaleString('en')} residents on ${database.engine}; ${sample.length} queries per kind`);
for (const user of ['admin', 'district', 'street', 'community']) {
  const token = await login(user);
  const kinds: Record<string, (p: (typeof sample)[number]) => string> = {
    'full name': (p) => p.name,
    'surname + 1 char': (p) => [...p.name].slice(0, 2).join(''),
    'name (traditional)': (p) => toTraditional(p.name),
    'masked ID tail': (p) => `****${p.idNumber.slice(-4)}`,
    phone: (p) => p.phone ?? p.idNumber,
    'ID number': (p) => p.idNumber,
  };
  for (const [kind, q] of Object.entries(kinds)) {
    const times: number[] = [];
    let hits = 0;
    for (const p of sample) {
      const t = performance.now();
      const res = await app.inject({ method: 'GET', url: `/api/residents?q=${encodeURIComponent(q(p))}&limit=50`, headers: { authorization: `Bearer ${token}` } });
      times.push(performance.now() - t);
      if (res.statusCode !== 200) throw new Error(`${res.statusCode} ${res.body}`);
      hits += res.json().items.length;
    }
    console.log(`${user.padEnd(10)} ${kind.padEnd(20)} p50 ${pct(times, 50).toFixed(1).padStart(6)} ms  p95 ${pct(times, 95).toFixed(1).padStart(6)} ms  max ${Math.max(...times).toFixed(1).padStart(6)} ms  (${(hits / sample.length).toFixed(1)} rows/query)`);
  }
}
await app.close();
await database.close();
