import { randomBytes } from 'node:crypto';

/** Bearer tokens carry a prefix saying what they are: lls_ a login session, llk_ an integration key. */
export const SESSION_PREFIX = 'lls_';
export const API_TOKEN_PREFIX = 'llk_';

export function newSessionToken(): string {
  return SESSION_PREFIX + randomBytes(32).toString('base64url');
}

export function newApiToken(): string {
  return API_TOKEN_PREFIX + randomBytes(32).toString('base64url');
}
