/**
 * Mainland resident ID numbers (居民身份证号码), GB 11643-1999: 6-digit region code, 8-digit birth
 * date, 3-digit sequence (odd for men, even for women) and an ISO 7064 MOD 11-2 check character.
 */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';
// first two digits: provinces, autonomous regions and municipalities (71 Taiwan, 81/82 HK/Macau, 83 residence permits)
const PROVINCES = new Set(['11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37',
  '41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65', '71', '81', '82', '83']);

export type IdNumberProblem = 'format' | 'region' | 'birth_date' | 'checksum';

export interface IdNumberInfo {
  normalized: string;
  regionCode: string;
  birthDate: string; // YYYY-MM-DD
  gender: 'male' | 'female';
}

export function idCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i];
  return CHECK_CHARS[sum % 11];
}

export function normalizeIdNumber(raw: string): string {
  return raw.replace(/[\s-]/g, '').toUpperCase();
}

export function parseIdNumber(raw: string, today: Date = new Date()): { ok: true; info: IdNumberInfo } | { ok: false; problem: IdNumberProblem } {
  const id = normalizeIdNumber(raw);
  if (!/^\d{17}[\dX]$/.test(id)) return { ok: false, problem: 'format' };
  if (!PROVINCES.has(id.slice(0, 2))) return { ok: false, problem: 'region' };
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const birth = new Date(Date.UTC(y, m - 1, d));
  if (y < 1890 || birth.getUTCFullYear() !== y || birth.getUTCMonth() !== m - 1 || birth.getUTCDate() !== d || birth.getTime() > today.getTime()) {
    return { ok: false, problem: 'birth_date' };
  }
  if (idCheckChar(id.slice(0, 17)) !== id[17]) return { ok: false, problem: 'checksum' };
  return {
    ok: true,
    info: {
      normalized: id,
      regionCode: id.slice(0, 6),
      birthDate: `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`,
      gender: Number(id[16]) % 2 === 1 ? 'male' : 'female',
    },
  };
}

export const idProblemMessage: Record<IdNumberProblem, string> = {
  format: 'pii.id_number_format',
  region: 'pii.id_number_region',
  birth_date: 'pii.id_number_birth_date',
  checksum: 'pii.id_number_checksum',
};
