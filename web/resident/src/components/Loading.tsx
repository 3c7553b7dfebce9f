import { Button, DotLoading, Empty, ErrorBlock } from 'antd-mobile';
import { ApiError } from '../lib/api';
import { usePrefs } from '../lib/prefs';

/**
 * What a page shows while its data loads, or when it could not: a refusal the server explained (no
 * home in the registry, not found …) in its own words; otherwise (no network, a server fault) a retry.
 */
export function Loading({ error, retry }: { error: Error | null; retry: () => void }) {
  const { t } = usePrefs();
  if (!error) return <div className="center" aria-label={t('loading')}><DotLoading /></div>;
  if (error instanceof ApiError && error.status < 500) return <Empty description={error.message} />;
  return <ErrorBlock status="disconnected" title={t('networkError')} description={<Button onClick={retry}>{t('retry')}</Button>} />;
}
