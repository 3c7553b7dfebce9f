import { beforeEach, describe, expect, it, vi } from 'vitest';

// The system's CSPRNG replaced by a counter: each 4-byte word it writes is the next number, so a
// byte handed out twice, or handed out of order, shows as a word that does not increase.
const system = vi.hoisted(() => ({ next: 0, fills: 0 }));
vi.mock('node:crypto', async (importOriginal) => ({
  ...(await importOriginal<typeof import('node:crypto')>()),
  randomFillSync: (buf: Buffer) => {
    system.fills++;
    for (let i = 0; i + 4 <= buf.length; i += 4) buf.writeUInt32LE(system.next++, i);
    return buf;
  },
}));
const { randomBytes } = await import('./random.ts');

const words = (b: Buffer) => Array.from({ length: b.length / 4 }, (_, i) => b.readUInt32LE(i * 4));

describe('pooled random bytes', () => {
  beforeEach(() => {
    // start each test on a fresh pool: draw what is left of the current one
    for (let i = 0; randomBytes(4).readUInt32LE(0) !== system.next - 1; i++) if (i > 1024) throw new Error('the pool never ran out');
  });

  it('hand out every byte at most once and in order, across many refills of the pool', () => {
    const fillsBefore = system.fills;
    let last = -1;
    for (let i = 0; i < 5_000; i++) {
      // 12-byte draws (an IV) leave a 4-byte tail in each 4 KB pool, which a refill throws away
      for (const w of words(randomBytes(12))) {
        expect(w).toBeGreaterThan(last);
        last = w;
      }
    }
    // 341 draws a pool: one system call per 4 KB, not one per draw
    expect(system.fills - fillsBefore).toBe(Math.ceil(5_000 / 341));
  });

  it('hand out copies: what the caller holds does not change when the pool is refilled', () => {
    const first = randomBytes(16);
    const kept = Buffer.from(first);
    for (let i = 0; i < 1_000; i++) randomBytes(16);
    expect(first.equals(kept)).toBe(true);
  });

  it('serve a request larger than the pool from the system directly, in full, without spending the pool', () => {
    const before = randomBytes(8);
    const big = randomBytes(10_000);
    expect(big).toHaveLength(10_000);
    // not the counter: node's own randomBytes
    expect(words(big.subarray(0, 8))).not.toEqual([words(before)[1] + 1, words(before)[1] + 2]);
    expect(words(randomBytes(4))[0]).toBe(words(before)[1] + 1);
  });
});
