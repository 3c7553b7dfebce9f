import { useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { App, Button, Card, Checkbox, Col, Form, Input, Radio, Row, Select, TreeSelect } from 'antd';
import { api, newIdempotencyKey } from '../../api/client';
import type { CASE_TYPES } from '../../api/cases';
import { PageLayout } from '../../components/PageLayout';
import { useSubmit } from '../../components/forms';
import { useMe } from '../../app/session';
import { typeLabel, useTaxonomy } from '../../components/cases/common';
import { PhotoUpload } from '../../components/cases/inputs';
import { SuggestionChips, useSuggestions } from '../../components/cases/suggest';

interface Values {
  channel: 'walk_in' | 'phone' | 'grid_patrol';
  type: (typeof CASE_TYPES)[number];
  priority: 'normal' | 'urgent';
  description: string;
  title?: string;
  category?: string;
  buildingId?: string;
  reporter?: { name?: string; phone?: string };
  anonymous?: boolean;
  attachmentIds?: string[];
}

interface Building {
  id: string;
  number: string;
  address: string;
  compoundName: string | null;
}

/** The reporter's name and phone, when given (the server validates the phone, stores both encrypted and shows them masked). */
function reporterOf(r: Values['reporter']) {
  const name = r?.name?.trim();
  const phone = r?.phone?.trim();
  return name || phone ? { reporter: { ...(name ? { name } : {}), ...(phone ? { phone } : {}) } } : {};
}

/** Registering a report that came in person or by phone (or seen on patrol), with the category suggested from the text. */
export default function Intake() {
  const { t } = useTranslation();
  const me = useMe();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const tax = useTaxonomy();
  const description = Form.useWatch('description', form);
  const anonymous = Form.useWatch('anonymous', form);
  const suggestions = useSuggestions(description);
  const categoryTouched = useRef(false);
  const key = useRef(newIdempotencyKey());
  const [buildings, setBuildings] = useState<Building[]>([]);
  const isGrid = !!me.gridId;

  useEffect(() => {
    if (me.scope.kind !== 'region') return;
    const q = me.scope.level === 'grid' ? { gridId: me.scope.regionId } : me.scope.level === 'community' ? { communityId: me.scope.regionId } : {};
    api.get<Building[]>('/api/buildings', q).then(setBuildings).catch(() => undefined);
  }, [me]);

  // the top suggestion fills an untouched category when the classifier is fairly sure
  useEffect(() => {
    const top = suggestions[0];
    if (top && !categoryTouched.current && top.confidence >= 0.5) form.setFieldValue('category', top.subCategory ?? top.category);
  }, [suggestions, form]);

  const { submitting, run } = useSubmit(form, async (v) => {
    const body = {
      channel: v.channel, type: v.type, priority: v.priority, description: v.description.trim(),
      ...(v.title?.trim() ? { title: v.title.trim() } : {}),
      ...(v.category ? { category: v.category } : {}),
      ...(v.buildingId ? { buildingId: v.buildingId } : {}),
      ...(v.anonymous ? { anonymous: true } : reporterOf(v.reporter)),
      ...(v.attachmentIds?.length ? { attachmentIds: v.attachmentIds } : {}),
    };
    const created = await api.post<{ id: string; caseNo: string }>('/api/cases', body, { idempotencyKey: key.current });
    message.success(t('work.intake.created', { caseNo: created.caseNo }));
    navigate(`/cases/${created.id}`);
  });

  const buildingOptions = useMemo(() => buildings.map((b) => ({ value: b.id, label: `${b.compoundName ? `${b.compoundName} ` : ''}${b.number} · ${b.address}` })), [buildings]);

  return (
    <PageLayout description={t('work.intake.hint')}>
      <Card>
        <Form<Values>
          form={form}
          layout="vertical"
          initialValues={{ channel: isGrid ? 'grid_patrol' : 'walk_in', type: isGrid ? 'report' : 'complaint', priority: 'normal', attachmentIds: [] }}
          onValuesChange={(changed) => {
            if ('category' in changed) categoryTouched.current = true;
          }}
          onFinish={() => void run()}
          data-testid="intake-form"
        >
          <Row gutter={24}>
            <Col xs={24} lg={14}>
              <Form.Item name="description" label={t('work.field.description')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
                <Input.TextArea rows={5} maxLength={2000} showCount placeholder={t('work.intake.descriptionHint')} />
              </Form.Item>
              <Form.Item name="title" label={t('work.field.title')} extra={t('work.intake.titleHint')}>
                <Input maxLength={100} />
              </Form.Item>
              <Form.Item label={t('work.field.category')} extra={<SuggestionChips suggestions={suggestions} name={tax.name} onPick={(code) => { categoryTouched.current = true; form.setFieldValue('category', code); }} />}>
                <Form.Item name="category" noStyle>
                  <TreeSelect allowClear showSearch treeNodeFilterProp="title" treeData={tax.tree} placeholder={t('work.intake.categoryHint')} data-testid="intake-category" />
                </Form.Item>
              </Form.Item>
              <Form.Item name="attachmentIds" label={t('work.field.photosBefore')}>
                <PhotoUpload />
              </Form.Item>
            </Col>
            <Col xs={24} lg={10}>
              <Form.Item name="channel" label={t('work.field.channel')}>
                <Radio.Group
                  options={(isGrid ? ['grid_patrol', 'walk_in', 'phone'] : ['walk_in', 'phone']).map((c) => ({ value: c, label: t(`work.channel.${c}`) }))}
                  optionType="button"
                />
              </Form.Item>
              <Form.Item name="type" label={t('work.field.type')}>
                <Select options={['complaint', 'help', 'enquiry', 'suggestion', 'report', 'praise'].map((c) => ({ value: c, label: typeLabel(c) }))} />
              </Form.Item>
              <Form.Item name="priority" label={t('work.field.priority')}>
                <Radio.Group options={[{ value: 'normal', label: t('work.priority.normal') }, { value: 'urgent', label: t('work.priority.urgent') }]} optionType="button" />
              </Form.Item>
              <Form.Item name="buildingId" label={t('work.field.building')} extra={t('work.intake.buildingHint')}>
                <Select allowClear showSearch={{ optionFilterProp: 'label' }} options={buildingOptions} placeholder={t('common.choose')} />
              </Form.Item>
              <Form.Item name="anonymous" valuePropName="checked">
                <Checkbox>{t('work.intake.anonymous')}</Checkbox>
              </Form.Item>
              {!anonymous && (
                <>
                  <Form.Item name={['reporter', 'name']} label={t('work.field.reporterName')}>
                    <Input maxLength={50} autoComplete="off" />
                  </Form.Item>
                  <Form.Item name={['reporter', 'phone']} label={t('work.field.reporterPhone')} extra={t('work.intake.phoneHint')}>
                    <Input maxLength={20} autoComplete="off" />
                  </Form.Item>
                </>
              )}
            </Col>
          </Row>
          <Button type="primary" htmlType="submit" loading={submitting} size="large" data-testid="intake-submit">
            {t('work.intake.submit')}
          </Button>
        </Form>
      </Card>
    </PageLayout>
  );
}
