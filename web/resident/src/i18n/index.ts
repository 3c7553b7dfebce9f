import { zhCN, type Catalog } from './zh-CN';

/**
 * The page's texts. Simplified Chinese is built in (most users); the other two are loaded when chosen,
 * so the first load carries one catalog.
 */
export type Lang = 'zh-CN' | 'zh-TW' | 'en';
export const LANGS: { code: Lang; label: string }[] = [
  { code: 'zh-CN', label: '简体中文' },
  { code: 'zh-TW', label: '繁體中文' },
  { code: 'en', label: 'English' },
];

export async function loadCatalog(lang: Lang): Promise<Catalog> {
  if (lang === 'zh-TW') return (await import('./zh-TW')).zhTW;
  if (lang === 'en') return (await import('./en')).en;
  return zhCN;
}

/** The browser's language, mapped onto the three. */
export function guessLang(): Lang {
  const l = (navigator.language || 'zh-CN').toLowerCase();
  if (l.startsWith('en')) return 'en';
  if (l === 'zh-tw' || l === 'zh-hk' || l === 'zh-mo' || l.startsWith('zh-hant')) return 'zh-TW';
  return 'zh-CN';
}

type Leaves<T, P extends string = ''> = { [K in keyof T & string]: T[K] extends string ? `${P}${K}` : Leaves<T[K], `${P}${K}.`> }[keyof T & string];
export type Key = Leaves<Catalog>;

export function translate(catalog: Catalog, key: Key | string, params: Record<string, string | number> = {}): string {
  const text = key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], catalog);
  if (typeof text !== 'string') return key;
  return text.replace(/\{\{(\w+)\}\}/g, (_, p: string) => String(params[p] ?? ''));
}

export type { Catalog };
