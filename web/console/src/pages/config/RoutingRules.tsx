import { useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { App, Col, Form, Input, Row, Select, Space, Switch } from 'antd';
import { api, newIdempotencyKey } from '../../api/client';
import { ROUTING_TARGETS, type Compound, type Region, type RoutingRule } from '../../api/operations';
import type { Org } from '../../api/types';
import { CreateButton, PageLayout } from '../../components/PageLayout';
import { TablePage, listSource, type TableColumn } from '../../components/TablePage';
import { useSubmit } from '../../components/forms';
import { useAsync } from '../../components/useAsync';
import { deptTypeLabel } from '../../i18n/labels';
import { useCategories } from './useCategories';
import { activeColumn, activeFilter, categoryFilter, editColumn, inCategory, isActive, EditModal } from './columns';

type Values = Omit<RoutingRule, 'id'>;
const DEPT_TYPES = ['urban_management', 'housing', 'civil_affairs', 'police', 'market_regulation', 'environment', 'water', 'transport', 'emergency', 'health'];
const SUPERVISORS = ['none', 'community', 'street'] as const;

/**
 * 派遣规则: which unit a category goes to, optionally only in one area or compound. A rule names an
 * organisation, a type of department (the district's one), the compound's property company or the
 * community; the most specific active rule wins at intake (docs/case-workflow.md).
 */
export default function RoutingRules() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const categories = useCategories();
  const orgs = useAsync(() => api.get<Org[]>('/api/orgs'), []);
  const regions = useAsync(() => api.get<Region[]>('/api/regions'), []);
  const compounds = useAsync(() => api.get<Compound[]>('/api/compounds'), []);
  const [reloadKey, setReloadKey] = useState(0);
  const [editing, setEditing] = useState<RoutingRule | 'new' | null>(null);
  const [form] = Form.useForm<Values>();
  const target = Form.useWatch('target', form);
  const key = useRef(newIdempotencyKey());
  const orgName = useMemo(() => new Map((orgs.data ?? []).map((o) => [o.id, o.name])), [orgs.data]);
  const regionName = useMemo(() => new Map((regions.data ?? []).map((r) => [r.id, r.name])), [regions.data]);
  const compoundName = useMemo(() => new Map((compounds.data ?? []).map((c) => [c.id, c.name])), [compounds.data]);
  const source = useMemo(
    () =>
      listSource<RoutingRule, { category?: string; target?: string; active?: string }>(
        () => api.get<RoutingRule[]>('/api/routing-rules'),
        (r, f) => inCategory(r.category, f.category) && (!f.target || r.target === f.target) && isActive(r.active, f.active),
      ),
    [],
  );

  const targetText = (r: RoutingRule) => {
    if (r.target === 'org') return orgName.get(r.targetOrgId ?? '') ?? r.targetOrgId ?? '';
    if (r.target === 'dept_type') return t('cfg.deptTarget', { type: deptTypeLabel(r.targetDeptType ?? '') });
    return t(`cfg.target.${r.target}`);
  };

  const { submitting, run } = useSubmit(form, async (v) => {
    const body = {
      category: v.category, regionId: v.regionId ?? null, compoundId: v.compoundId ?? null, target: v.target,
      targetOrgId: v.target === 'org' ? v.targetOrgId : null, targetDeptType: v.target === 'dept_type' ? v.targetDeptType : null,
      assistDeptTypes: v.assistDeptTypes ?? [], assistOrgIds: v.assistOrgIds ?? [], supervisor: v.supervisor, active: v.active, note: v.note?.trim() || null,
    };
    if (editing === 'new') await api.post('/api/routing-rules', body, { idempotencyKey: key.current });
    else if (editing) await api.put(`/api/routing-rules/${editing.id}`, body);
    message.success(t('cfg.saved'));
    setEditing(null);
    setReloadKey((k) => k + 1);
  });
  const open = (r: RoutingRule | 'new') => {
    key.current = newIdempotencyKey();
    form.resetFields();
    if (r !== 'new') form.setFieldsValue(r);
    setEditing(r);
  };

  const columns: TableColumn<RoutingRule>[] = [
    { key: 'category', title: t('cfg.category'), value: (r) => categories.label(r.category) },
    { key: 'where', title: t('cfg.where'), value: (r) => (r.compoundId ? compoundName.get(r.compoundId) ?? '' : r.regionId ? regionName.get(r.regionId) ?? '' : t('cfg.everywhere')) },
    { key: 'target', title: t('cfg.targetLabel'), value: targetText },
    { key: 'assist', title: t('cfg.assist'), value: (r) => [...r.assistDeptTypes.map(deptTypeLabel), ...r.assistOrgIds.map((id) => orgName.get(id) ?? id)].join('、') },
    { key: 'supervisor', title: t('cfg.supervisor'), value: (r) => t(`cfg.supervisorName.${r.supervisor}`) },
    { key: 'note', title: t('cfg.note'), value: (r) => r.note ?? '', hidden: true },
    activeColumn(t),
    editColumn(t, open),
  ];

  const deptOptions = DEPT_TYPES.map((d) => ({ value: d, label: deptTypeLabel(d) }));
  return (
    <PageLayout description={t('cfg.routingDescription')} actions={<CreateButton label={t('cfg.newRouting')} onClick={() => open('new')} />}>
      <TablePage<RoutingRule>
        id="routing-rules"
        columns={columns}
        source={source}
        rowKey={(r) => r.id}
        exportName={t('cfg.routing')}
        reloadKey={reloadKey}
        filters={[
          categoryFilter(t, categories),
          { name: 'target', label: t('cfg.targetLabel'), type: 'select', width: 160, options: ROUTING_TARGETS.map((x) => ({ value: x, label: t(`cfg.target.${x}`) })) },
          activeFilter(t),
        ]}
      />
      <EditModal open={editing !== null} title={editing === 'new' ? t('cfg.newRouting') : t('cfg.editRouting')} submitting={submitting} onSave={() => void run()} onClose={() => setEditing(null)} width={720}>
        <Form form={form} layout="vertical" initialValues={{ target: 'dept_type', supervisor: 'none', active: true, assistDeptTypes: [], assistOrgIds: [] }}>
          <Form.Item name="category" label={t('cfg.category')} rules={[{ required: true, message: t('common.required') }]}>
            <Select showSearch={{ optionFilterProp: 'label' }} options={categories.options} />
          </Form.Item>
          <Row gutter={12}>
            <Col span={12}>
              <Form.Item name="regionId" label={t('cfg.region')} extra={t('cfg.regionHint')}>
                <Select allowClear showSearch={{ optionFilterProp: 'label' }} placeholder={t('cfg.everywhere')} options={(regions.data ?? []).filter((r) => r.level !== 'grid' && r.level !== 'city').map((r) => ({ value: r.id, label: r.name }))} />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name="compoundId" label={t('cfg.compound')}>
                <Select allowClear showSearch={{ optionFilterProp: 'label' }} placeholder={t('cfg.anyCompound')} options={(compounds.data ?? []).map((c) => ({ value: c.id, label: c.name }))} />
              </Form.Item>
            </Col>
          </Row>
          <Row gutter={12}>
            <Col span={10}>
              <Form.Item name="target" label={t('cfg.targetLabel')} rules={[{ required: true }]}>
                <Select options={ROUTING_TARGETS.map((x) => ({ value: x, label: t(`cfg.target.${x}`) }))} />
              </Form.Item>
            </Col>
            <Col span={14}>
              {target === 'org' && (
                <Form.Item name="targetOrgId" label={t('cfg.targetOrg')} rules={[{ required: true, message: t('common.required') }]}>
                  <Select showSearch={{ optionFilterProp: 'label' }} options={(orgs.data ?? []).filter((o) => o.active).map((o) => ({ value: o.id, label: o.name }))} />
                </Form.Item>
              )}
              {target === 'dept_type' && (
                <Form.Item name="targetDeptType" label={t('cfg.targetDeptType')} rules={[{ required: true, message: t('common.required') }]}>
                  <Select options={deptOptions} />
                </Form.Item>
              )}
            </Col>
          </Row>
          <Form.Item name="assistDeptTypes" label={t('cfg.assistDeptTypes')}>
            <Select mode="multiple" options={deptOptions} maxCount={10} />
          </Form.Item>
          <Form.Item name="assistOrgIds" label={t('cfg.assistOrgs')}>
            <Select mode="multiple" showSearch={{ optionFilterProp: 'label' }} maxCount={10} options={(orgs.data ?? []).filter((o) => o.active).map((o) => ({ value: o.id, label: o.name }))} />
          </Form.Item>
          <Space size="large" align="start">
            <Form.Item name="supervisor" label={t('cfg.supervisor')}>
              <Select style={{ width: 180 }} options={SUPERVISORS.map((s) => ({ value: s, label: t(`cfg.supervisorName.${s}`) }))} />
            </Form.Item>
            <Form.Item name="active" label={t('common.status')} valuePropName="checked">
              <Switch checkedChildren={t('common.active')} unCheckedChildren={t('common.inactive')} />
            </Form.Item>
          </Space>
          <Form.Item name="note" label={t('cfg.note')}>
            <Input maxLength={200} />
          </Form.Item>
        </Form>
      </EditModal>
    </PageLayout>
  );
}
