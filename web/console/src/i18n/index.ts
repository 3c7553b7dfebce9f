import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import 'dayjs/locale/zh-tw';
import 'dayjs/locale/en';
import type { Locale } from 'antd/es/locale';
import antdZhCN from 'antd/locale/zh_CN';
import antdZhTW from 'antd/locale/zh_TW';
import antdEnUS from 'antd/locale/en_US';
import zhCN from './zh-CN';
import zhTW from './zh-TW';
import en from './en';

export const LANGUAGES = ['zh-CN', 'zh-TW', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Each language's own name, shown in the language switch. */
export const LANGUAGE_NAMES: Record<Language, string> = { 'zh-CN': '简体中文', 'zh-TW': '繁體中文', en: 'English' };

export const ANTD_LOCALES: Record<Language, Locale> = { 'zh-CN': antdZhCN, 'zh-TW': antdZhTW, en: antdEnUS };
const DAYJS_LOCALES: Record<Language, string> = { 'zh-CN': 'zh-cn', 'zh-TW': 'zh-tw', en: 'en' };

/** The browser's preference mapped onto the three catalogs; Chinese (Simplified) when unsure. */
export function guessLanguage(preferred: readonly string[]): Language {
  for (const raw of preferred) {
    const l = raw.toLowerCase();
    if (/^zh-(tw|hk|mo)|^zh-hant/.test(l)) return 'zh-TW';
    if (l.startsWith('zh')) return 'zh-CN';
    if (l.startsWith('en')) return 'en';
  }
  return 'zh-CN';
}

export function initI18n(lang: Language) {
  dayjs.locale(DAYJS_LOCALES[lang]);
  document.documentElement.lang = lang;
  return i18next.use(initReactI18next).init({
    resources: { 'zh-CN': { translation: zhCN }, 'zh-TW': { translation: zhTW }, en: { translation: en } },
    lng: lang,
    fallbackLng: false,
    interpolation: { escapeValue: false },
    returnNull: false,
  });
}

export async function switchLanguage(lang: Language) {
  dayjs.locale(DAYJS_LOCALES[lang]);
  document.documentElement.lang = lang;
  await i18next.changeLanguage(lang);
}

export const currentLanguage = () => (i18next.language as Language) ?? 'zh-CN';
export { i18next };
