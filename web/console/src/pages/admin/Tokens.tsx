import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { App, Button, Checkbox, Form, Input, Modal, Popconfirm, Select, Space, Tag } from 'antd';
import { api } from '../../api/client';
import { INTEGRATION_SCOPES, TOKEN_KINDS, type ApiToken } from '../../api/types';
import { CreateButton, PageLayout } from '../../components/PageLayout';
import { TablePage, listSource, type TableColumn } from '../../components/TablePage';
import { OnceSecretModal, type Secret } from '../../components/OnceSecret';
import { useSubmit } from '../../components/forms';
import { useMe } from '../../app/session';
import { permissionLabel, tokenKindLabel } from '../../i18n/labels';

interface CreateValues {
  name: string;
  kind: ApiToken['kind'];
  scopes: string[];
}

/**
 * Integration tokens for outside systems (Open311 clients, the 12345 hotline). A token acts for the
 * creator's organisation with the scopes chosen here; its secret is shown once at creation.
 */
export default function Tokens() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const me = useMe();
  const [reloadKey, setReloadKey] = useState(0);
  const [open, setOpen] = useState(false);
  const [secret, setSecret] = useState<Secret | null>(null);
  const [form] = Form.useForm<CreateValues>();
  const source = useMemo(() => listSource<ApiToken>(() => api.get<ApiToken[]>('/api/integrations/tokens')), []);
  // integration-only scopes, then any permission the creator holds (the server allows no more)
  const scopeOptions = useMemo(
    () => [...new Set<string>([...INTEGRATION_SCOPES, ...me.permissions])].map((s) => ({ value: s, label: permissionLabel(s) })),
    [me.permissions],
  );

  // no Idempotency-Key here: the server would keep the answer, and with it the secret, for replays
  const { submitting, run } = useSubmit(form, async (v) => {
    const r = await api.post<{ id: string; token: string }>('/api/integrations/tokens', { name: v.name.trim(), kind: v.kind, scopes: v.scopes });
    setOpen(false);
    setSecret({ title: t('tokens.secretTitle', { name: v.name.trim() }), label: t('tokens.secret'), value: r.token });
    setReloadKey((k) => k + 1);
  });

  const revoke = async (tok: ApiToken) => {
    try {
      await api.delete(`/api/integrations/tokens/${tok.id}`);
      message.success(t('tokens.revoked', { name: tok.name }));
      setReloadKey((k) => k + 1);
    } catch (e) {
      message.error((e as Error).message);
    }
  };

  const columns: TableColumn<ApiToken>[] = [
    { key: 'name', title: t('tokens.name'), value: (x) => x.name },
    { key: 'kind', title: t('tokens.kind'), value: (x) => tokenKindLabel(x.kind) },
    {
      key: 'scopes',
      title: t('tokens.scopes'),
      value: (x) => x.scopes.map(permissionLabel).join('、'),
      render: (x) => (
        <Space size={[4, 4]} wrap>
          {x.scopes.map((s) => (
            <Tag key={s}>{permissionLabel(s)}</Tag>
          ))}
        </Space>
      ),
    },
    { key: 'org', title: t('tokens.org'), value: (x) => x.orgName },
    { key: 'createdAt', title: t('tokens.createdAt'), value: (x) => new Date(x.createdAt) },
    { key: 'lastUsedAt', title: t('tokens.lastUsedAt'), value: (x) => (x.lastUsedAt ? new Date(x.lastUsedAt) : t('tokens.neverUsed')) },
    {
      key: 'status',
      title: t('common.status'),
      value: (x) => (x.revokedAt ? t('tokens.revokedStatus') : t('common.active')),
      render: (x) => (x.revokedAt ? <Tag>{t('tokens.revokedStatus')}</Tag> : <Tag color="green">{t('common.active')}</Tag>),
    },
    {
      key: 'actions',
      title: t('common.actions'),
      fixed: 'right',
      render: (x) =>
        !x.revokedAt && (
          <Popconfirm title={t('tokens.revokeConfirm', { name: x.name })} description={t('tokens.revokeText')} onConfirm={() => revoke(x)} okText={t('common.confirm')} cancelText={t('common.cancel')}>
            <Button type="link" danger>
              {t('tokens.revoke')}
            </Button>
          </Popconfirm>
        ),
    },
  ];

  return (
    <PageLayout
      description={t('tokens.description')}
      actions={
        <CreateButton
          label={t('tokens.create')}
          onClick={() => {
            form.resetFields();
            setOpen(true);
          }}
        />
      }
    >
      <TablePage<ApiToken> id="tokens" columns={columns} source={source} rowKey={(x) => x.id} exportName={t('screen.tokens')} reloadKey={reloadKey} />
      <Modal open={open} title={t('tokens.create')} okText={t('tokens.createOk')} cancelText={t('common.cancel')} confirmLoading={submitting} onOk={() => void run()} onCancel={() => setOpen(false)} width={640} forceRender>
        <Form form={form} layout="vertical" initialValues={{ kind: 'generic', scopes: [] }}>
          <Form.Item name="name" label={t('tokens.name')} extra={t('tokens.nameHint')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item name="kind" label={t('tokens.kind')} rules={[{ required: true, message: t('common.required') }]}>
            <Select options={TOKEN_KINDS.map((k) => ({ value: k, label: tokenKindLabel(k) }))} />
          </Form.Item>
          <Form.Item name="scopes" label={t('tokens.scopes')} rules={[{ required: true, type: 'array', min: 1, message: t('tokens.scopesRequired') }]}>
            <Checkbox.Group options={scopeOptions} className="role-checkboxes" />
          </Form.Item>
        </Form>
      </Modal>
      <OnceSecretModal secret={secret} onClose={() => setSecret(null)} />
    </PageLayout>
  );
}
