import { useMemo } from 'react';
import type { EChartsOption } from 'echarts';
import type { Polygonal, Region } from '../api/operations';
import { Chart, echarts } from './Chart';

export interface GridValue {
  value: number;
  /** more lines for the tooltip */
  lines?: string[];
}

interface Props {
  regions: Region[];
  values: Map<string, GridValue>;
  /** what the colour means, for the legend */
  label: string;
  /** colours from low to high */
  colors?: string[];
  /** the scale's top; defaults to the largest value */
  max?: number;
  height?: number | string;
  onSelect?: (regionId: string) => void;
  selected?: string | null;
  testId?: string;
}

/**
 * Polygons from the regions' GeoJSON drawn as an ECharts map: no tiles, no online service. Each
 * polygon is named by its region id (names repeat across communities); the tooltip shows the name.
 */
export function GridMap({ regions, values, label, colors = ['#e6f4ff', '#69b1ff', '#fa8c16', '#cf1322'], max, height = 480, onSelect, selected, testId }: Props) {
  const drawn = useMemo(() => regions.filter((r): r is Region & { geometry: Polygonal } => !!r.geometry), [regions]);
  const mapName = useMemo(() => {
    const name = `linli-${drawn.length}-${drawn.map((r) => r.id.slice(0, 8)).join('').slice(0, 400)}`;
    echarts.registerMap(name, {
      type: 'FeatureCollection',
      features: drawn.map((r) => ({ type: 'Feature', properties: { name: r.id }, geometry: r.geometry })),
    } as never);
    return name;
  }, [drawn]);
  const names = useMemo(() => new Map(drawn.map((r) => [r.id, r.name])), [drawn]);
  // on the map a grid is labelled without its community's name ("甸柳南社区第一网格" → "第一网格")
  const short = (id: string) => (names.get(id) ?? '').replace(/^.+?(社区|社區)(?=.)/, '');
  const top = max ?? Math.max(1, ...[...values.values()].map((v) => v.value));
  const option: EChartsOption = {
    tooltip: {
      trigger: 'item',
      formatter: (p: unknown) => {
        const { name } = p as { name: string };
        const v = values.get(name);
        return [`<b>${escapeHtml(names.get(name) ?? '')}</b>`, `${escapeHtml(label)}: ${v?.value ?? 0}`, ...(v?.lines ?? []).map(escapeHtml)].join('<br/>');
      },
    },
    visualMap: { min: 0, max: top, left: 8, bottom: 8, calculable: true, text: [String(top), '0'], inRange: { color: colors }, textStyle: { fontSize: 12 } },
    series: [
      {
        type: 'map',
        map: mapName,
        roam: true,
        aspectScale: 0.85,
        selectedMode: onSelect ? 'single' : false,
        // names on the map only while they fit (one street or community); otherwise on hover
        label: { show: drawn.length <= 16, formatter: (p: { name: string }) => short(p.name), fontSize: 11 },
        emphasis: { label: { show: true, formatter: (p: { name: string }) => names.get(p.name) ?? '' } },
        itemStyle: { borderColor: '#555', borderWidth: 0.6 },
        data: drawn.map((r) => ({ name: r.id, value: values.get(r.id)?.value ?? 0, selected: r.id === selected })),
      } as never,
    ],
  };
  return <Chart option={option} height={height} testId={testId} onClick={onSelect ? (p) => onSelect(p.name) : undefined} />;
}

function escapeHtml(s: string) {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
