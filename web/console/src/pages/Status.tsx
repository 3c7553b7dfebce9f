import { useTranslation } from 'react-i18next';
import { Button, Result } from 'antd';
import { useNavigate } from 'react-router';
import type { ApiError } from '../api/client';

/** A screen the user's roles do not allow (the API refuses its data too). */
export function Forbidden() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <Result
      status="403"
      title={t('status.forbiddenTitle')}
      subTitle={t('status.forbiddenText')}
      extra={<Button type="primary" size="large" onClick={() => navigate('/')}>{t('status.backHome')}</Button>}
      data-testid="forbidden"
    />
  );
}

export function NotFound() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <Result
      status="404"
      title={t('status.notFoundTitle')}
      subTitle={t('status.notFoundText')}
      extra={<Button type="primary" size="large" onClick={() => navigate('/')}>{t('status.backHome')}</Button>}
    />
  );
}

/** The server could not be reached when the console started. */
export function StartupError({ error }: { error: ApiError }) {
  const { t } = useTranslation();
  return (
    <Result
      status="warning"
      title={t('status.startupTitle')}
      subTitle={error.message}
      extra={<Button type="primary" size="large" onClick={() => window.location.reload()}>{t('common.retry')}</Button>}
    />
  );
}
