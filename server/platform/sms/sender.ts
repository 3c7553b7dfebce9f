import type { Logger } from 'pino';
import { maskPhone } from '../pii/mask.ts';
import type { OutboundHttp } from '../http/outbound.ts';

/**
 * Text messages to phones (one-time codes, progress notices). A deployment plugs in its carrier's
 * gateway by implementing SmsSender. The built-in DevLogSmsSender does not send anything: it writes
 * the message to the server log (phone masked) so that the demo and tests can read the code. It
 * refuses to work in production mode.
 */
export interface SmsSender {
  readonly name: string;
  /** false when this sender cannot deliver (callers answer 503 instead of pretending) */
  readonly available: boolean;
  send(phone: string, text: string): Promise<void>;
}

export class DevLogSmsSender implements SmsSender {
  readonly name = 'dev-log';
  constructor(
    private readonly log: Logger,
    private readonly production: boolean,
  ) {}
  get available() {
    return !this.production;
  }
  async send(phone: string, text: string) {
    if (this.production) throw new Error('the development SMS sender is disabled in production mode');
    this.log.info({ sms: { to: maskPhone(phone), text } }, `[dev SMS to ${maskPhone(phone)}] ${text}`);
  }
}

/**
 * A generic HTTP gateway: POSTs {phone, text} as JSON to LINLI_SMS_WEBHOOK_URL with a bearer key.
 * Most Chinese SMS providers are reached through a small relay of this shape. The call goes through
 * the outbound guard (allow-list, no internal addresses, time limit, no redirects elsewhere).
 */
export class WebhookSmsSender implements SmsSender {
  readonly name = 'webhook';
  readonly available = true;
  constructor(
    private readonly url: string,
    private readonly key: string | null,
    private readonly outbound: OutboundHttp,
  ) {}
  async send(phone: string, text: string) {
    const res = await this.outbound.request(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(this.key ? { authorization: `Bearer ${this.key}` } : {}) },
      body: JSON.stringify({ phone, text }),
      timeoutMs: 10_000,
      maxResponseBytes: 64 * 1024,
    });
    if (res.status < 200 || res.status >= 300) throw new Error(`SMS gateway answered ${res.status}`);
  }
}
