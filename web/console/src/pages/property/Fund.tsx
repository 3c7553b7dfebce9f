import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { App, Button, DatePicker, Descriptions, Drawer, Flex, Form, Input, InputNumber, Modal, Popconfirm, Progress, Select, Space, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { api, newIdempotencyKey } from '../../api/client';
import { fen, yuan, type Proposal, type Tally } from '../../api/property';
import { usePermission } from '../../app/session';
import { CreateButton, PageLayout } from '../../components/PageLayout';
import { TablePage, listSource, type TableColumn } from '../../components/TablePage';
import { useSubmit } from '../../components/forms';
import { useAsync } from '../../components/useAsync';
import { MoneyList, useManagedCompounds } from './common';

const STATUS_COLORS: Record<Proposal['status'], string> = { draft: 'default', voting: 'processing', approved: 'green', rejected: 'red', spent: 'purple' };

/** 维修基金: proposals with budget and quotes, the owners' vote and its tally, spending with invoices. */
export default function Fund() {
  const { t } = useTranslation();
  const canAct = usePermission('property.fund');
  const [reloadKey, setReloadKey] = useState(0);
  const [creating, setCreating] = useState(false);
  const [shown, setShown] = useState<Proposal | null>(null);
  const reload = () => setReloadKey((k) => k + 1);
  const source = useMemo(() => listSource<Proposal, { status?: string }>((f) => api.get<Proposal[]>('/api/property/fund-proposals', { status: f.status })), []);
  const columns: TableColumn<Proposal>[] = [
    { key: 'title', title: t('prop.fund.title'), value: (r) => r.title, render: (r) => <a onClick={() => setShown(r)}>{r.title}</a> },
    { key: 'compound', title: t('prop.score.compound'), value: (r) => r.compound_name },
    { key: 'budget', title: t('prop.fund.budget'), value: (r) => yuan(r.budget_fen) },
    { key: 'status', title: t('common.status'), value: (r) => t(`prop.fund.status.${r.status}`), render: (r) => <Tag color={STATUS_COLORS[r.status]}>{t(`prop.fund.status.${r.status}`)}</Tag> },
    { key: 'closes', title: t('prop.fund.closesAt'), value: (r) => (r.voting_closes_at ? dayjs(r.voting_closes_at).format('YYYY-MM-DD HH:mm') : '—') },
    { key: 'tally', title: t('prop.fund.tally'), value: (r) => (r.tally ? `${r.tally.votedHouseholds}/${r.tally.eligibleHouseholds}` : '—') },
  ];
  return (
    <PageLayout description={t('prop.fund.description')} actions={canAct && <CreateButton label={t('prop.fund.new')} onClick={() => setCreating(true)} />}>
      <TablePage<Proposal>
        id="property-fund"
        columns={columns}
        source={source}
        rowKey={(r) => r.id}
        exportName={t('prop.screen.fund')}
        reloadKey={reloadKey}
        filters={[{ name: 'status', label: t('common.status'), type: 'select', width: 140, options: (['draft', 'voting', 'approved', 'rejected', 'spent'] as const).map((s) => ({ value: s, label: t(`prop.fund.status.${s}`) })) }]}
      />
      {creating && <CreateModal onClose={(changed) => { setCreating(false); if (changed) reload(); }} />}
      {shown && <ProposalDrawer id={shown.id} canAct={canAct} onClose={() => setShown(null)} onChanged={reload} />}
    </PageLayout>
  );
}

/** The vote so far against the stored rule (by number and by area). */
export function TallyView({ tally }: { tally: Tally }) {
  const { t } = useTranslation();
  const pct = (a: number, b: number) => (b ? Math.round((a / b) * 1000) / 10 : 0);
  return (
    <div data-testid="fund-tally">
      <Typography.Text>{t('prop.fund.participation')}</Typography.Text>
      <Progress percent={pct(tally.votedHouseholds, tally.eligibleHouseholds)} format={() => `${tally.votedHouseholds}/${tally.eligibleHouseholds} ${t('prop.fund.households')}`} />
      <Progress percent={pct(tally.votedArea, tally.eligibleArea)} format={() => `${tally.votedArea}/${tally.eligibleArea} m²`} />
      <Typography.Text>{t('prop.fund.agree')}</Typography.Text>
      <Progress percent={pct(tally.agreeHouseholds, tally.votedHouseholds)} strokeColor="#52c41a" format={() => `${tally.agreeHouseholds}/${tally.votedHouseholds} ${t('prop.fund.households')}`} />
      <Progress percent={pct(tally.agreeArea, tally.votedArea)} strokeColor="#52c41a" format={() => `${tally.agreeArea}/${tally.votedArea} m²`} />
      <Space>
        <Tag color={tally.participationMet ? 'green' : 'default'}>{t(tally.participationMet ? 'prop.fund.participationMet' : 'prop.fund.participationNotMet')}</Tag>
        <Tag color={tally.approvalMet ? 'green' : 'default'}>{t(tally.approvalMet ? 'prop.fund.approvalMet' : 'prop.fund.approvalNotMet')}</Tag>
      </Space>
    </div>
  );
}

function ProposalDrawer({ id, canAct, onClose, onChanged }: { id: string; canAct: boolean; onClose: () => void; onChanged: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const detail = useAsync(() => api.get<Proposal>(`/api/property/fund-proposals/${id}`), [id]);
  const p = detail.data;
  const [closesAt, setClosesAt] = useState(dayjs().add(14, 'day').endOf('day'));
  const [spending, setSpending] = useState(false);
  const act = async (path: string, body: unknown) => {
    try {
      await api.post(`/api/property/fund-proposals/${id}/${path}`, body);
      await detail.reload();
      onChanged();
    } catch (e) {
      message.error((e as Error).message);
    }
  };
  return (
    <Drawer open width={640} title={p?.title} onClose={onClose} loading={!p} data-testid="fund-drawer">
      {p && (
        <Flex vertical gap={16}>
          <Descriptions size="small" column={1} bordered>
            <Descriptions.Item label={t('common.status')}><Tag color={STATUS_COLORS[p.status]}>{t(`prop.fund.status.${p.status}`)}</Tag></Descriptions.Item>
            <Descriptions.Item label={t('prop.fund.budget')}>{yuan(p.budget_fen)} {t('prop.fees.yuan')}</Descriptions.Item>
            <Descriptions.Item label={t('prop.fund.descriptionLabel')}>{p.description}</Descriptions.Item>
            <Descriptions.Item label={t('prop.fund.quotes')}>{p.quotes.map((q, i) => <div key={i}>{q.vendor} · {yuan(q.amountFen)}</div>)}</Descriptions.Item>
            {p.voting_closes_at && <Descriptions.Item label={t('prop.fund.closesAt')}>{dayjs(p.voting_closes_at).format('YYYY-MM-DD HH:mm')}</Descriptions.Item>}
            {p.spent_fen != null && <Descriptions.Item label={t('prop.fund.spent')}>{yuan(p.spent_fen)}</Descriptions.Item>}
          </Descriptions>
          {p.tally && <TallyView tally={p.tally} />}
          {canAct && p.status === 'draft' && (
            <Flex gap={8} align="center" wrap>
              <Typography.Text>{t('prop.fund.closesAt')}</Typography.Text>
              <DatePicker showTime value={closesAt} onChange={(v) => v && setClosesAt(v)} disabledDate={(d) => d.isBefore(dayjs(), 'day')} />
              <Popconfirm title={t('prop.fund.openConfirm')} onConfirm={() => void act('open', { closesAt: closesAt.toISOString() })}>
                <Button type="primary">{t('prop.fund.open')}</Button>
              </Popconfirm>
            </Flex>
          )}
          {/* voting closes after its deadline, or early once every household has voted */}
          {canAct && p.status === 'voting' && (dayjs(p.voting_closes_at).isBefore(dayjs()) || (p.tally && p.tally.votedHouseholds >= p.tally.eligibleHouseholds)) && (
            <Popconfirm title={t('prop.fund.closeConfirm')} onConfirm={() => void act('close', {})}>
              <Button type="primary">{t('prop.fund.close')}</Button>
            </Popconfirm>
          )}
          {canAct && p.status === 'approved' && <Button type="primary" onClick={() => setSpending(true)}>{t('prop.fund.spend')}</Button>}
          {spending && (
            <SpendModal
              proposalId={id}
              onClose={(changed) => {
                setSpending(false);
                if (changed) void detail.reload().then(onChanged);
              }}
            />
          )}
        </Flex>
      )}
    </Drawer>
  );
}

function CreateModal({ onClose }: { onClose: (changed: boolean) => void }) {
  const { t } = useTranslation();
  const compounds = useManagedCompounds();
  const [key] = useState(newIdempotencyKey);
  const [form] = Form.useForm<{ compoundId: string; title: string; description: string; budget: number; quotes: { vendor: string; amount: number }[] }>();
  const { submitting, run } = useSubmit(form, async (v) => {
    await api.post('/api/property/fund-proposals', { compoundId: v.compoundId, title: v.title, description: v.description, budgetFen: fen(v.budget), quotes: v.quotes.map((q) => ({ vendor: q.vendor, amountFen: fen(q.amount) })) }, { idempotencyKey: key });
    onClose(true);
  });
  return (
    <Modal open width={640} title={t('prop.fund.new')} onOk={() => void run()} okButtonProps={{ loading: submitting }} onCancel={() => onClose(false)} destroyOnHidden>
      <Form form={form} layout="vertical" initialValues={{ quotes: [{}] }}>
        <Form.Item name="compoundId" label={t('prop.score.compound')} rules={[{ required: true, message: t('common.required') }]}>
          <Select showSearch={{ optionFilterProp: 'label' }} options={(compounds.data ?? []).map((c) => ({ value: c.id, label: c.name }))} />
        </Form.Item>
        <Form.Item name="title" label={t('prop.fund.title')} rules={[{ required: true, message: t('common.required') }]}><Input maxLength={100} /></Form.Item>
        <Form.Item name="description" label={t('prop.fund.descriptionLabel')} rules={[{ required: true, message: t('common.required') }]}><Input.TextArea rows={3} maxLength={5000} /></Form.Item>
        <Form.Item name="budget" label={`${t('prop.fund.budget')}（${t('prop.fees.yuan')}）`} rules={[{ required: true, message: t('common.required') }]}><InputNumber min={0.01} precision={2} style={{ width: 200 }} /></Form.Item>
        <MoneyList name="quotes" label={t('prop.fund.quotes')} nameField="vendor" nameLabel={t('prop.fund.vendor')} />
      </Form>
    </Modal>
  );
}

/** The approved proposal's spending: posted from here, so a refusal stays in the dialog with its fields marked. */
function SpendModal({ proposalId, onClose }: { proposalId: string; onClose: (changed: boolean) => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ invoices: { number: string; amount: number }[]; issuedOn: dayjs.Dayjs }>();
  const { submitting, run } = useSubmit(form, async (v) => {
    const invoices = v.invoices.map((i) => ({ number: i.number, amountFen: fen(i.amount), issuedOn: v.issuedOn.format('YYYY-MM-DD') }));
    await api.post(`/api/property/fund-proposals/${proposalId}/spend`, { invoices });
    onClose(true);
  });
  return (
    <Modal open title={t('prop.fund.spend')} onOk={() => void run()} okButtonProps={{ loading: submitting }} onCancel={() => onClose(false)} destroyOnHidden>
      <Form form={form} layout="vertical" initialValues={{ invoices: [{}], issuedOn: dayjs() }}>
        <Form.Item name="issuedOn" label={t('prop.fund.issuedOn')} rules={[{ required: true }]}><DatePicker /></Form.Item>
        <MoneyList name="invoices" label={t('prop.fund.invoices')} nameField="number" nameLabel={t('prop.fund.invoiceNumber')} />
      </Form>
    </Modal>
  );
}
