/** Errors of the database layer that the HTTP layer turns into 503 with Retry-After. */
export interface SqlError extends Error {
  code?: string;
  detail?: string;
  constraint?: string;
  table?: string;
  column?: string;
}

export class DatabaseUnavailableError extends Error {
  readonly code = 'DB_UNAVAILABLE';
}

export class StatementTimeoutError extends Error {
  readonly code = '57014';
  constructor(ms: number) {
    super(`statement timed out after ${ms} ms`);
  }
}

const UNAVAILABLE_SQLSTATES = new Set(['57014', '57P01', '57P02', '57P03', '53300', '08000', '08001', '08003', '08006']);
const UNAVAILABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'DB_UNAVAILABLE']);

/** True when the failure is the database being down, overloaded or too slow, not a bad query. */
export function isDatabaseUnavailable(e: unknown): boolean {
  if (e instanceof DatabaseUnavailableError || e instanceof StatementTimeoutError) return true;
  const err = e as { code?: string; message?: string } | null;
  if (!err) return false;
  if (err.code && (UNAVAILABLE_SQLSTATES.has(err.code) || UNAVAILABLE_NODE_CODES.has(err.code))) return true;
  const msg = err.message ?? '';
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(msg);
}

export function isUniqueViolation(e: unknown, constraint?: string): boolean {
  const err = e as SqlError | null;
  return !!err && err.code === '23505' && (!constraint || err.constraint === constraint);
}

/** SQLSTATE class 22 (data exception): a value out of range or of the wrong form for its column. */
export function isDataException(e: unknown): boolean {
  const code = (e as SqlError | null)?.code;
  return typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code);
}
