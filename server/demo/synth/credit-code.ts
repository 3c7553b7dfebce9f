/**
 * Unified social credit codes (统一社会信用代码, GB 32100-2015): 18 characters =
 * registration authority (1) + organisation type (1) + 6-digit division code + 9-character
 * organisation code (GB 11714, with its own check character) + check character.
 */
import type { Rng } from './random.ts';

const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY'; // 31 characters: no I O Z S V
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

export function creditCheckChar(body17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = CHARSET.indexOf(body17[i]);
    if (v < 0) throw new Error(`invalid credit code character ${body17[i]}`);
    sum += v * USCC_WEIGHTS[i];
  }
  return CHARSET[(31 - (sum % 31)) % 31];
}

/** GB 11714 check character for an 8-character organisation code body (digits and capital letters). */
export function orgCodeCheckChar(body8: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const ch = body8.charCodeAt(i);
    const v = ch <= 57 ? ch - 48 : ch - 55; // '0'-'9' -> 0-9, 'A'-'Z' -> 10-35
    sum += v * ORG_WEIGHTS[i];
  }
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

export function isValidCreditCode(code: string): boolean {
  if (!/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/.test(code)) return false;
  if (orgCodeCheckChar(code.slice(8, 16)) !== code[16]) return false;
  return creditCheckChar(code.slice(0, 17)) === code[17];
}

/**
 * A random valid code. `prefix` is authority + type: '11' government organ, '91' enterprise,
 * '54' residents' committee (registered with civil affairs). `modern` gives the "MA…" organisation
 * codes issued to enterprises registered since the 2015 reform.
 */
export function randomCreditCode(rng: Rng, prefix: string, region6: string, modern = false): string {
  let body = modern ? 'MA' : prefix === '54' ? 'ME' : '';
  const letters = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  while (body.length < 8) body += modern || prefix === '54' ? letters[rng.int(0, 30)] : String(rng.int(0, 9));
  const org = body + orgCodeCheckChar(body);
  const head = prefix + region6 + org;
  return head + creditCheckChar(head);
}
