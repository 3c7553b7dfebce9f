import { useMemo } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { CASE_STATES, listCases, type CaseSummary } from '../../api/cases';
import { PageLayout } from '../../components/PageLayout';
import { TablePage, cursorSource, type TableColumn } from '../../components/TablePage';
import { StatusTag, channelLabel, statusLabel, useTaxonomy } from '../../components/cases/common';

interface Filters extends Record<string, unknown> {
  q?: string;
  status?: string;
  category?: string;
  overdue?: string;
}

/** Every case in the caller's scope: search by number, words or address; filter; export. */
export default function Search() {
  const { t } = useTranslation();
  const tax = useTaxonomy();
  const source = useMemo(
    () =>
      cursorSource<CaseSummary, string, Filters>(async (f, cursor, limit) => {
        const r = await listCases({ q: f.q?.trim() || undefined, status: f.status, category: f.category, overdue: f.overdue ? f.overdue === 'yes' : undefined, cursor, limit });
        return { rows: r.items, next: r.nextCursor };
      }, 200),
    [],
  );
  const columns: TableColumn<CaseSummary>[] = [
    { key: 'caseNo', title: t('work.field.caseNo'), value: (r) => r.caseNo, render: (r) => <Link to={`/cases/${r.id}`}>{r.caseNo}</Link> },
    { key: 'title', title: t('work.field.title'), value: (r) => r.title },
    { key: 'category', title: t('work.field.category'), value: (r) => tax.name(r.category) },
    {
      key: 'status', title: t('work.field.status'), value: (r) => statusLabel(r.status),
      render: (r) => <StatusTag status={r.status} overdue={r.overdue} />,
    },
    { key: 'channel', title: t('work.field.channel'), value: (r) => channelLabel(r.channel), hidden: true },
    { key: 'unit', title: t('work.field.unit'), value: (r) => r.assignedOrgName },
    { key: 'address', title: t('work.field.address'), value: (r) => r.address },
    { key: 'reportedAt', title: t('work.field.reportedAt'), value: (r) => new Date(r.reportedAt) },
    { key: 'handleDueAt', title: t('work.field.handleDue'), value: (r) => (r.handleDueAt ? new Date(r.handleDueAt) : null) },
  ];
  return (
    <PageLayout description={t('work.queue.searchHint')}>
      <TablePage<CaseSummary, Filters>
        id="cases.search"
        columns={columns}
        source={source}
        rowKey={(r) => r.id}
        exportName={t('work.screen.search')}
        filters={[
          { name: 'q', label: t('work.filter.keyword'), type: 'text', placeholder: t('work.filter.search'), width: 260 },
          { name: 'status', label: t('work.field.status'), type: 'select', options: CASE_STATES.map((s) => ({ value: s, label: statusLabel(s) })), width: 150 },
          { name: 'category', label: t('work.field.category'), type: 'select', options: tax.topOptions, width: 160 },
          { name: 'overdue', label: t('work.overdue'), type: 'select', options: [{ value: 'yes', label: t('common.yes') }, { value: 'no', label: t('common.no') }], width: 100 },
        ]}
      />
    </PageLayout>
  );
}
