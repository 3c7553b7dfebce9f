/**
 * Fixed-window request counters kept in this process's memory. They protect one process from floods;
 * limits that must hold across processes (codes sent to one phone, failed logins of one account) are
 * counted in the database by the services that own them.
 */
export class RateLimiter {
  private windows = new Map<string, { count: number; resetAt: number }>();
  private lastSweep = 0;

  /** Counts one hit; returns null when allowed, or the seconds until the window resets. */
  hit(key: string, limit: number, windowMs: number, now = Date.now()): number | null {
    if (now - this.lastSweep > 60_000) this.sweep(now);
    let w = this.windows.get(key);
    if (!w || w.resetAt <= now) {
      w = { count: 0, resetAt: now + windowMs };
      this.windows.set(key, w);
    }
    w.count++;
    return w.count > limit ? Math.max(1, Math.ceil((w.resetAt - now) / 1000)) : null;
  }

  private sweep(now: number) {
    this.lastSweep = now;
    for (const [k, w] of this.windows) if (w.resetAt <= now) this.windows.delete(k);
  }
}

export interface RouteRateLimit {
  /** a name shared by routes that count together, e.g. 'login' */
  name: string;
  perIp?: number;
  perAccount?: number;
  windowSeconds: number;
}
