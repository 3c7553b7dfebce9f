import { Button, DotLoading, ErrorBlock } from 'antd-mobile';
import { usePrefs } from '../lib/prefs';

/** What a page shows while its data loads, or when it could not. */
export function Loading({ error, retry }: { error: string | null; retry: () => void }) {
  const { t } = usePrefs();
  if (!error) return <div className="center" aria-label={t('loading')}><DotLoading /></div>;
  return <ErrorBlock status="disconnected" title={t('networkError')} description={<Button onClick={retry}>{t('retry')}</Button>} />;
}
