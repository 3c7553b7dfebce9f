import { useState } from 'react';
import { useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { Alert, App, Button, Card, Descriptions, Form, Input, Modal, Select, Table, Tag, Timeline, Typography } from 'antd';
import { WarningOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { api, newIdempotencyKey } from '../../api/client';
import { PARTS, nameOf, type Behaviour, type CompanyDetail, type CreditFile as File, type CreditRecord, type ScoreRow } from '../../api/property';
import { usePermission } from '../../app/session';
import { PageLayout } from '../../components/PageLayout';
import { useAsync } from '../../components/useAsync';
import { useSubmit } from '../../components/forms';
import { GradeTag } from './common';

const KIND_COLORS: Record<CreditRecord['kind'], string> = { score: 'blue', yellow_card: 'gold', red_card: 'red', interview: 'orange', interview_outcome: 'green' };

/** 信用档案: a company's quarterly scores and its append-only file (scores, cards, interviews). */
export default function CreditFile() {
  const { t } = useTranslation();
  const { id } = useParams() as { id: string };
  const file = useAsync(() => api.get<File>(`/api/property/companies/${id}/credit-file`), [id]);
  const detail = useAsync(() => api.get<CompanyDetail>(`/api/property/companies/${id}`), [id]);
  const behaviours = useAsync(() => api.get<Behaviour[]>('/api/property/behaviours'), []);
  const canCard = usePermission('property.card');
  const [carding, setCarding] = useState(false);

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
      actions={canCard && <Button danger icon={<WarningOutlined />} onClick={() => setCarding(true)} data-testid="issue-card">{t('prop.cards.issue')}</Button>}
    >
      <Card loading={file.loading && !f} className="section-card">
        {f && (
          <Descriptions size="small" column={{ xs: 1, md: 3 }} data-testid="company-profile">
            <Descriptions.Item label={t('prop.company.creditCode')}>{f.company.code ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('prop.company.qualification')}>{f.profile?.qualification ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('prop.company.partyOrg')}>{t(f.profile?.has_party_org ? 'common.yes' : 'common.no')}</Descriptions.Item>
            <Descriptions.Item label={t('prop.company.contact')}>{[f.profile?.contact_name, f.profile?.contact_phone].filter(Boolean).join(' ') || '—'}</Descriptions.Item>
            <Descriptions.Item label={t('prop.company.compounds')} span={2}>
              {detail.data?.compounds.map((c) => <Tag key={c.id}>{c.name}{c.governance_model ? ` · ${c.governance_model}` : ''}</Tag>)}
            </Descriptions.Item>
          </Descriptions>
        )}
      </Card>
      <Card title={t('prop.file.scores')} className="section-card">
        <Table<ScoreRow>
          size="small"
          data-testid="company-scores"
          rowKey={(s) => s.quarter}
          dataSource={companyScores}
          pagination={false}
          locale={{ emptyText: t('prop.file.noScores') }}
          expandable={{
            rowExpandable: (s) => compoundScores.some((c) => c.quarter === s.quarter),
            expandedRowRender: (s) => <PartsTable rows={compoundScores.filter((c) => c.quarter === s.quarter)} />,
          }}
          columns={[
            { key: 'quarter', title: t('prop.score.quarter'), dataIndex: 'quarter' },
            { key: 'total', title: t('prop.score.total'), className: 'nowrap', render: (_, s) => <Typography.Text strong>{s.total}</Typography.Text> },
            { key: 'grade', title: t('prop.score.grade'), render: (_, s) => <GradeTag grade={s.grade} /> },
            ...PARTS.map((p) => ({ key: p, title: t(`prop.part.${p}`), render: (_: unknown, s: ScoreRow) => s.parts[p] ?? '—' })),
            { key: 'deductions', title: t('prop.score.deductions'), render: (_, s) => (s.deductions ? `−${s.deductions}` : '—') },
          ]}
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

/** Each compound's score of a quarter with its four parts. */
export function PartsTable({ rows }: { rows: ScoreRow[] }) {
  const { t } = useTranslation();
  return (
    <Table<ScoreRow>
      size="small"
      rowKey={(s) => `${s.compound_id}`}
      dataSource={rows}
      pagination={false}
      columns={[
        { key: 'compound', title: t('prop.score.compound'), dataIndex: 'compound_name' },
        { key: 'total', title: t('prop.score.total'), className: 'nowrap', dataIndex: 'total' },
        { key: 'grade', title: t('prop.score.grade'), render: (_, s) => <GradeTag grade={s.grade} /> },
        ...PARTS.map((p) => ({ key: p, title: t(`prop.part.${p}`), render: (_: unknown, s: ScoreRow) => s.parts[p] ?? '—' })),
        {
          key: 'basis',
          title: t('prop.score.basis'),
          render: (_, s) => t('prop.score.basisText', { inspections: Number(s.details.inspections ?? 0), ratings: Number(s.details.ratings ?? 0) }),
        },
      ]}
    />
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
