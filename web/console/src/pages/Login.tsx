import { useEffect, useState } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { Alert, Button, Card, Dropdown, Form, Input, Typography } from 'antd';
import { GlobalOutlined, LockOutlined, UserOutlined } from '@ant-design/icons';
import { ApiError } from '../api/client';
import { safeNext, useSession } from '../app/session';
import { usePreferences } from '../app/preferences';
import { LANGUAGES, LANGUAGE_NAMES } from '../i18n';

/** The sign-in problem in the user's words: wrong password, locked (for how long), disabled. */
function problemText(e: ApiError, t: (k: string, o?: Record<string, unknown>) => string): string {
  if (e.code === 'ACCOUNT_LOCKED') return t('login.locked', { minutes: Math.max(1, Math.ceil((e.retryAfter ?? 900) / 60)) });
  if (e.status === 401) return t('login.wrong');
  return e.message;
}

export default function Login() {
  const { t } = useTranslation();
  const session = useSession();
  const navigate = useNavigate();
  const prefs = usePreferences();
  const [params] = useSearchParams();
  const [submitting, setSubmitting] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const expired = params.get('reason') === 'expired';
  const next = safeNext(params.get('next'));

  useEffect(() => {
    document.title = `${t('login.title')} · ${t('app.name')}`;
  }, [t]);

  if (session.state.status === 'signedIn' && !submitting) return <Navigate to={session.state.me.mustChangePassword ? '/password' : next} replace />;

  const submit = async (v: { username: string; password: string }) => {
    setSubmitting(true);
    setProblem(null);
    try {
      const me = await session.signIn(v.username.trim(), v.password);
      navigate(me.mustChangePassword ? '/password' : next, { replace: true });
    } catch (e) {
      setProblem(e instanceof ApiError ? problemText(e, t) : String(e));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <div className="login-page">
      <div className="login-language">
        <Dropdown menu={{ items: LANGUAGES.map((l) => ({ key: l, label: LANGUAGE_NAMES[l], onClick: () => prefs.setLanguage(l) })) }} trigger={['click']}>
          <Button type="text" size="large" icon={<GlobalOutlined />} data-testid="language-switch">
            {LANGUAGE_NAMES[prefs.language]}
          </Button>
        </Dropdown>
      </div>
      <Card className="login-card">
        <div className="login-brand">
          <span className="brand-mark brand-mark-large">{t('app.mark')}</span>
          <Typography.Title level={2} className="login-title">
            {t('app.name')}
          </Typography.Title>
          <Typography.Text type="secondary" className="login-subtitle">{t('app.fullName')}</Typography.Text>
        </div>
        {expired && !problem && <Alert type="info" showIcon title={t('login.expired')} className="login-alert" data-testid="login-notice" />}
        {problem && <Alert type="error" showIcon title={problem} className="login-alert" data-testid="login-error" />}
        <Form layout="vertical" size="large" onFinish={submit} requiredMark={false}>
          <Form.Item name="username" label={t('login.username')} rules={[{ required: true, whitespace: true, message: t('login.usernameRequired') }]}>
            <Input prefix={<UserOutlined />} autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item name="password" label={t('login.password')} rules={[{ required: true, message: t('login.passwordRequired') }]}>
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={submitting} className="login-submit">
            {t('login.submit')}
          </Button>
        </Form>
        <Typography.Paragraph type="secondary" className="login-help">
          {t('login.help')}
        </Typography.Paragraph>
      </Card>
    </div>
  );
}
