import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, signedHeaders, verify } from './signature.ts';
import type { HotlineOrder } from './hotline.ts';

export interface ReceivedCallback {
  payload: Record<string, unknown>;
  signatureOk: boolean;
}

/**
 * A LOCAL STAND-IN for the 12345 hotline platform (not the real one): it pushes work orders to
 * Linli the way the hotline does (bearer token + HMAC signature) and receives Linli's result
 * callbacks on POST /callbacks, checking their signature. `down = true` makes it answer 503, to
 * see Linli retry. Used by the tests and by scripts/hotline-simulator.ts.
 */
export class HotlineSimulator {
  readonly callbacks: ReceivedCallback[] = [];
  down = false;
  private server: http.Server | null = null;

  constructor(public opts: { linliUrl: string; token: string; secret: string; now?: () => Date }) {}

  /** Starts the callback receiver; returns its URL. */
  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.method !== 'POST' || req.url !== '/callbacks') return res.writeHead(404).end();
        if (this.down) return res.writeHead(503).end('hotline down');
        const body = Buffer.concat(chunks).toString('utf8');
        const h = (n: string) => (typeof req.headers[n] === 'string' ? (req.headers[n] as string) : undefined);
        const problem = verify(this.opts.secret, h(TIMESTAMP_HEADER), h(SIGNATURE_HEADER), body, this.now());
        let payload: Record<string, unknown> = {};
        try {
          payload = JSON.parse(body);
        } catch {
          return res.writeHead(400).end('bad json');
        }
        this.callbacks.push({ payload, signatureOk: problem === null });
        if (problem) return res.writeHead(401).end(problem);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ack":true}');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, host, resolve));
    const a = this.server.address() as AddressInfo;
    return `http://${host}:${a.port}/callbacks`;
  }

  get port(): number {
    return (this.server!.address() as AddressInfo).port;
  }

  private now() {
    return this.opts.now?.() ?? new Date();
  }

  /** Pushes one order as the hotline would; `tamper` changes the body after signing, `at` signs with another time. */
  async push(order: HotlineOrder, opts: { tamper?: boolean; at?: Date } = {}): Promise<{ status: number; body: any }> {
    const body = JSON.stringify(order);
    const headers = signedHeaders(this.opts.secret, body, opts.at ?? this.now());
    const sent = opts.tamper ? body.replace(order.content, `${order.content}（改）`) : body;
    const res = await fetch(`${this.opts.linliUrl.replace(/\/$/, '')}/api/interop/hotline/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.opts.token}`, ...headers },
      body: sent,
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  async close() {
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = null;
  }
}

const SAMPLES: [string, string, string][] = [
  ['城市管理-路灯', '小区门口路灯不亮已经三天了，晚上出行不安全', 'normal'],
  ['环境卫生-垃圾清运', '楼下垃圾堆了一周没人清运，气味很大', 'normal'],
  ['物业管理-电梯故障', '3号楼电梯停运，楼里有老人上下楼困难', 'urgent'],
  ['环境保护-噪声扰民', '工地夜里十一点以后还在施工，噪声很大', 'normal'],
  ['邻里纠纷', '楼上邻居家漏水到我家天花板，协商不成', 'normal'],
];

/** A plausible work order (the n-th sample), for the script and tests. */
export function sampleOrder(n: number, place: { address: string; lat?: number; lng?: number; regionCode?: string }, at = new Date()): HotlineOrder {
  const [category, content, urgency] = SAMPLES[n % SAMPLES.length];
  return {
    orderNo: `SIM${at.getTime().toString(36).toUpperCase()}${String(n).padStart(4, '0')}`,
    receivedAt: at.toISOString(),
    caller: { name: '王女士', phone: `1390000${String(1000 + (n % 9000)).padStart(4, '0')}` },
    address: place.address, ...(place.lat !== undefined ? { lat: place.lat, lng: place.lng } : {}), ...(place.regionCode ? { regionCode: place.regionCode } : {}),
    content, category, urgency: urgency as 'normal' | 'urgent',
    deadline: new Date(at.getTime() + 5 * 86_400_000).toISOString(),
  };
}
