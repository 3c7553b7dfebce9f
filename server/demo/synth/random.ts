/**
 * Seeded pseudo-random numbers for the synthetic city.
 *
 * sfc32 (Chris Doty-Humphrey's "small fast chaotic" generator) passes PractRand, has a 128-bit state
 * and runs on plain 32-bit integer operations, which V8 keeps unboxed: it is several times faster
 * than anything built on BigInt or crypto. It is NOT cryptographically secure; it only has to make
 * believable data, reproducibly.
 */

/** 128-bit string hash (cyrb128) used to seed generators from human-readable seeds and labels. */
export function hashString(text: string): [number, number, number, number] {
  let h1 = 1779033703, h2 = 3144134277, h3 = 1013904242, h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/** A 32-bit integer mix (murmur3 finaliser): cheap stateless hashing of numbers. */
export function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** Items with precomputed cumulative weights, for draws by binary search in O(log n). */
export class WeightedTable<T> {
  readonly items: readonly T[];
  readonly cumulative: Float64Array;
  readonly total: number;
  constructor(items: readonly T[], weights: readonly number[]) {
    if (items.length === 0 || items.length !== weights.length) throw new Error('WeightedTable: items and weights must be non-empty and of equal length');
    this.items = items;
    this.cumulative = new Float64Array(weights.length);
    let sum = 0;
    for (let i = 0; i < weights.length; i++) {
      if (!(weights[i] >= 0)) throw new Error(`WeightedTable: weight ${i} is negative or not a number`);
      sum += weights[i];
      this.cumulative[i] = sum;
    }
    if (sum <= 0) throw new Error('WeightedTable: weights sum to zero');
    this.total = sum;
  }
}

/** Build a table once for a hot path; draw from it with `rng.draw(table)`. */
export function weightedTable<T>(items: readonly T[], weights: readonly number[]): WeightedTable<T>;
export function weightedTable<T>(pairs: readonly (readonly [T, number])[]): WeightedTable<T>;
export function weightedTable<T>(a: readonly T[] | readonly (readonly [T, number])[], b?: readonly number[]): WeightedTable<T> {
  if (b) return new WeightedTable(a as readonly T[], b);
  const pairs = a as readonly (readonly [T, number])[];
  return new WeightedTable(pairs.map((p) => p[0]), pairs.map((p) => p[1]));
}

// `weighted(items, weights)` caches its table per weights array, so callers passing constant arrays
// get the precomputed cumulative weights without managing tables themselves.
const tableCache = new WeakMap<readonly number[], WeightedTable<unknown>>();

export class Rng {
  /** The seed text this stream was derived from; forks derive from it, not from the current state. */
  readonly seed: string;
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: string | number) {
    this.seed = String(seed);
    [this.a, this.b, this.c, this.d] = hashString(this.seed);
    // Discard the first outputs: sfc32 needs a few rounds to diffuse a seed.
    for (let i = 0; i < 12; i++) this.next();
  }

  /** Uniform unsigned 32-bit integer. */
  next(): number {
    const a = this.a, b = this.b, c = this.c, d = this.d;
    const t = (((a + b) | 0) + d) | 0;
    this.d = (d + 1) | 0;
    this.a = b ^ (b >>> 9);
    this.b = (c + (c << 3)) | 0;
    this.c = (((c << 21) | (c >>> 11)) + t) | 0;
    return t >>> 0;
  }

  /**
   * An independent stream named by `label`. It depends only on this stream's seed and the label,
   * never on how many numbers were drawn before, so one part of the city (say, the residents) can
   * change its consumption without moving anything in another part (say, the grid polygons).
   */
  fork(label: string | number): Rng {
    return new Rng(`${this.seed}/${label}`);
  }

  /** Uniform float in [min, max); [0, 1) without arguments. */
  float(min = 0, max = 1): number {
    return min + (this.next() / 4294967296) * (max - min);
  }

  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor((this.next() / 4294967296) * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p * 4294967296;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty array');
    return items[Math.floor((this.next() / 4294967296) * items.length)];
  }

  /** Normal deviate (Box–Muller; no cached spare, so every call consumes exactly two draws). */
  normal(mean = 0, sd = 1): number {
    const u = 1 - this.next() / 4294967296; // (0, 1]: log(0) would be -Infinity
    const v = this.next() / 4294967296;
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Normal deviate clamped to [min, max]. */
  normalIn(mean: number, sd: number, min: number, max: number): number {
    const x = this.normal(mean, sd);
    return x < min ? min : x > max ? max : x;
  }

  /** Draw from a weighted set. The cumulative table is cached per `weights` array instance. */
  weighted<T>(items: readonly T[], weights: readonly number[]): T {
    let table = tableCache.get(weights) as WeightedTable<T> | undefined;
    if (!table || table.items !== items) {
      table = new WeightedTable(items, weights);
      tableCache.set(weights, table as WeightedTable<unknown>);
    }
    return this.draw(table);
  }

  /** Draw from a precomputed table. */
  draw<T>(table: WeightedTable<T>): T {
    return table.items[this.drawIndex(table)];
  }

  drawIndex(table: WeightedTable<unknown>): number {
    const x = (this.next() / 4294967296) * table.total;
    const cum = table.cumulative;
    let lo = 0, hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cum[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** Fisher–Yates shuffle of a copy. */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor((this.next() / 4294967296) * (i + 1));
      const t = out[i];
      out[i] = out[j];
      out[j] = t;
    }
    return out;
  }
}

export function createRng(seed: string | number): Rng {
  return new Rng(seed);
}
