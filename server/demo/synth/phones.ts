/** Mainland mobile numbers: 11 digits, a carrier prefix of three digits and an eight-digit subscriber part. */
import { mix32, type Rng, WeightedTable } from './random.ts';

// Prefixes in use, weighted roughly by how many subscribers hold them (13x and 18x are the old,
// crowded blocks; 17x and 19x are newer). 154 was never issued, 174 is satellite, 190/192 are sparse.
const PREFIX_WEIGHTS: [string, number][] = [
  ['130', 4], ['131', 4], ['132', 4], ['133', 4], ['134', 4], ['135', 6], ['136', 5], ['137', 5], ['138', 6], ['139', 6],
  ['150', 4], ['151', 4], ['152', 4], ['153', 3], ['155', 3], ['156', 3], ['157', 3], ['158', 4], ['159', 4],
  ['170', 1], ['171', 1], ['173', 1.5], ['175', 1.5], ['176', 2], ['177', 1.5], ['178', 2],
  ['180', 2.5], ['181', 2.5], ['182', 3], ['183', 3], ['184', 1.5], ['185', 3], ['186', 3.5], ['187', 3.5], ['188', 3], ['189', 3],
  ['191', 1], ['193', 1], ['195', 1], ['198', 1.5], ['199', 1.5],
];

const PREFIXES = new WeightedTable(PREFIX_WEIGHTS.map((p) => p[0]), PREFIX_WEIGHTS.map((p) => p[1]));

/** Numbers the generator never hands out because the demo or tests use them for fixed accounts. */
export const RESERVED_PHONES: ReadonlySet<string> = new Set(['13800138000', '13900139000', '18800188000']);

const MOBILE = /^1(3\d|4[5-9]|5[0-35-9]|6[2567]|7[0-35-8]|8\d|9[0-35-9])\d{8}$/;

export function isValidMobile(phone: string): boolean {
  return MOBILE.test(phone);
}

/**
 * City-wide unique numbers without remembering them: each prefix has a counter, and the counter is
 * passed through a seeded 4-round Feistel permutation of 0..99,999,999 (two halves of 0..9,999), which
 * is a bijection, so distinct counters give distinct numbers that still look random. Memory is one
 * counter per prefix, whatever the city size.
 */
export class PhoneAllocator {
  private readonly counters = new Map<string, number>();
  private readonly keys: number[];

  constructor(salt: number) {
    this.keys = [0, 1, 2, 3].map((i) => mix32((salt >>> 0) ^ Math.imul(i + 1, 0x9e3779b1)));
  }

  next(rng: Rng): string {
    const prefix = rng.draw(PREFIXES);
    for (;;) {
      const n = this.counters.get(prefix) ?? 0;
      if (n >= 100_000_000) throw new Error(`phone numbers exhausted for prefix ${prefix}`);
      this.counters.set(prefix, n + 1);
      const phone = prefix + this.permute(n, Number(prefix));
      if (!RESERVED_PHONES.has(phone)) return phone;
    }
  }

  /** `tweak` (the prefix) varies the permutation so equal counters under different prefixes do not share a suffix. */
  private permute(n: number, tweak: number): string {
    let l = Math.floor(n / 10000), r = n % 10000;
    for (const k of this.keys) {
      const t = (l + (mix32(r ^ k ^ Math.imul(tweak, 0x27d4eb2f)) % 10000)) % 10000;
      l = r;
      r = t;
    }
    const v = l * 10000 + r;
    return String(v).padStart(8, '0');
  }
}
