import { createRoot } from 'react-dom/client';
import { unstableSetRender } from 'antd-mobile';
import { App } from './App';
import { initialPrefs, PrefsProvider } from './lib/prefs';
import './styles.css';

// antd-mobile 5 shows toasts and dialogs through ReactDOM.render, which React 19 no longer has:
// give it React 19's root API (the documented way: mobile.ant.design/guide/v5-for-19)
unstableSetRender((node, container) => {
  const el = container as Element & { _reactRoot?: ReturnType<typeof createRoot> };
  el._reactRoot ??= createRoot(el);
  el._reactRoot.render(node);
  return async () => {
    await new Promise((r) => setTimeout(r, 0));
    el._reactRoot?.unmount();
  };
});

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
