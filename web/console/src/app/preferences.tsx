import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { App as AntApp, ConfigProvider, theme as antdTheme } from 'antd';
import { ANTD_LOCALES, currentLanguage, switchLanguage, type Language } from '../i18n';

export type ThemeMode = 'light' | 'dark';
export type TextSize = 'normal' | 'large';

interface Preferences {
  language: Language;
  theme: ThemeMode;
  textSize: TextSize;
  setLanguage(l: Language): void;
  setTheme(t: ThemeMode): void;
  setTextSize(s: TextSize): void;
}

const Ctx = createContext<Preferences | null>(null);
export const STORAGE = { language: 'linli.language', theme: 'linli.theme', textSize: 'linli.textSize' } as const;

function stored<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
  const v = localStorage.getItem(key);
  return v && (allowed as readonly string[]).includes(v) ? (v as T) : fallback;
}

export const initialTheme = (): ThemeMode =>
  stored<ThemeMode>(STORAGE.theme, ['light', 'dark'], window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light');

// Many community staff are in their fifties: the default text is a step larger than antd's 14 px,
// and "large" goes one more step.
const FONT_SIZE: Record<TextSize, number> = { normal: 15, large: 17 };
const FONTS: Record<Language, string> = {
  'zh-CN': '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", sans-serif',
  'zh-TW': '"PingFang TC", "Microsoft JhengHei", "Noto Sans CJK TC", "Noto Sans TC", "Source Han Sans TC", sans-serif',
  en: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans CJK SC", sans-serif',
};

/** Language, light/dark and text size: remembered in this browser, applied to antd, dayjs and i18next. */
export function PreferencesProvider({ children }: { children: ReactNode }) {
  const [language, setLang] = useState<Language>(currentLanguage());
  const [theme, setThemeState] = useState<ThemeMode>(initialTheme);
  const [textSize, setSize] = useState<TextSize>(() => stored<TextSize>(STORAGE.textSize, ['normal', 'large'], 'normal'));

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    document.documentElement.style.colorScheme = theme;
  }, [theme]);

  const value = useMemo<Preferences>(
    () => ({
      language,
      theme,
      textSize,
      setLanguage(l) {
        localStorage.setItem(STORAGE.language, l);
        void switchLanguage(l).then(() => setLang(l));
      },
      setTheme(t) {
        localStorage.setItem(STORAGE.theme, t);
        setThemeState(t);
      },
      setTextSize(s) {
        localStorage.setItem(STORAGE.textSize, s);
        setSize(s);
      },
    }),
    [language, theme, textSize],
  );

  return (
    <Ctx.Provider value={value}>
      <ConfigProvider
        locale={ANTD_LOCALES[language]}
        theme={{
          algorithm: theme === 'dark' ? antdTheme.darkAlgorithm : antdTheme.defaultAlgorithm,
          token: { fontSize: FONT_SIZE[textSize], fontFamily: FONTS[language], colorPrimary: '#1d5fbf', borderRadius: 6 },
          components: { Layout: { headerHeight: 60 }, Table: { cellPaddingBlock: 12 } },
        }}
      >
        <AntApp>{children}</AntApp>
      </ConfigProvider>
    </Ctx.Provider>
  );
}

export function usePreferences(): Preferences {
  const p = useContext(Ctx);
  if (!p) throw new Error('usePreferences outside PreferencesProvider');
  return p;
}
