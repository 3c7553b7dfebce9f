import type { RegionLevel } from '../../../db/schema.ts';

/**
 * Division codes. City to community use the 12-digit statistical division code (2 province, 2 city,
 * 2 county/district, 3 street/township, 3 community/village); a grid adds a 3-digit serial to its
 * community's code, giving the unified 15-digit grid number (6-digit district + 3-digit street +
 * 3-digit community + 3-digit serial), serials numbered west to east, north to south.
 */
export const CHILD_LEVEL: Record<RegionLevel, RegionLevel | null> = { city: 'district', district: 'street', street: 'community', community: 'grid', grid: null };

export type CodeProblem = 'format' | 'parent_prefix' | 'zero_serial';

export function checkChildCode(parent: { level: RegionLevel; code: string }, code: string): CodeProblem | null {
  const level = CHILD_LEVEL[parent.level];
  if (!level) return 'format';
  if (level === 'grid') {
    if (!/^\d{15}$/.test(code)) return 'format';
    if (code.slice(0, 12) !== parent.code) return 'parent_prefix';
    return code.slice(12) === '000' ? 'zero_serial' : null;
  }
  if (!/^\d{12}$/.test(code)) return 'format';
  // [prefix kept from the parent, the child's own digits, trailing zeros]
  const [keep, own] = level === 'district' ? [4, 2] : level === 'street' ? [6, 3] : [9, 3];
  if (code.slice(0, keep) !== parent.code.slice(0, keep)) return 'parent_prefix';
  if (/^0+$/.test(code.slice(keep, keep + own))) return 'zero_serial';
  if (!/^0*$/.test(code.slice(keep + own))) return 'format';
  return null;
}

/** The next free grid number in a community: its code and the lowest serial not yet used. */
export function nextGridCode(communityCode: string, usedCodes: string[]): string | null {
  const used = new Set(usedCodes.map((c) => Number(c.slice(12))));
  for (let s = 1; s <= 999; s++) if (!used.has(s)) return communityCode + String(s).padStart(3, '0');
  return null;
}
