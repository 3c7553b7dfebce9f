/** Mainland mobile numbers (11 digits from 13x to 19x) and landlines with an area code. */
export function normalizePhone(raw: string): string {
  let p = raw.replace(/[\s()-]/g, '');
  if (p.startsWith('+86')) p = p.slice(3);
  else if (p.startsWith('0086')) p = p.slice(4);
  return p;
}

export function isMobile(normalized: string): boolean {
  return /^1[3-9]\d{9}$/.test(normalized);
}

export function isLandline(normalized: string): boolean {
  return /^0\d{2,3}\d{7,8}$/.test(normalized);
}

export function parsePhone(raw: string, allowLandline = false): string | null {
  const p = normalizePhone(raw);
  if (isMobile(p)) return p;
  if (allowLandline && isLandline(p)) return p;
  return null;
}
