/**
 * Calendar dates as integer day numbers (days since 1970-01-01, proleptic Gregorian).
 * Integer arithmetic (Howard Hinnant's civil algorithms) instead of Date objects: the resident
 * generator converts millions of dates, and Date construction plus formatting dominates otherwise.
 */

export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function civilFromDays(z: number): [number, number, number] {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

const pad2 = (n: number) => (n < 10 ? '0' + n : String(n));

/** YYYY-MM-DD */
export function isoDate(day: number): string {
  const [y, m, d] = civilFromDays(day);
  return `${y}-${pad2(m)}-${pad2(d)}`;
}

/** YYYYMMDD, as in ID numbers */
export function compactDate(day: number): string {
  const [y, m, d] = civilFromDays(day);
  return `${y}${pad2(m)}${pad2(d)}`;
}

export function parseIsoDate(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) throw new Error(`not a YYYY-MM-DD date: ${text}`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const day = daysFromCivil(y, mo, d);
  const back = civilFromDays(day);
  if (back[0] !== y || back[1] !== mo || back[2] !== d) throw new Error(`not a calendar date: ${text}`);
  return day;
}

/** The same calendar day `years` later; 29 February becomes 1 March in common years. */
export function addYears(day: number, years: number): number {
  const [y, m, d] = civilFromDays(day);
  return daysFromCivil(y + years, m, d); // daysFromCivil rolls 02-29 over into 03-01
}

/** Completed years between two days (age on `on` of someone born on `birth`). */
export function yearsBetween(birth: number, on: number): number {
  const [by, bm, bd] = civilFromDays(birth);
  const [y, m, d] = civilFromDays(on);
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}
