import { useState } from 'react';
import { useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { Alert, App, Button, Card, DatePicker, Descriptions, Form, Input, InputNumber, Modal, Rate, Select, Space, Switch, Table, Tag, Timeline, Typography, Upload } from 'antd';
import { EditOutlined, UploadOutlined, WarningOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { ApiError, api, newIdempotencyKey } from '../../api/client';
import { uploadFiles } from '../../api/cases';
import { fen, nameOf, type Behaviour, type CompanyDetail, type CreditFile as File, type CreditRecord } from '../../api/property';
import { usePermission } from '../../app/session';
import { PageLayout } from '../../components/PageLayout';
import { useAsync } from '../../components/useAsync';
import { useSubmit } from '../../components/forms';
import { PartsTable, ScoreTable } from './common';

const KIND_COLORS: Record<CreditRecord['kind'], string> = { score: 'blue', yellow_card: 'gold', red_card: 'red', interview: 'orange', interview_outcome: 'green' };

/** 信用档案: a company's quarterly scores and its append-only file (scores, cards, interviews). */
export default function CreditFile() {
  const { t } = useTranslation();
  const { id } = useParams() as { id: string };
  const file = useAsync(() => api.get<File>(`/api/property/companies/${id}/credit-file`), [id]);
  const detail = useAsync(() => api.get<CompanyDetail>(`/api/property/companies/${id}`), [id]);
  const behaviours = useAsync(() => api.get<Behaviour[]>('/api/property/behaviours'), []);
  const canCard = usePermission('property.card');
  const canManage = usePermission('property.manage');
  const [carding, setCarding] = useState(false);
  const [editing, setEditing] = useState(false);
  const [contractFor, setContractFor] = useState<{ id: string; name: string } | null>(null);

  if (file.error) return <PageLayout><Alert type="error" showIcon message={file.error.message} /></PageLayout>;
  const f = file.data;
  const behaviourName = (code: string | null) => {
    const b = behaviours.data?.find((x) => x.code === code);
    return b ? nameOf(b) : code;
  };
  // a record's text: the kind, then what it names (a card's behaviour in the UI's language)
  // (the server's summaries of cards and outcomes are Chinese; the screen says them in the UI's language)
  const recordText = (r: CreditRecord) => {
    if (r.kind === 'yellow_card') return behaviourName(r.behaviour_code);
    if (r.kind === 'red_card') return t('prop.file.redCardText');
    if (r.kind === 'interview_outcome') return t('prop.file.heldOn', { day: /\d{4}-\d{2}-\d{2}/.exec(r.summary)?.[0] ?? '' });
    return r.summary;
  };
  const companyScores = (f?.scores ?? []).filter((s) => s.compound_id === null).sort((a, b) => b.quarter.localeCompare(a.quarter));
  const compoundScores = (f?.scores ?? []).filter((s) => s.compound_id !== null);

  return (
    <PageLayout
      title={f ? `${t('prop.screen.creditFile')} · ${f.company.name}` : t('prop.screen.creditFile')}
      description={t('prop.file.description')}
      actions={
        <>
          {canManage && <Button icon={<EditOutlined />} onClick={() => setEditing(true)}>{t('prop.company.edit')}</Button>}
          {canCard && <Button danger icon={<WarningOutlined />} onClick={() => setCarding(true)} data-testid="issue-card">{t('prop.cards.issue')}</Button>}
        </>
      }
    >
      <Card loading={file.loading && !f} className="section-card">
        {f && (
          <Descriptions size="small" column={{ xs: 1, md: 3 }} data-testid="company-profile">
            <Descriptions.Item label={t('prop.company.creditCode')}>{f.company.code ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('prop.company.qualification')}>{f.profile?.qualification ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('prop.company.partyOrg')}>{t(f.profile?.has_party_org ? 'common.yes' : 'common.no')}</Descriptions.Item>
            <Descriptions.Item label={t('prop.company.contact')}>{[f.profile?.contact_name, f.profile?.contact_phone].filter(Boolean).join(' ') || '—'}</Descriptions.Item>

          </Descriptions>
        )}
      </Card>
      <Card title={t('prop.company.compounds')} className="section-card">
        <Table
          size="small"
          data-testid="company-compounds"
          scroll={{ x: 'max-content' }}
          rowKey={(c) => c.id}
          dataSource={detail.data?.compounds ?? []}
          pagination={false}
          columns={[
            { key: 'name', title: t('prop.score.compound'), dataIndex: 'name' },
            {
              key: 'model',
              title: t('prop.company.governance'),
              render: (_, c) => (canManage ? <GovernanceSelect compoundId={c.id} value={c.governance_model} onSaved={() => void detail.reload()} /> : c.governance_model),
            },
            {
              key: 'contract',
              title: t('prop.contract.title'),
              render: (_, c) => detail.data?.contracts.filter((k) => k.compound_id === c.id).slice(0, 1).map((k) => (
                <span key={k.id}>{k.starts_on} — {k.ends_on} · {'★'.repeat(k.star_level)} · {t('prop.contract.rate', { rate: ((k.fee_rates.residential ?? 0) / 100).toFixed(2) })}</span>
              )),
            },
            { key: 'act', title: '', render: (_, c) => (canManage ? <Button size="small" onClick={() => setContractFor(c)}>{t('prop.contract.new')}</Button> : null) },
          ]}
        />
      </Card>
      <Card title={t('prop.file.scores')} className="section-card">
        <ScoreTable
          data-testid="company-scores"
          rowKey={(s) => s.quarter}
          dataSource={companyScores}
          locale={{ emptyText: t('prop.file.noScores') }}
          expandable={{
            rowExpandable: (s) => compoundScores.some((c) => c.quarter === s.quarter),
            expandedRowRender: (s) => <PartsTable rows={compoundScores.filter((c) => c.quarter === s.quarter)} />,
          }}
          lead={[{ key: 'quarter', title: t('prop.score.quarter'), dataIndex: 'quarter' }]}
          deductions
        />
      </Card>
      <Card title={t('prop.file.records')} extra={<Typography.Text type="secondary">{t('prop.file.appendOnly')}</Typography.Text>} className="section-card">
        {f && f.records.length === 0 && <Typography.Text type="secondary">{t('prop.file.noRecords')}</Typography.Text>}
        <Timeline
          data-testid="credit-records"
          items={(f?.records ?? []).map((r) => ({
            key: r.id,
            color: KIND_COLORS[r.kind],
            children: (
              <div className="credit-record">
                <Tag color={KIND_COLORS[r.kind]}>{t(`prop.file.kind.${r.kind}`)}</Tag>
                <Typography.Text strong>{recordText(r)}</Typography.Text>
                {r.deduction > 0 && <Typography.Text type="danger"> −{r.deduction}</Typography.Text>}
                <div>
                  <Typography.Text type="secondary">{dayjs(r.at).format('YYYY-MM-DD HH:mm')} · {r.quarter}</Typography.Text>
                </div>
                {r.reason && <Typography.Paragraph className="credit-reason">{r.reason}</Typography.Paragraph>}
              </div>
            ),
          }))}
        />
      </Card>
      {editing && f && <ProfileModal companyId={id} profile={f.profile} onClose={(changed) => { setEditing(false); if (changed) void file.reload(); }} />}
      {contractFor && <ContractModal compound={contractFor} onClose={(changed) => { setContractFor(null); if (changed) void detail.reload(); }} />}
      {carding && (
        <CardModal
          companyId={id}
          behaviours={behaviours.data ?? []}
          compounds={detail.data?.compounds ?? []}
          onClose={(changed) => {
            setCarding(false);
            if (changed) void file.reload();
          }}
        />
      )}
    </PageLayout>
  );
}

function CardModal({ companyId, behaviours, compounds, onClose }: { companyId: string; behaviours: Behaviour[]; compounds: { id: string; name: string }[]; onClose: (changed: boolean) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ behaviourCode: string; reason: string; compoundId?: string }>();
  const [key] = useState(newIdempotencyKey);
  const { submitting, run } = useSubmit(form, async (v) => {
    const r = await api.post<{ redCardId: string | null }>(`/api/property/companies/${companyId}/cards`, { ...v, compoundId: v.compoundId ?? null }, { idempotencyKey: key });
    message.success(t(r.redCardId ? 'prop.cards.issuedRed' : 'prop.cards.issued'));
    onClose(true);
  });
  return (
    <Modal open title={t('prop.cards.issue')} okText={t('prop.cards.issue')} okButtonProps={{ danger: true, loading: submitting }} onOk={() => void run()} onCancel={() => onClose(false)} destroyOnHidden>
      <Alert type="warning" showIcon message={t('prop.cards.rule')} style={{ marginBottom: 16 }} />
      <Form form={form} layout="vertical">
        <Form.Item name="behaviourCode" label={t('prop.cards.behaviour')} rules={[{ required: true, message: t('common.required') }]}>
          <Select options={behaviours.map((b) => ({ value: b.code, label: `${nameOf(b)}（−${b.deduction}）` }))} />
        </Form.Item>
        <Form.Item name="compoundId" label={t('prop.score.compound')}>
          <Select allowClear options={compounds.map((c) => ({ value: c.id, label: c.name }))} />
        </Form.Item>
        <Form.Item name="reason" label={t('prop.cards.reason')} rules={[{ required: true, message: t('common.required') }]}>
          <Input.TextArea rows={3} maxLength={1000} showCount />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** 三方共治: recorded for the compound, or derived from the registry when cleared. */
function GovernanceSelect({ compoundId, value, onSaved }: { compoundId: string; value: string | null; onSaved: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const save = async (model: string | null) => {
    try {
      await api.put(`/api/property/compounds/${compoundId}/governance`, { model: model ?? null });
      onSaved();
    } catch (e) {
      message.error((e as Error).message);
    }
  };
  return (
    <Select size="small" value={value} style={{ width: 110 }} allowClear placeholder={t('prop.company.derived')} onChange={(v) => void save(v ?? null)}
      options={['1+3', '1+2', '1+1'].map((m) => ({ value: m, label: m }))} />
  );
}

function ProfileModal({ companyId, profile, onClose }: { companyId: string; profile: File['profile']; onClose: (changed: boolean) => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ qualification?: string; contactName?: string; contactPhone?: string; hasPartyOrg: boolean }>();
  const { submitting, run } = useSubmit(form, async (v) => {
    await api.patch(`/api/property/companies/${companyId}`, { qualification: v.qualification || null, contactName: v.contactName || null, contactPhone: v.contactPhone || null, hasPartyOrg: v.hasPartyOrg });
    onClose(true);
  });
  return (
    <Modal open title={t('prop.company.edit')} onOk={() => void run()} okButtonProps={{ loading: submitting }} onCancel={() => onClose(false)} destroyOnHidden>
      <Form form={form} layout="vertical" initialValues={{ qualification: profile?.qualification ?? '', contactName: profile?.contact_name ?? '', contactPhone: profile?.contact_phone ?? '', hasPartyOrg: profile?.has_party_org ?? false }}>
        <Form.Item name="qualification" label={t('prop.company.qualification')}><Input maxLength={100} /></Form.Item>
        <Form.Item name="contactName" label={t('prop.company.contact')}><Input maxLength={50} /></Form.Item>
        <Form.Item name="contactPhone" label={t('prop.company.phone')}><Input maxLength={30} /></Form.Item>
        <Form.Item name="hasPartyOrg" label={t('prop.company.partyOrg')} valuePropName="checked"><Switch /></Form.Item>
      </Form>
    </Modal>
  );
}

const RATE_TYPES = ['residential', 'commercial', 'office', 'parking', 'other'] as const;
const CONTRACT_FIELDS: Record<string, string> = { startsOn: 'period', endsOn: 'period', ...Object.fromEntries(RATE_TYPES.map((r) => [`feeRates.${r}`, r])) };

/** A service contract: period, star level, fee per m² per month by property type (entered in yuan, stored in fen). */
function ContractModal({ compound, onClose }: { compound: { id: string; name: string }; onClose: (changed: boolean) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [key] = useState(newIdempotencyKey);
  // the signed contract, uploaded as soon as it is chosen (POST /api/files); its id goes with the contract
  const [contractFile, setContractFile] = useState<{ id: string; name: string } | null>(null);
  const [uploading, setUploading] = useState(false);
  const [form] = Form.useForm<{ period: [dayjs.Dayjs, dayjs.Dayjs]; starLevel: number } & Partial<Record<(typeof RATE_TYPES)[number], number>>>();
  const { submitting, run } = useSubmit(form, async (v) => {
    const feeRates = Object.fromEntries(RATE_TYPES.filter((r) => v[r] != null).map((r) => [r, fen(v[r]!)]));
    try {
      await api.post(`/api/property/compounds/${compound.id}/contracts`, { startsOn: v.period[0].format('YYYY-MM-DD'), endsOn: v.period[1].format('YYYY-MM-DD'), starLevel: v.starLevel, feeRates, fileId: contractFile?.id ?? null }, { idempotencyKey: key });
    } catch (e) {
      // the server names its fields (startsOn, feeRates.residential); the form shows them on its own
      if (!(e instanceof ApiError)) throw e;
      const fields = Object.fromEntries(Object.entries(e.fields).map(([f, m]) => [CONTRACT_FIELDS[f] ?? f, m]));
      throw new ApiError(e.status, e.code, e.message, fields, e.retryAfter);
    }
    onClose(true);
  });
  return (
    <Modal open title={`${t('prop.contract.new')} · ${compound.name}`} onOk={() => void run()} okButtonProps={{ loading: submitting }} onCancel={() => onClose(false)} destroyOnHidden>
      <Form form={form} layout="vertical" initialValues={{ starLevel: 3 }}>
        <Form.Item name="period" label={t('prop.contract.period')} rules={[{ required: true, message: t('common.required') }]}><DatePicker.RangePicker /></Form.Item>
        <Form.Item name="starLevel" label={t('prop.contract.stars')} rules={[{ required: true }]}><Rate /></Form.Item>
        <Space wrap align="start">
          {RATE_TYPES.map((r) => (
            <Form.Item key={r} name={r} label={t(`prop.contract.type.${r}`)} rules={r === 'residential' ? [{ required: true, message: t('common.required') }] : []} extra={r === 'residential' ? t('prop.contract.rateUnit') : undefined}>
              <InputNumber min={0} max={1000} precision={2} style={{ width: 120 }} />
            </Form.Item>
          ))}
        </Space>
        <Form.Item label={t('prop.contract.file')} extra={t('prop.contract.fileHint')}>
          <Upload
            accept="application/pdf,image/*"
            maxCount={1}
            fileList={contractFile ? [{ uid: contractFile.id, name: contractFile.name, status: 'done' }] : []}
            onRemove={() => setContractFile(null)}
            beforeUpload={(f) => {
              setUploading(true);
              // a refused file (its type, its size) is said in the server's words for the file, as the photo uploads do
              uploadFiles([f])
                .then(([r]) => setContractFile({ id: r.id, name: f.name }), (e: Error) => message.error(e instanceof ApiError ? Object.values(e.fields)[0] ?? e.message : e.message))
                .finally(() => setUploading(false));
              return false;
            }}
          >
            <Button icon={<UploadOutlined />} loading={uploading} data-testid="contract-file">{t('prop.contract.file')}</Button>
          </Upload>
        </Form.Item>
      </Form>
    </Modal>
  );
}
