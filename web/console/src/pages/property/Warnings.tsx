import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { App, Button, Form, Input, Modal, Progress, Tag, Tooltip } from 'antd';
import { SyncOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { api } from '../../api/client';
import type { WarningRow } from '../../api/property';
import { usePermission } from '../../app/session';
import { PageLayout } from '../../components/PageLayout';
import { TablePage, listSource, type TableColumn } from '../../components/TablePage';
import { useSubmit } from '../../components/forms';

/** 风险预警: compounds whose risk crossed the threshold, with the signals that caused it. */
export default function Warnings() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const canAct = usePermission('property.warning');
  const [reloadKey, setReloadKey] = useState(0);
  const [running, setRunning] = useState(false);
  const [acking, setAcking] = useState<WarningRow | null>(null);
  const source = useMemo(
    () => listSource<WarningRow, { open?: string }>((f) => api.get<WarningRow[]>('/api/property/warnings', { open: f.open === undefined ? undefined : f.open === 'open' })),
    [],
  );
  const runNow = async () => {
    setRunning(true);
    try {
      const r = await api.post<{ compounds: number; warnings: number; created: number }>('/api/property/warnings/run', {});
      message.success(t('prop.warn.ran', r));
      setReloadKey((k) => k + 1);
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setRunning(false);
    }
  };
  const signalText = (s: WarningRow['signals'][number]) => Object.entries(s.facts).map(([k, v]) => `${t(`prop.warn.fact.${k}`, { defaultValue: k })} ${v}`).join('，');
  const columns: TableColumn<WarningRow>[] = [
    { key: 'risk', title: t('prop.warn.risk'), value: (r) => r.risk, render: (r) => <Progress percent={Math.min(100, r.risk)} format={() => r.risk} size="small" status={r.risk >= 60 ? 'exception' : 'normal'} style={{ width: 120 }} /> },
    { key: 'compound', title: t('prop.score.compound'), value: (r) => r.compound_name },
    { key: 'company', title: t('prop.company.name'), value: (r) => r.company_name },
    {
      key: 'signals',
      title: t('prop.warn.signals'),
      value: (r) => r.signals.map((s) => t(`prop.warn.signal.${s.code}`)).join('、'),
      render: (r) => r.signals.map((s) => (
        <Tooltip key={s.code} title={signalText(s)}>
          <Tag color="volcano">{t(`prop.warn.signal.${s.code}`)} +{s.points}</Tag>
        </Tooltip>
      )),
    },
    { key: 'since', title: t('prop.warn.since'), value: (r) => dayjs(r.created_at).format('YYYY-MM-DD HH:mm') },
    { key: 'state', title: t('common.status'), value: (r) => (r.acknowledged_at ? t('prop.warn.acknowledged') : t('prop.warn.open')), render: (r) => (r.acknowledged_at ? <Tooltip title={r.note}><Tag color="green">{t('prop.warn.acknowledged')}</Tag></Tooltip> : <Tag color="red">{t('prop.warn.open')}</Tag>) },
    { key: 'act', title: t('common.actions'), render: (r) => (canAct && !r.acknowledged_at ? <Button size="small" onClick={() => setAcking(r)}>{t('prop.warn.acknowledge')}</Button> : null) },
  ];
  return (
    <PageLayout description={t('prop.warn.description')} actions={canAct && <Button icon={<SyncOutlined />} loading={running} onClick={() => void runNow()}>{t('prop.warn.run')}</Button>}>
      <TablePage<WarningRow>
        id="property-warnings"
        columns={columns}
        source={source}
        rowKey={(r) => r.id}
        exportName={t('prop.screen.warnings')}
        reloadKey={reloadKey}
        initialFilters={{ open: 'open' }}
        filters={[{ name: 'open', label: t('common.status'), type: 'select', width: 140, options: [{ value: 'open', label: t('prop.warn.open') }, { value: 'done', label: t('prop.warn.acknowledged') }] }]}
      />
      {acking && <AckModal warning={acking} onClose={(changed) => { setAcking(null); if (changed) setReloadKey((k) => k + 1); }} />}
    </PageLayout>
  );
}

function AckModal({ warning, onClose }: { warning: WarningRow; onClose: (changed: boolean) => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ note: string }>();
  const { submitting, run } = useSubmit(form, async (v) => {
    await api.post(`/api/property/warnings/${warning.id}/acknowledge`, v);
    onClose(true);
  });
  return (
    <Modal open title={`${t('prop.warn.acknowledge')} · ${warning.compound_name}`} onOk={() => void run()} okButtonProps={{ loading: submitting }} onCancel={() => onClose(false)} destroyOnHidden>
      <Form form={form} layout="vertical">
        <Form.Item name="note" label={t('prop.warn.note')} extra={t('prop.warn.noteHint')} rules={[{ required: true, message: t('common.required') }]}>
          <Input.TextArea rows={4} maxLength={1000} showCount />
        </Form.Item>
      </Form>
    </Modal>
  );
}
