import { Button, Form, Input, InputNumber, Space, Table, Tag, Typography } from 'antd';
import type { TableProps } from 'antd';
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { PARTS, recentQuarters, type ScoreRow } from '../../api/property';
import { useAsync } from '../../components/useAsync';

const GRADE_COLORS: Record<string, string> = { AAA: 'green', AA: 'cyan', A: 'blue', B: 'gold', C: 'red' };

/** A grade as a coloured tag (a grade an administrator added is shown plain). */
export function GradeTag({ grade }: { grade: string | null | undefined }) {
  return grade ? <Tag color={GRADE_COLORS[grade] ?? 'default'}>{grade}</Tag> : <>—</>;
}

/** Yellow and red cards of the last 12 months. */
export function CardTags({ yellow, red }: { yellow: number; red: number }) {
  const { t } = useTranslation();
  return (
    <>
      {yellow > 0 && <Tag color="gold">{t('prop.cards.yellowCount', { count: yellow })}</Tag>}
      {red > 0 && <Tag color="red">{t('prop.cards.redCount', { count: red })}</Tag>}
      {yellow === 0 && red === 0 && '—'}
    </>
  );
}

/** The current and the seven quarters before it, for quarter pickers. */
export const quarterOptions = () => recentQuarters(8).map((q) => ({ value: q, label: q }));

/** Compounds run by a property company in the caller's oversight scope (a housing bureau: its region). */
export function useManagedCompounds() {
  return useAsync(() => api.get<{ id: string; name: string; companyName: string }[]>('/api/property/compounds', { managed: true }), []);
}

/** Rows of "name + amount in yuan" (quotes, invoices, spending items). */
export function MoneyList({ name, label, nameField, nameLabel }: { name: string; label: string; nameField: string; nameLabel: string }) {
  const { t } = useTranslation();
  return (
    <Form.Item label={label} required>
      <Form.List name={name}>
        {(fields, { add, remove }, { errors }) => (
          <>
            {fields.map((f) => (
              <Space key={f.key} align="baseline">
                <Form.Item name={[f.name, nameField]} rules={[{ required: true, message: t('common.required') }]}><Input placeholder={nameLabel} maxLength={100} /></Form.Item>
                <Form.Item name={[f.name, 'amount']} rules={[{ required: true, message: t('common.required') }]}><InputNumber min={0.01} precision={2} placeholder={t('prop.fees.yuan')} /></Form.Item>
                {fields.length > 1 && <MinusCircleOutlined onClick={() => remove(f.name)} />}
              </Space>
            ))}
            {/* a refusal of the whole list (invoices over the budget) is said under its rows */}
            <Form.ErrorList errors={errors} />
            <Button type="dashed" icon={<PlusOutlined />} onClick={() => add()}>{t('prop.fund.addRow')}</Button>
          </>
        )}
      </Form.List>
    </Form.Item>
  );
}

type ScoreColumns = NonNullable<TableProps<ScoreRow>['columns']>;

/**
 * A table of scores (a company's or a compound's, per quarter): the columns before the score, then the
 * score (below 60 in red), the grade, the four parts and, for a company, the deductions for cards.
 */
export function ScoreTable({ lead, tail = [], deductions, ...props }: { lead: ScoreColumns; tail?: ScoreColumns; deductions?: boolean } & Omit<TableProps<ScoreRow>, 'columns' | 'size' | 'pagination'>) {
  const { t } = useTranslation();
  const columns: ScoreColumns = [
    ...lead,
    { key: 'total', title: t('prop.score.total'), render: (_, s) => <Typography.Text strong type={s.total < 60 ? 'danger' : undefined}>{s.total}</Typography.Text> },
    { key: 'grade', title: t('prop.score.grade'), render: (_, s) => <GradeTag grade={s.grade} /> },
    ...PARTS.map((p) => ({ key: p, title: t(`prop.part.${p}`), render: (_: unknown, s: ScoreRow) => s.parts[p] ?? '—' })),
    ...(deductions ? [{ key: 'deductions', title: t('prop.score.deductions'), render: (_: unknown, s: ScoreRow) => (s.deductions ? `−${s.deductions}` : '—') }] : []),
    ...tail,
  ];
  // as wide as its content, scrolled when the screen is narrower (a tablet): headers and names would wrap a character a line
  return <Table<ScoreRow> size="small" pagination={false} scroll={{ x: 'max-content' }} columns={columns} {...props} />;
}

/** Each compound's score of a quarter with its four parts and what it rests on. */
export function PartsTable({ rows }: { rows: ScoreRow[] }) {
  const { t } = useTranslation();
  return (
    <ScoreTable
      rowKey={(s) => `${s.compound_id}`}
      dataSource={rows}
      lead={[{ key: 'compound', title: t('prop.score.compound'), dataIndex: 'compound_name' }]}
      tail={[
        {
          key: 'basis',
          title: t('prop.score.basis'),
          render: (_, s) => t('prop.score.basisText', { inspections: Number(s.details.inspections ?? 0), ratings: Number(s.details.ratings ?? 0) }),
        },
      ]}
    />
  );
}
