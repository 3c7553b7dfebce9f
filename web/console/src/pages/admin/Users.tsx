import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { App, Button, Checkbox, Form, Input, Modal, Popconfirm, Select, Space, Tag } from 'antd';
import { api } from '../../api/client';
import type { Me, Org, Role, User } from '../../api/types';
import { CreateButton, PageLayout } from '../../components/PageLayout';
import { TablePage, listSource, type TableColumn } from '../../components/TablePage';
import { OnceSecretModal, type Secret } from '../../components/OnceSecret';
import { useSubmit } from '../../components/forms';
import { useAsync } from '../../components/useAsync';
import { useMe } from '../../app/session';
import { roleLabel, sortRoles } from '../../i18n/labels';

interface Filters extends Record<string, unknown> {
  q?: string;
  orgId?: string;
}

interface UserValues {
  username: string;
  displayName: string;
  orgId: string;
  roles: string[];
  password?: string;
}

/** Roles an administrator may hand out: the server refuses any with a permission they lack themselves. */
function grantable(me: Me, role: Role): boolean {
  return me.scope.kind === 'all' || role.permissions.every((p) => me.permissions.includes(p));
}

function statusTags(u: User, t: (k: string) => string) {
  const tags = [];
  if (!u.active) tags.push(<Tag key="off">{t('users.disabled')}</Tag>);
  else if (u.lockedUntil && new Date(u.lockedUntil) > new Date()) tags.push(<Tag key="locked" color="red">{t('users.locked')}</Tag>);
  else tags.push(<Tag key="on" color="green">{t('common.active')}</Tag>);
  if (u.mustChangePassword) tags.push(<Tag key="pw" color="orange">{t('users.mustChange')}</Tag>);
  return tags;
}

export default function Users() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const me = useMe();
  const orgs = useAsync(() => api.get<Org[]>('/api/orgs'), []);
  const roles = useAsync(async () => sortRoles(await api.get<Role[]>('/api/roles')), []);
  const roleByCode = useMemo(() => new Map((roles.data ?? []).map((r) => [r.code, r])), [roles.data]);
  // roles one may not grant stay visible, greyed out, so a held one is not silently lost
  const roleOptions = useMemo(() => (roles.data ?? []).map((r) => ({ value: r.code, label: roleLabel(r.code, r), disabled: !grantable(me, r) })), [me, roles.data]);
  const orgOptions = useMemo(() => (orgs.data ?? []).map((o) => ({ value: o.id, label: o.name })), [orgs.data]);
  const [reloadKey, setReloadKey] = useState(0);
  const reloadTable = () => setReloadKey((k) => k + 1);
  const [editing, setEditing] = useState<User | 'new' | null>(null);
  const [secret, setSecret] = useState<Secret | null>(null);
  const showTemporary = (username: string, password: string) =>
    setSecret({ title: t('users.temporaryTitle', { username }), label: t('users.temporaryPassword'), value: password, hint: t('users.temporaryHint') });
  const [form] = Form.useForm<UserValues>();

  const source = useMemo(() => listSource<User, Filters>((f) => api.get<User[]>('/api/users', { q: f.q?.trim(), orgId: f.orgId })), []);

  const { submitting, run } = useSubmit(form, async (v) => {
    if (editing === 'new') {
      const r = await api.post<{ id: string; temporaryPassword: string | null }>('/api/users', {
        username: v.username.trim(),
        displayName: v.displayName.trim(),
        orgId: v.orgId,
        roles: v.roles ?? [],
        ...(v.password ? { password: v.password } : {}),
      });
      if (r.temporaryPassword) showTemporary(v.username.trim(), r.temporaryPassword);
      else message.success(t('users.created', { name: v.displayName.trim() }));
    } else if (editing) {
      await api.patch(`/api/users/${editing.id}`, { displayName: v.displayName.trim(), roles: v.roles ?? [] });
      message.success(t('users.saved', { name: v.displayName.trim() }));
    }
    setEditing(null);
    reloadTable();
  });

  const setActive = async (u: User, active: boolean) => {
    try {
      await api.patch(`/api/users/${u.id}`, { active });
      message.success(t(active ? 'users.enabledDone' : 'users.disabledDone', { name: u.displayName }));
      reloadTable();
    } catch (e) {
      message.error((e as Error).message);
    }
  };

  const resetPassword = async (u: User) => {
    try {
      const r = await api.post<{ temporaryPassword: string }>(`/api/users/${u.id}/reset-password`);
      showTemporary(u.username, r.temporaryPassword);
      reloadTable();
    } catch (e) {
      message.error((e as Error).message);
    }
  };

  const columns: TableColumn<User>[] = [
    { key: 'username', title: t('users.username'), value: (u) => u.username },
    { key: 'displayName', title: t('users.displayName'), value: (u) => u.displayName },
    { key: 'org', title: t('users.org'), value: (u) => u.orgName },
    {
      key: 'roles',
      title: t('users.roles'),
      value: (u) => u.roles.map((r) => roleLabel(r, roleByCode.get(r))).join('、'),
      render: (u) => (
        <Space size={[4, 4]} wrap>
          {u.roles.map((r) => (
            <Tag color="blue" key={r}>
              {roleLabel(r, roleByCode.get(r))}
            </Tag>
          ))}
        </Space>
      ),
    },
    {
      key: 'status',
      title: t('common.status'),
      value: (u) => (u.active ? t('common.active') : t('users.disabled')),
      render: (u) => <Space size={4}>{statusTags(u, t)}</Space>,
    },
    { key: 'createdAt', title: t('users.createdAt'), value: (u) => new Date(u.createdAt), hidden: true },
    {
      key: 'actions',
      title: t('common.actions'),
      fixed: 'right',
      render: (u) => (
        <Space size={0} wrap>
          <Button
            type="link"
            onClick={() => {
              form.resetFields();
              form.setFieldsValue({ username: u.username, displayName: u.displayName, orgId: u.orgId, roles: u.roles });
              setEditing(u);
            }}
          >
            {t('common.edit')}
          </Button>
          <Popconfirm title={t('users.resetConfirm', { name: u.displayName })} description={t('users.resetConfirmText')} onConfirm={() => resetPassword(u)} okText={t('common.confirm')} cancelText={t('common.cancel')}>
            <Button type="link">{t('users.resetPassword')}</Button>
          </Popconfirm>
          {u.id !== me.id && (
            <Popconfirm
              title={t(u.active ? 'users.disableConfirm' : 'users.enableConfirm', { name: u.displayName })}
              onConfirm={() => setActive(u, !u.active)}
              okText={t('common.confirm')}
              cancelText={t('common.cancel')}
            >
              <Button type="link" danger={u.active}>
                {t(u.active ? 'users.disable' : 'users.enable')}
              </Button>
            </Popconfirm>
          )}
        </Space>
      ),
    },
  ];

  return (
    <PageLayout
      description={t('users.description')}
      actions={
        <CreateButton
          label={t('users.create')}
          onClick={() => {
            form.resetFields();
            setEditing('new');
          }}
        />
      }
    >
      <TablePage<User, Filters>
        id="users"
        columns={columns}
        filters={[
          { name: 'q', label: t('users.search'), type: 'text', placeholder: t('users.searchHint') },
          { name: 'orgId', label: t('users.org'), type: 'select', options: orgOptions, width: 260 },
        ]}
        source={source}
        rowKey={(u) => u.id}
        exportName={t('screen.users')}
        reloadKey={reloadKey}
      />
      <Modal
        open={editing !== null}
        title={editing === 'new' ? t('users.create') : t('users.edit')}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        confirmLoading={submitting}
        onOk={() => void run()}
        onCancel={() => setEditing(null)}
        width={640}
        forceRender
      >
        <Form form={form} layout="vertical">
          <Form.Item name="username" label={t('users.username')} extra={editing === 'new' ? t('users.usernameHint') : undefined} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
            <Input disabled={editing !== 'new'} maxLength={64} autoComplete="off" />
          </Form.Item>
          <Form.Item name="displayName" label={t('users.displayName')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
            <Input maxLength={64} />
          </Form.Item>
          <Form.Item name="orgId" label={t('users.org')} rules={[{ required: true, message: t('common.required') }]}>
            <Select disabled={editing !== 'new'} showSearch={{ optionFilterProp: 'label' }} options={orgOptions} placeholder={t('common.choose')} />
          </Form.Item>
          <Form.Item name="roles" label={t('users.roles')}>
            <Checkbox.Group options={roleOptions} className="role-checkboxes" />
          </Form.Item>
          {editing === 'new' && (
            <Form.Item name="password" label={t('users.initialPassword')} extra={t('users.initialPasswordHint')}>
              <Input.Password autoComplete="new-password" />
            </Form.Item>
          )}
        </Form>
      </Modal>
      <OnceSecretModal secret={secret} onClose={() => setSecret(null)} />
    </PageLayout>
  );
}
