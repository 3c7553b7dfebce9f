import type { ColumnType, Generated } from 'kysely';

type DateCol = ColumnType<string, string, string>;

export interface MetricTables {
  metric_delta: { id: Generated<number>; subject_id: string; day: DateCol; metric: string; n: number };
  metric_daily: { subject_id: string; day: DateCol; metric: string; n: number };
}
