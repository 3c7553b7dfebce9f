import { useMemo, useState } from 'react';
import { useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { Alert, Button, Card, Col, Descriptions, Empty, Flex, List, Row, Segmented, Select, Skeleton, Space, Tag, Typography } from 'antd';
import { HomeOutlined, TeamOutlined, WarningOutlined } from '@ant-design/icons';
import { api } from '../../api/client';
import type { GridWarnings, Region, RegionDetail } from '../../api/operations';
import { PageLayout } from '../../components/PageLayout';
import { GridMap, type GridValue } from '../../components/GridMap';
import { useAsync } from '../../components/useAsync';
import { holds, useMe } from '../../app/session';

type Colour = 'households' | 'none';

/**
 * 网格地图: the grids of the user's area drawn from their GeoJSON polygons (no map tiles), coloured by
 * household count against the norm; a grid's card (number, chief, workers, registered households and
 * residents) and a community's warnings (over the norm, overlaps, gaps).
 */
export default function GridMapPage() {
  const { t } = useTranslation();
  const me = useMe();
  const navigate = useNavigate();
  const regions = useAsync(() => api.get<Region[]>('/api/regions', { geometry: true }), []);
  const settings = useAsync(() => api.get<{ householdNorm: number }>('/api/registry/settings'), []);
  const [community, setCommunity] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [colour, setColour] = useState<Colour>('households');
  const detail = useAsync(() => (selected ? api.get<RegionDetail>(`/api/regions/${selected}`) : Promise.resolve(null)), [selected]);
  const communities = (regions.data ?? []).filter((r) => r.level === 'community');
  const chosen = community ?? (communities.length === 1 ? communities[0].id : null);
  const warnings = useAsync(() => (chosen ? api.get<GridWarnings>('/api/grids/warnings', { communityId: chosen }) : Promise.resolve(null)), [chosen]);
  const grids = useMemo(() => (regions.data ?? []).filter((r) => r.level === 'grid' && (!chosen || r.parentId === chosen)), [regions.data, chosen]);
  const norm = settings.data?.householdNorm ?? 300;
  const values = useMemo(
    () => new Map<string, GridValue>(grids.map((g) => [g.id, { value: colour === 'households' ? g.households ?? 0 : 0, lines: [`${t('reg.gridCode')}: ${g.code}`] }])),
    [grids, colour, t],
  );
  const canResidents = holds(me, 'resident.read');
  const w = warnings.data;
  const warningCount = w ? w.overNorm.length + w.overlaps.length + w.gaps.length + w.outsideCommunity.length + w.withoutPolygon.length : 0;

  return (
    <PageLayout
      description={t('reg.mapDescription', { norm })}
      actions={
        <Space wrap>
          <Select
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('reg.allCommunities')}
            value={community ?? undefined}
            onChange={(v) => {
              setCommunity(v ?? null);
              setSelected(null);
            }}
            options={communities.map((c) => ({ value: c.id, label: c.name }))}
            style={{ width: 220 }}
            data-testid="map-community"
          />
          <Segmented<Colour> value={colour} onChange={setColour} options={[{ value: 'households', label: t('reg.byHouseholds') }, { value: 'none', label: t('reg.plain') }]} />
        </Space>
      }
    >
      {regions.error && <Alert type="error" showIcon title={regions.error.message} />}
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={16}>
          <Card size="small" data-testid="registry-map">
            {regions.loading && !regions.data ? (
              <Skeleton active paragraph={{ rows: 10 }} />
            ) : grids.some((g) => g.geometry) ? (
              <GridMap
                regions={grids}
                values={values}
                label={t('reg.households')}
                max={colour === 'households' ? Math.round(norm * 1.2) : 1}
                colors={colour === 'households' ? ['#f0f5ff', '#85a5ff', '#faad14', '#cf1322'] : ['#e6f4ff', '#e6f4ff']}
                height={600}
                selected={selected}
                onSelect={setSelected}
                testId="registry-map-chart"
              />
            ) : (
              <Empty description={t('dash.noPolygons')} />
            )}
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          <Flex vertical gap={16}>
            <Card size="small" title={t('reg.gridCard')} data-testid="grid-card">
              {!selected ? (
                <Typography.Text type="secondary">{t('reg.clickGrid')}</Typography.Text>
              ) : !detail.data ? (
                <Skeleton active />
              ) : (
                <>
                  <Descriptions column={1} size="small">
                    <Descriptions.Item label={t('reg.gridName')}>{detail.data.name}</Descriptions.Item>
                    <Descriptions.Item label={t('reg.gridCode')}>
                      <Typography.Text code copyable>
                        {detail.data.code}
                      </Typography.Text>
                    </Descriptions.Item>
                    <Descriptions.Item label={t('reg.chief')}>{detail.data.chief?.displayName ?? '—'}</Descriptions.Item>
                    <Descriptions.Item label={t('reg.workers')}>{detail.data.workers.map((x) => x.displayName).join('、') || '—'}</Descriptions.Item>
                    <Descriptions.Item label={t('reg.householdsEntered')}>
                      {detail.data.households ?? '—'} {detail.data.households !== null && detail.data.households > norm && <Tag color="orange">{t('reg.overNorm', { norm })}</Tag>}
                    </Descriptions.Item>
                    <Descriptions.Item label={t('reg.householdsRegistered')}>{detail.data.registered.households}</Descriptions.Item>
                    <Descriptions.Item label={t('reg.residentsRegistered')}>{detail.data.registered.residents}</Descriptions.Item>
                  </Descriptions>
                  <Space wrap>
                    <Button icon={<HomeOutlined />} onClick={() => navigate(`/registry/places?grid=${detail.data!.id}`)}>
                      {t('reg.gridBuildings')}
                    </Button>
                    {canResidents && (
                      <Button icon={<TeamOutlined />} onClick={() => navigate(`/registry/residents?gridId=${detail.data!.id}`)}>
                        {t('reg.gridResidents')}
                      </Button>
                    )}
                  </Space>
                </>
              )}
            </Card>
            <Card
              size="small"
              title={
                <Space>
                  <WarningOutlined />
                  {t('reg.warnings')}
                  {w && <Tag color={warningCount ? 'orange' : 'green'}>{warningCount}</Tag>}
                </Space>
              }
              data-testid="grid-warnings"
            >
              {!chosen ? (
                <Typography.Text type="secondary">{t('reg.chooseCommunity')}</Typography.Text>
              ) : !w ? (
                <Skeleton active />
              ) : warningCount === 0 ? (
                <Typography.Text type="success">{t('reg.noWarnings')}</Typography.Text>
              ) : (
                <List
                  size="small"
                  dataSource={[
                    ...w.overNorm.map((x) => t('reg.warnOverNorm', { grid: x.grid.name, households: x.households, norm: x.norm })),
                    ...w.overlaps.map((x) => t('reg.warnOverlap', { a: x.a.name, b: x.b.name, area: Math.round(x.areaM2) })),
                    ...w.gaps.map((x) => t('reg.warnGap', { area: Math.round(x.areaM2) })),
                    ...w.outsideCommunity.map((x) => t('reg.warnOutside', { grid: x.grid.name, area: Math.round(x.areaM2) })),
                    ...w.withoutPolygon.map((x) => t('reg.warnNoPolygon', { grid: x.name })),
                  ]}
                  renderItem={(text) => <List.Item>{text}</List.Item>}
                />
              )}
            </Card>
          </Flex>
        </Col>
      </Row>
    </PageLayout>
  );
}
