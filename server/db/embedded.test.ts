import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { describe, expect, inject, it } from 'vitest';
import { openDatabase } from './index.ts';
import { StatementTimeoutError } from './errors.ts';
import { lockDataDir, DataDirLockedError } from './lock.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const embedded = inject('template').engine === 'pglite';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

interface Proc {
  child: ChildProcess;
  out: () => string;
  exited: Promise<number | null>;
}

function startServer(dataDir: string, port: number): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: root,
    env: { ...process.env, LINLI_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: '', LINLI_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, out: () => out, exited };
}

async function waitFor(p: Proc, text: string, ms = 120_000) {
  const start = Date.now();
  while (!p.out().includes(text)) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for "${text}"; output:\n${p.out()}`);
    if (p.child.exitCode !== null) throw new Error(`server exited (${p.child.exitCode}):\n${p.out()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.runIf(embedded)('embedded database (PGlite)', () => {
  it('runs a statement past its timeout into an error without freezing the process, then keeps working', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'linli-pgl-'));
    const db = await openDatabase({ databaseUrl: null, dataDir: dir, timeZone: 'Asia/Shanghai', statementTimeoutMs: 1_000, poolMax: 1, queueMax: 10 });
    try {
      await sql`CREATE TABLE kept (v int)`.execute(db.db);
      await sql`INSERT INTO kept VALUES (42)`.execute(db.db);
      let ticks = 0;
      const timer = setInterval(() => ticks++, 50);
      const started = Date.now();
      const heavy = sql`SELECT count(*) FROM generate_series(1, 400000000)`.execute(db.db);
      await expect(heavy).rejects.toBeInstanceOf(StatementTimeoutError);
      clearInterval(timer);
      expect(Date.now() - started).toBeLessThan(5_000);
      // the event loop kept running while the query ran
      expect(ticks).toBeGreaterThan(10);
      const after = await sql<{ v: number }>`SELECT v FROM kept`.execute(db.db);
      expect(after.rows).toEqual([{ v: 42 }]);
    } finally {
      await db.close();
    }
  });

  it('a second process is refused the data directory; a lock left by a dead process is taken over', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'linli-lock-'));
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      writeFileSync(path.join(dir, 'linli.lock'), String(holder.pid));
      expect(() => lockDataDir(dir)).toThrow(DataDirLockedError);
    } finally {
      holder.kill();
    }
    await new Promise((r) => holder.on('exit', r));
    const release = lockDataDir(dir);
    release();
  });

  it('starts with one command, refuses a second server on the same data, shuts down cleanly, restarts without reloading', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'linli-main-'));
    const port = await freePort();
    const first = startServer(dataDir, port);
    try {
      await waitFor(first, 'is running');
      expect(first.out()).toContain('Demo city:     loaded now');
      expect(first.out()).toContain('community2');
      expect(first.out()).toContain('embedded PGlite');

      const second = startServer(dataDir, await freePort());
      expect(await second.exited).toBe(1);
      expect(second.out()).toContain('in use by another Linli process');

      const base = `http://127.0.0.1:${port}`;
      const health = await (await fetch(`${base}/api/health`)).json();
      expect(health).toMatchObject({ status: 'ok', database: 'pglite' });
      // requests in flight when the signal arrives still get their answers
      const inflight = Array.from({ length: 4 }, () =>
        fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'grid', password: 'linli-demo-2026' }) }),
      );
      await new Promise((r) => setTimeout(r, 20));
      first.child.kill('SIGTERM');
      const answers = await Promise.all(inflight);
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
      expect(await first.exited, first.out()).toBe(0);
      expect(first.out()).toContain('database closed cleanly');

      const again = startServer(dataDir, port);
      try {
        await waitFor(again, 'is running');
        expect(again.out()).toContain('Demo city:     already loaded');
        const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'grid', password: 'linli-demo-2026' }) });
        expect(login.status).toBe(200);
      } finally {
        again.child.kill('SIGTERM');
        await again.exited;
      }
    } finally {
      if (first.child.exitCode === null) first.child.kill('SIGKILL');
    }
  }, 240_000);
});
