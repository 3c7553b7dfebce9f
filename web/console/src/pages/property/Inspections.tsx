import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { App, Button, Card, Col, Flex, Form, Input, InputNumber, Result, Row, Select, Switch, Typography } from 'antd';
import dayjs from 'dayjs';
import { api, newIdempotencyKey } from '../../api/client';
import { nameOf, type InspectionRow, type Standard } from '../../api/property';
import { PhotoUpload } from '../../components/cases/inputs';
import { PageLayout } from '../../components/PageLayout';
import { TablePage, listSource, type TableColumn } from '../../components/TablePage';
import { useAsync } from '../../components/useAsync';
import { useSubmit } from '../../components/forms';
import { useManagedCompounds } from './common';

/** The parts an inspector scores on site; complaints and owners' ratings are computed. */
const INSPECTED = ['contract', 'inspection'] as const;
type ItemValues = { points: number; note?: string; photos?: string[] };
type Values = { compoundId: string; unannounced: boolean; note?: string; items: Record<string, ItemValues> };

/**
 * 现场检查: the inspection form, laid out for a tablet (one line item per row, big number inputs,
 * photos per item), and the inspections filed so far.
 */
export default function Inspections() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const standard = useAsync(() => api.get<Standard>('/api/property/credit-standard'), []);
  const compounds = useManagedCompounds();
  const [form] = Form.useForm<Values>();
  const [key, setKey] = useState(newIdempotencyKey);
  const [filed, setFiled] = useState<{ score: number; quarter: string } | null>(null);
  const [reloadKey, setReloadKey] = useState(0);
  const items = (standard.data?.items ?? []).filter((i) => (INSPECTED as readonly string[]).includes(i.part_code));

  const { submitting, run } = useSubmit(form, async (v) => {
    const body = {
      compoundId: v.compoundId,
      unannounced: v.unannounced,
      note: v.note || null,
      items: items.map((i) => ({ code: i.code, points: v.items[i.code].points, note: v.items[i.code].note || null, photoFileIds: v.items[i.code].photos ?? [] })),
    };
    const r = await api.post<{ id: string; quarter: string; score: number }>('/api/property/inspections', body, { idempotencyKey: key });
    message.success(t('prop.inspect.filed'));
    setFiled(r);
    setReloadKey((k) => k + 1);
  });
  const again = () => {
    form.resetFields();
    setKey(newIdempotencyKey());
    setFiled(null);
  };

  const source = useMemo(() => listSource<InspectionRow, { quarter?: string }>((f) => api.get<InspectionRow[]>('/api/property/inspections', { quarter: f.quarter })), []);
  const columns: TableColumn<InspectionRow>[] = [
    { key: 'at', title: t('prop.inspect.at'), value: (r) => dayjs(r.inspected_at).format('YYYY-MM-DD HH:mm') },
    { key: 'compound', title: t('prop.score.compound'), value: (r) => r.compound_name },
    { key: 'quarter', title: t('prop.score.quarter'), value: (r) => r.quarter },
    { key: 'unannounced', title: t('prop.inspect.unannounced'), value: (r) => t(r.unannounced ? 'common.yes' : 'common.no') },
    { key: 'score', title: t('prop.inspect.score'), value: (r) => r.score },
    { key: 'inspector', title: t('prop.inspect.inspector'), value: (r) => r.inspector_name },
  ];

  return (
    <PageLayout description={t('prop.inspect.description')}>
      <Card className="section-card inspection-form" data-testid="inspection-form" loading={standard.loading && !standard.data}>
        {filed ? (
          <Result
            status="success"
            title={t('prop.inspect.filed')}
            subTitle={t('prop.inspect.filedText', { score: filed.score, quarter: filed.quarter })}
            extra={<Button type="primary" size="large" onClick={again}>{t('prop.inspect.another')}</Button>}
            data-testid="inspection-filed"
          />
        ) : (
          <Form form={form} layout="vertical" size="large" initialValues={{ unannounced: false, items: Object.fromEntries(items.map((i) => [i.code, { points: i.points }])) }} key={items.length}>
            <Row gutter={16}>
              <Col xs={24} md={14}>
                <Form.Item name="compoundId" label={t('prop.score.compound')} rules={[{ required: true, message: t('common.required') }]}>
                  <Select showSearch={{ optionFilterProp: 'label' }} loading={compounds.loading} options={(compounds.data ?? []).map((c) => ({ value: c.id, label: c.name }))} data-testid="inspection-compound" />
                </Form.Item>
              </Col>
              <Col xs={24} md={10}>
                <Form.Item name="unannounced" label={t('prop.inspect.unannounced')} valuePropName="checked" extra={t('prop.inspect.unannouncedHint')}>
                  <Switch />
                </Form.Item>
              </Col>
            </Row>
            {INSPECTED.map((part) => {
              const p = standard.data?.parts.find((x) => x.code === part);
              return (
                <div key={part} className="inspection-part">
                  <Typography.Title level={5}>{p ? `${nameOf(p)}（${p.weight}）` : ''}</Typography.Title>
                  {items.filter((i) => i.part_code === part).map((i) => (
                    <div key={i.code} className="inspection-item" data-testid={`item-${i.code}`}>
                      <Flex gap={16} wrap align="flex-start">
                        <div className="inspection-item-name">
                          <Typography.Text strong>{nameOf(i)}</Typography.Text>
                          <br />
                          <Typography.Text type="secondary">{t('prop.inspect.max', { points: i.points })}</Typography.Text>
                        </div>
                        <Form.Item name={['items', i.code, 'points']} rules={[{ required: true, message: t('common.required') }]} className="inspection-points">
                          <InputNumber min={0} max={i.points} step={0.5} aria-label={nameOf(i)} />
                        </Form.Item>
                        <Form.Item name={['items', i.code, 'note']} className="inspection-note">
                          <Input placeholder={t('prop.inspect.itemNote')} maxLength={500} />
                        </Form.Item>
                      </Flex>
                      <Form.Item name={['items', i.code, 'photos']} className="inspection-photos">
                        <PhotoUpload />
                      </Form.Item>
                    </div>
                  ))}
                </div>
              );
            })}
            <Form.Item name="note" label={t('prop.inspect.note')}>
              <Input.TextArea rows={3} maxLength={2000} showCount />
            </Form.Item>
            <Button type="primary" size="large" block loading={submitting} onClick={() => void run()} data-testid="inspection-submit">
              {t('prop.inspect.submit')}
            </Button>
          </Form>
        )}
      </Card>
      <Typography.Title level={4}>{t('prop.inspect.list')}</Typography.Title>
      <TablePage<InspectionRow> id="property-inspections" columns={columns} source={source} rowKey={(r) => r.id} exportName={t('prop.screen.inspections')} reloadKey={reloadKey} />
    </PageLayout>
  );
}
