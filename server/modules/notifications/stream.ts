import type { ServerResponse } from 'node:http';
import type { Platform } from '../../platform/context.ts';
import { t, type Lang } from '../../platform/i18n/index.ts';
import type { NotificationMessage } from './service.ts';

interface Stream {
  res: ServerResponse;
  lang: Lang;
  userId: string | null;
  orgId: string | null;
  accountId: string | null;
}

export const HEARTBEAT_MS = 25_000;

/**
 * Server-sent events for one process. Notifications arrive from PostgreSQL (pg_notify, sent on
 * commit by whichever process wrote them) and go to the matching open streams; a comment line every
 * 25 s keeps proxies from closing idle connections. close() ends every stream, so a shutdown's drain
 * never waits on them.
 */
export class NotificationHub {
  private streams = new Set<Stream>();
  private unlisten: (() => void) | null = null;
  private heartbeat: NodeJS.Timeout | null = null;

  constructor(private readonly platform: Platform) {}

  get size() {
    return this.streams.size;
  }

  private start() {
    if (this.unlisten) return;
    this.unlisten = this.platform.onNotify((payload) => this.dispatch(payload));
    this.heartbeat = setInterval(() => {
      for (const s of this.streams) s.res.write(': heartbeat\n\n');
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  add(res: ServerResponse, who: Omit<Stream, 'res'>) {
    this.start();
    const s = { res, ...who };
    this.streams.add(s);
    res.on('close', () => this.streams.delete(s));
  }

  private dispatch(payload: string) {
    let m: NotificationMessage;
    try {
      m = JSON.parse(payload) as NotificationMessage;
    } catch {
      return;
    }
    if (m.t !== 'notification') return;
    for (const s of this.streams) {
      const mine = (m.user && m.user === s.userId) || (m.org && m.org === s.orgId) || (m.account && m.account === s.accountId);
      if (!mine) continue;
      const body = { id: m.id, caseId: m.caseId, kind: m.kind, text: t(s.lang, m.key, m.params), createdAt: m.createdAt };
      s.res.write(`id: ${m.id}\nevent: notification\ndata: ${JSON.stringify(body)}\n\n`);
    }
  }

  close() {
    for (const s of this.streams) s.res.end();
    this.streams.clear();
    this.unlisten?.();
    this.unlisten = null;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }
}
