import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert, Button, Col, DatePicker, Empty, Flex, Row, Segmented, Skeleton, Statistic, Table, Tabs, Tag, theme, Typography } from 'antd';
import { CompressOutlined, ExpandOutlined, FileExcelOutlined, ReloadOutlined } from '@ant-design/icons';
import type { EChartsOption } from 'echarts';
import dayjs, { type Dayjs } from 'dayjs';
import { api } from '../../api/client';
import type { DashboardSummary, OrgMetrics, Region } from '../../api/operations';
import { PageLayout } from '../../components/PageLayout';
import { Chart, ChartCard, type Sheet } from '../../components/Chart';
import { GridMap, type GridValue } from '../../components/GridMap';
import { useAsync } from '../../components/useAsync';
import { useMe } from '../../app/session';
import { scopeText } from '../../app/scope';
import type { Me } from '../../api/types';

type Grain = 'date' | 'week' | 'month' | 'quarter';
type Level = 'street' | 'community' | 'department' | 'property';
const LEVELS: Level[] = ['street', 'community', 'department', 'property'];
/** the wall refreshes itself: it hangs in the command centre all day */
const WALL_REFRESH_MS = 60_000;

/** The API's period: 2026-03-05, 2026-W10 (ISO week), 2026-03, 2026-Q1. */
export function periodOf(d: Dayjs, grain: Grain): string {
  if (grain === 'date') return d.format('YYYY-MM-DD');
  if (grain === 'month') return d.format('YYYY-MM');
  if (grain === 'quarter') return `${d.year()}-Q${Math.floor(d.month() / 3) + 1}`;
  // ISO week: the Thursday of the week decides the year
  const thursday = d.add(3 - ((d.day() + 6) % 7), 'day');
  const jan4 = dayjs(new Date(thursday.year(), 0, 4));
  const week1Monday = jan4.subtract((jan4.day() + 6) % 7, 'day');
  const week = Math.floor(thursday.diff(week1Monday, 'day') / 7) + 1;
  return `${thursday.year()}-W${String(week).padStart(2, '0')}`;
}

/** The level of organisation directly below the user's area, to rank by default. */
function childLevel(me: Me): Level {
  if (me.scope.kind === 'org') return me.orgKind === 'property_company' ? 'property' : 'department';
  if (me.scope.kind === 'region' && (me.scope.level === 'street' || me.scope.level === 'community' || me.scope.level === 'grid')) return 'community';
  return 'street';
}

const pct = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 10);

/**
 * 指挥中心: the command-centre dashboard for the user's area and a chosen period. Every chart and
 * table exports its numbers to xlsx; the monthly report (rankings included) is built by the server.
 * Full-screen mode is for the wall of the command centre.
 */
export default function Dashboard() {
  const { t } = useTranslation();
  const me = useMe();
  const { token } = theme.useToken();
  const [grain, setGrain] = useState<Grain>('month');
  const [day, setDay] = useState<Dayjs>(dayjs());
  const [level, setLevel] = useState<Level>(childLevel(me));
  const [wall, setWall] = useState(false);
  const period = periodOf(day, grain);

  const summary = useAsync(() => api.get<DashboardSummary>('/api/dashboard', { period }), [period]);
  const ranking = useAsync(() => api.get<OrgMetrics[]>('/api/metrics/orgs', { period, level }), [period, level]);
  const grids = useAsync(() => api.get<Region[]>('/api/regions', { level: 'grid', geometry: true }), []);

  useEffect(() => {
    if (!wall) return;
    const timer = setInterval(() => {
      void summary.reload();
      void ranking.reload();
    }, WALL_REFRESH_MS);
    const left = () => {
      if (!document.fullscreenElement) setWall(false);
    };
    document.addEventListener('fullscreenchange', left);
    return () => {
      clearInterval(timer);
      document.removeEventListener('fullscreenchange', left);
    };
  }, [wall, summary.reload, ranking.reload]);

  const toggleWall = () => {
    if (wall) {
      if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
      setWall(false);
      return;
    }
    setWall(true);
    // the whole page goes full screen (not the wall's element): pop-ups render into <body> and must
    // stay visible. The browser may refuse (policies): the wall layout stays all the same.
    void document.documentElement.requestFullscreen?.().catch(() => undefined);
  };

  const s = summary.data;
  const channelName = (c: string) => t(`dash.channel.${c}`, { defaultValue: c });
  const stepName = (c: string) => t(`dash.step.${c}`, { defaultValue: c });
  const title = (key: string) => t(`dash.${key}`);
  const sheetName = (key: string) => `${title(key)}-${period}`;

  const trend: EChartsOption | undefined = s && {
    tooltip: { trigger: 'axis' },
    grid: { left: 40, right: 16, top: 24, bottom: 32 },
    xAxis: { type: 'category', data: s.byDay.map((d) => d.day.slice(5)) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [{ type: 'line', smooth: true, areaStyle: { opacity: 0.15 }, data: s.byDay.map((d) => d.n), name: title('intake') }],
  };
  const byCategory: EChartsOption | undefined = s && {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', inverse: true, data: s.byCategory.map((c) => c.name) },
    series: [{ type: 'bar', barMaxWidth: 28, data: s.byCategory.map((c) => c.n), name: title('intake'), label: { show: true, position: 'right' }, itemStyle: { color: token.colorPrimary } }],
  };
  const byChannel: EChartsOption | undefined = s && {
    tooltip: { trigger: 'item', formatter: '{b}: {c} ({d}%)' },
    series: [{ type: 'pie', radius: ['35%', '62%'], label: { formatter: '{b}\n{c}' }, data: s.byChannel.map((c) => ({ name: channelName(c.channel), value: c.n })) }],
  };
  // how far the period's cases got: one bar per step, in order (a funnel drawing hides the zeros)
  const funnel: EChartsOption | undefined = s && {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: 8, right: 32, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', inverse: true, data: s.funnel.map((f) => stepName(f.step)) },
    series: [{ type: 'bar', barMaxWidth: 22, data: s.funnel.map((f) => f.n), name: t('dash.count'), label: { show: true, position: 'right' }, itemStyle: { color: token.colorSuccess } }],
  };
  const rows = ranking.data ?? [];
  const ranked = rows.filter((r) => r.rank !== null).slice(0, 12);
  const rates: EChartsOption = {
    tooltip: { trigger: 'axis', valueFormatter: (v) => `${v}%` },
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: ranked.map((r) => r.name), axisLabel: { interval: 0, rotate: ranked.length > 5 ? 30 : 0, width: 90, overflow: 'truncate' } },
    yAxis: { type: 'value', max: 100 },
    series: (['responseRate', 'resolutionRate', 'satisfactionRate'] as const).map((k) => ({ type: 'bar', barMaxWidth: 24, name: t(`dash.${k}`), data: ranked.map((r) => pct(r[k])) })),
  };

  const gridValues = useMemo(
    () => new Map<string, GridValue>((s?.openByGrid ?? []).map((g) => [g.gridId, { value: g.open, lines: [`${t('dash.overdue')}: ${g.overdue}`] }])),
    [s, t],
  );

  const sheets: Record<string, Sheet | undefined> = s ? {
    trend: { name: sheetName('trend'), header: [t('dash.day'), t('dash.intake')], rows: s.byDay.map((d) => [d.day, d.n]) },
    category: { name: sheetName('byCategory'), header: [t('dash.category'), t('dash.intake')], rows: s.byCategory.map((c) => [c.name, c.n]) },
    channel: { name: sheetName('byChannel'), header: [t('dash.channel.title'), t('dash.intake')], rows: s.byChannel.map((c) => [channelName(c.channel), c.n]) },
    funnel: { name: sheetName('funnel'), header: [t('dash.stepTitle'), t('dash.count')], rows: s.funnel.map((f) => [stepName(f.step), f.n]) },
    map: {
      name: sheetName('map'),
      header: [t('dash.grid'), t('dash.open'), t('dash.overdue')],
      rows: (grids.data ?? []).map((g) => [g.name, gridValues.get(g.id)?.value ?? 0, s.openByGrid.find((x) => x.gridId === g.id)?.overdue ?? 0]),
    },
    overdue: {
      name: sheetName('overdueList'),
      header: [t('dash.caseNo'), t('dash.caseTitle'), t('dash.handler'), t('dash.dueAt')],
      rows: s.overdueCases.map((c) => [c.caseNo, c.title, c.orgName, c.dueAt ? new Date(c.dueAt) : null]),
    },
    hotspots: { name: sheetName('hotspots'), header: [t('dash.compound'), t('dash.intake'), t('dash.open')], rows: s.hotspots.map((h) => [h.name, h.n, h.open]) },
  } : {};
  const rankingSheet: Sheet = {
    name: `${t(`dash.level.${level}`)}${t('dash.ranking')}-${period}`,
    header: [t('dash.rank'), t('dash.org'), t('dash.intake'), t('dash.responseRate'), t('dash.resolutionRate'), t('dash.satisfactionRate'), t('dash.onTimeRate'), t('dash.overdue'), t('dash.score')],
    rows: rows.map((r) => [r.rank, r.name, r.intake, pct(r.responseRate), pct(r.resolutionRate), pct(r.satisfactionRate), pct(r.onTimeRate), r.overdue, r.score]),
  };

  const month = grain === 'quarter' ? day.startOf('month').month(Math.floor(day.month() / 3) * 3) : grain === 'week' ? day.startOf('week') : day;
  const reportMonth = month.format('YYYY-MM');

  const controls = (
    <Flex gap={8} wrap align="center">
      <Segmented<Grain>
        value={grain}
        onChange={setGrain}
        options={(['date', 'week', 'month', 'quarter'] as const).map((g) => ({ value: g, label: t(`dash.grain.${g}`) }))}
        data-testid="dash-grain"
      />
      <DatePicker picker={grain} value={day} onChange={(d) => d && setDay(d)} allowClear={false} format={(d) => periodOf(d, grain)} data-testid="dash-period" />
      <Button
        icon={<ReloadOutlined />}
        onClick={() => {
          void summary.reload();
          void ranking.reload();
        }}
        aria-label={t('table.refresh')}
      />
      <Button icon={<FileExcelOutlined />} href={`/api/dashboard/report.xlsx?month=${reportMonth}`} download data-testid="dash-report">
        {t('dash.monthlyReport', { month: reportMonth })}
      </Button>
      <Button type={wall ? 'default' : 'primary'} icon={wall ? <CompressOutlined /> : <ExpandOutlined />} onClick={toggleWall} data-testid="dash-wall">
        {wall ? t('dash.exitWall') : t('dash.wall')}
      </Button>
    </Flex>
  );

  const body = !s ? (
    summary.error ? <Alert type="error" showIcon title={summary.error.message} /> : <Skeleton active paragraph={{ rows: 12 }} />
  ) : (
    <Flex vertical gap={16}>
      <Row gutter={[16, 16]} data-testid="dash-totals">
        {(['intake', 'closed', 'open', 'overdue', 'atRisk'] as const).map((k) => (
          <Col key={k} flex="1 1 160px">
            <ChartCardStat label={t(`dash.${k}`)} value={s.totals[k]} danger={(k === 'overdue' || k === 'atRisk') && s.totals[k] > 0} testId={`dash-total-${k}`} />
          </Col>
        ))}
      </Row>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={14}>
          <ChartCard title={title('trend')} sheet={sheets.trend} testId="dash-trend">
            <Chart option={trend!} height={280} />
          </ChartCard>
        </Col>
        <Col xs={24} xl={10}>
          <ChartCard title={title('byCategory')} sheet={sheets.category} testId="dash-category">
            {s.byCategory.length ? <Chart option={byCategory!} height={280} /> : <Empty description={t('dash.none')} />}
          </ChartCard>
        </Col>
        <Col xs={24} md={12} xl={8}>
          <ChartCard title={title('byChannel')} sheet={sheets.channel} testId="dash-channel">
            {s.byChannel.length ? <Chart option={byChannel!} height={280} /> : <Empty description={t('dash.none')} />}
          </ChartCard>
        </Col>
        <Col xs={24} md={12} xl={8}>
          <ChartCard title={title('funnel')} sheet={sheets.funnel} testId="dash-funnel">
            <Chart option={funnel!} height={280} />
          </ChartCard>
        </Col>
        <Col xs={24} xl={8}>
          <ChartCard title={title('hotspots')} sheet={sheets.hotspots} testId="dash-hotspots">
            <Table
              size="small"
              pagination={false}
              rowKey="compoundId"
              dataSource={s.hotspots}
              scroll={{ y: 240 }}
              columns={[
                { title: t('dash.compound'), dataIndex: 'name' },
                { title: t('dash.intake'), dataIndex: 'n', width: 80 },
                { title: t('dash.open'), dataIndex: 'open', width: 80 },
              ]}
            />
          </ChartCard>
        </Col>
        <Col xs={24} xl={12}>
          <ChartCard title={title('map')} sheet={sheets.map} testId="dash-map">
            {grids.data?.some((g) => g.geometry) ? <GridMap regions={grids.data} values={gridValues} label={t('dash.open')} height={420} testId="dash-map-chart" /> : <Empty description={t('dash.noPolygons')} />}
          </ChartCard>
        </Col>
        <Col xs={24} xl={12}>
          <ChartCard title={title('overdueList')} sheet={sheets.overdue} testId="dash-overdue">
            <Table
              size="small"
              pagination={false}
              rowKey="id"
              dataSource={s.overdueCases}
              scroll={{ y: 360 }}
              locale={{ emptyText: t('dash.noOverdue') }}
              columns={[
                { title: t('dash.caseNo'), dataIndex: 'caseNo', width: 150 },
                { title: t('dash.caseTitle'), dataIndex: 'title', ellipsis: true },
                { title: t('dash.handler'), dataIndex: 'orgName', ellipsis: true },
                {
                  title: t('dash.overdueBy'),
                  dataIndex: 'dueAt',
                  width: 120,
                  // a case can be overdue at a step before handling (registration, response): no handling deadline then
                  render: (v: string | null, c) => <Tag color="red">{v ? t('dash.hoursLate', { hours: Math.max(1, Math.round(dayjs().diff(dayjs(v), 'hour', true))) }) : t('dash.stuckAt', { step: t(`dash.step.${c.status}`, { defaultValue: c.status }) })}</Tag>,
                },
              ]}
            />
          </ChartCard>
        </Col>
      </Row>
      <ChartCard
        title={`${t(`dash.level.${level}`)}${t('dash.ranking')}`}
        sheet={rankingSheet}
        testId="dash-ranking"
        extra={<Segmented<Level> size="small" value={level} onChange={setLevel} options={LEVELS.map((l) => ({ value: l, label: t(`dash.level.${l}`) }))} style={{ marginRight: 8 }} />}
      >
        <Row gutter={[16, 16]}>
          <Col xs={24} xl={11}>
            {ranked.length ? <Chart option={rates} height={320} /> : <Empty description={t('dash.noRanking')} />}
          </Col>
          <Col xs={24} xl={13}>
            <Table
              size="small"
              rowKey="orgId"
              dataSource={rows}
              loading={ranking.loading}
              pagination={{ pageSize: 10, hideOnSinglePage: true }}
              columns={[
                { title: t('dash.rank'), dataIndex: 'rank', width: 64, render: (v: number | null) => v ?? '—' },
                { title: t('dash.org'), dataIndex: 'name', ellipsis: true },
                { title: t('dash.intake'), dataIndex: 'intake', width: 72 },
                ...(['responseRate', 'resolutionRate', 'satisfactionRate'] as const).map((k) => ({ title: t(`dash.${k}`), dataIndex: k, width: 88, render: (v: number | null) => (v === null ? '—' : `${pct(v)}%`) })),
                { title: t('dash.score'), dataIndex: 'score', width: 80, render: (v: number | null) => (v === null ? '—' : <Typography.Text strong>{v}</Typography.Text>) },
              ]}
            />
          </Col>
        </Row>
      </ChartCard>
    </Flex>
  );

  return (
    <div className={wall ? 'dashboard-wall' : undefined} style={wall ? { background: token.colorBgLayout } : undefined} data-testid="dashboard">
      <PageLayout description={t('dash.description', { area: scopeText(me, t) || t('scope.all'), from: s?.from ?? '', to: s?.to ?? '' })} actions={controls}>
        {body}
      </PageLayout>
    </div>
  );
}

function ChartCardStat({ label, value, danger, testId }: { label: string; value: number; danger?: boolean; testId: string }) {
  return (
    <ChartCard title={null} testId={testId}>
      <Statistic title={label} value={value} styles={{ content: danger ? { color: '#cf1322' } : undefined }} />
    </ChartCard>
  );
}
