import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { App, Button, Card, DatePicker, Drawer, Flex, Progress, Segmented, Statistic, Table, Typography } from 'antd';
import dayjs from 'dayjs';
import { api } from '../../api/client';
import { percent, yuan, type Collection, type Ledger } from '../../api/property';
import { usePermission } from '../../app/session';
import { PageLayout } from '../../components/PageLayout';
import { useAsync } from '../../components/useAsync';

type GroupBy = 'compound' | 'company' | 'street';
const rateBar = (rate: number | null) => (rate == null ? '—' : <Progress percent={Math.round(rate * 1000) / 10} size="small" status={rate < 0.8 ? 'exception' : 'normal'} style={{ width: 140 }} />);

/** 物业费: the collection rate per compound, company or street, and each compound's ledger by household. */
export default function Fees() {
  const { t } = useTranslation();
  const [groupBy, setGroupBy] = useState<GroupBy>('compound');
  const [range, setRange] = useState<[dayjs.Dayjs, dayjs.Dayjs]>([dayjs().subtract(2, 'month'), dayjs()]);
  const [from, to] = range.map((d) => d.format('YYYY-MM'));
  const data = useAsync(() => api.get<Collection[]>('/api/property/collection', { groupBy, from, to }), [groupBy, from, to]);
  const [ledgerOf, setLedgerOf] = useState<Collection | null>(null);
  const rows = data.data ?? [];
  const charged = rows.reduce((a, r) => a + r.chargedFen, 0);
  const collected = rows.reduce((a, r) => a + r.collectedFen, 0);

  return (
    <PageLayout
      description={t('prop.fees.description')}
      actions={
        <>
          <Segmented<GroupBy> value={groupBy} onChange={setGroupBy} options={(['compound', 'company', 'street'] as const).map((g) => ({ value: g, label: t(`prop.fees.by.${g}`) }))} />
          <DatePicker.RangePicker picker="month" value={range} allowClear={false} onChange={(v) => v && v[0] && v[1] && setRange([v[0], v[1]])} />
        </>
      }
    >
      <Flex gap={16} wrap className="section-card">
        <Card size="small"><Statistic title={t('prop.fees.charged')} value={yuan(charged)} suffix={t('prop.fees.yuan')} /></Card>
        <Card size="small"><Statistic title={t('prop.fees.collected')} value={yuan(collected)} suffix={t('prop.fees.yuan')} /></Card>
        <Card size="small"><Statistic title={t('prop.fees.rate')} value={percent(charged ? collected / charged : null)} /></Card>
      </Flex>
      <Table<Collection>
        size="middle"
        data-testid="collection-table"
        loading={data.loading}
        rowKey={(r) => r.id}
        dataSource={rows}
        pagination={false}
        locale={{ emptyText: t('prop.fees.none') }}
        columns={[
          { key: 'name', title: t(`prop.fees.by.${groupBy}`), render: (_, r) => (groupBy === 'compound' ? <a onClick={() => setLedgerOf(r)}>{r.name}</a> : r.name) },
          { key: 'charged', title: t('prop.fees.charged'), align: 'right', render: (_, r) => yuan(r.chargedFen) },
          { key: 'collected', title: t('prop.fees.collected'), align: 'right', render: (_, r) => yuan(r.collectedFen) },
          { key: 'rate', title: t('prop.fees.rate'), render: (_, r) => rateBar(r.rate), sorter: (a, b) => (a.rate ?? 0) - (b.rate ?? 0) },
        ]}
      />
      {ledgerOf && <LedgerDrawer compound={ledgerOf} from={from} to={to} onClose={() => setLedgerOf(null)} onChanged={() => void data.reload()} />}
    </PageLayout>
  );
}

function LedgerDrawer({ compound, from, to, onClose, onChanged }: { compound: Collection; from: string; to: string; onClose: () => void; onChanged: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const canCharge = usePermission('property.fees');
  const ledger = useAsync(() => api.get<Ledger>(`/api/property/compounds/${compound.id}/ledger`, { from, to }), [compound.id, from, to]);
  const [charging, setCharging] = useState(false);
  const month = dayjs().format('YYYY-MM');
  const charge = async () => {
    setCharging(true);
    try {
      const r = await api.post<{ created: number; existing: number; withoutArea: number }>(`/api/property/compounds/${compound.id}/charges`, { period: month });
      message.success(t('prop.fees.chargesMade', { ...r, period: month }));
      await ledger.reload();
      onChanged();
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setCharging(false);
    }
  };
  const l = ledger.data;
  return (
    <Drawer open width={760} title={`${t('prop.fees.ledger')} · ${compound.name}`} onClose={onClose} extra={canCharge && <Button loading={charging} onClick={() => void charge()}>{t('prop.fees.chargeMonth', { period: month })}</Button>} data-testid="ledger-drawer">
      {l && (
        <Flex gap={24} wrap style={{ marginBottom: 16 }}>
          <Statistic title={t('prop.fees.charged')} value={yuan(l.chargedFen)} />
          <Statistic title={t('prop.fees.collected')} value={yuan(l.collectedFen)} />
          <Statistic title={t('prop.fees.rate')} value={percent(l.rate)} />
          <Statistic title={t('prop.fees.arrears')} value={yuan(l.arrearsFen)} valueStyle={{ color: l.arrearsFen > 0 ? '#cf1322' : undefined }} />
        </Flex>
      )}
      <Typography.Paragraph type="secondary">{t('prop.fees.ledgerHint')}</Typography.Paragraph>
      <Table
        size="small"
        loading={ledger.loading}
        rowKey={(h) => h.householdId}
        dataSource={l?.households ?? []}
        pagination={{ pageSize: 50, showSizeChanger: false }}
        columns={[
          { key: 'label', title: t('prop.fees.household'), dataIndex: 'label' },
          { key: 'area', title: t('prop.fees.area'), align: 'right', render: (_, h) => (h.areaM2 == null ? '—' : h.areaM2.toFixed(2)) },
          { key: 'charged', title: t('prop.fees.charged'), align: 'right', render: (_, h) => yuan(h.chargedFen) },
          { key: 'paid', title: t('prop.fees.paid'), align: 'right', render: (_, h) => yuan(h.paidFen) },
          { key: 'arrears', title: t('prop.fees.arrears'), align: 'right', render: (_, h) => <Typography.Text type={h.arrearsFen > 0 ? 'danger' : undefined}>{yuan(h.arrearsFen)}</Typography.Text>, sorter: (a, b) => a.arrearsFen - b.arrearsFen },
        ]}
      />
    </Drawer>
  );
}
