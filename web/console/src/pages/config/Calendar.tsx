import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert, App, Button, Calendar as AntCalendar, Card, Col, Flex, Form, Input, Modal, Popconfirm, Radio, Row, Select, Table, Tag, TimePicker, Typography } from 'antd';
import { DeleteOutlined, MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { api } from '../../api/client';
import type { CalendarDay } from '../../api/operations';
import { PageLayout } from '../../components/PageLayout';
import { ChartCard } from '../../components/Chart';
import { useSubmit } from '../../components/forms';
import { useAsync } from '../../components/useAsync';

/**
 * 节假日与工作时间: the holidays and make-up working days (调休) that working-day deadlines skip or
 * count, and the working periods of a working day that working-hour deadlines run in.
 */
export default function CalendarPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [year, setYear] = useState(dayjs().year());
  const [month, setMonth] = useState<Dayjs>(dayjs());
  const days = useAsync(() => api.get<CalendarDay[]>('/api/calendar', { year }), [year]);
  const byDate = new Map((days.data ?? []).map((d) => [d.date, d]));
  const [editing, setEditing] = useState<string | null>(null);
  const [form] = Form.useForm<{ kind: 'holiday' | 'workday'; name: string }>();

  const save = useSubmit(form, async (v) => {
    await api.put(`/api/calendar/${editing}`, { kind: v.kind, name: v.name.trim() });
    message.success(t('cfg.saved'));
    setEditing(null);
    await days.reload();
  });
  const remove = async (date: string) => {
    try {
      await api.delete(`/api/calendar/${date}`);
      message.success(t('cfg.dayCleared', { date }));
      setEditing(null);
      await days.reload();
    } catch (e) {
      message.error((e as Error).message);
    }
  };
  const edit = (date: string) => {
    const d = byDate.get(date);
    form.resetFields();
    form.setFieldsValue(d ? { kind: d.kind, name: d.name } : { kind: 'holiday', name: '' });
    setEditing(date);
  };

  const cell = (d: Dayjs) => {
    const day = byDate.get(d.format('YYYY-MM-DD'));
    if (!day) return null;
    return (
      <Tag color={day.kind === 'holiday' ? 'red' : 'blue'} className="calendar-tag">
        {day.kind === 'holiday' ? t('cfg.holiday') : t('cfg.workday')} · {day.name}
      </Tag>
    );
  };

  const years = Array.from({ length: 7 }, (_, i) => dayjs().year() - 2 + i);
  return (
    <PageLayout description={t('cfg.calendarDescription')}>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={16}>
          <Card size="small" data-testid="holiday-calendar">
            <AntCalendar
              value={month}
              onPanelChange={(d) => {
                setMonth(d);
                if (d.year() !== year) setYear(d.year());
              }}
              onSelect={(d, info) => {
                setMonth(d);
                if (d.year() !== year) setYear(d.year());
                if (info.source === 'date') edit(d.format('YYYY-MM-DD'));
              }}
              cellRender={(d, info) => (info.type === 'date' ? cell(d) : null)}
            />
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          <Flex vertical gap={16}>
            <WorkingHours />
            <ChartCard
              title={t('cfg.yearDays', { year })}
              testId="calendar-list"
              extra={<Select size="small" value={year} onChange={(y) => { setYear(y); setMonth(month.year(y)); }} options={years.map((y) => ({ value: y, label: String(y) }))} style={{ width: 90, marginRight: 8 }} />}
              sheet={{ name: `${t('cfg.calendar')}-${year}`, header: [t('cfg.date'), t('cfg.kind'), t('cfg.dayName')], rows: (days.data ?? []).map((d) => [d.date, d.kind === 'holiday' ? t('cfg.holiday') : t('cfg.workday'), d.name]) }}
            >
              <Table
                size="small"
                rowKey="date"
                loading={days.loading}
                dataSource={days.data ?? []}
                pagination={false}
                scroll={{ y: 360 }}
                columns={[
                  { title: t('cfg.date'), dataIndex: 'date', width: 110, render: (v: string) => <a onClick={() => { setMonth(dayjs(v)); edit(v); }}>{v}</a> },
                  { title: t('cfg.kind'), dataIndex: 'kind', width: 80, render: (v: string) => <Tag color={v === 'holiday' ? 'red' : 'blue'}>{v === 'holiday' ? t('cfg.holiday') : t('cfg.workday')}</Tag> },
                  { title: t('cfg.dayName'), dataIndex: 'name' },
                ]}
              />
            </ChartCard>
          </Flex>
        </Col>
      </Row>
      <Modal
        open={editing !== null}
        title={t('cfg.editDay', { date: editing ?? '' })}
        onCancel={() => setEditing(null)}
        forceRender
        footer={
          <Flex justify="space-between">
            <span>
              {editing && byDate.has(editing) && (
                <Popconfirm title={t('cfg.clearDayConfirm')} onConfirm={() => void remove(editing)} okText={t('common.confirm')} cancelText={t('common.cancel')}>
                  <Button danger icon={<DeleteOutlined />}>
                    {t('cfg.clearDay')}
                  </Button>
                </Popconfirm>
              )}
            </span>
            <Flex gap={8}>
              <Button onClick={() => setEditing(null)}>{t('common.cancel')}</Button>
              <Button type="primary" loading={save.submitting} onClick={() => void save.run()}>
                {t('common.save')}
              </Button>
            </Flex>
          </Flex>
        }
      >
        <Typography.Paragraph type="secondary">{t('cfg.dayHint')}</Typography.Paragraph>
        <Form form={form} layout="vertical">
          <Form.Item name="kind" label={t('cfg.kind')} rules={[{ required: true }]}>
            <Radio.Group
              options={[
                { value: 'holiday', label: t('cfg.holidayLong') },
                { value: 'workday', label: t('cfg.workdayLong') },
              ]}
            />
          </Form.Item>
          <Form.Item name="name" label={t('cfg.dayName')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
            <Input maxLength={50} placeholder={t('cfg.dayNamePlaceholder')} />
          </Form.Item>
        </Form>
      </Modal>
    </PageLayout>
  );
}

/** The working periods of a working day (at most four, ascending, not overlapping). */
function WorkingHours() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ periods: [Dayjs, Dayjs][] }>();
  const loaded = useAsync(async () => {
    const r = await api.get<{ periods: [string, string][] }>('/api/settings/working-hours');
    form.setFieldsValue({ periods: r.periods.map(([a, b]) => [dayjs(a, 'HH:mm'), dayjs(b, 'HH:mm')]) });
    return r;
  }, []);
  const { submitting, run } = useSubmit(form, async (v) => {
    await api.put('/api/settings/working-hours', { periods: v.periods.map(([a, b]) => [a.format('HH:mm'), b.format('HH:mm')]) });
    message.success(t('cfg.saved'));
  });
  return (
    <Card size="small" title={t('cfg.workingHours')} data-testid="working-hours">
      {loaded.error && <Alert type="error" showIcon title={loaded.error.message} />}
      <Typography.Paragraph type="secondary">{t('cfg.workingHoursHint')}</Typography.Paragraph>
      <Form form={form} layout="vertical">
        <Form.List name="periods">
          {(fields, { add, remove }, { errors }) => (
            <>
              {fields.map((f, i) => (
                <Flex key={f.key} gap={8} align="baseline">
                  <Form.Item name={f.name} label={i === 0 ? t('cfg.periods') : undefined} rules={[{ required: true, message: t('common.required') }]} style={{ flex: 1 }}>
                    <TimePicker.RangePicker format="HH:mm" minuteStep={5} order style={{ width: '100%' }} />
                  </Form.Item>
                  {fields.length > 1 && <MinusCircleOutlined onClick={() => remove(f.name)} aria-label={t('cfg.removePeriod')} />}
                </Flex>
              ))}
              <Form.ErrorList errors={errors} />
              <Flex gap={8}>
                {fields.length < 4 && (
                  <Button icon={<PlusOutlined />} onClick={() => add()}>
                    {t('cfg.addPeriod')}
                  </Button>
                )}
                <Button type="primary" loading={submitting} onClick={() => void run()} data-testid="working-hours-save">
                  {t('common.save')}
                </Button>
              </Flex>
            </>
          )}
        </Form.List>
      </Form>
    </Card>
  );
}
