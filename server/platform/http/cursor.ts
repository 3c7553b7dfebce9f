import { invalid } from '../errors.ts';
import { isUuid } from '../ids.ts';

/**
 * The cursor of a list ordered by (time, id): the last row's pair, opaque to the client, so paging is
 * stable while new rows arrive.
 */
export function encodeCursor(at: Date | string, id: string): string {
  return Buffer.from(JSON.stringify([new Date(at).toISOString(), id])).toString('base64url');
}

/** The (time, id) pair of a cursor from encodeCursor; anything else is a 400 on `cursor`. */
export function decodeCursor(c: string): { at: Date; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(c, 'base64url').toString('utf8')) as [unknown, unknown];
    const d = new Date(typeof at === 'string' ? at : NaN);
    if (!Number.isNaN(d.getTime()) && isUuid(id)) return { at: d, id };
  } catch {
    // not base64url JSON: refused below
  }
  throw invalid('cursor', 'validation.invalid');
}
