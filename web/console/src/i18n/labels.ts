import { i18next } from './index';

/**
 * Readable names for codes the server sends (permissions, roles, organisation kinds, audit actions …).
 * A code the catalogs do not know yet — a permission added by a newer module, a role an administrator
 * created — is shown as given rather than hidden.
 */
function labelOr(key: string, fallback: string): string {
  return i18next.exists(key) ? i18next.t(key) : fallback;
}

export const permissionLabel = (code: string) => labelOr(`perm.${code}`, code);
export const orgKindLabel = (kind: string) => labelOr(`orgKind.${kind}`, kind);
export const deptTypeLabel = (type: string) => labelOr(`deptType.${type}`, type);
export const levelLabel = (level: string) => labelOr(`level.${level}`, level);
export const auditActionLabel = (action: string) => labelOr(`auditAction.${action}`, action);
export const entityTypeLabel = (type: string) => labelOr(`entity.${type}`, type);
export const chainReasonLabel = (reason: string) => labelOr(`chainReason.${reason}`, reason);
export const tokenKindLabel = (kind: string) => labelOr(`tokenKind.${kind}`, kind);

export function roleLabel(code: string, role?: { nameZh: string; nameEn: string }): string {
  const fallback = role ? (i18next.language === 'en' ? role.nameEn : role.nameZh) : code;
  return labelOr(`role.${code}`, fallback);
}

/** The permission code's first part names its area ("admin", "audit", "case" …). */
export const permissionGroupLabel = (code: string) => {
  const area = code.split('.')[0];
  return labelOr(`permGroup.${area}`, area);
};

/** Built-in roles from the platform down to the grid, then the organisation-bound ones. */
const ROLE_ORDER = ['platform_admin', 'district_admin', 'district_staff', 'street_admin', 'street_staff', 'community_admin', 'community_staff', 'grid_worker', 'dept_handler', 'property_staff', 'command_viewer'];

/** Roles in that order; roles an administrator added come after, by code. */
export function sortRoles<R extends { code: string }>(roles: R[]): R[] {
  const rank = (c: string) => (ROLE_ORDER.includes(c) ? ROLE_ORDER.indexOf(c) : ROLE_ORDER.length);
  return [...roles].sort((a, b) => rank(a.code) - rank(b.code) || a.code.localeCompare(b.code));
}
