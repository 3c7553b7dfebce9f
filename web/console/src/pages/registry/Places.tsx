import { useMemo } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { Breadcrumb, Button, Descriptions, Drawer, Empty, Skeleton, Table, Tag, Timeline } from 'antd';
import { api } from '../../api/client';
import type { Building, Compound, Household, Region } from '../../api/operations';
import { PageLayout } from '../../components/PageLayout';
import { TablePage, listSource, type TableColumn } from '../../components/TablePage';
import { useAsync } from '../../components/useAsync';
import { holds, useMe } from '../../app/session';

/**
 * 小区楼栋: compound → building → household drill-down, kept in the address (?compound=, ?building=,
 * ?grid=, ?household=) so the back button and a shared link land on the same level.
 */
export default function Places() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const compoundId = params.get('compound');
  const buildingId = params.get('building');
  const gridId = params.get('grid');
  const householdId = params.get('household');
  const go = (next: Record<string, string | null>) => {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries({ grid: gridId, compound: compoundId, building: buildingId, ...next })) if (v) p.set(k, v);
    setParams(p);
  };
  const regions = useAsync(() => api.get<Region[]>('/api/regions'), []);
  const compound = useAsync(() => (compoundId ? api.get<Compound>(`/api/compounds/${compoundId}`) : Promise.resolve(null)), [compoundId]);
  const building = useAsync(() => (buildingId ? api.get<Building>(`/api/buildings/${buildingId}`) : Promise.resolve(null)), [buildingId]);
  const regionName = (id: string | null | undefined) => (regions.data ?? []).find((r) => r.id === id)?.name ?? '';

  const crumbs = [
    { title: <a onClick={() => setParams(new URLSearchParams())}>{t('reg.compounds')}</a> },
    ...(gridId ? [{ title: <a onClick={() => go({ compound: null, building: null })}>{regionName(gridId) || t('reg.grid')}</a> }] : []),
    ...(compoundId ? [{ title: <a onClick={() => go({ building: null })}>{compound.data?.name ?? '…'}</a> }] : []),
    ...(buildingId ? [{ title: building.data ? `${building.data.compoundName ?? ''}${building.data.number}` : '…' }] : []),
  ];

  return (
    <PageLayout description={t('reg.placesDescription')}>
      <Breadcrumb items={crumbs} className="drill-crumbs" data-testid="places-crumbs" />
      {buildingId ? (
        <Households buildingId={buildingId} onOpen={(id) => go({ household: id })} />
      ) : compoundId || gridId ? (
        <Buildings compoundId={compoundId} gridId={gridId} onOpen={(id) => go({ building: id })} />
      ) : (
        <Compounds communities={(regions.data ?? []).filter((r) => r.level === 'community')} onOpen={(id) => go({ compound: id })} />
      )}
      <HouseholdDrawer id={householdId} onClose={() => go({ household: null })} />
    </PageLayout>
  );
}

function Compounds({ communities, onOpen }: { communities: Region[]; onOpen: (id: string) => void }) {
  const { t } = useTranslation();
  const source = useMemo(() => listSource<Compound, { communityId?: string; q?: string }>((f) => api.get<Compound[]>('/api/compounds', { communityId: f.communityId, q: f.q?.trim() })), []);
  const names = new Map(communities.map((c) => [c.id, c.name]));
  const columns: TableColumn<Compound>[] = [
    { key: 'name', title: t('reg.compound'), value: (c) => c.name, render: (c) => <a onClick={() => onOpen(c.id)}>{c.name}</a> },
    { key: 'type', title: t('reg.compoundType'), value: (c) => t(`reg.compoundTypes.${c.type}`) },
    { key: 'management', title: t('reg.management'), value: (c) => (c.propertyCompanyName ? `${t(`reg.managements.${c.management}`)} · ${c.propertyCompanyName}` : t(`reg.managements.${c.management}`)) },
    { key: 'address', title: t('reg.address'), value: (c) => c.address },
    { key: 'builtYear', title: t('reg.builtYear'), value: (c) => c.builtYear, hidden: true },
    { key: 'community', title: t('reg.community'), value: (c) => names.get(c.communityId) ?? '' },
  ];
  return (
    <TablePage<Compound>
      id="compounds"
      columns={columns}
      source={source}
      rowKey={(c) => c.id}
      exportName={t('reg.compounds')}
      filters={[
        { name: 'q', label: t('reg.compound'), type: 'text', placeholder: t('reg.compoundSearch') },
        ...(communities.length > 1 ? [{ name: 'communityId', label: t('reg.community'), type: 'select' as const, options: communities.map((c) => ({ value: c.id, label: c.name })) }] : []),
      ]}
    />
  );
}

function Buildings({ compoundId, gridId, onOpen }: { compoundId: string | null; gridId: string | null; onOpen: (id: string) => void }) {
  const { t } = useTranslation();
  const source = useMemo(() => listSource<Building>(() => api.get<Building[]>('/api/buildings', { compoundId, gridId })), [compoundId, gridId]);
  const columns: TableColumn<Building>[] = [
    { key: 'number', title: t('reg.building'), value: (b) => `${b.compoundName ?? ''}${b.number}`, render: (b) => <a onClick={() => onOpen(b.id)}>{`${b.compoundName ?? ''}${b.number}`}</a> },
    { key: 'address', title: t('reg.address'), value: (b) => b.address },
    { key: 'floors', title: t('reg.floors'), value: (b) => b.floors },
    { key: 'units', title: t('reg.unitCount'), value: (b) => b.unitCount },
    { key: 'households', title: t('reg.households'), value: (b) => b.households ?? null },
  ];
  return <TablePage<Building> id="buildings" columns={columns} source={source} rowKey={(b) => b.id} exportName={t('reg.buildings')} pageSize={50} />;
}

function Households({ buildingId, onOpen }: { buildingId: string; onOpen: (id: string) => void }) {
  const { t } = useTranslation();
  const source = useMemo(() => listSource<Household>(() => api.get<Household[]>('/api/households', { buildingId })), [buildingId]);
  const columns: TableColumn<Household>[] = [
    { key: 'label', title: t('reg.household'), value: (h) => h.label, render: (h) => <a onClick={() => onOpen(h.id)}>{h.label}</a> },
    { key: 'unit', title: t('reg.unit'), value: (h) => h.unit },
    { key: 'room', title: t('reg.room'), value: (h) => h.room },
    { key: 'floor', title: t('reg.floor'), value: (h) => h.floor },
    { key: 'area', title: t('reg.area'), value: (h) => h.areaM2 },
    {
      key: 'occupancy',
      title: t('reg.occupancy'),
      value: (h) => t(`reg.occupancies.${h.occupancy}`),
      render: (h) => <Tag color={h.occupancy === 'vacant' ? 'default' : h.occupancy === 'tenant' ? 'orange' : 'blue'}>{t(`reg.occupancies.${h.occupancy}`)}</Tag>,
    },
    { key: 'members', title: t('reg.memberCount'), value: (h) => h.memberCount ?? null },
  ];
  return <TablePage<Household> id="households" columns={columns} source={source} rowKey={(h) => h.id} exportName={t('reg.households')} pageSize={50} />;
}

function HouseholdDrawer({ id, onClose }: { id: string | null; onClose: () => void }) {
  const { t } = useTranslation();
  const me = useMe();
  const h = useAsync(() => (id ? api.get<Household>(`/api/households/${id}`) : Promise.resolve(null)), [id]);
  const members = h.data?.members ?? null;
  return (
    <Drawer open={!!id} onClose={onClose} title={h.data?.label ?? t('reg.household')} size="large" data-testid="household-drawer">
      {!h.data ? (
        <Skeleton active />
      ) : (
        <>
          <Descriptions column={2} size="small" bordered>
            <Descriptions.Item label={t('reg.unit')}>{h.data.unit || '—'}</Descriptions.Item>
            <Descriptions.Item label={t('reg.room')}>{h.data.room}</Descriptions.Item>
            <Descriptions.Item label={t('reg.floor')}>{h.data.floor ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('reg.area')}>{h.data.areaM2 ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('reg.occupancy')}>{t(`reg.occupancies.${h.data.occupancy}`)}</Descriptions.Item>
          </Descriptions>
          <h4 className="section-title">{t('reg.members')}</h4>
          {members === null ? (
            <Empty description={t('reg.membersHidden')} />
          ) : (
            <>
              <Table
                size="small"
                rowKey={(m) => `${m.residentId}-${m.from}`}
                pagination={false}
                dataSource={members.filter((m) => !m.to)}
                locale={{ emptyText: t('reg.noMembers') }}
                columns={[
                  {
                    title: t('reg.name'),
                    dataIndex: 'name',
                    render: (v: string, m) => (holds(me, 'resident.read') ? <Link to={`/registry/residents?id=${m.residentId}`}>{v}</Link> : v),
                  },
                  { title: t('reg.relation'), dataIndex: 'relation', render: (v: string) => t(`reg.relations.${v}`) },
                  { title: t('reg.since'), dataIndex: 'from' },
                ]}
              />
              {members.some((m) => m.to) && (
                <>
                  <h4 className="section-title">{t('reg.pastMembers')}</h4>
                  <Timeline
                    items={members
                      .filter((m) => m.to)
                      .map((m) => ({ content: t('reg.pastMember', { name: m.name, relation: t(`reg.relations.${m.relation}`), from: m.from, to: m.to, reason: m.reasonOut ?? '' }) }))}
                  />
                </>
              )}
            </>
          )}
          <Button type="link" onClick={onClose}>
            {t('reg.back')}
          </Button>
        </>
      )}
    </Drawer>
  );
}
