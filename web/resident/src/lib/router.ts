import { useEffect, useState } from 'react';

/** The page's few addresses under /m/ (history API, so the back button works). */
const BASE = '/m';

export function navigate(path: string, replace = false) {
  const url = `${BASE}${path}`;
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  window.dispatchEvent(new Event('linli:navigate'));
  window.scrollTo(0, 0);
}

export function usePath(): string {
  const read = () => location.pathname.replace(/^\/m/, '') || '/';
  const [path, setPath] = useState(read);
  useEffect(() => {
    const update = () => setPath(read());
    window.addEventListener('popstate', update);
    window.addEventListener('linli:navigate', update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener('linli:navigate', update);
    };
  }, []);
  return path;
}
