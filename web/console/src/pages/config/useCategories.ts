import { useMemo } from 'react';
import { api } from '../../api/client';
import type { L3, TaxonomyTop } from '../../api/operations';
import { usePreferences } from '../../app/preferences';
import { useAsync } from '../../components/useAsync';

/** The case categories (inactive ones too), with names in the console's language. */
export function useCategories() {
  const { language } = usePreferences();
  const loaded = useAsync(() => api.get<TaxonomyTop[]>('/api/taxonomy', { includeInactive: true }), []);
  return useMemo(() => {
    const name = (n: L3) => n[language] || n['zh-CN'];
    const names = new Map<string, string>();
    for (const top of loaded.data ?? []) {
      names.set(top.code, name(top.name));
      for (const c of top.children) names.set(c.code, `${name(top.name)} / ${name(c.name)}`);
    }
    const options = (loaded.data ?? []).map((top) => ({
      label: name(top.name),
      options: [{ value: top.code, label: name(top.name) }, ...top.children.map((c) => ({ value: c.code, label: `${name(top.name)} / ${name(c.name)}` }))],
    }));
    return { ...loaded, name, names, options, label: (code: string) => names.get(code) ?? code };
  }, [loaded, language]);
}
