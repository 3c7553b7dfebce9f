/**
 * The audit screen's filter choices: every action and record type the server writes, grouped by the
 * part of the platform they come from (i18n/serverCodes.test.ts checks that none is missing).
 */
export const AUDIT_GROUPS = ['auth', 'admin', 'cases', 'rules', 'registry', 'privacy', 'interop', 'resident', 'property'] as const;
export type AuditGroup = (typeof AUDIT_GROUPS)[number];

const CASE_STEPS = [
  'register', 'reject', 'merge', 'dispatch', 'reassign', 'accept', 'return', 'handle', 'verify', 'close', 'evaluate', 'reopen',
  'park', 'extend', 'approve_extension', 'escalate', 'whistle', 'check_in', 'rate', 'supervise', 'acknowledge',
];

export const AUDIT_ACTIONS: Record<AuditGroup, string[]> = {
  auth: ['auth.login', 'auth.login_failed', 'auth.locked', 'auth.logout', 'auth.password_changed', 'auth.code_sent', 'auth.resident_login'],
  admin: ['user.create', 'user.update', 'user.password_reset', 'role.update', 'org.create', 'api_token.create', 'api_token.revoke', 'audit.verify', 'setting.update', 'demo.load'],
  cases: [
    'case.create', ...CASE_STEPS.map((s) => `case.${s}`), 'case.outcome', 'file.upload',
    'reply_template.create', 'reply_template.update', 'reply_template.delete', 'saved_view.create', 'saved_view.delete',
  ],
  rules: [
    'taxonomy.create', 'taxonomy.update', 'sla_rule.put', 'routing_rule.create', 'routing_rule.update', 'calendar.put', 'calendar.delete',
    'classifier.train', 'classifier.example.record', 'classifier.example.relabel', 'hotspot.raise', 'hotspot.acknowledge',
  ],
  registry: [
    'region.create', 'region.update', 'registry.settings', 'compound.create', 'compound.update', 'building.create', 'building.update',
    'household.create', 'household.update', 'import.validate', 'import.confirm', 'resident.create', 'resident.reregister', 'resident.update',
    'resident.move_in', 'resident.move_out', 'resident.relation', 'resident.tag_add', 'resident.tag_end', 'resident.link_account',
    'resident.unlink_account', 'visit.create',
  ],
  privacy: [
    'resident.reveal', 'resident.export', 'export_approval.request', 'export_approval.approve', 'export_approval.reject', 'export_approval.use',
    'resident.personal_data', 'resident.erase', 'legal_hold.place', 'legal_hold.release',
  ],
  interop: [
    'hotline.order', 'hotline.import', 'hotline.reviewed', 'hotline.callback_retry', 'hotline.link_create', 'hotline.link_update', 'hotline.category_map',
    'open311.pending', 'open311.place', 'open311.reject',
  ],
  resident: ['notice.publish', 'notice.withdraw', 'notice.read', 'service_item.create', 'service_item.update', 'resident_home.set', 'resident_sms.opt_in', 'resident_sms.opt_out'],
  property: [
    'property.arrears_confidential.read',
    'property.card.issue',
    'property.company.update',
    'property.contract.create',
    'property.evaluation.run',
    'property.fees.charge',
    'property.fees.import',
    'property.fees.payment',
    'property.fund.close',
    'property.fund.open',
    'property.fund.propose',
    'property.fund.spend',
    'property.fund.vote',
    'property.governance.set',
    'property.inspection.create',
    'property.interview.outcome',
    'property.rating.create',
    'property.standard.update',
    'property.statement.publish',
    'property.warning.acknowledge',
    'property.warning.raise',
  ],
};

export const AUDIT_ENTITIES: Record<AuditGroup, string[]> = {
  auth: ['phone', 'resident_account'],
  admin: ['user', 'org', 'role', 'api_token', 'audit', 'setting'],
  cases: ['case', 'file', 'reply_template', 'saved_view'],
  rules: ['taxonomy', 'sla_rule', 'routing_rule', 'holiday_calendar', 'classifier_model', 'classifier_example', 'hot_spot'],
  registry: ['region', 'compound', 'building', 'household', 'resident', 'import_job'],
  privacy: ['export_approval'],
  interop: ['hotline_import', 'hotline_link', 'hotline_category_map', 'hotline_callback', 'open311_request'],
  resident: ['notice', 'service_item'],
  property: ['credit_run', 'credit_standard', 'fee_charge', 'fee_statement', 'fund_proposal', 'property_contract', 'property_inspection', 'property_interview', 'property_rating', 'property_warning'],
};
