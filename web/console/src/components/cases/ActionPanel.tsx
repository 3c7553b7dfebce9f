import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { App, Button, DatePicker, Flex, Form, Modal, Radio, Select, Switch, TreeSelect, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { act, getHandlers, type CaseDetail, type CaseSummary, type Handler } from '../../api/cases';
import { useSubmit } from '../forms';
import { actionLabel, useTaxonomy } from './common';
import { PhotoUpload, TextWithTemplates, useTemplates } from './inputs';

type Field =
  | 'reason' | 'note' | 'orgId' | 'assistOrgIds' | 'orgIds' | 'until' | 'reviewDate' | 'passed' | 'attachmentIds' | 'category' | 'priority'
  | 'resolved' | 'satisfaction' | 'comment' | 'approved' | 'urgent' | 'rateOrg' | 'onTime' | 'effective' | 'targetCaseId';

/** What each action asks for (docs/case-workflow.md, "Parameters by action"); starred fields are required. */
const FORMS: Record<string, string[]> = {
  register: ['category', 'priority'],
  reject: ['reason*'],
  merge: ['targetCaseId*', 'reason*'],
  dispatch: ['orgId*', 'assistOrgIds'],
  reassign: ['orgId*', 'reason*'],
  accept: [],
  return: ['reason*'],
  handle: ['note*', 'attachmentIds'],
  verify: ['passed*', 'note', 'attachmentIds'],
  close: ['reason'],
  evaluate: ['resolved', 'satisfaction*', 'comment'],
  reopen: ['reason*'],
  park: ['reviewDate*', 'reason*'],
  extend: ['until*', 'reason*'],
  approve_extension: ['approved'],
  escalate: ['reason*'],
  whistle: ['orgIds*', 'urgent', 'until'],
  check_in: ['note', 'attachmentIds'],
  rate: ['rateOrg*', 'onTime', 'effective'],
  supervise: ['note*'],
  acknowledge: [],
};
const parse = (spec: string) => ({ field: spec.replace('*', '') as Field, required: spec.endsWith('*') });

/**
 * Steps the workflow allows in the state but that need something to act on: offered only when it is
 * there (the server would refuse them otherwise).
 */
const CONTEXTUAL: Record<string, (c: CaseDetail) => boolean> = {
  approve_extension: (c) => c.extensions.some((e) => e.state === 'pending'),
  rate: (c) => c.whistles.some((w) => w.checkedInAt !== null && w.ratedOnTime === null),
  acknowledge: (c) => c.supervisions.some((s) => s.acknowledgedAt === null),
};

/** The steps of the main path: shown as primary buttons. */
const MAIN = new Set(['register', 'dispatch', 'accept', 'handle', 'verify', 'close', 'evaluate', 'check_in']);
const DANGER = new Set(['reject', 'return']);

/**
 * Only the actions the server says the user may take now (allowedActions), each opening a form with
 * the fields it needs. The case's version goes along, so a case changed meanwhile fails with a
 * clear message instead of overwriting someone else's step.
 */
export function ActionPanel({ c, onDone, suggestedCategory, similar }: { c: CaseDetail; onDone: (next: CaseDetail) => void; suggestedCategory?: string; similar: CaseSummary[] }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState<string | null>(null);
  const offered = c.allowedActions.filter((a) => !CONTEXTUAL[a] || CONTEXTUAL[a](c));
  if (!offered.length) return <Typography.Text type="secondary" data-testid="no-actions">{t('work.actions.none')}</Typography.Text>;
  const ordered = [...offered].sort((a, b) => Number(MAIN.has(b)) - Number(MAIN.has(a)));
  return (
    <>
      <Flex wrap gap={8} data-testid="actions">
        {ordered.map((a) => (
          <Button key={a} type={MAIN.has(a) ? 'primary' : 'default'} danger={DANGER.has(a)} onClick={() => setOpen(a)} data-testid={`action-${a}`}>
            {actionLabel(a)}
          </Button>
        ))}
      </Flex>
      {open && <ActionForm c={c} action={open} suggestedCategory={suggestedCategory} similar={similar} onClose={(next) => { setOpen(null); if (next) onDone(next); }} />}
    </>
  );
}

function ActionForm({ c, action, onClose, suggestedCategory, similar }: { c: CaseDetail; action: string; onClose: (next?: CaseDetail) => void; suggestedCategory?: string; similar: CaseSummary[] }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const tax = useTaxonomy();
  const templates = useTemplates(c.categoryTop);
  const specs = (FORMS[action] ?? []).map(parse);
  const needs = (f: Field) => specs.some((s) => s.field === f);
  const [handlers, setHandlers] = useState<Handler[]>([]);
  useEffect(() => {
    if (needs('orgId') || needs('orgIds') || needs('assistOrgIds')) getHandlers().then(setHandlers).catch(() => undefined);
  }, [action]);
  const passed = Form.useWatch('passed', form);
  const handlerOptions = useMemo(() => handlers.map((h) => ({ value: h.id, label: h.name })), [handlers]);

  const { submitting, run } = useSubmit(form, async (v: Record<string, unknown>) => {
    const body: Record<string, unknown> = { action, expectedVersion: c.version };
    for (const [k, value] of Object.entries(v)) {
      if (value === undefined || value === null || value === '' || (Array.isArray(value) && !value.length)) continue;
      if (k === 'until') body.until = (value as Dayjs).toISOString();
      else if (k === 'reviewDate') body.until = (value as Dayjs).format('YYYY-MM-DD');
      else if (k === 'rateOrg') body.orgId = value;
      else if (typeof value === 'string') body[k] = value.trim();
      else body[k] = value;
    }
    // the category is only sent when it changes (register may reclassify, which re-routes)
    if (body.category === c.category) delete body.category;
    if (body.priority === c.priority) delete body.priority;
    const next = await act(c.id, body);
    message.success(t('work.actions.done', { action: actionLabel(action) }));
    onClose(next);
  });

  const initial: Record<string, unknown> = {
    category: suggestedCategory && c.category === 'other' ? suggestedCategory : c.category,
    priority: c.priority,
    orgId: action === 'dispatch' ? c.assignedOrgId ?? undefined : undefined,
    approved: true,
    urgent: c.priority === 'urgent',
    onTime: true,
    effective: true,
    resolved: true,
  };
  const req = (f: Field) => specs.find((s) => s.field === f)?.required || (f === 'note' && action === 'verify' && passed === false) || (f === 'reason' && action === 'close' && c.status === 'parked');
  const rule = (f: Field) => (req(f) ? [{ required: true, message: t('common.required') }] : []);
  const text = (f: 'reason' | 'note' | 'comment', max: number) => (
    <Form.Item key={f} name={f} label={t(`work.form.${action === 'handle' && f === 'note' ? 'result' : action === 'supervise' && f === 'note' ? 'notice' : f}`)} rules={rule(f)}>
      <TextWithTemplates templates={templates} maxLength={max} />
    </Form.Item>
  );

  const item = (f: Field) => {
    switch (f) {
      case 'reason': return text('reason', 500);
      case 'note': return text('note', 2000);
      case 'comment': return text('comment', 500);
      case 'category':
        return (
          <Form.Item key={f} name="category" label={t('work.field.category')} rules={rule(f)}>
            <TreeSelect showSearch treeNodeFilterProp="title" treeData={tax.tree} data-testid="form-category" />
          </Form.Item>
        );
      case 'priority':
        return (
          <Form.Item key={f} name="priority" label={t('work.field.priority')}>
            <Radio.Group options={[{ value: 'normal', label: t('work.priority.normal') }, { value: 'urgent', label: t('work.priority.urgent') }]} optionType="button" />
          </Form.Item>
        );
      case 'orgId':
        return (
          <Form.Item key={f} name="orgId" label={t('work.form.unit')} rules={rule(f)} extra={action === 'dispatch' && c.assignedOrgName ? t('work.form.suggestedUnit', { name: c.assignedOrgName }) : undefined}>
            <Select showSearch={{ optionFilterProp: 'label' }} options={handlerOptions} data-testid="form-org" />
          </Form.Item>
        );
      case 'assistOrgIds':
        return (
          <Form.Item key={f} name="assistOrgIds" label={t('work.form.assist')}>
            <Select mode="multiple" showSearch={{ optionFilterProp: 'label' }} options={handlerOptions.filter((o) => o.value !== form.getFieldValue('orgId'))} maxCount={10} />
          </Form.Item>
        );
      case 'orgIds':
        return (
          <Form.Item key={f} name="orgIds" label={t('work.form.whistleUnits')} rules={rule(f)}>
            <Select mode="multiple" showSearch={{ optionFilterProp: 'label' }} options={handlerOptions.filter((h) => handlers.find((x) => x.id === h.value)?.kind === 'department' || handlers.find((x) => x.id === h.value)?.kind === 'property_company')} maxCount={10} data-testid="form-orgs" />
          </Form.Item>
        );
      case 'rateOrg':
        return (
          <Form.Item key={f} name="rateOrg" label={t('work.form.rateUnit')} rules={rule(f)}>
            <Select options={[...new Map(c.whistles.map((w) => [w.orgId, w.orgName])).entries()].map(([value, label]) => ({ value, label }))} />
          </Form.Item>
        );
      case 'until':
        return (
          <Form.Item key={f} name="until" label={t(action === 'extend' ? 'work.form.extendUntil' : 'work.form.checkInBy')} rules={rule(f)}>
            <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" disabledDate={(d) => d.isBefore(dayjs(), 'day')} />
          </Form.Item>
        );
      case 'reviewDate':
        return (
          <Form.Item key={f} name="reviewDate" label={t('work.form.reviewDate')} rules={rule(f)}>
            <DatePicker disabledDate={(d) => !d.isAfter(dayjs(), 'day')} />
          </Form.Item>
        );
      case 'passed':
        return (
          <Form.Item key={f} name="passed" label={t('work.form.verifyResult')} rules={rule(f)}>
            <Radio.Group options={[{ value: true, label: t('work.form.passed') }, { value: false, label: t('work.form.failed') }]} optionType="button" data-testid="form-passed" />
          </Form.Item>
        );
      case 'attachmentIds':
        return (
          <Form.Item key={f} name="attachmentIds" label={t(action === 'handle' ? 'work.field.photosAfter' : 'work.form.photos')}>
            <PhotoUpload />
          </Form.Item>
        );
      case 'resolved':
        return (
          <Form.Item key={f} name="resolved" label={t('work.form.resolved')}>
            <Radio.Group options={[{ value: true, label: t('common.yes') }, { value: false, label: t('common.no') }]} optionType="button" />
          </Form.Item>
        );
      case 'satisfaction':
        return (
          <Form.Item key={f} name="satisfaction" label={t('work.form.satisfaction')} rules={rule(f)}>
            <Radio.Group options={['satisfied', 'basically_satisfied', 'dissatisfied'].map((s) => ({ value: s, label: t(`work.satisfaction.${s}`) }))} optionType="button" />
          </Form.Item>
        );
      case 'approved':
        return (
          <Form.Item key={f} name="approved" label={t('work.form.approved')}>
            <Radio.Group options={[{ value: true, label: t('work.form.approve') }, { value: false, label: t('work.form.refuse') }]} optionType="button" />
          </Form.Item>
        );
      case 'urgent':
      case 'onTime':
      case 'effective':
        return (
          <Form.Item key={f} name={f} label={t(`work.form.${f}`)} valuePropName="checked">
            <Switch />
          </Form.Item>
        );
      case 'targetCaseId':
        return (
          <Form.Item key={f} name="targetCaseId" label={t('work.form.mergeInto')} rules={rule(f)} extra={t('work.form.mergeHint')}>
            <Select showSearch={{ optionFilterProp: 'label' }} options={similar.map((s) => ({ value: s.id, label: `${s.caseNo} ${s.title}` }))} />
          </Form.Item>
        );
    }
  };

  const pending = c.extensions.find((e) => e.state === 'pending');
  return (
    <Modal
      open
      title={`${actionLabel(action)} · ${c.caseNo}`}
      okText={t('common.confirm')}
      cancelText={t('common.cancel')}
      onOk={() => void run()}
      okButtonProps={{ loading: submitting, 'data-testid': 'action-ok' } as never}
      onCancel={() => onClose()}
      destroyOnHidden
      width={560}
    >
      {action === 'approve_extension' && pending && (
        <Typography.Paragraph>{t('work.form.extensionAsked', { until: dayjs(pending.until).format('YYYY-MM-DD HH:mm'), reason: pending.reason })}</Typography.Paragraph>
      )}
      {!specs.length && action !== 'approve_extension' && <Typography.Paragraph>{t('work.actions.confirm', { action: actionLabel(action) })}</Typography.Paragraph>}
      <Form form={form} layout="vertical" initialValues={initial} data-testid="action-form">
        {specs.map((s) => item(s.field))}
      </Form>
    </Modal>
  );
}
