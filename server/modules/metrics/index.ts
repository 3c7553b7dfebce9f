import type { LinliModule } from '../../platform/module.ts';
import { metricsRoutes } from './routes.ts';
import { FOLD_TASK, foldDeltas } from './service.ts';

/** Response, resolution and satisfaction rates per organisation and period, rankings, grid-worker numbers. */
export const metricsModule: LinliModule = {
  name: 'metrics',
  routes: metricsRoutes,
  tasks: (platform) => [{ name: FOLD_TASK, everySeconds: 60, run: () => foldDeltas(platform.db) }],
  messages: { 'zh-CN': { 'metrics.weights_sum': '三项权重之和必须为 1' }, en: { 'metrics.weights_sum': 'The three weights must add up to 1' } },
};
