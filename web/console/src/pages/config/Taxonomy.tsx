import { useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { App, Form, Input, InputNumber, Select, Space, Switch, Tag } from 'antd';
import { api, newIdempotencyKey } from '../../api/client';
import type { L3, TaxonomyItem, TaxonomyTop } from '../../api/operations';
import { CreateButton, PageLayout } from '../../components/PageLayout';
import { TablePage, listSource, type TableColumn } from '../../components/TablePage';
import { useSubmit } from '../../components/forms';
import { usePreferences } from '../../app/preferences';
import { activeColumn, activeFilter, editColumn, isActive, EditModal } from './columns';

interface Row extends TaxonomyItem {
  parent: TaxonomyTop | null;
}
interface Values {
  code?: string;
  parentCode?: string;
  name: L3;
  description?: L3;
  keywords: string[];
  active?: boolean;
  sortOrder: number;
}
const LANGS = ['zh-CN', 'zh-TW', 'en'] as const;

/** 事项分类: the two-level case taxonomy, its names in three languages and its keywords. */
export default function Taxonomy() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { language } = usePreferences();
  const [reloadKey, setReloadKey] = useState(0);
  const [editing, setEditing] = useState<Row | 'new' | null>(null);
  const [tops, setTops] = useState<TaxonomyTop[]>([]);
  const [form] = Form.useForm<Values>();
  const key = useRef(newIdempotencyKey());
  const source = useMemo(
    () =>
      listSource<Row, { q?: string; parent?: string; active?: string }>(
        async () => {
          const all = await api.get<TaxonomyTop[]>('/api/taxonomy', { includeInactive: true });
          setTops(all);
          return all.flatMap((top) => [{ ...top, parent: null }, ...top.children.map((c) => ({ ...c, parent: top }))]);
        },
        (r, f) =>
          (!f.parent || r.code === f.parent || r.parent?.code === f.parent) &&
          isActive(r.active, f.active) &&
          (!f.q || [r.code, ...Object.values(r.name), ...r.keywords].some((x) => x.toLowerCase().includes(f.q!.toLowerCase()))),
      ),
    [],
  );
  const name = (n: L3) => n[language] || n['zh-CN'];

  const { submitting, run } = useSubmit(form, async (v) => {
    const body = { name: v.name, ...(v.description && Object.values(v.description).every(Boolean) ? { description: v.description } : {}), keywords: v.keywords ?? [], sortOrder: v.sortOrder ?? 0 };
    if (editing === 'new') {
      await api.post('/api/taxonomy', { ...body, code: v.code, ...(v.parentCode ? { parentCode: v.parentCode } : {}) }, { idempotencyKey: key.current });
      message.success(t('cfg.saved'));
    } else if (editing) {
      await api.patch(`/api/taxonomy/${encodeURIComponent(editing.code)}`, { ...body, active: v.active });
      message.success(t('cfg.saved'));
    }
    setEditing(null);
    setReloadKey((k) => k + 1);
  });

  const open = (row: Row | 'new') => {
    key.current = newIdempotencyKey();
    form.resetFields();
    if (row !== 'new') form.setFieldsValue({ name: row.name, description: row.description, keywords: row.keywords, active: row.active, sortOrder: row.sortOrder });
    setEditing(row);
  };

  const columns: TableColumn<Row>[] = [
    { key: 'code', title: t('cfg.code'), value: (r) => r.code },
    {
      key: 'name',
      title: t('cfg.categoryName'),
      value: (r) => name(r.name),
      render: (r) => (r.parent ? <span className="tree-child">{name(r.name)}</span> : <strong>{name(r.name)}</strong>),
    },
    { key: 'parent', title: t('cfg.parent'), value: (r) => (r.parent ? name(r.parent.name) : t('cfg.topLevel')) },
    { key: 'en', title: t('cfg.lang.en'), value: (r) => r.name.en, hidden: language === 'en' },
    {
      key: 'keywords',
      title: t('cfg.keywords'),
      value: (r) => r.keywords.join('、'),
      render: (r) => (
        <Space size={[4, 4]} wrap>
          {r.keywords.slice(0, 6).map((k) => (
            <Tag key={k}>{k}</Tag>
          ))}
          {r.keywords.length > 6 && <Tag>+{r.keywords.length - 6}</Tag>}
        </Space>
      ),
    },
    { key: 'sortOrder', title: t('cfg.sortOrder'), value: (r) => r.sortOrder, hidden: true },
    activeColumn(t),
    editColumn(t, open),
  ];

  return (
    <PageLayout description={t('cfg.taxonomyDescription')} actions={<CreateButton label={t('cfg.newCategory')} onClick={() => open('new')} />}>
      <TablePage<Row>
        id="taxonomy"
        columns={columns}
        source={source}
        rowKey={(r) => r.code}
        exportName={t('cfg.taxonomy')}
        reloadKey={reloadKey}
        pageSize={50}
        filters={[
          { name: 'q', label: t('cfg.search'), type: 'text', placeholder: t('cfg.searchCategory') },
          { name: 'parent', label: t('cfg.parent'), type: 'select', options: tops.map((x) => ({ value: x.code, label: name(x.name) })) },
          activeFilter(t),
        ]}
      />
      <EditModal open={editing !== null} title={editing === 'new' ? t('cfg.newCategory') : t('cfg.editCategory', { code: editing?.code ?? '' })} submitting={submitting} onSave={() => void run()} onClose={() => setEditing(null)} width={680}>
        <Form form={form} layout="vertical" initialValues={{ keywords: [], sortOrder: 0 }}>
          {editing === 'new' && (
            <Space.Compact block>
              <Form.Item name="parentCode" label={t('cfg.parent')} style={{ width: '45%' }}>
                <Select allowClear placeholder={t('cfg.topLevel')} options={tops.map((x) => ({ value: x.code, label: name(x.name) }))} />
              </Form.Item>
              <Form.Item name="code" label={t('cfg.code')} extra={t('cfg.codeHint')} rules={[{ required: true, message: t('common.required') }]} style={{ width: '55%' }}>
                <Input maxLength={80} placeholder="sanitation.exposed_garbage" />
              </Form.Item>
            </Space.Compact>
          )}
          {LANGS.map((l) => (
            <Form.Item key={l} name={['name', l]} label={`${t('cfg.categoryName')} (${t(`cfg.lang.${l}`)})`} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
              <Input maxLength={50} />
            </Form.Item>
          ))}
          <Form.Item name="keywords" label={t('cfg.keywords')} extra={t('cfg.keywordsHint')}>
            <Select mode="tags" tokenSeparators={[',', '，', '、', ' ']} open={false} />
          </Form.Item>
          <Space size="large">
            <Form.Item name="sortOrder" label={t('cfg.sortOrder')}>
              <InputNumber min={0} max={100000} />
            </Form.Item>
            {editing !== 'new' && (
              <Form.Item name="active" label={t('common.status')} valuePropName="checked">
                <Switch checkedChildren={t('common.active')} unCheckedChildren={t('common.inactive')} />
              </Form.Item>
            )}
          </Space>
        </Form>
      </EditModal>
    </PageLayout>
  );
}
