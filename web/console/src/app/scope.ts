import type { TFunction } from 'i18next';
import type { Me } from '../api/types';

/**
 * Where the user acts, in words: "历下区 · 解放路街道 · 甸柳南社区" for a region (the city is left
 * out below city level: everyone works in the same city), "全部辖区" for the platform, and for a
 * department or a company "本单位承办事项" with the place it sits in.
 */
export function scopeText(me: Me, t: TFunction): string {
  const names = me.scopePath.map((p) => p.name);
  const place = names.length > 1 ? names.slice(1).join(' · ') : (names[0] ?? '');
  if (me.scope.kind === 'all') return t('scope.all');
  if (me.scope.kind === 'org') return place ? t('scope.orgIn', { place }) : t('scope.org');
  return place;
}
