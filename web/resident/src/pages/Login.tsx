import { useEffect, useState } from 'react';
import { Button, Form, Input, Toast } from 'antd-mobile';
import { api, ApiError } from '../lib/api';
import { usePrefs } from '../lib/prefs';

const PHONE = /^1[3-9]\d{9}$/;

/** Phone number + one-time code (the server sends it by SMS; in development it is written to the log). */
export function Login({ onSignedIn }: { onSignedIn: (accountId: string) => void }) {
  const { t } = usePrefs();
  const [form] = Form.useForm();
  const [wait, setWait] = useState(0);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (wait <= 0) return;
    const timer = setTimeout(() => setWait(wait - 1), 1000);
    return () => clearTimeout(timer);
  }, [wait]);

  const fail = (e: unknown) => {
    if (e instanceof ApiError) {
      form.setFields(Object.entries(e.fields).map(([name, msg]) => ({ name, errors: [msg] })));
      if (!Object.keys(e.fields).length) Toast.show({ content: e.message });
    } else Toast.show({ content: t('networkError') });
  };

  const sendCode = async () => {
    const phone = String(form.getFieldValue('phone') ?? '').trim();
    if (!PHONE.test(phone)) {
      form.setFields([{ name: 'phone', errors: [t('login.badPhone')] }]);
      return;
    }
    try {
      const r = await api.post<{ resendIn: number }>('/api/auth/resident/code', { phone });
      setWait(r.resendIn);
      Toast.show({ content: t('login.sent') });
    } catch (e) {
      fail(e);
    }
  };

  const submit = async (v: { phone: string; code: string }) => {
    setBusy(true);
    try {
      const r = await api.post<{ resident: { id: string; phone: string } }>('/api/auth/resident/login', { phone: v.phone.trim(), code: v.code.trim() });
      localStorage.setItem('linli.m.phone', r.resident.phone);
      onSignedIn(r.resident.id);
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="login">
      <h1>{t('appName')}</h1>
      <p className="muted">{t('login.intro')}</p>
      <Form form={form} layout="vertical" onFinish={submit} footer={<Button block type="submit" color="primary" size="large" loading={busy}>{t('login.submit')}</Button>}>
        <Form.Item name="phone" label={t('login.phone')} rules={[{ required: true, pattern: PHONE, message: t('login.badPhone') }]}>
          <Input type="tel" inputMode="numeric" maxLength={11} placeholder={t('login.phonePlaceholder')} aria-label={t('login.phone')} autoComplete="tel" />
        </Form.Item>
        <Form.Item
          name="code"
          label={t('login.code')}
          rules={[{ required: true, pattern: /^\d{6}$/, message: t('login.codePlaceholder') }]}
          extra={<Button size="small" color="primary" fill="outline" disabled={wait > 0} onClick={sendCode}>{wait > 0 ? t('login.resend', { seconds: wait }) : t('login.send')}</Button>}
        >
          <Input inputMode="numeric" maxLength={6} placeholder={t('login.codePlaceholder')} aria-label={t('login.code')} autoComplete="one-time-code" />
        </Form.Item>
      </Form>
    </div>
  );
}
