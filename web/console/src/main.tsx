import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router';
import { guessLanguage, initI18n, LANGUAGES, type Language } from './i18n';
import { PreferencesProvider, STORAGE } from './app/preferences';
import { router } from './app/router';
import './styles.css';

const saved = localStorage.getItem(STORAGE.language);
const language: Language = saved && (LANGUAGES as readonly string[]).includes(saved) ? (saved as Language) : guessLanguage(navigator.languages ?? [navigator.language]);

void initI18n(language).then(() =>
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <PreferencesProvider>
        <RouterProvider router={router} />
      </PreferencesProvider>
    </StrictMode>,
  ),
);
