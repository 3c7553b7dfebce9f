import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { App, Button, Card, Col, Form, Input, Modal, Row, Select, Tag, Tree, TreeSelect, Typography } from 'antd';
import type { TreeDataNode } from 'antd';
import { api, newIdempotencyKey } from '../../api/client';
import { ORG_KINDS, type Org, type OrgKind, type PlaceRef } from '../../api/types';
import { CreateButton, PageLayout } from '../../components/PageLayout';
import { TablePage, listSource, type TableColumn } from '../../components/TablePage';
import { useSubmit } from '../../components/forms';
import { useAsync } from '../../components/useAsync';
import { usePermission } from '../../app/session';
import { deptTypeLabel, orgKindLabel } from '../../i18n/labels';

/** Functional department types the form offers (those of the demo city; the API accepts any lower-case code). */
const DEPT_TYPES = ['urban_management', 'housing', 'civil_affairs', 'police', 'market_regulation', 'environment', 'water', 'transport', 'emergency', 'health'];
const LEVELS = ['city', 'district', 'street', 'community', 'grid'];

interface RegionNode {
  place: PlaceRef;
  children: Map<string, RegionNode>;
  orgs: number;
}

/** The jurisdiction tree, as far as the organisations in scope reveal it (each carries its region path). */
function regionTree(orgs: Org[]): RegionNode[] {
  const roots = new Map<string, RegionNode>();
  for (const o of orgs) {
    let level = roots;
    let node: RegionNode | undefined;
    for (const place of o.regionPath) {
      node = level.get(place.id);
      if (!node) level.set(place.id, (node = { place, children: new Map(), orgs: 0 }));
      level = node.children;
    }
    if (node) node.orgs++;
  }
  return [...roots.values()];
}

function sorted(nodes: Iterable<RegionNode>) {
  return [...nodes].sort((a, b) => LEVELS.indexOf(a.place.level) - LEVELS.indexOf(b.place.level) || a.place.name.localeCompare(b.place.name, 'zh-CN'));
}

interface Filters extends Record<string, unknown> {
  kind?: OrgKind;
  q?: string;
}

interface CreateValues {
  kind: OrgKind;
  name: string;
  regionId?: string;
  parentId?: string;
  deptType?: string;
  code?: string;
}

export default function Orgs() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const canCreate = usePermission('admin.orgs');
  const all = useAsync(() => api.get<Org[]>('/api/orgs'), []);
  const orgs = all.data ?? [];
  const [region, setRegion] = useState<string | null>(null);
  const [reloadKey, setReloadKey] = useState(0);
  const [creating, setCreating] = useState<string | null>(null);
  const [form] = Form.useForm<CreateValues>();
  const kind = Form.useWatch('kind', form);

  const tree = useMemo(() => regionTree(orgs), [orgs]);
  const byId = useMemo(() => new Map(orgs.map((o) => [o.id, o])), [orgs]);
  const treeData = useMemo(() => {
    const toNode = (n: RegionNode): TreeDataNode & { value: string } => ({
      key: n.place.id,
      value: n.place.id,
      title: n.place.name,
      children: sorted(n.children.values()).map(toNode),
    });
    return sorted(tree).map(toNode);
  }, [tree]);

  const source = useMemo(
    () =>
      listSource<Org, Filters>(
        (f) => api.get<Org[]>('/api/orgs', { kind: f.kind }),
        (o, f) => (!f.q || o.name.includes(f.q.trim()) || (o.code ?? '').includes(f.q.trim())) && (!region || o.regionPath.some((p) => p.id === region)),
      ),
    [region],
  );

  const columns: TableColumn<Org>[] = [
    { key: 'name', title: t('orgs.name'), value: (o) => o.name, width: 260 },
    { key: 'kind', title: t('orgs.kind'), value: (o) => orgKindLabel(o.kind), render: (o) => <Tag>{orgKindLabel(o.kind)}</Tag> },
    // everyone works in the same city: the path starts below it
    { key: 'region', title: t('orgs.region'), value: (o) => (o.regionPath.length > 1 ? o.regionPath.slice(1) : o.regionPath).map((p) => p.name).join(' / ') },
    { key: 'parent', title: t('orgs.parent'), value: (o) => (o.parentId ? (byId.get(o.parentId)?.name ?? '') : '') },
    { key: 'deptType', title: t('orgs.deptType'), value: (o) => (o.deptType ? deptTypeLabel(o.deptType) : '') },
    { key: 'code', title: t('orgs.code'), value: (o) => o.code, hidden: true },
    {
      key: 'active',
      title: t('common.status'),
      value: (o) => (o.active ? t('common.active') : t('common.inactive')),
      render: (o) => (o.active ? <Tag color="green">{t('common.active')}</Tag> : <Tag>{t('common.inactive')}</Tag>),
    },
  ];

  const { submitting, run } = useSubmit(form, async (v) => {
    await api.post(
      '/api/orgs',
      { kind: v.kind, name: v.name.trim(), regionId: v.regionId ?? null, parentId: v.parentId ?? null, deptType: v.kind === 'department' ? (v.deptType ?? null) : null, code: v.code?.trim() || null },
      { idempotencyKey: creating ?? undefined },
    );
    message.success(t('orgs.created', { name: v.name.trim() }));
    setCreating(null);
    setReloadKey((k) => k + 1);
    void all.reload();
  });

  return (
    <PageLayout
      description={t('orgs.description')}
      actions={
        canCreate && (
          <CreateButton
            label={t('orgs.create')}
            onClick={() => {
              form.resetFields();
              // a new body most likely belongs where the administrator is looking
              if (region) form.setFieldsValue({ regionId: region });
              setCreating(newIdempotencyKey());
            }}
          />
        )
      }
    >
      <Row gutter={16}>
        <Col xs={24} lg={6} xxl={4}>
          <Card title={t('orgs.tree')} size="small" className="region-tree-card">
            <Typography.Link onClick={() => setRegion(null)} strong={region === null}>
              {t('orgs.allRegions')}
            </Typography.Link>
            <Tree
              treeData={treeData}
              selectedKeys={region ? [region] : []}
              onSelect={(keys) => setRegion((keys[0] as string | undefined) ?? null)}
              defaultExpandedKeys={treeData.map((n) => n.key)}
              // defaultExpandedKeys applies when the tree mounts: mount it again once the data is there
              key={treeData.length}
              blockNode
              data-testid="region-tree"
            />
          </Card>
        </Col>
        <Col xs={24} lg={18} xxl={20}>
          <TablePage<Org, Filters>
            id="orgs"
            columns={columns}
            filters={[
              { name: 'q', label: t('orgs.keyword'), type: 'text', placeholder: t('orgs.keywordHint') },
              { name: 'kind', label: t('orgs.kind'), type: 'select', options: ORG_KINDS.map((k) => ({ value: k, label: orgKindLabel(k) })) },
            ]}
            source={source}
            rowKey={(o) => o.id}
            exportName={t('screen.orgs')}
            reloadKey={reloadKey}
          />
        </Col>
      </Row>
      <Modal
        open={creating !== null}
        title={t('orgs.create')}
        okText={t('common.save')}
        confirmLoading={submitting}
        onOk={() => void run()}
        onCancel={() => setCreating(null)}
        forceRender
        width={560}
      >
        <Form form={form} layout="vertical" initialValues={{ kind: 'department' }}>
          <Form.Item name="kind" label={t('orgs.kind')} rules={[{ required: true, message: t('common.required') }]}>
            <Select options={ORG_KINDS.filter((k) => k !== 'platform').map((k) => ({ value: k, label: orgKindLabel(k) }))} />
          </Form.Item>
          <Form.Item name="name" label={t('orgs.name')} rules={[{ required: true, whitespace: true, message: t('common.required') }, { max: 100 }]}>
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item name="regionId" label={t('orgs.region')} extra={t('orgs.regionHint')}>
            <TreeSelect treeData={treeData} allowClear showSearch treeNodeFilterProp="title" placeholder={t('common.choose')} />
          </Form.Item>
          <Form.Item name="parentId" label={t('orgs.parent')}>
            <Select allowClear showSearch={{ optionFilterProp: 'label' }} placeholder={t('common.choose')} options={orgs.map((o) => ({ value: o.id, label: o.name }))} />
          </Form.Item>
          {kind === 'department' && (
            <Form.Item name="deptType" label={t('orgs.deptType')} rules={[{ required: true, message: t('common.required') }]}>
              <Select showSearch={{ optionFilterProp: 'label' }} placeholder={t('common.choose')} options={DEPT_TYPES.map((d) => ({ value: d, label: deptTypeLabel(d) }))} />
            </Form.Item>
          )}
          <Form.Item name="code" label={t('orgs.code')}>
            <Input maxLength={40} placeholder={t('orgs.codeHint')} />
          </Form.Item>
        </Form>
      </Modal>
    </PageLayout>
  );
}

