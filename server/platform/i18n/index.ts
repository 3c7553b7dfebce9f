import * as OpenCC from 'opencc-js';
import { platformMessages } from './messages.ts';

/**
 * Server-side messages in the three languages Linli speaks. Each module registers its own
 * catalog (zh-CN and en written by hand; zh-TW converted from zh-CN with OpenCC's Taiwan phrase
 * table, with hand-written overrides where the wording differs, not just the script).
 */
export const LANGS = ['zh-CN', 'zh-TW', 'en'] as const;
export type Lang = (typeof LANGS)[number];
export type MessageKey = string;

export interface Catalog {
  'zh-CN': Record<string, string>;
  en: Record<string, string>;
  'zh-TW'?: Record<string, string>;
}

// The Simplified-to-Taiwan converter holds about 40 MB of dictionaries (measured: heap 7 -> 47 MB)
// and is needed only while modules register their catalogs at start; held weakly, it is collected after.
let converter: WeakRef<(text: string) => string> | null = null;
function toTraditional(text: string): string {
  const held = converter?.deref();
  if (held) return held(text);
  const convert: (text: string) => string = OpenCC.Converter({ from: 'cn', to: 'twp' });
  converter = new WeakRef(convert);
  return convert(text);
}
const catalogs: Record<Lang, Map<string, string>> = { 'zh-CN': new Map(), 'zh-TW': new Map(), en: new Map() };

export function registerMessages(catalog: Catalog) {
  for (const [key, text] of Object.entries(catalog['zh-CN'])) {
    catalogs['zh-CN'].set(key, text);
    catalogs['zh-TW'].set(key, catalog['zh-TW']?.[key] ?? toTraditional(text));
  }
  for (const [key, text] of Object.entries(catalog.en)) catalogs.en.set(key, text);
}

export function catalogKeys(lang: Lang): string[] {
  return [...catalogs[lang].keys()];
}

registerMessages(platformMessages);

/** Picks the caller's language from Accept-Language; Simplified Chinese when nothing matches. */
export function pickLang(acceptLanguage: string | undefined | null): Lang {
  if (!acceptLanguage) return 'zh-CN';
  const prefs = acceptLanguage
    .split(',')
    .map((part) => {
      const [tag, ...rest] = part.trim().split(';');
      const q = rest.find((r) => r.trim().startsWith('q='));
      return { tag: tag.trim().toLowerCase(), q: q ? Number(q.trim().slice(2)) || 0 : 1 };
    })
    .filter((p) => p.tag)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of prefs) {
    if (tag === 'zh-tw' || tag === 'zh-hk' || tag === 'zh-mo' || tag.startsWith('zh-hant')) return 'zh-TW';
    if (tag.startsWith('zh')) return 'zh-CN';
    if (tag.startsWith('en')) return 'en';
  }
  return 'zh-CN';
}

export function t(lang: Lang, key: MessageKey, params: Record<string, string | number> = {}): string {
  const text = catalogs[lang].get(key) ?? catalogs['zh-CN'].get(key) ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name: string) => (params[name] !== undefined ? String(params[name]) : `{${name}}`));
}

/** The same text in all three languages (stored on records shown to people of any language). */
export function tAll(key: MessageKey, params: Record<string, string | number> = {}): Record<Lang, string> {
  return { 'zh-CN': t('zh-CN', key, params), 'zh-TW': t('zh-TW', key, params), en: t('en', key, params) };
}
