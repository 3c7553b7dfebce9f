/**
 * Mainland resident identity numbers (公民身份号码, GB 11643-1999):
 * 6-digit address code + YYYYMMDD + 3-digit sequence (odd = male, even = female) + ISO 7064 MOD 11-2 check.
 */
import { civilFromDays, compactDate, daysFromCivil } from './dates.ts';
import { mix32 } from './random.ts';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';

/** Check character for the first 17 digits. */
export function idCheckChar(body17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (body17.charCodeAt(i) - 48) * WEIGHTS[i];
  return CHECK_CHARS[sum % 11];
}

export function makeIdNumber(regionCode: string, birthCompact: string, sequence: number): string {
  const seq = sequence < 10 ? '00' + sequence : sequence < 100 ? '0' + sequence : String(sequence);
  const body = regionCode + birthCompact + seq;
  return body + idCheckChar(body);
}

export interface ParsedIdNumber {
  regionCode: string;
  birthDate: string; // YYYY-MM-DD
  gender: 'male' | 'female';
  sequence: number;
}

/** Parses a well-formed, checksum-valid number with a real calendar birth date; null otherwise. */
export function parseIdNumber(id: string): ParsedIdNumber | null {
  if (!/^\d{17}[\dX]$/.test(id)) return null;
  if (idCheckChar(id.slice(0, 17)) !== id[17]) return null;
  const y = Number(id.slice(6, 10)), m = Number(id.slice(10, 12)), d = Number(id.slice(12, 14));
  if (y < 1850 || m < 1 || m > 12 || d < 1) return null;
  const back = civilFromDays(daysFromCivil(y, m, d));
  if (back[1] !== m || back[2] !== d) return null;
  const sequence = Number(id.slice(14, 17));
  return {
    regionCode: id.slice(0, 6),
    birthDate: `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`,
    gender: sequence % 2 === 1 ? 'male' : 'female',
    sequence,
  };
}

export function isValidIdNumber(id: string): boolean {
  return parseIdNumber(id) !== null;
}

// 499 sequence slots per (region, birth date, gender): odd 001–997 for men, even 002–998 for women.
const SLOTS = 499;
const STEP = 211; // coprime to 499 (a prime), so k -> k*STEP+offset visits every slot once

/**
 * Hands out city-wide unique ID numbers. Per (region code, birth day, gender) it keeps one counter in
 * a typed array, so memory is bounded by regions × days (about 160 KB per region code used) and does
 * not grow with the number of people. Sequences are scattered by a seeded permutation so they do not
 * all start at 001. When a (region, day, gender) is full the birth day moves one day later; the
 * caller must use the returned day as the person's birth date.
 */
export class IdNumberAllocator {
  private readonly regionIndex = new Map<string, number>();
  private readonly counters: Uint16Array[] = [];
  private readonly salt: number;

  constructor(
    private readonly minDay: number,
    private readonly maxDay: number,
    salt = 0,
  ) {
    this.salt = salt >>> 0;
  }

  allocate(regionCode: string, day: number, gender: 'male' | 'female'): { idNumber: string; day: number } {
    let idx = this.regionIndex.get(regionCode);
    if (idx === undefined) {
      idx = this.counters.length;
      this.regionIndex.set(regionCode, idx);
      this.counters.push(new Uint16Array((this.maxDay - this.minDay + 1) * 2));
    }
    const counts = this.counters[idx];
    const g = gender === 'male' ? 1 : 0;
    let d = Math.min(Math.max(day, this.minDay), this.maxDay);
    for (let tries = 0; ; tries++) {
      const slot = (d - this.minDay) * 2 + g;
      const k = counts[slot];
      if (k < SLOTS) {
        counts[slot] = k + 1;
        const offset = mix32(this.salt ^ Math.imul(idx + 1, 0x9e3779b1) ^ Math.imul(d, 0x85ebca6b) ^ g) % SLOTS;
        const j = (k * STEP + offset) % SLOTS;
        return { idNumber: makeIdNumber(regionCode, compactDate(d), g ? 2 * j + 1 : 2 * j + 2), day: d };
      }
      if (tries > this.maxDay - this.minDay) throw new Error(`ID numbers exhausted for region ${regionCode}`);
      d = d >= this.maxDay ? this.minDay : d + 1;
    }
  }
}
