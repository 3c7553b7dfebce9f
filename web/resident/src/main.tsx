import { createRoot } from 'react-dom/client';
import { App } from './App';
import { initialPrefs, PrefsProvider } from './lib/prefs';
import './styles.css';

void initialPrefs().then((initial) =>
  createRoot(document.getElementById('root')!).render(
    <PrefsProvider initial={initial}>
      <App />
    </PrefsProvider>,
  ),
);

// keeps the page on the phone so it opens (and a report can be written) without a network
if ('serviceWorker' in navigator && location.protocol !== 'file:') {
  navigator.serviceWorker.register('/m/sw.js', { scope: '/m/' }).catch(() => undefined);
}
