// `npm run bench`: the seven scale figures of docs/benchmarks.md, each with its data size, median, p95
// and a ratio that stays comparable across noisy machines. Against the PostgreSQL server in
// DATABASE_URL (or `--engine pglite` for the embedded engine in a temporary directory):
//
//   npm run bench -- --cases 100000,1000000 --residents 100000 [--years 3] [--servers 2] [--keep] [--draw-max 1000000]
//
// For each case count a city is generated once (`npm run generate`, database linli_bench_r…_c…_y…,
// reused while it exists; dropped at the end unless --keep). The server runs as its own process
// (server/main.ts, background jobs on), measured over real HTTP. Figures:
//   1 intake (cases/s through POST /api/cases, concurrent clients) and the same rows inserted through
//     the driver: ratio API/raw     2 work queue p95, growth over the smallest size
//   3 street ranking for a month     4 resident search (name, masked-ID tail, phone)
//   5 import of an xlsx (rows/s, peak RSS)   6 classifier texts/s on one core   7 server RSS under load
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startServerProcess, type ServerProcess } from './lib/server-process.ts';
import { sql } from 'kysely';
import pg from 'pg';
import { openDatabase, type Database } from '../server/db/index.ts';
import { DEMO_PASSWORD } from '../server/demo/load.ts';
import { generateCity } from '../server/demo/synth/index.ts';
import { caseSamples } from '../server/modules/cases/demo.ts';
import { toLocal } from '../server/modules/cases/worktime.ts';
import { urlWithDatabase } from '../test/support/template.ts';
import { startBalancer } from './lib/balancer.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const { values } = parseArgs({
  options: {
    engine: { type: 'string' },
    cases: { type: 'string', default: '100000' },
    residents: { type: 'string', default: '100000' },
    years: { type: 'string', default: '3' },
    seed: { type: 'string', default: 'bench' },
    clients: { type: 'string', default: '16' },
    seconds: { type: 'string', default: '20' },
    runs: { type: 'string', default: '200' },
    'import-rows': { type: 'string', default: '100000' },
    servers: { type: 'string', default: '1' },
    only: { type: 'string' },
    keep: { type: 'boolean', default: false },
    'draw-max': { type: 'string' },
  },
});
const engine = values.engine === 'pglite' || (!values.engine && !process.env.DATABASE_URL) ? 'pglite' : 'postgres';
const caseSizes = values.cases.split(',').map(Number).sort((a, b) => a - b);
const residentSizes = values.residents.split(',').map(Number).sort((a, b) => a - b);
const years = Number(values.years);
const clients = Number(values.clients);
const seconds = Number(values.seconds);
const runs = Number(values.runs);
const servers = engine === 'postgres' ? Number(values.servers) : 1;
const only = values.only ? new Set(values.only.split(',').map(Number)) : null;
// histories larger than this are drawn at this size and copied in SQL (generate --copies): drawing
// runs at ~1,700 cases/s on 2 cores, so 5M drawn cases take hours, copies minutes (PostgreSQL only)
const drawMax = values['draw-max'] && engine === 'postgres' ? Number(values['draw-max']) : Infinity;
const copied = (cases: number) => cases > drawMax && cases % drawMax === 0;
const wants = (figure: number) => !only || only.has(figure);
// a fixed key (or LINLI_SECRET), so a kept benchmark database opens again in a later run
const SECRET = process.env.LINLI_SECRET ?? 'be'.repeat(32);

// ---------- small statistics
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN;
};
const fmt = (x: number, d = 1) => (Number.isFinite(x) ? x.toLocaleString('en', { maximumFractionDigits: d, minimumFractionDigits: d }) : '–');
interface Row { figure: string; size: string; median: string; p95: string; ratio: string; note?: string }
const table: Row[] = [];
const report = (r: Row) => {
  table.push(r);
  console.log(`  ${r.figure} | ${r.size} | median ${r.median} | p95 ${r.p95} | ${r.ratio}${r.note ? ` (${r.note})` : ''}`);
};

// ---------- databases
interface Target { name: string; residents: number; cases: number; env: Record<string, string>; drop: () => Promise<void> }
const baseUrl = process.env.DATABASE_URL ?? '';
const tmpRoot = engine === 'pglite' ? mkdtempSync(path.join(os.tmpdir(), 'linli-bench-')) : '';

function tool(script: string, env: Record<string, string>, args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: root, env: { ...process.env, LINLI_SECRET: SECRET, LINLI_LOG_LEVEL: 'warn', ...env }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`${script} failed:\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

async function target(residents: number, cases: number): Promise<Target> {
  const name = `linli_bench_r${residents}_c${cases}_y${String(years).replace('.', '_')}`;
  let env: Record<string, string>;
  let fresh = true;
  let drop: () => Promise<void>;
  if (engine === 'postgres') {
    const admin = new pg.Client({ connectionString: baseUrl });
    await admin.connect();
    const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount;
    if (!exists) await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    env = { DATABASE_URL: urlWithDatabase(baseUrl, name) };
    if (exists) {
      const c = new pg.Client({ connectionString: env.DATABASE_URL });
      await c.connect();
      // a database left by an interrupted generation has no history: make it again
      fresh = !(await c.query(`SELECT 1 FROM case_event LIMIT 1`).then((r) => r.rowCount).catch(() => 0));
      await c.end();
    }
    drop = async () => {
      const a = new pg.Client({ connectionString: baseUrl });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    };
  } else {
    env = { DATABASE_URL: '', LINLI_DATA_DIR: path.join(tmpRoot, name) };
    drop = async () => rmSync(env.LINLI_DATA_DIR, { recursive: true, force: true });
  }
  const show = (out: string) => console.log(out.trim().split('\n').map((l) => `  ${l}`).join('\n'));
  if (fresh && copied(cases)) {
    const base = targets.find((x) => x.residents === residents && x.cases === drawMax) ?? (await target(residents, drawMax));
    if (!targets.includes(base)) targets.push(base);
    console.log(`copying ${base.name} to ${name} and its history to ${cases / drawMax}× …`);
    await drop();
    const admin = new pg.Client({ connectionString: baseUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${base.name}`);
    await admin.end();
    show(tool('scripts/generate.ts', env, ['--copies', String(cases / drawMax)]));
  } else if (fresh) {
    console.log(`generating ${name} …`);
    show(tool('scripts/generate.ts', env, ['--residents', String(residents), '--cases', String(cases), '--years', String(years), '--seed', values.seed, '--force']));
  } else console.log(`reusing ${name}`);
  return { name, residents, cases, env, drop };
}

// ---------- the server as its own process
const startServer = (env: Record<string, string>) =>
  startServerProcess({
    ...env, LINLI_SECRET: SECRET, LINLI_DEMO: '0',
    // the benchmark's clients share one address and a few accounts: per-minute limits would measure themselves
    LINLI_RATE_LIMIT_PER_MINUTE: '100000000', LINLI_DB_POOL_MAX: '10', LINLI_DB_QUEUE_MAX: '1000', LINLI_TRUST_PROXY: '1',
  });

// ---------- HTTP
async function call(port: number, method: string, url: string, token?: string, body?: unknown, headers: Record<string, string> = {}) {
  const t = performance.now();
  const res = await fetch(`http://127.0.0.1:${port}${url}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = (await res.json()) as Record<string, unknown>;
  return { status: res.status, json, ms: performance.now() - t };
}
const login = async (port: number, username: string) => {
  const r = await call(port, 'POST', '/api/auth/login', undefined, { username, password: DEMO_PASSWORD });
  if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${JSON.stringify(r.json)}`);
  return r.json.token as string;
};
/** `n` sequential calls, latencies in ms; every answer must be 200. */
async function timed(n: number, fn: (i: number) => Promise<{ status: number; ms: number; json: unknown }>) {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = await fn(i);
    if (r.status !== 200) throw new Error(`${r.status} ${JSON.stringify(r.json).slice(0, 300)}`);
    ms.push(r.ms);
  }
  return ms;
}

// ---------- figure 1: intake through the API, then (servers stopped: PGlite has one owner) the same rows through the driver
interface IntakeRun { created: string[]; latencies: number[]; seconds: number; refused: Record<number, number>; servers: number }
async function intakeApi(ports: number[], rssSamples: number[][], servers: ServerProcess[]): Promise<IntakeRun> {
  const texts = caseSamples().filter((s) => s.text.length >= 6);
  // a district hotline operator: calls come from every building of the district, not from a few
  const tokens = await Promise.all(ports.map((p) => login(p, 'district')));
  const listed = await call(ports[0], 'GET', '/api/buildings', tokens[0]);
  const buildings = (listed.json as unknown as { id: string }[]).map((b) => b.id);
  const created: string[] = [];
  const latencies: number[] = [];
  const until = performance.now() + seconds * 1000;
  const refused: Record<number, number> = {};
  const sampler = setInterval(() => servers.forEach((s, i) => (rssSamples[i] ??= []).push(s.rss())), 500);
  const started = performance.now();
  await Promise.all(Array.from({ length: clients }, async (_, c) => {
    for (let i = 0; performance.now() < until; i++) {
      const s = texts[(c * 7919 + i * 31) % texts.length];
      const k = (c + i) % ports.length;
      const r = await call(ports[k], 'POST', '/api/cases', tokens[k], {
        description: s.text, category: s.sub, channel: 'hotline_12345', buildingId: buildings[(c * 7919 + i * 104_729) % buildings.length],
        reporter: { name: '王先生', phone: `139${String((c * 1_000_003 + i) % 100_000_000).padStart(8, '0')}` },
      }, { 'idempotency-key': crypto.randomUUID() }); // as the hotline integration sends every report
      if (r.status === 201 || r.status === 200) {
        created.push((r.json as { id: string }).id);
        latencies.push(r.ms);
      } else refused[r.status] = (refused[r.status] ?? 0) + 1;
    }
  }));
  clearInterval(sampler);
  return { created, latencies, seconds: (performance.now() - started) / 1000, refused, servers: servers.length };
}

/**
 * The same rows — case, event, metric deltas, deadline, notification, dispatch suggestion, hot-spot
 * link, idempotency record, audit — each case in its own
 * transaction with new ids, through the driver with as many connections as clients.
 */
async function intakeRaw(t: Target, api: IntakeRun) {
  const raw = await open(t, clients);
  const rows = await sameRows(raw, api.created);
  const rawLat: number[] = [];
  const rawStart = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: clients }, async () => {
    for (let i = next++; i < rows.length; i = next++) {
      const t0 = performance.now();
      await raw.db.transaction().execute(async (trx) => {
        for (const { table: tbl, row } of rows[i]) {
          const cols = Object.keys(row);
          await sql`INSERT INTO ${sql.table(tbl)} (${sql.join(cols.map((c) => sql.ref(c)))}) SELECT ${sql.join(cols.map((c) => sql.ref(c)))} FROM json_populate_record(NULL::${sql.table(tbl)}, ${JSON.stringify(row)}::json)`.execute(trx);
        }
      });
      rawLat.push(performance.now() - t0);
    }
  }));
  const rawRate = rows.length / ((performance.now() - rawStart) / 1000);
  await raw.close();
  const apiRate = api.created.length / api.seconds;
  report({
    figure: `1 intake (${clients} clients, ${api.servers > 1 ? `${api.servers} servers behind the balancer` : '1 server'})`, size: `${t.cases.toLocaleString('en')} cases`,
    median: `${fmt(pct(api.latencies, 50))} ms`, p95: `${fmt(pct(api.latencies, 95))} ms`,
    ratio: `${fmt(apiRate, 0)} cases/s API / ${fmt(rawRate, 0)} cases/s raw = ${fmt((100 * apiRate) / rawRate, 0)}%`,
    note: `${api.created.length} cases in ${fmt(api.seconds)} s, refused by status ${JSON.stringify(api.refused)}; raw p50 ${fmt(pct(rawLat, 50))} ms`,
  });
}

/** The rows one API intake wrote, keyed for re-insertion under new ids (generated columns left out). */
async function sameRows(database: Database, ids: string[]) {
  const out: { table: string; row: Record<string, unknown> }[][] = [];
  const q = async (text: string, id: string) => (await sql.raw(text.replace('$ID', `'${id}'`)).execute(database.db)).rows as Record<string, unknown>[];
  for (const id of ids) {
    const fresh = crypto.randomUUID();
    const swap = (r: Record<string, unknown>) => JSON.parse(JSON.stringify(r).replaceAll(id, fresh)) as Record<string, unknown>;
    const [c] = await q(`SELECT * FROM cases WHERE id = $ID`, id);
    const parts: { table: string; row: Record<string, unknown> }[] = [{ table: 'cases', row: { ...swap(c), case_no: `${c.case_no}-R` } }];
    for (const e of await q(`SELECT * FROM case_event WHERE case_id = $ID`, id)) parts.push({ table: 'case_event', row: { ...swap(e), id: crypto.randomUUID() } });
    for (const d of await q(`SELECT * FROM case_deadline WHERE case_id = $ID`, id)) parts.push({ table: 'case_deadline', row: { ...swap(d), id: crypto.randomUUID() } });
    for (const n of await q(`SELECT * FROM notification WHERE case_id = $ID`, id)) parts.push({ table: 'notification', row: { ...swap(n), id: crypto.randomUUID() } });
    for (const tbl of ['dispatch_suggestion', 'hot_spot_case']) {
      for (const r of await q(`SELECT * FROM ${tbl} WHERE case_id = $ID`, id)) parts.push({ table: tbl, row: 'id' in r ? { ...swap(r), id: crypto.randomUUID() } : swap(r) });
    }
    for (const k of await q(`SELECT * FROM idempotency_key WHERE response->>'id' = $ID`, id)) parts.push({ table: 'idempotency_key', row: { ...swap(k), key: crypto.randomUUID() } });
    for (const a of await q(`SELECT * FROM audit_log WHERE entity_type = 'case' AND entity_id = $ID::text`, id)) {
      const { seq: _s, txid: _t, ...rest } = swap(a);
      parts.push({ table: 'audit_log', row: rest });
    }
    // the deltas of the case's first event: same subjects, day and metrics
    const ev = parts.find((p) => p.table === 'case_event')!.row;
    for (const subject of (ev.data as { regions?: string[] }).regions ?? []) parts.push({ table: 'metric_delta', row: { subject_id: subject, day: toLocal(new Date(c.reported_at as string), 'Asia/Shanghai').date, metric: 'intake', n: 1 } });
    out.push(parts);
  }
  return out;
}

async function open(t: Target, poolMax = 2) {
  return openDatabase({
    databaseUrl: t.env.DATABASE_URL || null, dataDir: t.env.DATABASE_URL ? null : path.join(t.env.LINLI_DATA_DIR, 'pgdata'),
    timeZone: 'Asia/Shanghai', statementTimeoutMs: 0, poolMax, queueMax: 10_000,
  });
}

/**
 * The floor: an authenticated call that does almost nothing (GET /api/auth/me, one session lookup),
 * timed in the same run. Latencies divided by it stay comparable between a quiet and a loaded machine.
 */
async function floor(port: number, token: string) {
  const ms = await timed(Math.max(20, Math.floor(runs / 2)), () => call(port, 'GET', '/api/auth/me', token));
  return pct(ms, 50);
}
const vsFloor = (ms: number[], f: number) => `p50 = ${fmt(pct(ms, 50) / f, 1)}× floor ${fmt(f)} ms`;

// ---------- figures 2 and 3: work queue and street ranking
const queueP95 = new Map<number, number>();
const rankingP95 = new Map<number, number>();
async function reads(t: Target, port: number) {
  const dept = await login(port, 'dept');
  const community = await login(port, 'community');
  const admin = await login(port, 'admin');
  const period = new Date(Date.now() - 31 * 86_400_000).toISOString().slice(0, 7);
  const f = await floor(port, dept);
  for (const [who, token] of [['department handler', dept], ['community dispatcher', community]] as const) {
    const ms = await timed(runs, () => call(port, 'GET', '/api/cases?sort=due&limit=20', token));
    if (who === 'department handler') queueP95.set(t.cases, pct(ms, 95));
    const base = queueP95.get(caseSizes[0]);
    report({
      figure: `2 work queue, ${who}`, size: `${t.cases.toLocaleString('en')} cases`, median: `${fmt(pct(ms, 50))} ms`, p95: `${fmt(pct(ms, 95))} ms`,
      ratio: `${vsFloor(ms, f)}${who === 'department handler' && base ? `; p95 growth ${fmt(pct(ms, 95) / base, 2)}× over ${caseSizes[0].toLocaleString('en')}` : ''}`,
    });
  }
  const ms = await timed(Math.max(20, Math.floor(runs / 4)), () => call(port, 'GET', `/api/metrics/orgs?period=${period}&level=street`, admin));
  rankingP95.set(t.cases, pct(ms, 95));
  report({
    figure: `3 street ranking ${period}, whole city`, size: `${t.cases.toLocaleString('en')} cases`, median: `${fmt(pct(ms, 50))} ms`, p95: `${fmt(pct(ms, 95))} ms`,
    ratio: `${vsFloor(ms, f)}; p95 growth ${fmt(pct(ms, 95) / rankingP95.get(caseSizes[0])!, 2)}× over ${caseSizes[0].toLocaleString('en')}`,
  });
}

// ---------- figure 4: resident search
async function search(t: Target, port: number) {
  const sample: { name: string; idNumber: string; phone: string | null }[] = [];
  const every = Math.max(1, Math.floor(t.residents / runs));
  let i = 0;
  for (const p of generateCity({ seed: values.seed, residents: t.residents }).residents()) {
    if (i++ % every === 0) sample.push({ name: p.name, idNumber: p.idNumber, phone: p.phone });
    if (sample.length >= runs) break;
  }
  const kinds: [string, (p: (typeof sample)[number]) => string][] = [
    ['name', (p) => p.name], ['masked-ID tail', (p) => `****${p.idNumber.slice(-4)}`], ['phone', (p) => p.phone ?? p.idNumber],
  ];
  for (const user of ['district', 'community']) {
    const token = await login(port, user);
    const f = await floor(port, token);
    for (const [kind, q] of kinds) {
      const ms = await timed(sample.length, (k) => call(port, 'GET', `/api/residents?q=${encodeURIComponent(q(sample[k]))}&limit=50`, token));
      const key = `${user}:${kind}`;
      const base = (searchBase[key] ??= pct(ms, 95));
      report({
        figure: `4 resident search, ${user} admin, ${kind}`, size: `${t.residents.toLocaleString('en')} residents`, median: `${fmt(pct(ms, 50))} ms`, p95: `${fmt(pct(ms, 95))} ms`,
        ratio: `${vsFloor(ms, f)}; p95 growth ${fmt(pct(ms, 95) / base, 2)}× over ${residentSizes[0].toLocaleString('en')}`,
      });
    }
  }
}
const searchBase: Record<string, number> = {};

// ---------- figure 5: import (its own process, bench-import.ts)
function importFigure(t: Target) {
  const out = tool('scripts/bench-import.ts', t.env, ['--rows', values['import-rows'], '--format', 'xlsx']);
  const validate = /validate: (\d+) rows .* in ([\d.]+) s = ([\d,]+) rows\/s/.exec(out);
  const confirm = /confirm: .* in ([\d.]+) s = ([\d,]+) rows\/s/.exec(out);
  const mem = /RSS before upload (\d+) MB, peak RSS of the process (\d+) MB/.exec(out);
  report({
    figure: '5 import xlsx (validate; confirm)', size: `${Number(values['import-rows']).toLocaleString('en')} rows into ${t.residents.toLocaleString('en')}`,
    median: `${validate?.[3]} rows/s validate`, p95: `${confirm?.[2]} rows/s confirm`,
    ratio: mem ? `peak RSS ${mem[2]} MB / ${mem[1]} MB before = ${fmt(Number(mem[2]) / Number(mem[1]), 2)}×` : out,
  });
}

// ---------- figure 6: classifier on one core
function classifierFigure() {
  const out = tool('scripts/classifier-eval.ts', {}, []);
  const m = /throughput: (\d+) texts\/s on one core, mean ([\d.]+) ms, p99 ([\d.]+) ms/.exec(out)!;
  report({ figure: '6 classifier, one core', size: 'corpus texts', median: `${m[2]} ms mean`, p95: `${m[3]} ms p99`, ratio: `${m[1]} texts/s` });
}

// ---------- figure 7: server RSS under sustained mixed load
async function memoryFigure(t: Target, s: ServerProcess) {
  const tokens = { dept: await login(s.port, 'dept'), community: await login(s.port, 'community'), district: await login(s.port, 'district'), admin: await login(s.port, 'admin') };
  const period = new Date(Date.now() - 31 * 86_400_000).toISOString().slice(0, 7);
  const start = s.rss();
  const samples: number[] = [];
  const sampler = setInterval(() => samples.push(s.rss()), 500);
  const until = performance.now() + seconds * 2000;
  const names = [...generateCity({ seed: values.seed, residents: Math.min(t.residents, 2000) }).residents()].map((p) => p.name);
  let n = 0;
  await Promise.all(Array.from({ length: clients }, async (_, c) => {
    for (let i = 0; performance.now() < until; i++) {
      const k = (c + i) % 10;
      if (k < 5) await call(s.port, 'GET', '/api/cases?sort=due&limit=20', tokens.dept);
      else if (k < 7) await call(s.port, 'GET', `/api/residents?q=${encodeURIComponent(names[(c * 13 + i) % names.length])}&limit=50`, tokens.district);
      else if (k < 8) await call(s.port, 'GET', `/api/metrics/orgs?period=${period}&level=street`, tokens.admin);
      else await call(s.port, 'GET', '/api/cases?limit=50', tokens.community);
      n++;
    }
  }));
  clearInterval(sampler);
  report({
    figure: `7 server RSS, mixed reads (${clients} clients, ${seconds * 2} s)`, size: `${t.cases.toLocaleString('en')} cases, ${t.residents.toLocaleString('en')} residents`,
    median: `${fmt(pct(samples, 50), 0)} MB`, p95: `${fmt(pct(samples, 95), 0)} MB`,
    ratio: `max ${fmt(Math.max(...samples), 0)} MB / ${fmt(start, 0)} MB at start = ${fmt(Math.max(...samples) / start, 2)}×`, note: `${n} requests`,
  });
}

// ---------- the run
console.log(`Linli benchmark on ${engine}: cases ${caseSizes.join(', ')}; residents ${residentSizes.join(', ')}; ${years} years; ${os.cpus().length} cores (${os.cpus()[0]?.model}), load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}; ${new Date().toISOString()}`);
const targets: Target[] = [];
// each database is dropped as soon as its figures are taken: at 5M cases one takes ~40 GB of disk
const done = async (t: Target, end = false) => {
  if (values.keep || !targets.includes(t)) return;
  // the drawn history a larger size is copied from stays until that size is made
  if (!end && t.cases === drawMax && caseSizes.some((c) => c > t.cases && copied(c))) return;
  targets.splice(targets.indexOf(t), 1);
  await t.drop();
};
try {
  for (const cases of caseSizes) {
    const t = await target(residentSizes[0], cases);
    targets.push(t);
    const started = [await startServer(t.env)];
    let intakeRun: IntakeRun | null = null;
    for (let i = 1; i < servers; i++) started.push(await startServer(t.env));
    try {
      if (wants(2) || wants(3)) await reads(t, started[0].port);
      if (cases === caseSizes[0] && wants(4)) await search(t, started[0].port);
      if (cases === caseSizes[caseSizes.length - 1] && wants(7)) await memoryFigure(t, started[0]);
      if (cases === caseSizes[0] && wants(1)) {
        const rss: number[][] = [];
        if (servers > 1) {
          const lb = await startBalancer(started.map((s) => ({ host: '127.0.0.1', port: s.port })), { host: '127.0.0.1', port: 0 });
          try {
            intakeRun = await intakeApi([lb.port], rss, started);
            console.log(`  balancer: requests per server ${lb.served.join(' / ')}; server RSS max ${rss.map((r) => fmt(Math.max(...r), 0)).join(' / ')} MB`);
          } finally {
            await lb.close();
          }
        } else intakeRun = await intakeApi([started[0].port], rss, started);
      }
    } finally {
      for (const s of started) await s.stop();
    }
    if (intakeRun) await intakeRaw(t, intakeRun);
    if (cases === caseSizes[0] && wants(5)) importFigure(t);
    await done(t);
  }
  for (const residents of residentSizes.slice(1)) {
    if (!wants(4)) break;
    const t = await target(residents, caseSizes[0]);
    targets.push(t);
    const s = await startServer(t.env);
    try {
      await search(t, s.port);
    } finally {
      await s.stop();
    }
    await done(t);
  }
  if (wants(6)) classifierFigure();
} finally {
  for (const t of [...targets]) await done(t, true);
  if (tmpRoot && !values.keep) rmSync(tmpRoot, { recursive: true, force: true });
}
console.log('\n| figure | data size | median | p95 | ratio |\n| --- | --- | --- | --- | --- |');
for (const r of table) console.log(`| ${r.figure} | ${r.size} | ${r.median} | ${r.p95} | ${r.ratio}${r.note ? ` (${r.note})` : ''} |`);
