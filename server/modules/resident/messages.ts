import type { Catalog } from '../../platform/i18n/index.ts';

export const residentMessages: Catalog = {
  'zh-CN': {
    'resident.place_unknown': '没有找到这个地点，或不在您的管辖范围内',
    'resident.building_not_in_compound': '该楼栋不属于所选小区',
    'resident.one_target': '发布范围只能选择一个：辖区或小区',
    'resident.region_level': '只能发布到市、区、街道或社区',
    'resident.kind_not_allowed': '物业企业和业委会只能发布公告、物业费和维修基金公示',
    'resident.already_withdrawn': '该公告已撤回',
  },
  en: {
    'resident.place_unknown': 'This place was not found or is outside your jurisdiction',
    'resident.building_not_in_compound': 'This building is not in the chosen compound',
    'resident.one_target': 'Publish to one target only: a region or a compound',
    'resident.region_level': 'Publish to a city, district, street or community',
    'resident.kind_not_allowed': 'Property companies and owners’ committees publish announcements, property fees and maintenance-fund use only',
    'resident.already_withdrawn': 'This notice has already been withdrawn',
  },
};
