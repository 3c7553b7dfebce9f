import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Alert, App, Button, Card, DatePicker, Form, Input, Modal, Popconfirm, Select, Table, Tag, Typography } from 'antd';
import { PlayCircleOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { api } from '../../api/client';
import { quarterOf, type Interview, type ScoreRow } from '../../api/property';
import { usePermission } from '../../app/session';
import { PageLayout } from '../../components/PageLayout';
import { useAsync } from '../../components/useAsync';
import { useSubmit } from '../../components/forms';
import { GradeTag, PartsTable, ScoreTable, quarterOptions } from './common';

interface RunResult { quarter: string; companies: { companyId: string; total: number; grade: string; interview: boolean }[]; compounds: number; interviews: number }
interface Annual { companyId: string; companyName: string; quarters: Record<string, number>; annual: number; grade: string }

/** 季度考评: run a quarter's evaluation, its scores per company with the breakdown per compound and part, annual scores, interviews. */
export default function Evaluations() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const canRun = usePermission('property.evaluate');
  const canRecord = usePermission('property.card');
  const [quarter, setQuarter] = useState(quarterOf(new Date()));
  const year = Number(quarter.slice(0, 4));
  const scores = useAsync(() => api.get<ScoreRow[]>('/api/property/scores', { quarter }), [quarter]);
  const annual = useAsync(() => api.get<Annual[]>('/api/property/scores/annual', { year }), [year]);
  const interviews = useAsync(() => api.get<Interview[]>('/api/property/interviews'), []);
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<RunResult | null>(null);
  const [recording, setRecording] = useState<Interview | null>(null);

  const runNow = async () => {
    setRunning(true);
    try {
      const r = await api.post<RunResult>('/api/property/evaluations', { quarter });
      setResult(r);
      message.success(t('prop.eval.done'));
      await Promise.all([scores.reload(), annual.reload(), interviews.reload()]);
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setRunning(false);
    }
  };

  const rows = scores.data ?? [];
  const companyRows = rows.filter((s) => s.compound_id === null);
  const quarters = [1, 2, 3, 4].map((q) => `${year}-Q${q}`);
  return (
    <PageLayout
      description={t('prop.eval.description')}
      actions={
        <>
          <Select value={quarter} onChange={setQuarter} options={quarterOptions()} style={{ width: 130 }} data-testid="eval-quarter" />
          {canRun && (
            <Popconfirm title={t('prop.eval.confirm', { quarter })} onConfirm={() => void runNow()}>
              <Button type="primary" icon={<PlayCircleOutlined />} loading={running} data-testid="eval-run">{t('prop.eval.run')}</Button>
            </Popconfirm>
          )}
        </>
      }
    >
      {result && (
        <Alert
          type="success"
          showIcon
          closable
          onClose={() => setResult(null)}
          className="section-card"
          data-testid="eval-result"
          message={t('prop.eval.result', { quarter: result.quarter, companies: result.companies.length, compounds: result.compounds, interviews: result.interviews })}
        />
      )}
      <Card title={t('prop.eval.scores', { quarter })} className="section-card">
        <ScoreTable
          data-testid="eval-scores"
          loading={scores.loading}
          rowKey={(s) => s.company_org_id}
          dataSource={companyRows}
          locale={{ emptyText: t('prop.eval.none') }}
          expandable={{ expandedRowRender: (s) => <PartsTable rows={rows.filter((c) => c.compound_id !== null && c.company_org_id === s.company_org_id)} /> }}
          lead={[
            { key: 'rank', title: t('prop.eval.rank'), render: (_, _s, i) => i + 1, width: 60 },
            { key: 'company', title: t('prop.company.name'), render: (_, s) => <Link to={`/property/companies/${s.company_org_id}`}>{s.company_name}</Link> },
          ]}
          deductions
        />
      </Card>
      <Card title={t('prop.eval.annual', { year })} className="section-card">
        <Table<Annual>
          size="small"
          loading={annual.loading}
          rowKey={(a) => a.companyId}
          dataSource={annual.data ?? []}
          pagination={false}
          locale={{ emptyText: t('prop.eval.none') }}
          columns={[
            { key: 'company', title: t('prop.company.name'), dataIndex: 'companyName' },
            ...quarters.map((q) => ({ key: q, title: q.slice(5), render: (_: unknown, a: Annual) => a.quarters[q] ?? '—' })),
            { key: 'annual', title: t('prop.eval.annualScore'), render: (_, a) => <Typography.Text strong>{a.annual}</Typography.Text> },
            { key: 'grade', title: t('prop.score.grade'), render: (_, a) => <GradeTag grade={a.grade} /> },
          ]}
        />
      </Card>
      <Card title={t('prop.interview.title')} className="section-card">
        <Table<Interview>
          size="small"
          loading={interviews.loading}
          rowKey={(v) => v.id}
          dataSource={interviews.data ?? []}
          pagination={false}
          locale={{ emptyText: t('prop.interview.none') }}
          columns={[
            { key: 'company', title: t('prop.company.name'), dataIndex: 'company_name' },
            { key: 'quarter', title: t('prop.score.quarter'), dataIndex: 'quarter' },
            { key: 'score', title: t('prop.score.total'), dataIndex: 'score' },
            { key: 'due', title: t('prop.interview.due'), render: (_, v) => dayjs(v.due_at).format('YYYY-MM-DD') },
            { key: 'status', title: t('common.status'), render: (_, v) => <Tag color={v.status === 'open' ? 'orange' : 'green'}>{t(`prop.interview.status.${v.status}`)}</Tag> },
            { key: 'outcome', title: t('prop.interview.outcome'), render: (_, v) => (v.outcome ? `${v.held_on} · ${v.outcome}` : '—') },
            { key: 'act', title: t('common.actions'), render: (_, v) => (canRecord && v.status === 'open' ? <Button size="small" onClick={() => setRecording(v)}>{t('prop.interview.record')}</Button> : null) },
          ]}
        />
      </Card>
      {recording && <OutcomeModal interview={recording} onClose={(changed) => { setRecording(null); if (changed) void interviews.reload(); }} />}
    </PageLayout>
  );
}

function OutcomeModal({ interview, onClose }: { interview: Interview; onClose: (changed: boolean) => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ heldOn: dayjs.Dayjs; outcome: string }>();
  const { submitting, run } = useSubmit(form, async (v) => {
    await api.post(`/api/property/interviews/${interview.id}/outcome`, { heldOn: v.heldOn.format('YYYY-MM-DD'), outcome: v.outcome });
    onClose(true);
  });
  return (
    <Modal open title={`${t('prop.interview.record')} · ${interview.company_name ?? ''}`} onOk={() => void run()} okButtonProps={{ loading: submitting }} onCancel={() => onClose(false)} destroyOnHidden>
      <Form form={form} layout="vertical" initialValues={{ heldOn: dayjs() }}>
        <Form.Item name="heldOn" label={t('prop.interview.heldOn')} rules={[{ required: true, message: t('common.required') }]}>
          <DatePicker />
        </Form.Item>
        <Form.Item name="outcome" label={t('prop.interview.outcome')} rules={[{ required: true, message: t('common.required') }]}>
          <Input.TextArea rows={4} maxLength={2000} showCount />
        </Form.Item>
      </Form>
    </Modal>
  );
}
