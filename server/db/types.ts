/**
 * One mapping from PostgreSQL types to JavaScript values for both engines, so that code and tests
 * see the same shapes on PGlite and on a PostgreSQL server: int8 and numeric as numbers (counts,
 * amounts with two decimals), dates as 'YYYY-MM-DD' text.
 */
export const typeConversions: Record<number, 'number' | 'text'> = {
  20: 'number', // int8
  1700: 'number', // numeric
  1082: 'text', // date
};

export const typeParsers: Record<number, (v: string) => unknown> = Object.fromEntries(
  Object.entries(typeConversions).map(([oid, kind]) => [oid, kind === 'number' ? (v: string) => (v === null ? null : Number(v)) : (v: string) => v]),
);
