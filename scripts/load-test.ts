// `npm run load -- [--minutes 5] [--write-rate 8] [--read-rate 60] [--connections 20]`: a bounded load
// test on loopback. Starts a real server process (embedded database in a fresh temp dir with the demo
// city, or DATABASE_URL), then sends case reports (POST /api/cases, each with its own Idempotency-Key)
// and a mix of reads (a handler's queue by deadline, the case list, one case, the taxonomy) at fixed
// rates, sampling the server's resident memory every 10 seconds. Prints errors, latency percentiles
// per stream and the memory curve. The default write rate is twice the peak of a 24-million-a-year
// hotline city (docs/benchmarks.md). Results: docs/benchmarks.md.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { DEMO_PASSWORD } from '../server/demo/load.ts';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '5' },
    'write-rate': { type: 'string', default: '8' },
    'read-rate': { type: 'string', default: '60' },
    connections: { type: 'string', default: '20' },
  },
});
const seconds = Math.round(Number(values.minutes) * 60);
const writeRate = Number(values['write-rate']);
const readRate = Number(values['read-rate']);
const connections = Number(values.connections);

const port = await new Promise<number>((resolve) => {
  const srv = net.createServer().listen(0, '127.0.0.1', () => {
    const p = (srv.address() as net.AddressInfo).port;
    srv.close(() => resolve(p));
  });
});
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'linli-load-'));
const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
  cwd: path.resolve(import.meta.dirname, '..'),
  env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LINLI_DATA_DIR: dataDir, LINLI_LOG_LEVEL: 'warn', LINLI_RATE_LIMIT_PER_MINUTE: '1000000' },
  stdio: ['ignore', 'pipe', 'pipe'],
});
let out = '';
child.stdout.on('data', (d) => (out += d));
child.stderr.on('data', (d) => (out += d));
const base = `http://127.0.0.1:${port}`;
const started = Date.now();
while (!out.includes('is running')) {
  if (child.exitCode !== null) throw new Error(`server exited:\n${out}`);
  if (Date.now() - started > 300_000) throw new Error(`server did not start:\n${out}`);
  await new Promise((r) => setTimeout(r, 200));
}

async function login(username: string) {
  const res = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: DEMO_PASSWORD }) });
  if (!res.ok) throw new Error(`login ${username}: ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}
const community = await login('community');
const dept = await login('dept');
const one = (await (await fetch(`${base}/api/cases?limit=1`, { headers: { authorization: `Bearer ${community}` } })).json()) as { items: { id: string }[] };
const caseId = one.items[0]?.id;

async function rss(): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const m = /^process_resident_memory_bytes (\d+(?:\.\d+)?(?:e\+\d+)?)/m.exec(text);
  return m ? Number(m[1]) / 1024 / 1024 : NaN;
}
const memory: { t: number; mb: number }[] = [{ t: 0, mb: await rss() }];
const t0 = Date.now();
const sampler = setInterval(() => void rss().then((mb) => memory.push({ t: Math.round((Date.now() - t0) / 1000), mb })), 10_000);

const PLACES = ['楼道', '小区门口', '单元门口', '停车场', '花园', '路口'];
const PROBLEMS = ['路灯不亮了', '垃圾好几天没人清', '下水道堵了，污水漫出来', '楼上装修噪音太大', '电动车在楼道充电', '井盖松动'];
let serial = 0;
const writes = autocannon({
  url: base,
  connections: Math.max(1, Math.round(connections / 4)),
  overallRate: writeRate,
  duration: seconds,
  requests: [
    {
      method: 'POST',
      path: '/api/cases',
      setupRequest: (req) => {
        const i = ++serial;
        return {
          ...req,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${community}`, 'idempotency-key': `load-${process.pid}-${i}` },
          body: JSON.stringify({ description: `${PLACES[i % PLACES.length]}${PROBLEMS[i % PROBLEMS.length]}（压测 ${i}）`, channel: 'walk_in' }),
        };
      },
    },
  ],
});
const reads = autocannon({
  url: base,
  connections,
  overallRate: readRate,
  duration: seconds,
  requests: [
    { method: 'GET', path: '/api/cases?sort=due&limit=20', headers: { authorization: `Bearer ${dept}` } },
    { method: 'GET', path: '/api/cases?limit=20', headers: { authorization: `Bearer ${community}` } },
    ...(caseId ? [{ method: 'GET' as const, path: `/api/cases/${caseId}`, headers: { authorization: `Bearer ${community}` } }] : []),
    { method: 'GET', path: '/api/taxonomy' },
  ],
});
const [w, r] = await Promise.all([writes, reads]);
clearInterval(sampler);
memory.push({ t: seconds, mb: await rss() });

const line = (name: string, x: autocannon.Result) =>
  `${name.padEnd(7)} ${String(x.requests.total).padStart(7)} requests  ${x.requests.average.toFixed(1).padStart(6)}/s  non-2xx ${x.non2xx}  errors ${x.errors}  timeouts ${x.timeouts}  ` +
  `latency p50 ${x.latency.p50} ms  p90 ${x.latency.p90} ms  p99 ${x.latency.p99} ms  max ${x.latency.max} ms`;
console.log(`load test: ${seconds} s on ${base} (${process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded PGlite'}), ${os.cpus().length} cores, ${os.cpus()[0]?.model}`);
console.log(line('writes', w));
console.log(line('reads', r));
const mbs = memory.map((m) => m.mb).filter(Number.isFinite);
const firstHalf = mbs.slice(0, Math.ceil(mbs.length / 2));
const secondHalf = mbs.slice(Math.ceil(mbs.length / 2));
const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
console.log(`server RSS MB: start ${mbs[0]?.toFixed(0)}  max ${Math.max(...mbs).toFixed(0)}  end ${mbs.at(-1)?.toFixed(0)}  first-half mean ${avg(firstHalf).toFixed(0)}  second-half mean ${avg(secondHalf).toFixed(0)}`);
console.log(`RSS samples (s:MB): ${memory.map((m) => `${m.t}:${m.mb.toFixed(0)}`).join(' ')}`);
child.kill('SIGTERM');
await new Promise((res) => child.on('exit', res));
rmSync(dataDir, { recursive: true, force: true });
process.exit(w.non2xx + w.errors + r.non2xx + r.errors > 0 ? 1 : 0);
