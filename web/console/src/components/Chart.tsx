import { useEffect, useRef, type CSSProperties, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Button, Card, Tooltip } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import * as echarts from 'echarts/core';
import { BarChart, FunnelChart, LineChart, MapChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { EChartsOption } from 'echarts';
import { usePreferences } from '../app/preferences';
import { downloadXlsx, type CellValue } from './exportXlsx';

// only the chart kinds the console draws: a fraction of the full ECharts bundle
echarts.use([BarChart, FunnelChart, LineChart, MapChart, PieChart, GridComponent, LegendComponent, TooltipComponent, VisualMapComponent, CanvasRenderer]);
export { echarts };

interface ChartProps {
  option: EChartsOption;
  height?: number | string;
  onClick?: (params: { name: string; data?: unknown }) => void;
  testId?: string;
}

/**
 * An ECharts chart in the console's light or dark look; redraws when the option changes and follows
 * its box's size. (A few lines of our own rather than echarts-for-react, whose ES build needs tslib.)
 */
export function Chart({ option, height = 300, onClick, testId }: ChartProps) {
  const { theme } = usePreferences();
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const click = useRef(onClick);
  click.current = onClick;

  useEffect(() => {
    const c = echarts.init(box.current!, theme === 'dark' ? 'dark' : undefined);
    chart.current = c;
    c.on('click', (p) => click.current?.(p as { name: string; data?: unknown }));
    const resize = new ResizeObserver(() => c.resize());
    resize.observe(box.current!);
    return () => {
      resize.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, [theme]);

  useEffect(() => {
    chart.current?.setOption({ backgroundColor: 'transparent', ...option }, { notMerge: true });
  }, [option, theme]);

  const style: CSSProperties = { height, width: '100%' };
  return <div ref={box} style={style} data-testid={testId} className="chart" />;
}

export interface Sheet {
  /** file name (without date) and sheet name */
  name: string;
  header: string[];
  rows: CellValue[][];
}

/** A card around a chart or table, with an export of the numbers behind it to xlsx. */
export function ChartCard({ title, sheet, extra, children, testId }: { title: ReactNode; sheet?: Sheet; extra?: ReactNode; children: ReactNode; testId?: string }) {
  const { t } = useTranslation();
  return (
    <Card
      title={title}
      size="small"
      className="chart-card"
      data-testid={testId}
      extra={
        (extra || sheet) && (
        <>
          {extra}
          {sheet && (
            <Tooltip title={t('table.export')}>
              <Button
                type="text"
                size="small"
                icon={<DownloadOutlined />}
                aria-label={t('table.export')}
                data-testid={testId ? `${testId}-export` : undefined}
                onClick={() => void downloadXlsx(sheet.name, sheet.name, sheet.header, sheet.rows)}
              />
            </Tooltip>
          )}
        </>
        )
      }
    >
      {children}
    </Card>
  );
}
