import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isForbiddenAddress, OutboundHttp, OutboundRefusedError } from './outbound.ts';
import { WebhookSmsSender } from '../sms/sender.ts';

// Every test connection goes to a server on 127.0.0.1; names are resolved by a fake resolver, so
// refusals of other addresses happen before any connection is attempted.

let server: http.Server;
let port: number;
const received: { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      if (req.url === '/hang') return; // never answers
      if (req.url === '/big') return res.end('x'.repeat(200_000));
      if (req.url === '/redirect-same') return res.writeHead(302, { location: '/ok' }).end();
      if (req.url === '/redirect-other') return res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
      if (req.url === '/redirect-other-port') return res.writeHead(307, { location: `http://127.0.0.1:${port + 1}/ok` }).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, path: req.url }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

/** names in tests resolve through this table only */
const dns: Record<string, string[]> = {
  'sms.example.test': ['127.0.0.1'],
  'rebind.example.test': ['203.0.113.10', '127.0.0.1'],
  'metadata.example.test': ['169.254.169.254'],
  'aliyun-metadata.example.test': ['100.100.100.200'],
  'v6.example.test': ['::ffff:127.0.0.1'],
};
const resolve = async (host: string) => {
  const a = dns[host];
  if (!a) throw new Error('ENOTFOUND');
  return a.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};
const guard = (allow: string[], extra: Partial<ConstructorParameters<typeof OutboundHttp>[0]> = {}) => new OutboundHttp({ allow, resolve, timeoutMs: 2_000, ...extra });

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof OutboundRefusedError) return e.reason;
    throw e;
  }
  throw new Error('expected the call to be refused');
}

describe('outbound HTTP guard (SSRF)', () => {
  it('calls an allowed host and returns the answer', async () => {
    const res = await guard([`127.0.0.1:${port}`]).request(`http://127.0.0.1:${port}/ok`, { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ ok: true, path: '/ok' });
    expect(received.at(-1)).toMatchObject({ method: 'POST', body: '{"a":1}' });
  });

  it('refuses hosts and ports that are not on the allow-list, and schemes other than http(s)', async () => {
    const g = guard([`sms.example.test:${port}`, '127.0.0.1']);
    expect(await refusal(g.request(`http://other.example.test:${port}/`))).toBe('host_not_allowed');
    // an address allowed without a port allows only the default port
    expect(await refusal(g.request(`http://127.0.0.1:${port}/`))).toBe('host_not_allowed');
    expect(await refusal(g.request('file:///etc/passwd'))).toBe('scheme');
    expect(await refusal(g.request('gopher://127.0.0.1:25/'))).toBe('scheme');
    expect(await refusal(g.request(`http://user:pw@sms.example.test:${port}/`))).toBe('credentials');
  });

  it('refuses a listed name that resolves to an internal address unless that address is listed too', async () => {
    expect(await refusal(guard([`sms.example.test:${port}`]).request(`http://sms.example.test:${port}/ok`))).toBe('address_not_allowed');
    const res = await guard([`sms.example.test:${port}`, '127.0.0.0/8']).request(`http://sms.example.test:${port}/ok`);
    expect(res.status).toBe(200);
  });

  it('refuses cloud metadata, mapped IPv6 loopback, and a name with any internal address among its answers', async () => {
    const all = ['metadata.example.test', 'aliyun-metadata.example.test', 'v6.example.test', 'rebind.example.test'];
    for (const host of all) expect(await refusal(guard(all).request(`http://${host}/`)), host).toBe('address_not_allowed');
    // literal addresses in every spelling the URL parser accepts are not names on the list
    const literals = ['http://169.254.169.254/', 'http://[::1]/', 'http://[::ffff:7f00:1]/', 'http://2130706433/', 'http://0x7f.1/', 'http://0/'];
    for (const u of literals) expect(await refusal(guard(['*.example.test']).request(u)), u).toBe('host_not_allowed');
  });

  it('knows the internal ranges', () => {
    for (const a of ['127.0.0.1', '10.1.2.3', '172.31.0.1', '192.168.1.1', '169.254.169.254', '100.100.100.200', '0.0.0.0', '::1', 'fe80::1', 'fd00:ec2::254', '::ffff:10.0.0.1', '224.0.0.1']) {
      expect(isForbiddenAddress(a), a).toBe(true);
    }
    for (const a of ['223.5.5.5', '114.114.114.114', '2400:3200::1']) expect(isForbiddenAddress(a), a).toBe(false);
  });

  it('follows a redirect on the same host, refuses one to another host or port', async () => {
    const g = guard([`127.0.0.1:${port}`, `127.0.0.1:${port + 1}`, '169.254.169.254']);
    const ok = await g.request(`http://127.0.0.1:${port}/redirect-same`);
    expect(ok.json()).toEqual({ ok: true, path: '/ok' });
    expect(await refusal(g.request(`http://127.0.0.1:${port}/redirect-other`))).toBe('redirect');
    expect(await refusal(g.request(`http://127.0.0.1:${port}/redirect-other-port`))).toBe('redirect');
  });

  it('gives up on a server that does not answer in time, and on an answer over the size limit', async () => {
    const g = guard([`127.0.0.1:${port}`], { timeoutMs: 300, maxResponseBytes: 10_000 });
    expect(await refusal(g.request(`http://127.0.0.1:${port}/hang`))).toBe('timeout');
    expect(await refusal(g.request(`http://127.0.0.1:${port}/big`))).toBe('too_large');
  });

  it('reads LINLI_OUTBOUND_ALLOW entries and refuses ones it cannot read', () => {
    expect(() => new OutboundHttp({ allow: ['*.12345.gov.cn', 'sms.example.com:8443', '10.0.0.0/8', '[::1]:9000', '192.168.1.5'] })).not.toThrow();
    expect(() => new OutboundHttp({ allow: ['host:port'] })).toThrow(/LINLI_OUTBOUND_ALLOW/);
  });

  it('the webhook SMS sender goes through the guard', async () => {
    const sms = new WebhookSmsSender(`http://127.0.0.1:${port}/sms`, 'gateway-key', guard([`127.0.0.1:${port}`]));
    await sms.send('13800138000', 'hello');
    const last = received.at(-1)!;
    expect(last.url).toBe('/sms');
    expect(last.headers.authorization).toBe('Bearer gateway-key');
    expect(JSON.parse(last.body)).toEqual({ phone: '13800138000', text: 'hello' });
    const blocked = new WebhookSmsSender('http://169.254.169.254/sms', null, guard(['169.254.169.254:81']));
    await expect(blocked.send('13800138000', 'x')).rejects.toBeInstanceOf(OutboundRefusedError);
  });
});
