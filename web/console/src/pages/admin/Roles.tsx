import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert, App, Button, Checkbox, Flex, Table, Typography } from 'antd';
import type { TableProps } from 'antd';
import { DownloadOutlined, SaveOutlined, UndoOutlined } from '@ant-design/icons';
import { api } from '../../api/client';
import type { Role } from '../../api/types';
import { PageLayout } from '../../components/PageLayout';
import { useAsync } from '../../components/useAsync';
import { downloadXlsx } from '../../components/exportXlsx';
import { permissionGroupLabel, permissionLabel, roleLabel, sortRoles } from '../../i18n/labels';

interface Row {
  permission: string;
  /** rows of one area are merged in the first column */
  groupSpan: number;
}

/**
 * What each role may do: a matrix of roles × permissions. Ticks are collected and saved together;
 * each changed role is one PUT (and one audit record). Changes apply from the next request on.
 */
export default function Roles() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const roles = useAsync(async () => sortRoles(await api.get<Role[]>('/api/roles')), []);
  const known = useAsync(() => api.get<string[]>('/api/permissions'), []);
  const [draft, setDraft] = useState<Map<string, Set<string>>>(new Map());
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    setDraft(new Map((roles.data ?? []).map((r) => [r.code, new Set(r.permissions)])));
  }, [roles.data]);

  const permissions = useMemo(() => {
    const all = new Set([...(known.data ?? []), ...(roles.data ?? []).flatMap((r) => r.permissions)]);
    return [...all].sort();
  }, [known.data, roles.data]);
  const rows = useMemo<Row[]>(() => {
    const area = (p: string) => p.split('.')[0];
    return permissions.map((p, i) => {
      if (i > 0 && area(permissions[i - 1]) === area(p)) return { permission: p, groupSpan: 0 };
      let n = 1;
      while (i + n < permissions.length && area(permissions[i + n]) === area(p)) n++;
      return { permission: p, groupSpan: n };
    });
  }, [permissions]);

  const changed = (roles.data ?? []).filter((r) => {
    const d = draft.get(r.code);
    return d && (d.size !== r.permissions.length || r.permissions.some((p) => !d.has(p)));
  });

  const toggle = (role: string, permission: string, on: boolean) => {
    const next = new Map(draft);
    const set = new Set(next.get(role));
    if (on) set.add(permission);
    else set.delete(permission);
    next.set(role, set);
    setDraft(next);
  };

  const save = async () => {
    setSaving(true);
    try {
      for (const r of changed) await api.put(`/api/roles/${r.code}`, { permissions: [...draft.get(r.code)!].sort() });
      message.success(t('roles.saved', { count: changed.length }));
      await roles.reload();
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setSaving(false);
    }
  };

  const exportMatrix = () => {
    const list = roles.data ?? [];
    void downloadXlsx(
      t('screen.roles'),
      t('screen.roles'),
      [t('roles.area'), t('roles.permission'), t('roles.code'), ...list.map((r) => roleLabel(r.code, r))],
      permissions.map((p) => [permissionGroupLabel(p), permissionLabel(p), p, ...list.map((r) => (draft.get(r.code)?.has(p) ? '✓' : ''))]),
    );
  };

  const columns: TableProps<Row>['columns'] = [
    {
      key: 'area',
      title: t('roles.area'),
      fixed: 'left',
      width: 130,
      onCell: (row) => ({ rowSpan: row.groupSpan }),
      render: (_, row) => (
        <Typography.Text strong className="no-wrap">
          {permissionGroupLabel(row.permission)}
        </Typography.Text>
      ),
    },
    {
      key: 'permission',
      title: t('roles.permission'),
      fixed: 'left',
      width: 220,
      render: (_, row) => (
        <div>
          <div>{permissionLabel(row.permission)}</div>
          <Typography.Text type="secondary" className="code-text">
            {row.permission}
          </Typography.Text>
        </div>
      ),
    },
    ...(roles.data ?? []).map((r) => ({
      key: r.code,
      title: <span className="role-head">{roleLabel(r.code, r)}</span>,
      align: 'center' as const,
      width: 96,
      render: (_: unknown, row: Row) => (
        <Checkbox
          checked={draft.get(r.code)?.has(row.permission) ?? false}
          onChange={(e) => toggle(r.code, row.permission, e.target.checked)}
          aria-label={`${roleLabel(r.code, r)} · ${permissionLabel(row.permission)}`}
        />
      ),
    })),
  ];

  return (
    <PageLayout
      description={t('roles.description')}
      actions={
        <>
          <Button icon={<DownloadOutlined />} onClick={exportMatrix}>
            {t('table.export')}
          </Button>
          <Button icon={<UndoOutlined />} disabled={changed.length === 0 || saving} onClick={() => setDraft(new Map((roles.data ?? []).map((r) => [r.code, new Set(r.permissions)])))}>
            {t('roles.undo')}
          </Button>
          <Button type="primary" icon={<SaveOutlined />} disabled={changed.length === 0} loading={saving} onClick={() => void save()} data-testid="roles-save">
            {changed.length ? t('roles.saveCount', { count: changed.length }) : t('roles.save')}
          </Button>
        </>
      }
    >
      {(roles.error || known.error) && <Alert type="error" showIcon title={(roles.error ?? known.error)!.message} className="table-error" />}
      <Flex vertical gap={12}>
        <Alert type="info" showIcon title={t('roles.hint')} />
        <Table<Row> rowKey="permission" columns={columns} dataSource={rows} loading={roles.loading || known.loading} pagination={false} bordered scroll={{ x: 'max-content' }} size="middle" data-testid="role-matrix" />
      </Flex>
    </PageLayout>
  );
}
