import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert, Tag } from 'antd';
import { api } from '../../api/client';
import { yuan } from '../../api/property';
import { PageLayout } from '../../components/PageLayout';
import { TablePage, listSource, type TableColumn } from '../../components/TablePage';

interface Row { residentId: string; name: string; politicalStatus: string | null; publicServant: boolean; compoundName: string; household: string; arrearsFen: number }

/**
 * 党员和公职人员欠费 (confidential, organisation department only): every loading of the list is
 * written to the audit log with the residents shown, so the list is loaded once per visit.
 */
export default function Arrears() {
  const { t } = useTranslation();
  const source = useMemo(() => listSource<Row>(() => api.get<Row[]>('/api/property/arrears/confidential')), []);
  const columns: TableColumn<Row>[] = [
    { key: 'name', title: t('prop.arrears.name'), value: (r) => r.name },
    {
      key: 'who',
      title: t('prop.arrears.who'),
      value: (r) => [r.politicalStatus && t(`prop.arrears.political.${r.politicalStatus}`, { defaultValue: r.politicalStatus }), r.publicServant && t('prop.arrears.publicServant')].filter(Boolean).join('、'),
      render: (r) => (
        <>
          {(r.politicalStatus === 'party_member' || r.politicalStatus === 'probationary_party_member') && <Tag color="red">{t(`prop.arrears.political.${r.politicalStatus}`)}</Tag>}
          {r.publicServant && <Tag color="blue">{t('prop.arrears.publicServant')}</Tag>}
        </>
      ),
    },
    { key: 'compound', title: t('prop.score.compound'), value: (r) => r.compoundName },
    { key: 'household', title: t('prop.fees.household'), value: (r) => r.household },
    { key: 'arrears', title: t('prop.fees.arrears'), value: (r) => yuan(r.arrearsFen) },
  ];
  return (
    <PageLayout description={t('prop.arrears.description')}>
      <Alert type="warning" showIcon message={t('prop.arrears.audited')} className="section-card" />
      <TablePage<Row> id="property-arrears" columns={columns} source={source} rowKey={(r) => r.residentId} exportName={t('prop.screen.arrears')} />
    </PageLayout>
  );
}
