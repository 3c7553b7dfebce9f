import type { PiiCrypto } from '../../../platform/pii/crypto.ts';
import type { PoliticalStatus, Relation } from '../tables.ts';
import { flatKey, normalizeText, parseFlatAddress } from '../normalize.ts';

/** Blind-index purposes. "phone" is shared with resident sign-in accounts so staff can link the two. */
export const ID_PURPOSE = 'id_number';
export const PHONE_PURPOSE = 'phone';

export const RELATIONS: readonly Relation[] = ['head', 'spouse', 'child', 'parent', 'grandchild', 'sibling', 'tenant', 'other'];
export const POLITICAL_STATUSES: readonly PoliticalStatus[] = ['party_member', 'probationary_party_member', 'league_member', 'democratic_party', 'masses'];

/** The 56 recognised ethnic groups (民族), plus the two census categories for others. */
export const ETHNICITIES = [
  '汉族', '蒙古族', '回族', '藏族', '维吾尔族', '苗族', '彝族', '壮族', '布依族', '朝鲜族', '满族', '侗族', '瑶族', '白族', '土家族',
  '哈尼族', '哈萨克族', '傣族', '黎族', '傈僳族', '佤族', '畲族', '高山族', '拉祜族', '水族', '东乡族', '纳西族', '景颇族', '柯尔克孜族',
  '土族', '达斡尔族', '仫佬族', '羌族', '布朗族', '撒拉族', '毛南族', '仡佬族', '锡伯族', '阿昌族', '普米族', '塔吉克族', '怒族',
  '乌孜别克族', '俄罗斯族', '鄂温克族', '德昂族', '保安族', '裕固族', '京族', '塔塔尔族', '独龙族', '鄂伦春族', '赫哲族', '门巴族',
  '珞巴族', '基诺族', '其他', '外国血统中国籍人士',
] as const;

/** "汉" and "汉族" are both written; the stored form always carries 族 (except the two categories). */
export function normalizeEthnicity(raw: string): string | null {
  const s = raw.trim();
  if ((ETHNICITIES as readonly string[]).includes(s)) return s;
  const withSuffix = `${s}族`;
  return (ETHNICITIES as readonly string[]).includes(withSuffix) ? withSuffix : null;
}

export interface ProtectedId {
  id_enc: string;
  id_hash: string;
  id_tail: string;
}

export interface ProtectedPhone {
  phone_enc: string | null;
  phone_hash: string | null;
  phone_tail: string | null;
}

/** What is stored of an ID number: ciphertext, keyed index for exact lookup, last four for masked search. */
/** `hash`: the blind index when the caller has it already (an import computes it to find duplicates). */
export function protectIdNumber(pii: PiiCrypto, normalized: string, hash = pii.blindIndex(ID_PURPOSE, normalized)): ProtectedId {
  return { id_enc: pii.encrypt(normalized), id_hash: hash, id_tail: normalized.slice(-4) };
}

export function protectPhone(pii: PiiCrypto, phone: string | null): ProtectedPhone {
  if (!phone) return { phone_enc: null, phone_hash: null, phone_tail: null };
  return { phone_enc: pii.encrypt(phone), phone_hash: pii.blindIndex(PHONE_PURPOSE, phone), phone_tail: phone.slice(-4) };
}

/** The flat a resident lives in, as far as 人户分离 needs it. */
export interface Dwelling {
  compoundName: string | null;
  buildingKey: string;
  unit: string;
  room: string;
}

/**
 * 人户分离: the person does not live where they are registered. Decided from the registered address:
 * it must name the same flat (building, unit, room) and, when the flat is in a compound, the
 * compound. Unknown (null) for someone not housed.
 */
export function deriveSeparated(registeredAddress: string | null, dwelling: Dwelling | null): boolean | null {
  if (!dwelling) return null;
  if (!registeredAddress) return true;
  const flat = parseFlatAddress(registeredAddress);
  if (!flat) return true;
  if (flatKey(flat) !== flatKey({ building: dwelling.buildingKey, unit: dwelling.unit, room: dwelling.room })) return true;
  return dwelling.compoundName ? !flat.prefix.includes(normalizeText(dwelling.compoundName)) : false;
}

/** Age in whole years on a day (YYYY-MM-DD strings). */
export function ageOn(birthDate: string, today: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number);
  const [ty, tm, td] = today.split('-').map(Number);
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}

/** The business day (YYYY-MM-DD) of an instant in the configured time zone. */
export function dayIn(timeZone: string, at: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}
