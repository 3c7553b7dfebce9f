import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api/client';
import type { CompanyRow } from '../../api/property';
import { PageLayout } from '../../components/PageLayout';
import { TablePage, listSource, type TableColumn } from '../../components/TablePage';
import { CardTags, GradeTag } from './common';

/** 物业企业: the companies running compounds in scope, with their latest score, grade and cards. */
export default function Companies() {
  const { t } = useTranslation();
  const source = useMemo(() => listSource<CompanyRow, { q?: string }>((f) => api.get<CompanyRow[]>('/api/property/companies', { q: f.q?.trim() })), []);
  const columns: TableColumn<CompanyRow>[] = [
    { key: 'name', title: t('prop.company.name'), value: (r) => r.name, render: (r) => <Link to={`/property/companies/${r.id}`}>{r.name}</Link> },
    { key: 'creditCode', title: t('prop.company.creditCode'), value: (r) => r.creditCode, hidden: true },
    { key: 'qualification', title: t('prop.company.qualification'), value: (r) => r.qualification },
    { key: 'partyOrg', title: t('prop.company.partyOrg'), value: (r) => t(r.hasPartyOrg ? 'common.yes' : 'common.no') },
    { key: 'compounds', title: t('prop.company.compounds'), value: (r) => r.compounds },
    { key: 'latestQuarter', title: t('prop.company.latestQuarter'), value: (r) => r.latestQuarter ?? '—' },
    { key: 'latestTotal', title: t('prop.score.total'), value: (r) => r.latestTotal },
    { key: 'grade', title: t('prop.score.grade'), value: (r) => r.latestGrade, render: (r) => <GradeTag grade={r.latestGrade} /> },
    { key: 'cards', title: t('prop.cards.title'), value: (r) => `${r.yellowCards}/${r.redCards}`, render: (r) => <CardTags yellow={r.yellowCards} red={r.redCards} /> },
    { key: 'contact', title: t('prop.company.contact'), value: (r) => [r.contactName, r.contactPhone].filter(Boolean).join(' '), hidden: true },
  ];
  return (
    <PageLayout description={t('prop.company.description')}>
      <TablePage<CompanyRow>
        id="property-companies"
        columns={columns}
        source={source}
        rowKey={(r) => r.id}
        exportName={t('prop.screen.companies')}
        filters={[{ name: 'q', label: t('prop.company.name'), type: 'text', width: 220 }]}
      />
    </PageLayout>
  );
}
