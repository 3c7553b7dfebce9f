import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SeenIds } from './seen.ts';

// shaped like PiiCrypto.blindIndex: 32 base64url characters of an HMAC
const index = (i: number) => createHmac('sha256', 'k').update(String(i)).digest('base64url').slice(0, 32);

describe('SeenIds', () => {
  it('names the first row of a repeated index, through many growths, and never confuses two indexes', () => {
    const seen = new SeenIds();
    const n = 20_000;
    for (let i = 0; i < n; i++) expect(seen.firstRow(index(i), i)).toBeUndefined();
    expect(seen.count).toBe(n);
    for (let i = 0; i < n; i += 7) expect(seen.firstRow(index(i), n + i)).toBe(i);
    expect(seen.count).toBe(n);
    expect(seen.firstRow(index(n), 0)).toBeUndefined();
    // row 0 is a row like any other, not an empty slot
    expect(seen.firstRow(index(n), 5)).toBe(0);
  });

  it('refuses what is not a blind index', () => {
    expect(() => new SeenIds().firstRow('short', 1)).toThrow();
  });
});
