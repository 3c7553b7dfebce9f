import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { ConfigProvider } from 'antd-mobile';
import zhCNLocale from 'antd-mobile/es/locales/zh-CN';
import { guessLang, loadCatalog, translate, type Catalog, type Key, type Lang } from '../i18n';
import { configureApi } from './api';

type AntdLocale = typeof zhCNLocale;
const antdLocale = async (lang: Lang): Promise<AntdLocale> => {
  if (lang === 'en') return (await import('antd-mobile/es/locales/en-US')).default;
  if (lang === 'zh-TW') return (await import('antd-mobile/es/locales/zh-TW')).default;
  return zhCNLocale;
};

interface Prefs {
  lang: Lang;
  setLang(l: Lang): void;
  /** 长辈模式: large text, high contrast, the simple home screen */
  elder: boolean;
  setElder(on: boolean): void;
  t(key: Key, params?: Record<string, string | number>): string;
}
const PrefsContext = createContext<Prefs | null>(null);
export const usePrefs = () => useContext(PrefsContext)!;

const stored = <T extends string>(name: string, fallback: T): T | string => localStorage.getItem(`linli.m.${name}`) ?? fallback;

/** Language and elderly mode, remembered on the phone. */
export function PrefsProvider({ initial, children }: { initial: { catalog: Catalog; locale: AntdLocale; lang: Lang }; children: ReactNode }) {
  const [state, setState] = useState(initial);
  const [elder, setElderState] = useState(stored('elder', 'off') === 'on');

  useEffect(() => {
    document.documentElement.classList.toggle('elder', elder);
  }, [elder]);

  const setLang = useCallback(async (lang: Lang) => {
    const [catalog, locale] = await Promise.all([loadCatalog(lang), antdLocale(lang)]);
    localStorage.setItem('linli.m.lang', lang);
    applyLang(lang, catalog);
    setState({ catalog, locale, lang });
  }, []);
  const setElder = useCallback((on: boolean) => {
    localStorage.setItem('linli.m.elder', on ? 'on' : 'off');
    setElderState(on);
  }, []);
  const t = useCallback((key: Key, params?: Record<string, string | number>) => translate(state.catalog, key, params), [state.catalog]);

  return (
    <PrefsContext.Provider value={{ lang: state.lang, setLang, elder, setElder, t }}>
      <ConfigProvider locale={state.locale}>{children}</ConfigProvider>
    </PrefsContext.Provider>
  );
}

function applyLang(lang: Lang, catalog: Catalog) {
  document.documentElement.lang = lang;
  document.title = catalog.appName;
  configureApi({ language: lang });
}

export async function initialPrefs() {
  const lang = stored('lang', guessLang()) as Lang;
  const [catalog, locale] = await Promise.all([loadCatalog(lang), antdLocale(lang)]);
  applyLang(lang, catalog);
  document.documentElement.classList.toggle('elder', stored('elder', 'off') === 'on');
  return { catalog, locale, lang };
}
