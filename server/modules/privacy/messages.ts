import type { Catalog } from '../../platform/i18n/index.ts';

export const privacyMessages: Catalog = {
  'zh-CN': {
    'privacy.blocked': '该居民的信息暂不能删除（{reasons}）：在册人员须先办理迁出或死亡注销，未办结的诉求须先办结，法定保留须先解除',
    'privacy.hold_released': '该法定保留已解除',
    'privacy.second_person': '不能审批自己提出的导出申请，须由另一位管理员审批',
    'privacy.already_decided': '该申请已审批过',
    'privacy.approval_required': '导出完整身份证号和手机号须先经另一位管理员审批，请先提交导出申请',
    'privacy.approval_not_usable': '该导出审批未通过、已使用或已过期',
    'privacy.approval_other_filter': '导出条件与审批时的条件不一致，请按审批的条件导出或重新申请',
  },
  en: {
    'privacy.blocked': 'This resident’s data cannot be deleted yet ({reasons}): a registered person must first be moved out or recorded as deceased, open cases must be finished, legal holds released',
    'privacy.hold_released': 'This legal hold has already been released',
    'privacy.second_person': 'You cannot approve your own export request; another administrator must',
    'privacy.already_decided': 'This request has already been decided',
    'privacy.approval_required': 'Exporting full ID numbers and phones needs another administrator’s approval first: submit an export request',
    'privacy.approval_not_usable': 'This export approval is not approved, already used or expired',
    'privacy.approval_other_filter': 'The export filter differs from the approved one: export with the approved filter or ask again',
  },
};
