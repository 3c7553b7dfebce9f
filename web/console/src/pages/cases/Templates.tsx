import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert, App, Button, Form, Input, InputNumber, Modal, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import { DeleteOutlined, EditOutlined } from '@ant-design/icons';
import { api, newIdempotencyKey } from '../../api/client';
import type { ReplyTemplate } from '../../api/cases';
import { CreateButton, PageLayout } from '../../components/PageLayout';
import { useSubmit } from '../../components/forms';
import { useAsync } from '../../components/useAsync';
import { fmt, useTaxonomy } from '../../components/cases/common';

interface Values {
  category?: string | null;
  text: string;
  sortOrder?: number;
}

/** The unit's reply templates (常用语) per category: kept here, picked in every note and reason field of the case screen. */
export default function Templates() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const tax = useTaxonomy();
  const [category, setCategory] = useState<string | undefined>();
  const [editing, setEditing] = useState<ReplyTemplate | 'new' | null>(null);
  const templates = useAsync(() => api.get<ReplyTemplate[]>('/api/reply-templates', { category }), [category]);
  const remove = async (tp: ReplyTemplate) => {
    await api.delete(`/api/reply-templates/${tp.id}`);
    message.success(t('work.templates.deleted'));
    await templates.reload();
  };
  return (
    <PageLayout description={t('work.templates.hint')} actions={<CreateButton label={t('work.templates.create')} onClick={() => setEditing('new')} />}>
      <Space className="table-filters" wrap>
        <Select allowClear placeholder={t('work.filter.category')} options={tax.topOptions} value={category} onChange={setCategory} style={{ width: 200 }} />
      </Space>
      {templates.error && <Alert type="error" showIcon title={templates.error.message} className="table-error" />}
      <Table<ReplyTemplate>
        rowKey="id"
        loading={templates.loading}
        dataSource={templates.data ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        data-testid="templates-table"
        columns={[
          { key: 'category', title: t('work.field.category'), width: 160, render: (_, r) => (r.category ? tax.name(r.category) : <Tag>{t('work.templates.general')}</Tag>) },
          { key: 'text', title: t('work.templates.text'), render: (_, r) => <Typography.Text>{r.text}</Typography.Text> },
          { key: 'owner', title: t('work.templates.owner'), width: 180, render: (_, r) => (r.shared ? <Tag color="blue">{t('work.templates.shared')}</Tag> : r.orgName) },
          { key: 'updatedAt', title: t('work.templates.updatedAt'), width: 150, render: (_, r) => fmt(r.updatedAt) },
          {
            key: 'actions', title: t('common.actions'), width: 160,
            render: (_, r) =>
              r.mine && (
                <Space>
                  <Button size="small" icon={<EditOutlined />} onClick={() => setEditing(r)}>{t('common.edit')}</Button>
                  <Popconfirm title={t('work.templates.deleteConfirm')} onConfirm={() => void remove(r)} okText={t('common.confirm')} cancelText={t('common.cancel')}>
                    <Button size="small" danger icon={<DeleteOutlined />} aria-label={t('work.templates.delete')} />
                  </Popconfirm>
                </Space>
              ),
          },
        ]}
      />
      {editing && <TemplateForm template={editing === 'new' ? null : editing} category={category} onClose={(saved) => { setEditing(null); if (saved) void templates.reload(); }} />}
    </PageLayout>
  );
}

function TemplateForm({ template, category, onClose }: { template: ReplyTemplate | null; category?: string; onClose: (saved: boolean) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const tax = useTaxonomy();
  const [form] = Form.useForm<Values>();
  const [key] = useState(newIdempotencyKey);
  const { submitting, run } = useSubmit(form, async (v) => {
    const body = { category: v.category ?? null, text: v.text.trim(), sortOrder: v.sortOrder ?? 0 };
    if (template) await api.put(`/api/reply-templates/${template.id}`, body);
    else await api.post('/api/reply-templates', body, { idempotencyKey: key });
    message.success(t('work.templates.saved'));
    onClose(true);
  });
  return (
    <Modal
      open
      title={t(template ? 'work.templates.edit' : 'work.templates.create')}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      onOk={() => void run()}
      okButtonProps={{ loading: submitting, 'data-testid': 'template-save' } as never}
      onCancel={() => onClose(false)}
    >
      <Form form={form} layout="vertical" initialValues={template ? { category: template.category, text: template.text, sortOrder: template.sortOrder } : { category, sortOrder: 0 }}>
        <Form.Item name="category" label={t('work.field.category')} extra={t('work.templates.categoryHint')}>
          <Select allowClear options={tax.topOptions} placeholder={t('work.templates.general')} data-testid="template-category" />
        </Form.Item>
        <Form.Item name="text" label={t('work.templates.text')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
          <Input.TextArea rows={4} maxLength={500} showCount data-testid="template-text" />
        </Form.Item>
        <Form.Item name="sortOrder" label={t('work.templates.order')}>
          <InputNumber min={0} max={9999} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
