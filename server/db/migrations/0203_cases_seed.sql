-- Defaults for the case loop: the workflow, SLA rules, routing rules, the holiday calendar 2025–2027,
-- working hours, metric weights and the case permissions of the built-in roles.

INSERT INTO workflow_transition (from_state, action, variant, actor, to_state, permission, requires_reason, deadline_rule, sort_order) VALUES
  ('reported',   'register',          '',       'dispatcher', 'registered', 'case.register',          false, 'meet register', 10),
  ('reported',   'reject',            '',       'dispatcher', 'rejected',   'case.register',          true,  'cancel all', 20),
  ('registered', 'reject',            '',       'dispatcher', 'rejected',   'case.register',          true,  'cancel all', 21),
  ('reported',   'merge',             '',       'dispatcher', 'merged',     'case.register',          true,  'cancel all', 30),
  ('registered', 'merge',             '',       'dispatcher', 'merged',     'case.register',          true,  'cancel all', 31),
  ('registered', 'dispatch',          '',       'dispatcher', 'dispatched', 'case.dispatch',          false, 'open response, handle', 40),
  ('parked',     'dispatch',          '',       'dispatcher', 'dispatched', 'case.dispatch',          false, 'open response, handle', 41),
  ('dispatched', 'accept',            '',       'assignee',   'accepted',   'case.handle',            false, 'meet response', 50),
  ('dispatched', 'return',            '',       'assignee',   'registered', 'case.handle',            true,  'cancel response, handle', 60),
  ('accepted',   'return',            '',       'assignee',   'registered', 'case.handle',            true,  'cancel response, handle', 61),
  ('dispatched', 'reassign',          '',       'dispatcher', 'dispatched', 'case.dispatch',          true,  'cancel response, handle; open response, handle', 70),
  ('accepted',   'reassign',          '',       'dispatcher', 'dispatched', 'case.dispatch',          true,  'cancel response, handle; open response, handle', 71),
  ('accepted',   'handle',            '',       'assignee',   'handled',    'case.handle',            false, 'meet handle; open verify', 80),
  ('handled',    'verify',            'passed', 'verifier',   'verified',   'case.verify',            false, 'meet verify', 90),
  ('handled',    'verify',            'failed', 'verifier',   'accepted',   'case.verify',            false, 'meet verify; reopen handle (rework)', 91),
  ('verified',   'close',             '',       'dispatcher', 'closed',     'case.close',             false, 'cancel all', 100),
  ('parked',     'close',             '',       'dispatcher', 'closed',     'case.close',             true,  'cancel all', 101),
  ('closed',     'evaluate',          '',       'reporter',   'evaluated',  NULL,                     false, '', 110),
  ('closed',     'evaluate',          '',       'dispatcher', 'evaluated',  'case.evaluate',          false, '', 111),
  ('evaluated',  'reopen',            '',       'reporter',   'registered', NULL,                     true,  '', 120),
  ('evaluated',  'reopen',            '',       'dispatcher', 'registered', 'case.dispatch',          true,  '', 121),
  ('registered', 'park',              '',       'dispatcher', 'parked',     'case.dispatch',          true,  'cancel all; open park_review', 130),
  ('dispatched', 'park',              '',       'dispatcher', 'parked',     'case.dispatch',          true,  'cancel all; open park_review', 131),
  ('accepted',   'park',              '',       'dispatcher', 'parked',     'case.dispatch',          true,  'cancel all; open park_review', 132),
  ('dispatched', 'extend',            '',       'assignee',   NULL,         'case.handle',            true,  'open extension_review', 140),
  ('accepted',   'extend',            '',       'assignee',   NULL,         'case.handle',            true,  'open extension_review', 141),
  ('dispatched', 'approve_extension', '',       'dispatcher', NULL,         'case.approve_extension', false, 'meet extension_review; move handle', 150),
  ('accepted',   'approve_extension', '',       'dispatcher', NULL,         'case.approve_extension', false, 'meet extension_review; move handle', 151),
  ('reported',   'escalate',          '',       'dispatcher', NULL,         'case.escalate',          true,  'open escalation', 160),
  ('registered', 'escalate',          '',       'dispatcher', NULL,         'case.escalate',          true,  'open escalation', 161),
  ('dispatched', 'escalate',          '',       'dispatcher', NULL,         'case.escalate',          true,  'open escalation', 162),
  ('accepted',   'escalate',          '',       'dispatcher', NULL,         'case.escalate',          true,  'open escalation', 163),
  ('registered', 'whistle',           '',       'whistler',   NULL,         'case.whistle',           false, 'open whistle_checkin per department', 170),
  ('dispatched', 'whistle',           '',       'whistler',   NULL,         'case.whistle',           false, 'open whistle_checkin per department', 171),
  ('accepted',   'whistle',           '',       'whistler',   NULL,         'case.whistle',           false, 'open whistle_checkin per department', 172),
  ('registered', 'check_in',          '',       'whistled',   NULL,         'case.check_in',          false, 'meet whistle_checkin', 180),
  ('dispatched', 'check_in',          '',       'whistled',   NULL,         'case.check_in',          false, 'meet whistle_checkin', 181),
  ('accepted',   'check_in',          '',       'whistled',   NULL,         'case.check_in',          false, 'meet whistle_checkin', 182),
  ('handled',    'check_in',          '',       'whistled',   NULL,         'case.check_in',          false, 'meet whistle_checkin', 183),
  ('registered', 'rate',              '',       'whistler',   NULL,         'case.whistle',           false, '', 190),
  ('dispatched', 'rate',              '',       'whistler',   NULL,         'case.whistle',           false, '', 191),
  ('accepted',   'rate',              '',       'whistler',   NULL,         'case.whistle',           false, '', 192),
  ('handled',    'rate',              '',       'whistler',   NULL,         'case.whistle',           false, '', 193),
  ('verified',   'rate',              '',       'whistler',   NULL,         'case.whistle',           false, '', 194),
  ('closed',     'rate',              '',       'whistler',   NULL,         'case.whistle',           false, '', 195),
  ('reported',   'supervise',         '',       'supervisor', NULL,         'case.supervise',         false, 'open supervision_ack', 200),
  ('registered', 'supervise',         '',       'supervisor', NULL,         'case.supervise',         false, 'open supervision_ack', 201),
  ('dispatched', 'supervise',         '',       'supervisor', NULL,         'case.supervise',         false, 'open supervision_ack', 202),
  ('accepted',   'supervise',         '',       'supervisor', NULL,         'case.supervise',         false, 'open supervision_ack', 203),
  ('handled',    'supervise',         '',       'supervisor', NULL,         'case.supervise',         false, 'open supervision_ack', 204),
  ('parked',     'supervise',         '',       'supervisor', NULL,         'case.supervise',         false, 'open supervision_ack', 205),
  ('reported',   'acknowledge',       '',       'supervised', NULL,         NULL,                     false, 'meet supervision_ack', 210),
  ('registered', 'acknowledge',       '',       'supervised', NULL,         NULL,                     false, 'meet supervision_ack', 211),
  ('dispatched', 'acknowledge',       '',       'supervised', NULL,         NULL,                     false, 'meet supervision_ack', 212),
  ('accepted',   'acknowledge',       '',       'supervised', NULL,         NULL,                     false, 'meet supervision_ack', 213),
  ('handled',    'acknowledge',       '',       'supervised', NULL,         NULL,                     false, 'meet supervision_ack', 214),
  ('parked',     'acknowledge',       '',       'supervised', NULL,         NULL,                     false, 'meet supervision_ack', 215);

-- SLA defaults. Typical: register within 1 working hour, contact the reporter within 2 working hours
-- of dispatch, handle within 3–5 working days (数字城管 practice); emergencies run on continuous
-- urgent hours. Second-level rows override their top-level category.
INSERT INTO sla_rule (id, category, priority, register_clock, register_amount, response_clock, response_amount, handle_clock, handle_amount, verify_clock, verify_amount, warn_fraction)
SELECT gen_random_uuid(), v.category, v.priority, v.rc, v.ra, v.pc, v.pa, v.hc, v.ha, v.vc, v.va, 0.2
FROM (VALUES
  ('sanitation',       'normal', 'work_hours', 1, 'work_hours', 2, 'work_days', 3, 'work_days', 1),
  ('noise',            'normal', 'work_hours', 1, 'work_hours', 2, 'work_days', 3, 'work_days', 1),
  ('pollution',        'normal', 'work_hours', 1, 'work_hours', 2, 'work_days', 5, 'work_days', 1),
  ('facilities',       'normal', 'work_hours', 1, 'work_hours', 2, 'work_days', 5, 'work_days', 1),
  ('greening',         'normal', 'work_hours', 1, 'work_hours', 2, 'work_days', 5, 'work_days', 1),
  ('illegal_building', 'normal', 'work_hours', 1, 'work_hours', 2, 'work_days', 5, 'work_days', 1),
  ('street_order',     'normal', 'work_hours', 1, 'work_hours', 2, 'work_days', 3, 'work_days', 1),
  ('traffic',          'normal', 'work_hours', 1, 'work_hours', 2, 'work_days', 3, 'work_days', 1),
  ('property',         'normal', 'work_hours', 1, 'work_hours', 2, 'work_days', 3, 'work_days', 1),
  ('safety',           'normal', 'work_hours', 1, 'work_hours', 1, 'work_days', 2, 'work_days', 1),
  ('utilities',        'normal', 'work_hours', 1, 'work_hours', 1, 'work_days', 2, 'work_days', 1),
  ('neighbor_dispute', 'normal', 'work_hours', 1, 'work_hours', 2, 'work_days', 5, 'work_days', 1),
  ('social_services',  'normal', 'work_hours', 1, 'work_hours', 2, 'work_days', 5, 'work_days', 1),
  ('other',            'normal', 'work_hours', 1, 'work_hours', 2, 'work_days', 5, 'work_days', 1),
  ('sanitation',       'urgent', 'urgent_hours', 0.5, 'urgent_hours', 1, 'urgent_hours', 12, 'work_hours', 4),
  ('noise',            'urgent', 'urgent_hours', 0.5, 'urgent_hours', 1, 'urgent_hours', 4, 'work_hours', 4),
  ('pollution',        'urgent', 'urgent_hours', 0.5, 'urgent_hours', 1, 'urgent_hours', 12, 'work_hours', 4),
  ('facilities',       'urgent', 'urgent_hours', 0.5, 'urgent_hours', 1, 'urgent_hours', 4, 'work_hours', 4),
  ('greening',         'urgent', 'urgent_hours', 0.5, 'urgent_hours', 1, 'urgent_hours', 12, 'work_hours', 4),
  ('illegal_building', 'urgent', 'urgent_hours', 0.5, 'urgent_hours', 1, 'urgent_hours', 24, 'work_hours', 4),
  ('street_order',     'urgent', 'urgent_hours', 0.5, 'urgent_hours', 1, 'urgent_hours', 4, 'work_hours', 4),
  ('traffic',          'urgent', 'urgent_hours', 0.5, 'urgent_hours', 1, 'urgent_hours', 2, 'work_hours', 4),
  ('property',         'urgent', 'urgent_hours', 0.5, 'urgent_hours', 1, 'urgent_hours', 12, 'work_hours', 4),
  ('safety',           'urgent', 'urgent_hours', 0.25, 'urgent_hours', 0.5, 'urgent_hours', 2, 'work_hours', 4),
  ('utilities',        'urgent', 'urgent_hours', 0.25, 'urgent_hours', 0.5, 'urgent_hours', 4, 'work_hours', 4),
  ('neighbor_dispute', 'urgent', 'urgent_hours', 0.5, 'urgent_hours', 1, 'urgent_hours', 24, 'work_hours', 4),
  ('social_services',  'urgent', 'urgent_hours', 0.5, 'urgent_hours', 1, 'urgent_hours', 24, 'work_hours', 4),
  ('other',            'urgent', 'urgent_hours', 0.5, 'urgent_hours', 1, 'urgent_hours', 24, 'work_hours', 4),
  -- hazards that cannot wait even when reported as normal
  ('safety.gas_leak',        'normal', 'urgent_hours', 0.25, 'urgent_hours', 0.5, 'urgent_hours', 2, 'work_hours', 4),
  ('facilities.manhole_cover', 'normal', 'urgent_hours', 0.5, 'urgent_hours', 1, 'urgent_hours', 4, 'work_hours', 4),
  ('utilities.water_outage', 'normal', 'work_hours', 1, 'urgent_hours', 1, 'urgent_hours', 24, 'work_days', 1),
  ('utilities.power_outage', 'normal', 'work_hours', 1, 'urgent_hours', 1, 'urgent_hours', 24, 'work_days', 1),
  ('utilities.heating',      'normal', 'work_hours', 1, 'urgent_hours', 2, 'calendar_days', 2, 'work_days', 1),
  ('property.elevator_failure', 'normal', 'work_hours', 1, 'urgent_hours', 1, 'urgent_hours', 24, 'work_days', 1),
  ('illegal_building.under_construction', 'normal', 'work_hours', 1, 'work_hours', 2, 'work_days', 1, 'work_days', 1),
  ('social_services.housing_security', 'normal', 'work_hours', 1, 'work_hours', 4, 'work_days', 10, 'work_days', 1)
) AS v (category, priority, rc, ra, pc, pa, hc, ha, vc, va);

-- Routing defaults by department type (resolved in the case's district). Property matters inside a
-- compound go to its property company with the community as supervisor (see the service); others
-- go to the department; neighbour disputes stay with the community (小事不出社区).
INSERT INTO routing_rule (id, category, target, target_dept_type, assist_dept_types, supervisor, note)
SELECT gen_random_uuid(), v.category, v.target, v.dept, v.assist, v.sup, 'default'
FROM (VALUES
  ('sanitation', 'dept_type', 'urban_management', '{}'::text[], 'none'),
  ('noise', 'dept_type', 'environment', '{}'::text[], 'none'),
  ('noise.social_life', 'dept_type', 'police', '{}'::text[], 'none'),
  ('noise.neighbor_living', 'community', NULL, '{}'::text[], 'none'),
  ('noise.construction', 'dept_type', 'urban_management', '{environment}'::text[], 'none'),
  ('pollution', 'dept_type', 'environment', '{}'::text[], 'none'),
  ('pollution.cooking_fumes', 'dept_type', 'urban_management', '{environment}'::text[], 'none'),
  ('facilities', 'dept_type', 'urban_management', '{}'::text[], 'none'),
  ('facilities.drainage_flooding', 'dept_type', 'water', '{urban_management}'::text[], 'none'),
  ('facilities.old_compound_aging', 'dept_type', 'housing', '{}'::text[], 'none'),
  ('greening', 'dept_type', 'urban_management', '{}'::text[], 'none'),
  ('illegal_building', 'dept_type', 'urban_management', '{housing}'::text[], 'none'),
  ('street_order', 'dept_type', 'urban_management', '{}'::text[], 'none'),
  ('traffic', 'dept_type', 'police', '{}'::text[], 'none'),
  ('traffic.signals_markings', 'dept_type', 'transport', '{police}'::text[], 'none'),
  ('property', 'dept_type', 'housing', '{}'::text[], 'community'),
  ('safety', 'dept_type', 'emergency', '{}'::text[], 'street'),
  ('safety.group_rental', 'dept_type', 'police', '{}'::text[], 'street'),
  ('safety.ebike_charging', 'dept_type', 'emergency', '{}'::text[], 'community'),
  ('utilities', 'dept_type', 'housing', '{}'::text[], 'none'),
  ('utilities.water_outage', 'dept_type', 'water', '{}'::text[], 'none'),
  ('utilities.water_quality', 'dept_type', 'water', '{health}'::text[], 'none'),
  ('neighbor_dispute', 'community', NULL, '{}'::text[], 'none'),
  ('social_services', 'dept_type', 'civil_affairs', '{}'::text[], 'community'),
  ('social_services.household_registration', 'dept_type', 'police', '{}'::text[], 'none'),
  ('other', 'community', NULL, '{}'::text[], 'none')
) AS v (category, target, dept, assist, sup);

-- Public holidays and make-up working days (调休) as published by the General Office of the State
-- Council: 2025 (国办发明电〔2024〕12号) and 2026 (国办发明电〔2025〕7号). For 2027 only the statutory
-- holidays of the 2024 holiday regulation (全国年节及纪念日放假办法) are entered; the bridging days
-- and make-up days are published each November and must be entered by an administrator.
INSERT INTO holiday_calendar (date, kind, name) VALUES
  ('2025-01-01', 'holiday', '元旦'),
  ('2025-01-26', 'workday', '春节调休上班'),
  ('2025-01-28', 'holiday', '春节'), ('2025-01-29', 'holiday', '春节'), ('2025-01-30', 'holiday', '春节'),
  ('2025-01-31', 'holiday', '春节'), ('2025-02-01', 'holiday', '春节'), ('2025-02-02', 'holiday', '春节'),
  ('2025-02-03', 'holiday', '春节'), ('2025-02-04', 'holiday', '春节'),
  ('2025-02-08', 'workday', '春节调休上班'),
  ('2025-04-04', 'holiday', '清明节'), ('2025-04-05', 'holiday', '清明节'), ('2025-04-06', 'holiday', '清明节'),
  ('2025-04-27', 'workday', '劳动节调休上班'),
  ('2025-05-01', 'holiday', '劳动节'), ('2025-05-02', 'holiday', '劳动节'), ('2025-05-03', 'holiday', '劳动节'),
  ('2025-05-04', 'holiday', '劳动节'), ('2025-05-05', 'holiday', '劳动节'),
  ('2025-05-31', 'holiday', '端午节'), ('2025-06-01', 'holiday', '端午节'), ('2025-06-02', 'holiday', '端午节'),
  ('2025-09-28', 'workday', '国庆节调休上班'),
  ('2025-10-01', 'holiday', '国庆节、中秋节'), ('2025-10-02', 'holiday', '国庆节、中秋节'), ('2025-10-03', 'holiday', '国庆节、中秋节'),
  ('2025-10-04', 'holiday', '国庆节、中秋节'), ('2025-10-05', 'holiday', '国庆节、中秋节'), ('2025-10-06', 'holiday', '国庆节、中秋节'),
  ('2025-10-07', 'holiday', '国庆节、中秋节'), ('2025-10-08', 'holiday', '国庆节、中秋节'),
  ('2025-10-11', 'workday', '国庆节调休上班'),
  ('2026-01-01', 'holiday', '元旦'), ('2026-01-02', 'holiday', '元旦'), ('2026-01-03', 'holiday', '元旦'),
  ('2026-01-04', 'workday', '元旦调休上班'),
  ('2026-02-14', 'workday', '春节调休上班'),
  ('2026-02-15', 'holiday', '春节'), ('2026-02-16', 'holiday', '春节'), ('2026-02-17', 'holiday', '春节'),
  ('2026-02-18', 'holiday', '春节'), ('2026-02-19', 'holiday', '春节'), ('2026-02-20', 'holiday', '春节'),
  ('2026-02-21', 'holiday', '春节'), ('2026-02-22', 'holiday', '春节'), ('2026-02-23', 'holiday', '春节'),
  ('2026-02-28', 'workday', '春节调休上班'),
  ('2026-04-04', 'holiday', '清明节'), ('2026-04-05', 'holiday', '清明节'), ('2026-04-06', 'holiday', '清明节'),
  ('2026-05-01', 'holiday', '劳动节'), ('2026-05-02', 'holiday', '劳动节'), ('2026-05-03', 'holiday', '劳动节'),
  ('2026-05-04', 'holiday', '劳动节'), ('2026-05-05', 'holiday', '劳动节'),
  ('2026-05-09', 'workday', '劳动节调休上班'),
  ('2026-06-19', 'holiday', '端午节'), ('2026-06-20', 'holiday', '端午节'), ('2026-06-21', 'holiday', '端午节'),
  ('2026-09-20', 'workday', '国庆节调休上班'),
  ('2026-09-25', 'holiday', '中秋节'), ('2026-09-26', 'holiday', '中秋节'), ('2026-09-27', 'holiday', '中秋节'),
  ('2026-10-01', 'holiday', '国庆节'), ('2026-10-02', 'holiday', '国庆节'), ('2026-10-03', 'holiday', '国庆节'),
  ('2026-10-04', 'holiday', '国庆节'), ('2026-10-05', 'holiday', '国庆节'), ('2026-10-06', 'holiday', '国庆节'),
  ('2026-10-07', 'holiday', '国庆节'),
  ('2026-10-10', 'workday', '国庆节调休上班'),
  ('2027-01-01', 'holiday', '元旦（法定）'),
  ('2027-02-05', 'holiday', '春节（法定）'), ('2027-02-06', 'holiday', '春节（法定）'), ('2027-02-07', 'holiday', '春节（法定）'),
  ('2027-02-08', 'holiday', '春节（法定）'),
  ('2027-04-05', 'holiday', '清明节（法定）'),
  ('2027-05-01', 'holiday', '劳动节（法定）'), ('2027-05-02', 'holiday', '劳动节（法定）'),
  ('2027-06-09', 'holiday', '端午节（法定）'),
  ('2027-09-15', 'holiday', '中秋节（法定）'),
  ('2027-10-01', 'holiday', '国庆节（法定）'), ('2027-10-02', 'holiday', '国庆节（法定）'), ('2027-10-03', 'holiday', '国庆节（法定）');

INSERT INTO setting (key, value) VALUES
  ('cases.working_hours', '[["08:30", "12:00"], ["13:30", "17:30"]]'),
  -- minutes a department has to check in after an urgent whistle (the mechanism's origin: 30 minutes)
  ('cases.whistle_checkin_minutes', '{"urgent": 30, "normal_work_hours": 2}'),
  -- how long the street (then the district) has to act on an escalated case, and to acknowledge a 督办
  ('cases.escalation_due', '{"clock": "work_days", "amount": 1}'),
  ('cases.supervision_ack_due', '{"clock": "work_hours", "amount": 2}'),
  ('cases.extension_review_due', '{"clock": "work_hours", "amount": 4}'),
  ('metrics.score_weights', '{"response": 0.10, "resolution": 0.45, "satisfaction": 0.45}'),
  ('metrics.satisfaction_weights', '{"satisfied": 1, "basically_satisfied": 1, "dissatisfied": 0}')
ON CONFLICT (key) DO NOTHING;

INSERT INTO role_permission (role_code, permission)
SELECT r.code, p.permission FROM role r
JOIN (VALUES
  ('platform_admin', 'case.read'), ('platform_admin', 'case.admin'), ('platform_admin', 'metrics.read'), ('platform_admin', 'metrics.admin'),
  ('district_admin', 'case.read'), ('district_admin', 'case.create'), ('district_admin', 'case.register'), ('district_admin', 'case.dispatch'),
  ('district_admin', 'case.close'), ('district_admin', 'case.evaluate'), ('district_admin', 'case.supervise'), ('district_admin', 'case.whistle'),
  ('district_admin', 'case.approve_extension'), ('district_admin', 'case.escalate'), ('district_admin', 'metrics.read'),
  ('district_staff', 'case.read'), ('district_staff', 'case.create'), ('district_staff', 'case.register'), ('district_staff', 'case.dispatch'),
  ('district_staff', 'case.close'), ('district_staff', 'case.evaluate'),
  ('street_admin', 'case.read'), ('street_admin', 'case.create'), ('street_admin', 'case.register'), ('street_admin', 'case.dispatch'),
  ('street_admin', 'case.close'), ('street_admin', 'case.evaluate'), ('street_admin', 'case.supervise'), ('street_admin', 'case.whistle'),
  ('street_admin', 'case.approve_extension'), ('street_admin', 'case.escalate'), ('street_admin', 'metrics.read'),
  ('street_staff', 'case.read'), ('street_staff', 'case.create'), ('street_staff', 'case.register'), ('street_staff', 'case.dispatch'),
  ('street_staff', 'case.close'), ('street_staff', 'case.evaluate'),
  ('community_admin', 'case.read'), ('community_admin', 'case.create'), ('community_admin', 'case.register'), ('community_admin', 'case.dispatch'),
  ('community_admin', 'case.close'), ('community_admin', 'case.verify'), ('community_admin', 'case.evaluate'), ('community_admin', 'case.escalate'),
  ('community_admin', 'case.whistle'), ('community_admin', 'case.approve_extension'), ('community_admin', 'metrics.read'),
  -- the community handles the small matters it keeps (小事不出社区): neighbour disputes, enquiries
  ('community_admin', 'case.handle'), ('community_staff', 'case.handle'),
  ('community_staff', 'case.read'), ('community_staff', 'case.create'), ('community_staff', 'case.register'), ('community_staff', 'case.dispatch'),
  ('community_staff', 'case.close'), ('community_staff', 'case.verify'), ('community_staff', 'case.evaluate'),
  ('grid_worker', 'case.read'), ('grid_worker', 'case.create'), ('grid_worker', 'case.verify'),
  ('dept_handler', 'case.read'), ('dept_handler', 'case.handle'), ('dept_handler', 'case.check_in'), ('dept_handler', 'metrics.read'),
  ('property_staff', 'case.read'), ('property_staff', 'case.handle'), ('property_staff', 'case.check_in'),
  ('command_viewer', 'case.read'), ('command_viewer', 'metrics.read')
) AS p (role_code, permission) ON p.role_code = r.code
ON CONFLICT DO NOTHING;

-- the sweeper and metric folding are scheduled tasks; nothing to seed for them
