import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { App, Button, Card, DatePicker, Drawer, Flex, Form, Input, InputNumber, Modal, Progress, Segmented, Select, Space, Statistic, Table, Typography, Upload } from 'antd';
import { UploadOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { ApiError, api, newIdempotencyKey, postFiles } from '../../api/client';
import { PAYMENT_SHEET_HEADER, fen, percent, yuan, type Collection, type Ledger } from '../../api/property';
import { useSubmit } from '../../components/forms';
import { MoneyList, quarterOptions } from './common';
import { usePermission } from '../../app/session';
import { PageLayout } from '../../components/PageLayout';
import { useAsync } from '../../components/useAsync';

type GroupBy = 'compound' | 'company' | 'street';
// below 80 % in red, and the number always shown (a red bar would otherwise show an icon instead)
const rateBar = (rate: number | null) => (rate == null ? '—' : <Progress percent={Math.round(rate * 1000) / 10} format={(p) => `${p}%`} size="small" status={rate < 0.8 ? 'exception' : 'normal'} style={{ width: 150 }} />);

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

const METHODS = ['cash', 'bank', 'wechat', 'alipay', 'other'] as const;
type Household = Ledger['households'][number];

function LedgerDrawer({ compound, from, to, onClose, onChanged }: { compound: Collection; from: string; to: string; onClose: () => void; onChanged: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const canCharge = usePermission('property.fees');
  const ledger = useAsync(() => api.get<Ledger>(`/api/property/compounds/${compound.id}/ledger`, { from, to }), [compound.id, from, to]);
  const [charging, setCharging] = useState(false);
  const [paying, setPaying] = useState<Household | null>(null);
  const [publishing, setPublishing] = useState(false);
  const changed = async () => {
    await ledger.reload();
    onChanged();
  };
  const month = dayjs().format('YYYY-MM');
  const charge = async () => {
    setCharging(true);
    try {
      const r = await api.post<{ created: number; existing: number; withoutArea: number }>(`/api/property/compounds/${compound.id}/charges`, { period: month });
      message.success(t('prop.fees.chargesMade', { ...r, period: month }));
      await changed();
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setCharging(false);
    }
  };
  // a bad row refuses the whole sheet: the rows are named in error.fields
  const importSheet = async (file: File) => {
    try {
      const r = await postFiles<{ rows: number; imported: number; skipped: number }>(`/api/property/payments/import?compoundId=${compound.id}`, [file]);
      message.success(t('prop.fees.imported', r));
      await changed();
    } catch (e) {
      const lines = e instanceof ApiError ? Object.entries(e.fields).map(([k, v]) => `${k}: ${v}`) : [];
      Modal.error({ title: (e as Error).message, content: lines.length ? <ul className="import-errors">{lines.slice(0, 30).map((l) => <li key={l}>{l}</li>)}</ul> : undefined });
    }
  };
  const l = ledger.data;
  return (
    <Drawer open width={760} title={`${t('prop.fees.ledger')} · ${compound.name}`} onClose={onClose} extra={canCharge && (
        <Space wrap>
          <Button loading={charging} onClick={() => void charge()}>{t('prop.fees.chargeMonth', { period: month })}</Button>
          <Upload accept=".xlsx" showUploadList={false} beforeUpload={(f) => { void importSheet(f); return false; }}>
            <Button icon={<UploadOutlined />}>{t('prop.fees.import')}</Button>
          </Upload>
          <Button onClick={() => setPublishing(true)}>{t('prop.fees.publish')}</Button>
        </Space>
      )} data-testid="ledger-drawer">
      {l && (
        <Flex gap={24} wrap style={{ marginBottom: 16 }}>
          <Statistic title={t('prop.fees.charged')} value={yuan(l.chargedFen)} />
          <Statistic title={t('prop.fees.collected')} value={yuan(l.collectedFen)} />
          <Statistic title={t('prop.fees.rate')} value={percent(l.rate)} />
          <Statistic title={t('prop.fees.arrears')} value={yuan(l.arrearsFen)} valueStyle={{ color: l.arrearsFen > 0 ? '#cf1322' : undefined }} />
        </Flex>
      )}
      <Typography.Paragraph type="secondary">{t('prop.fees.ledgerHint')}{canCharge && ` ${t('prop.fees.importHint', { header: PAYMENT_SHEET_HEADER })}`}</Typography.Paragraph>
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
          ...(canCharge ? [{ key: 'pay', title: '', render: (_: unknown, h: Household) => <Button size="small" onClick={() => setPaying(h)}>{t('prop.fees.recordPayment')}</Button> }] : []),
        ]}
      />
      {paying && <PaymentModal household={paying} onClose={(ok) => { setPaying(null); if (ok) void changed(); }} />}
      {publishing && <StatementModal compoundId={compound.id} onClose={() => setPublishing(false)} />}
    </Drawer>
  );
}

function PaymentModal({ household, onClose }: { household: Household; onClose: (changed: boolean) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [key] = useState(newIdempotencyKey);
  const [form] = Form.useForm<{ amount: number; paidOn: dayjs.Dayjs; method: (typeof METHODS)[number]; reference?: string }>();
  const { submitting, run } = useSubmit(form, async (v) => {
    await api.post('/api/property/payments', { householdId: household.householdId, amountFen: fen(v.amount), paidOn: v.paidOn.format('YYYY-MM-DD'), method: v.method, reference: v.reference || null }, { idempotencyKey: key });
    message.success(t('prop.fees.paymentRecorded'));
    onClose(true);
  });
  return (
    <Modal open title={`${t('prop.fees.recordPayment')} · ${household.label}`} onOk={() => void run()} okButtonProps={{ loading: submitting }} onCancel={() => onClose(false)} destroyOnHidden>
      <Form form={form} layout="vertical" initialValues={{ paidOn: dayjs(), method: 'wechat', amount: household.arrearsFen > 0 ? household.arrearsFen / 100 : undefined }}>
        <Form.Item name="amount" label={`${t('prop.fees.amount')}（${t('prop.fees.yuan')}）`} rules={[{ required: true, message: t('common.required') }]}><InputNumber min={0.01} precision={2} style={{ width: 200 }} /></Form.Item>
        <Form.Item name="paidOn" label={t('prop.fees.paidOn')} rules={[{ required: true, message: t('common.required') }]}><DatePicker disabledDate={(d) => d.isAfter(dayjs(), 'day')} /></Form.Item>
        <Form.Item name="method" label={t('prop.fees.method')} rules={[{ required: true }]}><Select options={METHODS.map((m) => ({ value: m, label: t(`prop.fees.methods.${m}`) }))} /></Form.Item>
        <Form.Item name="reference" label={t('prop.fees.reference')} extra={t('prop.fees.referenceHint')}><Input maxLength={50} /></Form.Item>
      </Form>
    </Modal>
  );
}

/** The quarter's property-fee income and spending, published once to the owners. */
function StatementModal({ compoundId, onClose }: { compoundId: string; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [key] = useState(newIdempotencyKey);
  const [form] = Form.useForm<{ quarter: string; income: number; spending: { item: string; amount: number }[]; note?: string }>();
  const { submitting, run } = useSubmit(form, async (v) => {
    await api.post(`/api/property/compounds/${compoundId}/statements`, { quarter: v.quarter, incomeFen: fen(v.income), spending: (v.spending ?? []).map((x) => ({ item: x.item, amountFen: fen(x.amount) })), note: v.note || null }, { idempotencyKey: key });
    message.success(t('prop.fees.published'));
    onClose();
  });
  return (
    <Modal open width={600} title={t('prop.fees.publish')} onOk={() => void run()} okButtonProps={{ loading: submitting }} onCancel={onClose} destroyOnHidden>
      <Typography.Paragraph type="secondary">{t('prop.fees.publishHint')}</Typography.Paragraph>
      <Form form={form} layout="vertical" initialValues={{ quarter: quarterOptions()[1].value, spending: [{}] }}>
        <Form.Item name="quarter" label={t('prop.score.quarter')} rules={[{ required: true }]}><Select options={quarterOptions()} style={{ width: 140 }} /></Form.Item>
        <Form.Item name="income" label={`${t('prop.fees.income')}（${t('prop.fees.yuan')}）`} rules={[{ required: true, message: t('common.required') }]}><InputNumber min={0} precision={2} style={{ width: 200 }} /></Form.Item>
        <MoneyList name="spending" label={t('prop.fees.spending')} nameField="item" nameLabel={t('prop.fees.spendingItem')} />
        <Form.Item name="note" label={t('prop.fees.note')}><Input.TextArea rows={2} maxLength={2000} /></Form.Item>
      </Form>
    </Modal>
  );
}
