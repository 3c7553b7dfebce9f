import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { newId } from '../ids.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';

const refused = (c: string) => {
  try {
    decodeCursor(c);
  } catch (e) {
    return e instanceof AppError && e.status === 400;
  }
  return false;
};
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

describe('list cursors', () => {
  it('give back the (time, id) pair they were made from', () => {
    const id = newId();
    expect(decodeCursor(encodeCursor(new Date('2026-03-02T01:00:00Z'), id))).toEqual({ at: new Date('2026-03-02T01:00:00Z'), id });
    expect(decodeCursor(encodeCursor('2026-03-02T01:00:00.000Z', id)).at.toISOString()).toBe('2026-03-02T01:00:00.000Z');
  });
  it('refuse with a 400 anything else: not base64 JSON, a bad time, an id that is not a UUID', () => {
    expect(refused('nonsense')).toBe(true);
    expect(refused(b64(['not a time', newId()]))).toBe(true);
    expect(refused(b64(['2026-03-02T01:00:00Z', "x' OR 1=1"]))).toBe(true);
    expect(refused(b64({ at: '2026-03-02T01:00:00Z' }))).toBe(true);
  });
});
