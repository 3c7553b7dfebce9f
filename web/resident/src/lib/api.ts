/**
 * The resident page's calls: JSON over fetch with the session cookie and the page's language. A
 * failure is an ApiError (the server's code, translated message and field errors), or a NetworkError
 * when the server was not reached at all — the one case where a report is kept for later.
 */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly fields: Record<string, string> = {}) {
    super(message);
  }
}
export class NetworkError extends Error {}

/** What to tell the resident about a failed action: the server's word for the first wrong field, or its message; else `fallback` (no network). */
export const errorText = (e: unknown, fallback: string) => (e instanceof ApiError ? Object.values(e.fields)[0] ?? e.message : fallback);

let language = 'zh-CN';
let onSignedOut: () => void = () => {};
export function configureApi(o: { language?: string; onSignedOut?: () => void }) {
  if (o.language) language = o.language;
  if (o.onSignedOut) onSignedOut = o.onSignedOut;
}

export async function call<T>(method: string, path: string, opts: { body?: unknown; form?: FormData; idempotencyKey?: string } = {}): Promise<T> {
  const headers: Record<string, string> = { 'accept-language': language };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.idempotencyKey) headers['idempotency-key'] = opts.idempotencyKey;
  let res: Response;
  try {
    res = await fetch(path, { method, headers, credentials: 'same-origin', body: opts.form ?? (opts.body !== undefined ? JSON.stringify(opts.body) : undefined) });
  } catch {
    throw new NetworkError('offline');
  }
  if (res.status === 204) return undefined as T;
  const data = await res.json().catch(() => null);
  if (!res.ok) {
    // a proxy's or gateway's page instead of the server's answer: the server was not reached
    if (!data?.error) throw new NetworkError(String(res.status));
    if (res.status === 401 && path !== '/api/auth/resident/login') onSignedOut();
    throw new ApiError(res.status, data.error.code, data.error.message, data.error.fields);
  }
  return data as T;
}

export const api = {
  get: <T>(path: string) => call<T>('GET', path),
  post: <T>(path: string, body?: unknown, idempotencyKey?: string) => call<T>('POST', path, { body: body ?? {}, idempotencyKey }),
  put: <T>(path: string, body: unknown) => call<T>('PUT', path, { body }),
};

export interface MyCase { id: string; caseNo: string; status: string; statusText: string; title: string; reportedAt: string; updatedAt: string }
export interface MyCaseDetail extends MyCase {
  description: string; categoryName: string; address: string | null;
  attachments: { id: string; kind: string; mime: string }[];
  timeline: { at: string; type: string; text: string; note: string | null }[];
  evaluation: { resolved: boolean | null; satisfaction: string; comment: string | null } | null;
  canEvaluate: boolean; canReopen: boolean;
}
export interface Home { compoundId: string; compoundName: string; buildingId: string | null; buildingNumber: string | null; communityName: string; verified: boolean }
export type Names = Record<'zh-CN' | 'zh-TW' | 'en', string>;
export interface Category { code: string; name: Names; children: { code: string; name: Names }[] }
