import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import net, { BlockList } from 'node:net';

/**
 * The only way Linli makes outgoing HTTP calls (SMS gateway, callbacks to the 12345 hotline,
 * webhooks). Guards against server-side request forgery (OWASP API7):
 * - only http(s), no credentials in the URL, and only hosts on the allow-list (LINLI_OUTBOUND_ALLOW:
 *   comma-separated `host`, `*.domain`, `host:port`, IP addresses or CIDR ranges; a name without a
 *   port allows only the scheme's default port);
 * - the name is resolved first and every address checked: loopback, private, link-local (cloud
 *   metadata 169.254.169.254), carrier-grade NAT (100.64/10, Alibaba Cloud metadata), multicast and
 *   reserved ranges are refused unless an allow-list entry names that address or range itself;
 * - the connection goes to the address that was checked (no second lookup an attacker's DNS could
 *   answer differently);
 * - redirects are followed only within the same scheme, host and port; a time limit covers the whole
 *   exchange; answers larger than the limit are cut off with an error.
 */
export class OutboundRefusedError extends Error {
  constructor(
    readonly reason: 'scheme' | 'credentials' | 'host_not_allowed' | 'address_not_allowed' | 'redirect' | 'too_large' | 'timeout' | 'unresolvable',
    message: string,
  ) {
    super(message);
  }
}

export interface OutboundResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  json(): unknown;
}

export interface OutboundRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  timeoutMs?: number;
  maxResponseBytes?: number;
}

type Resolver = (host: string) => Promise<{ address: string; family: number }[]>;

export interface OutboundOptions {
  allow: string[];
  timeoutMs?: number;
  maxResponseBytes?: number;
  maxRedirects?: number;
  /** name resolution (tests substitute their own) */
  resolve?: Resolver;
}

const FORBIDDEN_V4 = ['0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.0.0.0/24',
  '192.0.2.0/24', '192.88.99.0/24', '192.168.0.0/16', '198.18.0.0/15', '198.51.100.0/24', '203.0.113.0/24', '224.0.0.0/4', '240.0.0.0/4'];
const FORBIDDEN_V6 = ['::/128', '::1/128', '64:ff9b:1::/48', '100::/64', '2001:db8::/32', 'fc00::/7', 'fe80::/10', 'fec0::/10', 'ff00::/8'];

const forbidden = new BlockList();
for (const c of FORBIDDEN_V4) forbidden.addSubnet(c.split('/')[0], Number(c.split('/')[1]), 'ipv4');
for (const c of FORBIDDEN_V6) forbidden.addSubnet(c.split('/')[0], Number(c.split('/')[1]), 'ipv6');

/** An IPv4 address hidden in an IPv6 one (::ffff:a.b.c.d, NAT64 64:ff9b::a.b.c.d) is judged as IPv4. */
function embeddedV4(v6: string): string | null {
  const m = /^(?:::ffff:(?:0:)?|64:ff9b::)(.+)$/i.exec(v6);
  if (!m) return null;
  if (net.isIPv4(m[1])) return m[1];
  const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(m[1]);
  if (!hex) return null;
  const n = (parseInt(hex[1], 16) << 16) | parseInt(hex[2], 16);
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function isForbiddenAddress(address: string): boolean {
  if (net.isIPv4(address)) return forbidden.check(address, 'ipv4');
  if (!net.isIPv6(address)) return true;
  const v4 = embeddedV4(address);
  return v4 ? forbidden.check(v4, 'ipv4') : forbidden.check(address, 'ipv6');
}

interface HostRule {
  host: string; // lower case; '*.x' matches subdomains of x
  port: number | null;
}

const defaultPort = (protocol: string) => (protocol === 'https:' ? 443 : 80);

export class OutboundHttp {
  private readonly hosts: HostRule[] = [];
  private readonly addresses = new BlockList();
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;
  private readonly maxRedirects: number;
  private readonly resolve: Resolver;

  constructor(opts: OutboundOptions) {
    for (const raw of opts.allow.map((a) => a.trim().toLowerCase()).filter(Boolean)) this.addRule(raw);
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.maxResponseBytes = opts.maxResponseBytes ?? 1024 * 1024;
    this.maxRedirects = opts.maxRedirects ?? 3;
    this.resolve = opts.resolve ?? ((host) => dnsLookup(host, { all: true, verbatim: true }));
  }

  private addRule(raw: string) {
    const cidr = /^([0-9a-f:.]+)\/(\d{1,3})$/i.exec(raw);
    if (cidr && net.isIP(cidr[1])) {
      this.addresses.addSubnet(cidr[1], Number(cidr[2]), net.isIPv4(cidr[1]) ? 'ipv4' : 'ipv6');
      return;
    }
    const bracketed = /^\[([0-9a-f:.]+)\](?::(\d+))?$/i.exec(raw);
    const hostPort = bracketed ? [bracketed[1], bracketed[2]] : net.isIPv6(raw) ? [raw, undefined] : raw.split(':');
    const [host, port] = hostPort as [string, string | undefined];
    if (!host || (port !== undefined && !/^\d{1,5}$/.test(port))) throw new Error(`LINLI_OUTBOUND_ALLOW: cannot read "${raw}"`);
    // an address written into the allow-list is allowed even in a private range: that is the explicit opt-in
    if (net.isIP(host)) this.addresses.addAddress(host, net.isIPv4(host) ? 'ipv4' : 'ipv6');
    this.hosts.push({ host, port: port ? Number(port) : null });
  }

  /** Also allow the host of a URL an operator configured (the SMS gateway). */
  allowUrl(url: string) {
    const u = new URL(url);
    this.addRule(`${u.hostname.replace(/^\[|\]$/g, '')}${u.port ? `:${u.port}` : ''}`.toLowerCase());
  }

  private hostAllowed(host: string, port: number, protocol: string): boolean {
    return this.hosts.some((r) => {
      const nameOk = r.host.startsWith('*.') ? host.endsWith(r.host.slice(1)) && host.length > r.host.length - 1 : host === r.host;
      return nameOk && (r.port === null ? port === defaultPort(protocol) : port === r.port);
    });
  }

  private addressAllowed(address: string): boolean {
    const v4 = net.isIPv6(address) ? embeddedV4(address) : null;
    if (v4) return this.addresses.check(v4, 'ipv4') || this.addresses.check(address, 'ipv6');
    return this.addresses.check(address, net.isIPv4(address) ? 'ipv4' : 'ipv6');
  }

  /** Checks a URL against every rule; returns the address to connect to. */
  async check(url: URL): Promise<{ address: string; family: number }> {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new OutboundRefusedError('scheme', `only http and https may be called, not ${url.protocol}`);
    if (url.username || url.password) throw new OutboundRefusedError('credentials', 'credentials in a URL are not allowed');
    const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
    const port = url.port ? Number(url.port) : defaultPort(url.protocol);
    if (!this.hostAllowed(host, port, url.protocol)) throw new OutboundRefusedError('host_not_allowed', `${host}:${port} is not on LINLI_OUTBOUND_ALLOW`);
    let found: { address: string; family: number }[];
    if (net.isIP(host)) found = [{ address: host, family: net.isIPv4(host) ? 4 : 6 }];
    else {
      try {
        found = await this.resolve(host);
      } catch {
        throw new OutboundRefusedError('unresolvable', `${host} could not be resolved`);
      }
    }
    if (found.length === 0) throw new OutboundRefusedError('unresolvable', `${host} has no address`);
    // every address must pass: a name that also resolves to an internal address is refused outright
    for (const a of found) {
      if (isForbiddenAddress(a.address) && !this.addressAllowed(a.address)) {
        throw new OutboundRefusedError('address_not_allowed', `${host} resolves to ${a.address}, an internal address`);
      }
    }
    return found[0];
  }

  async request(rawUrl: string, req: OutboundRequest = {}): Promise<OutboundResponse> {
    const deadline = Date.now() + (req.timeoutMs ?? this.timeoutMs);
    let url = new URL(rawUrl);
    let method = (req.method ?? 'GET').toUpperCase();
    let body = req.body;
    for (let hop = 0; ; hop++) {
      const target = await this.check(url);
      const res = await this.once(url, target, { method, headers: req.headers ?? {}, body }, deadline, req.maxResponseBytes ?? this.maxResponseBytes);
      if (res.status < 300 || res.status >= 400 || !res.headers.location) return res;
      if (hop >= this.maxRedirects) throw new OutboundRefusedError('redirect', 'too many redirects');
      const next = new URL(res.headers.location, url);
      if (next.origin !== url.origin) throw new OutboundRefusedError('redirect', `redirect to another host (${next.host}) refused`);
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
      }
      url = next;
    }
  }

  private once(
    url: URL,
    target: { address: string; family: number },
    req: { method: string; headers: Record<string, string>; body?: string | Buffer },
    deadline: number,
    maxBytes: number,
  ): Promise<OutboundResponse> {
    const remaining = deadline - Date.now();
    if (remaining <= 0) return Promise.reject(new OutboundRefusedError('timeout', 'time limit reached'));
    const mod = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const r = mod.request(
        url,
        {
          method: req.method,
          headers: { ...req.headers, ...(req.body !== undefined ? { 'content-length': String(Buffer.byteLength(req.body)) } : {}) },
          // connect to the address that was checked; TLS still verifies the certificate for the name
          lookup: (_host, opts, cb) => {
            if ((opts as { all?: boolean }).all) (cb as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [target]);
            else cb(null, target.address, target.family);
          },
          agent: false,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > maxBytes) {
              r.destroy(new OutboundRefusedError('too_large', `answer larger than ${maxBytes} bytes`));
              return;
            }
            chunks.push(c);
          });
          res.on('end', () => {
            clearTimeout(timer);
            const buf = Buffer.concat(chunks);
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: buf, json: () => JSON.parse(buf.toString('utf8')) });
          });
          res.on('error', reject);
        },
      );
      const timer = setTimeout(() => r.destroy(new OutboundRefusedError('timeout', `no complete answer within the time limit`)), remaining);
      r.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      if (req.body !== undefined) r.write(req.body);
      r.end();
    });
  }
}
