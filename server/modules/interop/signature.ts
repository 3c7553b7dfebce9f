import { createHmac, timingSafeEqual } from 'node:crypto';

/** Headers of a signed hotline message, in both directions. */
export const TIMESTAMP_HEADER = 'x-linli-timestamp';
export const SIGNATURE_HEADER = 'x-linli-signature';
/** How old (or how far ahead) a signed message may be: older ones are replays. */
export const MAX_SKEW_SECONDS = 300;

/** `sha256=` + hex HMAC-SHA256 over "<unix seconds>.<raw body>" with the link's shared secret. */
export function sign(secret: string, timestamp: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}

export type SignatureProblem = 'missing' | 'stale' | 'mismatch';

/** Checks a signed message; null when it is genuine and fresh. */
export function verify(secret: string, timestamp: string | undefined, signature: string | undefined, body: string | Buffer, now: Date): SignatureProblem | null {
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return 'missing';
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > MAX_SKEW_SECONDS) return 'stale';
  const expected = Buffer.from(sign(secret, timestamp, body));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected) ? null : 'mismatch';
}

/** The headers to send with a signed body. */
export function signedHeaders(secret: string, body: string, now: Date): Record<string, string> {
  const ts = String(Math.floor(now.getTime() / 1000));
  return { [TIMESTAMP_HEADER]: ts, [SIGNATURE_HEADER]: sign(secret, ts, body) };
}
