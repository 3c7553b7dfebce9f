import type { LinliModule } from '../../platform/module.ts';
import { taxonomyRoutes } from './routes.ts';

/** The two-level case taxonomy (seeded from data/taxonomy.json, edited by administrators). */
export const taxonomyModule: LinliModule = {
  name: 'taxonomy',
  routes: taxonomyRoutes,
  messages: { 'zh-CN': { 'taxonomy.code_taken': '该分类代码已存在' }, en: { 'taxonomy.code_taken': 'This category code already exists' } },
};
