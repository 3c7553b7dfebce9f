import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert, App, Button, Card, Col, Flex, Form, Input, InputNumber, Row, Select, Space, Tag, Typography } from 'antd';
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { api } from '../../api/client';
import { PARTS, nameOf, type PartCode, type Standard as Std } from '../../api/property';
import { PageLayout } from '../../components/PageLayout';
import { useAsync } from '../../components/useAsync';
import { useSubmit } from '../../components/forms';

const METRICS = ['response', 'resolution', 'satisfaction', 'on_time'] as const;
type ItemV = { code?: string; nameZh: string; nameEn: string; points: number; metric?: string | null };
type Values = { parts: { code: PartCode; weight: number; items: ItemV[] }[]; grades: { grade: string; min: number }[]; interviewBelow: number };

function toValues(s: Std): Values {
  return {
    parts: PARTS.map((code) => ({
      code,
      weight: s.parts.find((p) => p.code === code)?.weight ?? 0,
      items: s.items.filter((i) => i.part_code === code).map((i) => ({ code: i.code, nameZh: i.name_zh, nameEn: i.name_en, points: i.points, metric: i.metric })),
    })),
    grades: [...s.grades].sort((a, b) => b.min - a.min),
    interviewBelow: s.interviewBelow,
  };
}

/** 考评标准: the four parts' weights, their line items, grades and the interview line. Sums are checked as you type. */
export default function Standard() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const standard = useAsync(() => api.get<Std>('/api/property/credit-standard'), []);
  const [form] = Form.useForm<Values>();
  const values = Form.useWatch([], form) as Values | undefined;
  const [saved, setSaved] = useState(0);
  const { submitting, run } = useSubmit(form, async () => {
    // the whole store: part and item codes have no input of their own, so validated values lack them
    const v = form.getFieldsValue(true) as Values;
    const body = {
      interviewBelow: v.interviewBelow,
      grades: v.grades.map((g) => ({ grade: g.grade, min: g.min })),
      // a new line item gets a code of its part; a removed one is retired by the server
      parts: v.parts.map((p) => ({ code: p.code, weight: p.weight, items: p.items.map((i, n) => ({ code: i.code || `${p.code}.item_${Date.now().toString(36)}${n}`, nameZh: i.nameZh, nameEn: i.nameEn, points: i.points, metric: p.code === 'complaints' ? i.metric : null })) })),
    };
    await api.put('/api/property/credit-standard', body);
    message.success(t('prop.std.saved'));
    await standard.reload();
    setSaved((k) => k + 1);
  });
  if (!standard.data) return <PageLayout><Card loading /></PageLayout>;
  const std = standard.data;
  const weightSum = (values?.parts ?? []).reduce((a, p) => a + (p?.weight ?? 0), 0);
  return (
    <PageLayout
      description={t('prop.std.description')}
      actions={<Button type="primary" loading={submitting} onClick={() => void run()} data-testid="standard-save">{t('common.save')}</Button>}
    >
      <Form form={form} layout="vertical" initialValues={toValues(std)} key={saved}>
        <Alert className="section-card" type={weightSum === 100 ? 'info' : 'error'} showIcon message={t('prop.std.weightSum', { sum: weightSum })} />
        {/* the server's refusals land on the lists they name (the weights' sum on the parts, an item sum on its part's items) */}
        <Form.List name="parts">
          {(parts, _ops, { errors: partsErrors }) => [
            <Form.ErrorList key="errors" errors={partsErrors} />,
            ...parts.map((pf, pi) => {
              const code = PARTS[pi];
              const part = std.parts.find((p) => p.code === code)!;
              const v = values?.parts?.[pi];
              const itemSum = (v?.items ?? []).reduce((a, i) => a + (i?.points ?? 0), 0);
              return (
                <Card
                  key={pf.key}
                  className="section-card"
                  title={nameOf(part)}
                  extra={
                    <Space>
                      <Tag color={itemSum === v?.weight ? 'green' : 'red'}>{t('prop.std.itemSum', { sum: itemSum })}</Tag>
                      <Form.Item name={[pf.name, 'weight']} noStyle rules={[{ required: true }]}>
                        <InputNumber min={0} max={100} addonBefore={t('prop.std.weight')} style={{ width: 150 }} />
                      </Form.Item>
                    </Space>
                  }
                >
                  {code === 'complaints' && <Typography.Paragraph type="secondary">{t('prop.std.complaintsHint')}</Typography.Paragraph>}
                  <Form.List name={[pf.name, 'items']}>
                    {(items, { add, remove }, { errors }) => (
                      <>
                        {items.map((f) => (
                          <Row gutter={8} key={f.key} align="top">
                            <Col xs={24} md={8}><Form.Item name={[f.name, 'nameZh']} rules={[{ required: true, message: t('common.required') }]}><Input addonBefore="中" maxLength={100} /></Form.Item></Col>
                            <Col xs={24} md={8}><Form.Item name={[f.name, 'nameEn']} rules={[{ required: true, message: t('common.required') }]}><Input addonBefore="EN" maxLength={100} /></Form.Item></Col>
                            {code === 'complaints' && (
                              <Col xs={12} md={3}>
                                <Form.Item name={[f.name, 'metric']} rules={[{ required: true, message: t('common.required') }]}>
                                  <Select options={METRICS.map((m) => ({ value: m, label: t(`prop.std.metric.${m}`) }))} />
                                </Form.Item>
                              </Col>
                            )}
                            <Col xs={10} md={code === 'complaints' ? 4 : 7}>
                              <Form.Item name={[f.name, 'points']} rules={[{ required: true, message: t('common.required') }]}><InputNumber min={0} max={100} addonAfter={t('prop.std.points')} style={{ width: '100%' }} /></Form.Item>
                            </Col>
                            <Col xs={2} md={1}><Button type="text" icon={<MinusCircleOutlined />} onClick={() => remove(f.name)} disabled={items.length <= 1} aria-label={t('prop.std.removeItem')} /></Col>
                          </Row>
                        ))}
                        <Form.ErrorList errors={errors} />
                        <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ points: 0, metric: code === 'complaints' ? 'response' : null })}>{t('prop.std.addItem')}</Button>
                      </>
                    )}
                  </Form.List>
                </Card>
              );
            }),
          ]}
        </Form.List>
        <Card className="section-card" title={t('prop.std.grades')}>
          <Typography.Paragraph type="secondary">{t('prop.std.gradesHint')}</Typography.Paragraph>
          <Form.List name="grades">
            {(grades, { add, remove }, { errors }) => (
              <Flex vertical gap={0}>
                {grades.map((g) => (
                  <Space key={g.key} align="baseline">
                    <Form.Item name={[g.name, 'grade']} rules={[{ required: true, message: t('common.required') }]}><Input maxLength={10} style={{ width: 100 }} /></Form.Item>
                    <Form.Item name={[g.name, 'min']} rules={[{ required: true, message: t('common.required') }]}><InputNumber min={0} max={100} addonBefore="≥" style={{ width: 140 }} /></Form.Item>
                    <Button type="text" icon={<MinusCircleOutlined />} onClick={() => remove(g.name)} disabled={grades.length <= 1} aria-label={t('prop.std.removeItem')} />
                  </Space>
                ))}
                <Form.ErrorList errors={errors} />
                <div><Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ min: 0 })}>{t('prop.std.addGrade')}</Button></div>
              </Flex>
            )}
          </Form.List>
          <Form.Item name="interviewBelow" label={t('prop.std.interviewBelow')} rules={[{ required: true }]} style={{ marginTop: 16 }}>
            <InputNumber min={0} max={100} />
          </Form.Item>
        </Card>
      </Form>
    </PageLayout>
  );
}
