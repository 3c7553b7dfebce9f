import type { Catalog } from '../../platform/i18n/index.ts';

export const consoleMessages: Catalog = {
  'zh-CN': {
    'console.too_many_views': '每个列表最多保存 {max} 个视图，请先删除不用的',
    'console.view_name_taken': '已有名为“{name}”的视图',
    'console.too_many_templates': '每个单位最多 {max} 条常用语，请先删除不用的',
  },
  en: {
    'console.too_many_views': 'At most {max} saved views per list; delete one you no longer use first',
    'console.view_name_taken': 'A view named “{name}” already exists',
    'console.too_many_templates': 'At most {max} reply templates per unit; delete one you no longer use first',
  },
};
