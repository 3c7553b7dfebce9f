import type { MessageKey } from './i18n/index.ts';

/**
 * Every failure a client sees is an AppError: a stable code, an HTTP status, a message key
 * (translated per request into zh-CN, zh-TW or en) and, for bad input, one message per field.
 * The error handler turns it into {"error":{"code","message","fields"?}}.
 */
export type FieldErrors = Record<string, { key: MessageKey; params?: Record<string, string | number> } | string>;

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly key: MessageKey,
    readonly params: Record<string, string | number> = {},
    readonly fields?: FieldErrors,
    readonly headers?: Record<string, string>,
  ) {
    super(code);
  }
}

export const badRequest = (fields: FieldErrors, key: MessageKey = 'error.validation') =>
  new AppError(400, 'VALIDATION_FAILED', key, {}, fields);
export const invalid = (field: string, key: MessageKey, params?: Record<string, string | number>) =>
  badRequest({ [field]: { key, params } });
export const unauthorized = (key: MessageKey = 'error.unauthorized') => new AppError(401, 'UNAUTHORIZED', key);
export const forbidden = (key: MessageKey = 'error.forbidden') => new AppError(403, 'FORBIDDEN', key);
/** Also the answer for things outside the caller's scope: they must not learn that it exists. */
export const notFound = (key: MessageKey = 'error.not_found') => new AppError(404, 'NOT_FOUND', key);
export const conflict = (code: string, key: MessageKey, params?: Record<string, string | number>) =>
  new AppError(409, code, key, params);
export const unprocessable = (code: string, key: MessageKey, params?: Record<string, string | number>) =>
  new AppError(422, code, key, params);
export const tooManyRequests = (retryAfterSeconds: number, key: MessageKey = 'error.rate_limited') =>
  new AppError(429, 'RATE_LIMITED', key, { seconds: retryAfterSeconds }, undefined, { 'retry-after': String(retryAfterSeconds) });
export const serviceUnavailable = (retryAfterSeconds = 5, key: MessageKey = 'error.unavailable') =>
  new AppError(503, 'SERVICE_UNAVAILABLE', key, {}, undefined, { 'retry-after': String(retryAfterSeconds) });
