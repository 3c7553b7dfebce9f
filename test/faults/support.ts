import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { TEST_SECRET } from '../support/template.ts';
import { SERVER_NODE_FLAGS } from '../../scripts/lib/server-process.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  child: ChildProcess;
  base: string;
  out: () => string;
  exited: Promise<number | null>;
}

/** A real Linli server process (server/main.ts) on 127.0.0.1, ready when it says so. */
export async function startServer(env: Record<string, string>, port: number, extra: Record<string, string> = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, '--import', 'tsx', 'server/main.ts'], {
    cwd: root,
    env: { ...process.env, LINLI_SECRET: TEST_SECRET, LINLI_MODE: 'demo', LINLI_DEMO: '0', LINLI_LOG_LEVEL: 'warn', LINLI_RATE_LIMIT_PER_MINUTE: '100000', ...env, PORT: String(port), HOST: '127.0.0.1', ...extra },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const p = { child, base: `http://127.0.0.1:${port}`, out: () => out, exited };
  const started = Date.now();
  while (!out.includes('is running')) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}):\n${out}`);
    if (Date.now() - started > 120_000) throw new Error(`server did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return p;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** pg_ctl of the PostgreSQL server the tests use, when .ci/run (or the developer) says where it is. */
export function pgControl(): { restart(): Promise<void> } | null {
  const data = process.env.LINLI_CI_PGDATA;
  const ctl = process.env.LINLI_CI_PGCTL;
  if (!data || !ctl) return null;
  const [cmd, ...args] = ctl.trim().split(/\s+/);
  return {
    restart: () =>
      new Promise((resolve, reject) => {
        const c = spawn(cmd, [...args, '-D', data, '-m', 'fast', '-w', 'restart'], { stdio: ['ignore', 'ignore', 'pipe'] });
        let err = '';
        c.stderr!.on('data', (d) => (err += d));
        c.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`pg_ctl restart failed (${code}): ${err}`))));
      }),
  };
}
