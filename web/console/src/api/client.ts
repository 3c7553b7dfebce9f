/**
 * The one way the console talks to the server: JSON over fetch with the session cookie, the UI
 * language as Accept-Language, and every failure turned into an ApiError carrying the server's
 * code, its already translated message and its field errors.
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Record<string, string> = {},
    /** seconds, from Retry-After (429 ACCOUNT_LOCKED, rate limits) */
    readonly retryAfter: number | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type Query = Record<string, string | number | boolean | null | undefined>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** sent as Idempotency-Key on creating POSTs, so a retried submission creates one record */
  idempotencyKey?: string;
  /** don't treat a 401 as "session ended" (the sign-in call itself answers 401 for a wrong password) */
  expectUnauthorized?: boolean;
}

interface Hooks {
  language: () => string;
  /** a call came back 401: the session is gone (expired, revoked, signed out elsewhere) */
  onSessionEnded: (err: ApiError) => void;
  /** a call came back 403 PASSWORD_CHANGE_REQUIRED */
  onPasswordChangeRequired: () => void;
  /** a fallback message when the server could not be reached or sent no JSON */
  networkMessage: () => string;
}

let hooks: Hooks = {
  language: () => 'zh-CN',
  onSessionEnded: () => {},
  onPasswordChangeRequired: () => {},
  networkMessage: () => 'Network error',
};

export function configureApi(h: Partial<Hooks>) {
  hooks = { ...hooks, ...h };
}

function withQuery(path: string, query?: Query) {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', 'accept-language': hooks.language() };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.idempotencyKey) headers['idempotency-key'] = opts.idempotencyKey;
  let res: Response;
  try {
    res = await fetch(withQuery(path, opts.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
  } catch {
    throw new ApiError(0, 'NETWORK', hooks.networkMessage());
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (res.ok) return json as T;
  const e = (json as { error?: { code?: string; message?: string; fields?: Record<string, string> } } | null)?.error;
  const retry = Number(res.headers.get('retry-after'));
  const err = new ApiError(res.status, e?.code ?? `HTTP_${res.status}`, e?.message ?? hooks.networkMessage(), e?.fields ?? {}, Number.isFinite(retry) && retry > 0 ? retry : null);
  if (res.status === 401 && !opts.expectUnauthorized) hooks.onSessionEnded(err);
  if (res.status === 403 && err.code === 'PASSWORD_CHANGE_REQUIRED') hooks.onPasswordChangeRequired();
  throw err;
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>('GET', path, { query }),
  post: <T>(path: string, body?: unknown, opts: Omit<RequestOptions, 'body'> = {}) => request<T>('POST', path, { ...opts, body }),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, { body }),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, { body }),
  delete: <T = void>(path: string) => request<T>('DELETE', path),
};

/**
 * A multipart POST of files (field `file`): the JSON client does not fit, but the session, the
 * language and the errors work the same way.
 */
export async function postFiles<T>(path: string, files: File[]): Promise<T> {
  const body = new FormData();
  for (const f of files) body.append('file', f, f.name);
  let res: Response;
  try {
    res = await fetch(path, { method: 'POST', body, credentials: 'same-origin', headers: { accept: 'application/json', 'accept-language': hooks.language() } });
  } catch {
    throw new ApiError(0, 'NETWORK', hooks.networkMessage());
  }
  const json = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string; fields?: Record<string, string> } } | null;
  if (!res.ok) {
    const err = new ApiError(res.status, json?.error?.code ?? `HTTP_${res.status}`, json?.error?.message ?? hooks.networkMessage(), json?.error?.fields ?? {});
    if (res.status === 401) hooks.onSessionEnded(err);
    throw err;
  }
  return json as T;
}

/** A random key for Idempotency-Key (crypto.randomUUID needs a secure context; plain-http sites exist). */
export function newIdempotencyKey(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}
