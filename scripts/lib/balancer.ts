import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small round-robin HTTP load balancer (node:http, keep-alive to each backend): enough to show
 * that Linli's API processes are interchangeable — any request may land on any process, because
 * sessions, idempotency keys, rate counters that matter, jobs and caches of record all live in
 * PostgreSQL. A backend that refuses the connection is skipped for the next one. Production uses
 * nginx, HAProxy or a cloud balancer the same way (docs/scaling.md).
 */
export async function startBalancer(backends: { host: string; port: number }[], listen: { host: string; port: number }) {
  if (!backends.length) throw new Error('no backends');
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  let next = 0;
  const served = backends.map(() => 0);
  const forward = (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer, tries: number) => {
    const i = next++ % backends.length;
    const b = backends[i];
    const headers = { ...req.headers, 'x-forwarded-for': req.socket.remoteAddress ?? '' };
    const out = http.request({ host: b.host, port: b.port, method: req.method, path: req.url, headers, agent }, (up) => {
      served[i]++;
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    out.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ECONNREFUSED' && tries + 1 < backends.length) return forward(req, res, body, tries + 1);
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'BAD_GATEWAY', message: e.message } }));
    });
    out.end(body);
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => forward(req, res, Buffer.concat(chunks), 0));
  });
  await new Promise<void>((resolve) => server.listen(listen.port, listen.host, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    served,
    close: () => new Promise<void>((resolve) => {
      agent.destroy();
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
