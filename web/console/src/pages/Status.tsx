import { useTranslation } from 'react-i18next';
import { Button, Result } from 'antd';
import { useNavigate } from 'react-router';
import type { ApiError } from '../api/client';

/** A full-screen status with a way back to the home page. */
function BackHome({ status, title, text, testId }: { status: '403' | '404'; title: string; text: string; testId?: string }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <Result
      status={status}
      title={title}
      subTitle={text}
      extra={<Button type="primary" size="large" onClick={() => navigate('/')}>{t('status.backHome')}</Button>}
      data-testid={testId}
    />
  );
}

/** A screen the user's roles do not allow (the API refuses its data too). */
export function Forbidden() {
  const { t } = useTranslation();
  return <BackHome status="403" title={t('status.forbiddenTitle')} text={t('status.forbiddenText')} testId="forbidden" />;
}

export function NotFound() {
  const { t } = useTranslation();
  return <BackHome status="404" title={t('status.notFoundTitle')} text={t('status.notFoundText')} />;
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
