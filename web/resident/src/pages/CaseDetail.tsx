import { useState } from 'react';
import { Button, Card, Form, Image, Selector, Space, Steps, Tag, TextArea, Toast } from 'antd-mobile';
import { api, errorText, type MyCaseDetail } from '../lib/api';
import { usePrefs } from '../lib/prefs';
import { useLoad } from '../lib/useLoad';
import { Loading } from '../components/Loading';
import type { Key } from '../i18n';

const SATISFACTION = ['satisfied', 'basically_satisfied', 'dissatisfied'] as const;

/** One report: what happened in plain words, photos, and after closing the resident's rating (a dissatisfied one can reopen it). */
export default function CaseDetail({ id }: { id: string }) {
  const { t, lang } = usePrefs();
  const { data: c, error, reload } = useLoad(() => api.get<MyCaseDetail>(`/api/my/cases/${id}`), [id, lang]);
  if (!c) return <Loading error={error} retry={reload} />;
  const when = (iso: string) => new Date(iso).toLocaleString(lang, { month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit' });
  return (
    <div className="case">
      <Card title={c.title} extra={<Tag color="primary" fill="outline">{c.statusText}</Tag>}>
        <p className="muted">{c.caseNo} · {c.categoryName}</p>
        <p>{c.description}</p>
        {c.address && <p className="muted">{c.address}</p>}
        {c.attachments.some((a) => a.mime.startsWith('image/')) && (
          <Space wrap aria-label={t('cases.photos')}>
            {c.attachments.filter((a) => a.mime.startsWith('image/')).map((a) => <Image key={a.id} src={`/api/files/${a.id}`} width={88} height={88} fit="cover" lazy alt={t('cases.photos')} />)}
          </Space>
        )}
      </Card>
      <Card title={t('cases.timeline')}>
        <Steps direction="vertical" current={c.timeline.length - 1}>
          {[...c.timeline].map((e, i) => (
            <Steps.Step key={i} title={e.text} description={<>{when(e.at)}{e.note && <div className="note">{e.note}</div>}</>} status={i === c.timeline.length - 1 ? 'process' : 'finish'} />
          ))}
        </Steps>
      </Card>
      {c.evaluation && (
        <Card title={t('cases.yourEvaluation')}>
          <p>{c.evaluation.resolved === false ? t('cases.no') : c.evaluation.resolved ? t('cases.yes') : ''} · {t(`cases.${c.evaluation.satisfaction}` as Key)}</p>
          {c.evaluation.comment && <p className="muted">{c.evaluation.comment}</p>}
        </Card>
      )}
      {c.canEvaluate && <Evaluate caseId={c.id} onDone={reload} />}
      {c.canReopen && <Reopen caseId={c.id} onDone={reload} />}
    </div>
  );
}

function Evaluate({ caseId, onDone }: { caseId: string; onDone: () => void }) {
  const { t } = usePrefs();
  const [busy, setBusy] = useState(false);
  const submit = async (v: { resolved?: string[]; satisfaction?: string[]; comment?: string }) => {
    if (!v.satisfaction?.[0]) return Toast.show({ content: t('cases.pickSatisfaction') });
    setBusy(true);
    try {
      await api.post(`/api/cases/${caseId}/actions`, {
        action: 'evaluate',
        satisfaction: v.satisfaction[0],
        ...(v.resolved?.[0] ? { resolved: v.resolved[0] === 'yes' } : {}),
        ...(v.comment?.trim() ? { comment: v.comment.trim() } : {}),
      });
      Toast.show({ content: t('cases.evaluated') });
      onDone();
    } catch (e) {
      Toast.show({ content: errorText(e, t('networkError')) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card title={t('cases.evaluate')}>
      <Form layout="vertical" onFinish={submit} footer={<Button block type="submit" color="primary" size="large" loading={busy}>{t('cases.submitEvaluation')}</Button>}>
        <Form.Item name="resolved" label={t('cases.resolved')}>
          <Selector columns={2} options={[{ label: t('cases.yes'), value: 'yes' }, { label: t('cases.no'), value: 'no' }]} />
        </Form.Item>
        <Form.Item name="satisfaction" label={t('cases.satisfaction')}>
          <Selector columns={3} options={SATISFACTION.map((s) => ({ label: t(`cases.${s}`), value: s }))} />
        </Form.Item>
        <Form.Item name="comment" label={t('cases.comment')}>
          <TextArea maxLength={500} rows={3} aria-label={t('cases.comment')} />
        </Form.Item>
      </Form>
    </Card>
  );
}

function Reopen({ caseId, onDone }: { caseId: string; onDone: () => void }) {
  const { t } = usePrefs();
  const [reason, setReason] = useState('');
  const send = async () => {
    try {
      await api.post(`/api/cases/${caseId}/actions`, { action: 'reopen', reason: reason.trim() });
      Toast.show({ content: t('cases.reopened') });
      onDone();
    } catch (e) {
      Toast.show({ content: errorText(e, t('networkError')) });
    }
  };
  return (
    <Card title={t('cases.reopen')}>
      <TextArea value={reason} onChange={setReason} placeholder={t('cases.reopenReason')} maxLength={500} rows={3} aria-label={t('cases.reopenReason')} />
      <Button block color="warning" size="large" disabled={!reason.trim()} onClick={send}>{t('cases.reopen')}</Button>
    </Card>
  );
}
