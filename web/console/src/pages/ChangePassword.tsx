import { useEffect } from 'react';
import { useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { Alert, App, Button, Card, Flex, Form, Input, Typography } from 'antd';
import { api } from '../api/client';
import { useMe, useSession } from '../app/session';
import { useSubmit } from '../components/forms';

interface Values {
  currentPassword: string;
  newPassword: string;
  confirm: string;
}

/**
 * Changing one's own password: required after an administrator's reset (the API refuses everything
 * else until then), or chosen from the user menu. Other sessions of the account end.
 */
export default function ChangePassword() {
  const { t } = useTranslation();
  const me = useMe();
  const { reload, signOut } = useSession();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const forced = me.mustChangePassword;
  const { submitting, run } = useSubmit(form, async (v) => {
    await api.post('/api/auth/password', { currentPassword: v.currentPassword, newPassword: v.newPassword });
    await reload();
    message.success(t('password.changed'));
    navigate('/', { replace: true });
  });

  useEffect(() => {
    document.title = `${t('password.title')} · ${t('app.name')}`;
  }, [t]);

  return (
    <div className="login-page">
      <Card className="login-card password-card">
        <Typography.Title level={3}>{t('password.title')}</Typography.Title>
        {forced && <Alert type="warning" showIcon title={t('password.forced')} className="login-alert" data-testid="password-forced" />}
        <Typography.Paragraph type="secondary">{t('password.rules')}</Typography.Paragraph>
        <Form form={form} layout="vertical" size="large" requiredMark={false} onFinish={() => void run()}>
          <Form.Item name="currentPassword" label={t(forced ? 'password.temporary' : 'password.current')} rules={[{ required: true, message: t('common.required') }]}>
            <Input.Password autoComplete="current-password" autoFocus />
          </Form.Item>
          <Form.Item name="newPassword" label={t('password.new')} rules={[{ required: true, message: t('common.required') }, { min: 10, message: t('password.tooShort') }]}>
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Form.Item
            name="confirm"
            label={t('password.confirm')}
            dependencies={['newPassword']}
            rules={[
              { required: true, message: t('common.required') },
              ({ getFieldValue }) => ({
                validator: (_, v) => (!v || v === getFieldValue('newPassword') ? Promise.resolve() : Promise.reject(new Error(t('password.mismatch')))),
              }),
            ]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Flex gap={12}>
            <Button type="primary" htmlType="submit" loading={submitting} block>
              {t('password.submit')}
            </Button>
            {forced ? (
              <Button block onClick={() => void signOut()}>
                {t('shell.logout')}
              </Button>
            ) : (
              <Button block onClick={() => navigate(-1)}>
                {t('common.cancel')}
              </Button>
            )}
          </Flex>
        </Form>
      </Card>
    </div>
  );
}
