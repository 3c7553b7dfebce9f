import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

export interface ServerProcess {
  port: number;
  base: string;
  child: ChildProcess;
  /** the process's resident memory in MB, read from /proc */
  rss: () => number;
  /** what the server has written to stdout and stderr so far (warnings and errors at the default level) */
  log: () => string;
  stop: () => Promise<void>;
}

/**
 * A real Linli server (server/main.ts) as its own process on 127.0.0.1, for benchmarks and load
 * tests: ready once /api/health answers. `env` is added to this process's environment.
 */
/**
 * Node flags of a server process, as `npm start` gives them (package.json): without a cap V8 sizes the
 * heap for the machine's memory and lets garbage pile up under load — 600–730 MB RSS under 16 clients
 * of mixed reads at 100k cases, against ~305 MB with it at the same throughput (docs/benchmarks.md).
 */
export const SERVER_NODE_FLAGS = ['--max-old-space-size=384'];

export async function startServerProcess(env: Record<string, string>, timeoutMs = 300_000): Promise<ServerProcess> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, '--import', 'tsx', 'server/main.ts'], {
    cwd: root,
    env: { ...process.env, LINLI_LOG_LEVEL: 'warn', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout!.on('data', (d) => (log += d));
  child.stderr!.on('data', (d) => (log += d));
  const base = `http://127.0.0.1:${port}`;
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited:\n${log}`);
    if (await fetch(`${base}/api/health`).then((r) => r.ok).catch(() => false)) break;
    if (Date.now() - started > timeoutMs) throw new Error(`server did not start:\n${log}`);
    await sleep(500);
  }
  const rss = () => {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  };
  const stop = async () => {
    child.kill('SIGTERM');
    if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
  };
  return { port, base, child, rss, log: () => log, stop };
}
