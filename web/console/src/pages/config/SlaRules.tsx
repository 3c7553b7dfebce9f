import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { App, Col, Form, InputNumber, Row, Select, Slider, Tag } from 'antd';
import { api } from '../../api/client';
import { CLOCKS, type SlaRule } from '../../api/operations';
import { CreateButton, PageLayout } from '../../components/PageLayout';
import { TablePage, listSource, type TableColumn } from '../../components/TablePage';
import { useSubmit } from '../../components/forms';
import { useCategories } from './useCategories';
import { categoryFilter, editColumn, inCategory, EditModal } from './columns';

const STAGES = ['register', 'response', 'handle', 'verify'] as const;
type Values = Omit<SlaRule, 'id'>;

/** 时限规则: how long each stage of a case may take, per category and priority, on which clock. */
export default function SlaRules() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const categories = useCategories();
  const [reloadKey, setReloadKey] = useState(0);
  const [editing, setEditing] = useState<SlaRule | 'new' | null>(null);
  const [form] = Form.useForm<Values>();
  const source = useMemo(
    () => listSource<SlaRule, { category?: string; priority?: string }>(() => api.get<SlaRule[]>('/api/sla-rules'), (r, f) => inCategory(r.category, f.category) && (!f.priority || r.priority === f.priority)),
    [],
  );
  const amount = (r: SlaRule, s: (typeof STAGES)[number]) => `${r[`${s}Amount`]} ${t(`cfg.clock.${r[`${s}Clock`]}`)}`;

  // PUT creates or replaces the rule of a category and priority: saving twice is harmless
  const { submitting, run } = useSubmit(form, async (v) => {
    await api.put('/api/sla-rules', v);
    message.success(t('cfg.saved'));
    setEditing(null);
    setReloadKey((k) => k + 1);
  });
  const open = (r: SlaRule | 'new') => {
    form.resetFields();
    if (r !== 'new') {
      const { id: _id, ...values } = r;
      form.setFieldsValue(values);
    }
    setEditing(r);
  };

  const columns: TableColumn<SlaRule>[] = [
    { key: 'category', title: t('cfg.category'), value: (r) => categories.label(r.category) },
    {
      key: 'priority',
      title: t('cfg.priority'),
      value: (r) => t(`cfg.priorityName.${r.priority}`),
      render: (r) => <Tag color={r.priority === 'urgent' ? 'red' : 'default'}>{t(`cfg.priorityName.${r.priority}`)}</Tag>,
    },
    ...STAGES.map((s) => ({ key: s, title: t(`cfg.stage.${s}`), value: (r: SlaRule) => amount(r, s) })),
    { key: 'warn', title: t('cfg.warnFraction'), value: (r) => `${Math.round(r.warnFraction * 100)}%` },
    editColumn(t, open),
  ];

  const clockOptions = CLOCKS.map((c) => ({ value: c, label: t(`cfg.clock.${c}`) }));
  return (
    <PageLayout description={t('cfg.slaDescription')} actions={<CreateButton label={t('cfg.newSla')} onClick={() => open('new')} />}>
      <TablePage<SlaRule>
        id="sla-rules"
        columns={columns}
        source={source}
        rowKey={(r) => r.id}
        exportName={t('cfg.sla')}
        reloadKey={reloadKey}
        filters={[
          categoryFilter(t, categories),
          { name: 'priority', label: t('cfg.priority'), type: 'select', width: 120, options: (['normal', 'urgent'] as const).map((p) => ({ value: p, label: t(`cfg.priorityName.${p}`) })) },
        ]}
      />
      <EditModal open={editing !== null} title={editing === 'new' ? t('cfg.newSla') : t('cfg.editSla')} submitting={submitting} onSave={() => void run()} onClose={() => setEditing(null)} width={640}>
        <Form
          form={form}
          layout="vertical"
          initialValues={{ priority: 'normal', registerClock: 'work_hours', registerAmount: 1, responseClock: 'work_hours', responseAmount: 2, handleClock: 'work_days', handleAmount: 5, verifyClock: 'work_days', verifyAmount: 1, warnFraction: 0.8 }}
        >
          <Row gutter={12}>
            <Col span={16}>
              <Form.Item name="category" label={t('cfg.category')} rules={[{ required: true, message: t('common.required') }]}>
                <Select showSearch={{ optionFilterProp: 'label' }} options={categories.options} disabled={editing !== 'new'} />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item name="priority" label={t('cfg.priority')} rules={[{ required: true }]}>
                <Select disabled={editing !== 'new'} options={(['normal', 'urgent'] as const).map((p) => ({ value: p, label: t(`cfg.priorityName.${p}`) }))} />
              </Form.Item>
            </Col>
          </Row>
          {STAGES.map((s) => (
            <Row gutter={12} key={s}>
              <Col span={10}>
                <Form.Item name={`${s}Amount`} label={t(`cfg.stage.${s}`)} rules={[{ required: true, message: t('common.required') }]}>
                  <InputNumber min={0.01} max={1000} step={0.5} style={{ width: '100%' }} />
                </Form.Item>
              </Col>
              <Col span={14}>
                <Form.Item name={`${s}Clock`} label={t('cfg.clockLabel')} rules={[{ required: true }]}>
                  <Select options={clockOptions} />
                </Form.Item>
              </Col>
            </Row>
          ))}
          <Form.Item name="warnFraction" label={t('cfg.warnFraction')} extra={t('cfg.warnHint')}>
            <Slider min={0} max={0.95} step={0.05} tooltip={{ formatter: (v) => `${Math.round((v ?? 0) * 100)}%` }} />
          </Form.Item>
        </Form>
      </EditModal>
    </PageLayout>
  );
}
