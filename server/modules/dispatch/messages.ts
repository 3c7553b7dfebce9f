import type { Catalog } from '../../platform/i18n/index.ts';

export const dispatchMessages: Catalog = {
  'zh-CN': {
    'classifier.training_running': '分类模型正在训练中，请稍后再试',
    'classifier.sub_mismatch': '二级分类必须属于所选的一级分类',
    'hotspot.already_acknowledged': '该热点已确认处理',
    'notify.hotspot_raised': '热点预警：{place} {days} 天内已有 {count} 起“{category}”类反映',
  },
  en: {
    'classifier.training_running': 'The classifier is being trained right now; try again in a moment',
    'classifier.sub_mismatch': 'The second-level category must belong to the chosen category',
    'hotspot.already_acknowledged': 'This hot spot was already acknowledged',
    'notify.hotspot_raised': 'Hot spot: {count} reports of “{category}” at {place} within {days} days',
  },
};
