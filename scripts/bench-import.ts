// Benchmark of a large spreadsheet import over real HTTP: `tsx scripts/bench-import.ts --rows 100000
// [--format xlsx|csv] [--seed S]` against a database filled by `npm run generate` (PGlite in LINLI_DATA_DIR or
// DATABASE_URL). Writes a file of new residents living in existing flats, uploads it as a stream,
// confirms it, and prints time, rows/s and the process's peak RSS. Numbers: docs/registry.md.
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import ExcelJS from 'exceljs';
import { loadConfig } from '../server/config.ts';
import { openDatabase } from '../server/db/index.ts';
import { buildApp } from '../server/app.ts';
import { createLogger, createPlatform } from '../server/platform/index.ts';
import { modules } from '../server/modules/index.ts';
import { DEMO_PASSWORD } from '../server/demo/load.ts';
import { generateCity } from '../server/demo/synth/index.ts';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '100000' }, format: { type: 'string', default: 'xlsx' }, seed: { type: 'string', default: 'import-bench' } } });
const rows = Number(values.rows);
const format = values.format === 'csv' ? 'csv' : 'xlsx';
const config = loadConfig({ logLevel: 'warn', importLimitBytes: 1024 * 1024 * 1024 });
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
await app.listen({ host: '127.0.0.1', port: 0 });
const port = (app.server.address() as { port: number }).port;

const call = async (method: string, url: string, token?: string, body?: unknown) => {
  const res = await fetch(`http://127.0.0.1:${port}${url}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
};
const token = (await call('POST', '/api/auth/login', undefined, { username: 'admin', password: DEMO_PASSWORD })).json.token as string;

// ---- the file: new people in existing flats
const flats = await database.db
  .selectFrom('household as h')
  .innerJoin('building as b', 'b.id', 'h.building_id')
  .innerJoin('compound as c', 'c.id', 'h.compound_id')
  .select(['c.name as compound', 'b.number', 'h.unit_no', 'h.room_no'])
  .orderBy('h.id')
  .limit(rows)
  .execute();
const dir = mkdtempSync(path.join(os.tmpdir(), 'linli-import-'));
const file = path.join(dir, `residents.${format}`);
const header = ['姓名', '身份证号', '手机', '民族', '政治面貌', '小区', '楼栋', '单元', '房号', '与户主关系', '户籍地址'];
const people = generateCity({ seed: values.seed, residents: rows }).residents();
let written = 0;
const started = performance.now();
if (format === 'xlsx') {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useStyles: false, useSharedStrings: false });
  const ws = wb.addWorksheet('居民');
  ws.addRow(header).commit();
  for (const p of people) {
    const f = flats[written % flats.length];
    ws.addRow([p.name, p.idNumber, p.phone ?? '', p.ethnicity, '群众', f.compound, f.number, f.unit_no, f.room_no, written % flats.length === written ? '户主' : '其他', p.registeredAddress]).commit();
    if (++written >= rows) break;
  }
  ws.commit();
  await wb.commit();
} else {
  const out = createWriteStream(file);
  out.write('\ufeff' + header.join(',') + '\n');
  for (const p of people) {
    const f = flats[written % flats.length];
    const line = [p.name, p.idNumber, p.phone ?? '', p.ethnicity, '群众', f.compound, f.number, f.unit_no, f.room_no, written % flats.length === written ? '户主' : '其他', p.registeredAddress].join(',') + '\n';
    if (!out.write(line)) await once(out, 'drain');
    if (++written >= rows) break;
  }
  out.end();
  await once(out, 'finish');
}
const size = statSync(file).size;
console.log(`file: ${written.toLocaleString('en')} rows, ${(size / 1024 / 1024).toFixed(1)} MB ${format}, written in ${((performance.now() - started) / 1000).toFixed(1)} s`);

// ---- CPU time besides wall time, so that runs on a busy machine compare: this process's, and (when
// PostgreSQL runs on this machine) that of the server processes serving this database
const pgCpuMs = async () => {
  if (database.engine !== 'postgres') return null;
  const { rows: pids } = await sql<{ pid: number }>`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`.execute(database.db);
  try {
    // utime + stime, fields 14 and 15 of /proc/<pid>/stat, in clock ticks (100 per second on Linux)
    return pids.reduce((sum, { pid }) => sum + readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ').slice(11, 13).reduce((a, b) => a + Number(b) * 10, 0), 0);
  } catch {
    return null;
  }
};
const cpuOf = async (fn: () => Promise<void>) => {
  const node0 = process.cpuUsage();
  const pg0 = await pgCpuMs();
  await fn();
  const node = process.cpuUsage(node0);
  const pg1 = await pgCpuMs();
  return `CPU: node ${((node.user + node.system) / 1000 / 1000).toFixed(1)} s${pg0 !== null && pg1 !== null ? `, PostgreSQL ${((pg1 - pg0) / 1000).toFixed(1)} s` : ''}`;
};

// ---- upload as a stream (multipart framing around the file, never read whole)
const rssBefore = process.memoryUsage().rss;
const boundary = '----linli-bench';
const t0 = performance.now();
let report: Record<string, unknown> = {};
const validateCpu = await cpuOf(async () => {
  report = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: `/api/imports?kind=residents`, headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}` } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => (res.statusCode === 201 ? resolve(JSON.parse(body)) : reject(new Error(`${res.statusCode} ${body}`))));
    });
    req.on('error', reject);
    req.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="residents.${format}"\r\nContent-Type: application/octet-stream\r\n\r\n`);
    const src = createReadStream(file);
    src.pipe(req, { end: false });
    src.on('end', () => req.end(`\r\n--${boundary}--\r\n`));
  });
});
const validateS = (performance.now() - t0) / 1000;
console.log(`validate: ${report.totalRows} rows (${report.validRows} valid, ${report.problemRows} with problems) in ${validateS.toFixed(1)} s = ${Math.round(Number(report.totalRows) / validateS).toLocaleString('en')} rows/s; ${validateCpu}`);
const codes: Record<string, number> = {};
for (const p of report.problems as { code: string }[]) codes[p.code] = (codes[p.code] ?? 0) + 1;
if (Object.keys(codes).length) console.log(`problems (first ${(report.problems as unknown[]).length}): ${JSON.stringify(codes)}`);
const t1 = performance.now();
let confirmed = { status: 0, json: {} as Record<string, unknown> };
const confirmCpu = await cpuOf(async () => {
  confirmed = await call('POST', `/api/imports/${report.id}/confirm`, token);
});
const confirmS = (performance.now() - t1) / 1000;
console.log(`confirm: ${JSON.stringify(confirmed.json.result)} in ${confirmS.toFixed(1)} s = ${Math.round(Number(report.validRows) / confirmS).toLocaleString('en')} rows/s; ${confirmCpu}`);
console.log(`memory: RSS before upload ${Math.round(rssBefore / 1048576)} MB, peak RSS of the process ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
await app.close();
await database.close();
rmSync(dir, { recursive: true, force: true });
