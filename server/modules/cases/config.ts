import type { Selectable } from 'kysely';
import type { Executor } from '../../db/index.ts';
import type { Platform } from '../../platform/context.ts';
import type { RoutingRuleTable, SlaRuleTable, WorkflowTransitionTable } from './tables.ts';
import { parsePeriods, type ClockKind, type WorkCalendar } from './worktime.ts';

export type Transition = Selectable<WorkflowTransitionTable>;
export type SlaRule = Selectable<SlaRuleTable>;
export type RoutingRule = Selectable<RoutingRuleTable>;
export interface Due { clock: ClockKind; amount: number }

export interface Category { code: string; top: string; active: boolean; names: { 'zh-CN': string; 'zh-TW': string; en: string } }

/**
 * The rules the case loop runs on (workflow, SLA, routing, calendar, taxonomy, settings, and which
 * organisation governs which region), read from the database and kept for a short while so that an
 * intake costs no extra queries. An administrator's change applies in this process at once
 * (invalidate) and in other server processes within CACHE_MS.
 */
export interface CasesConfig {
  transitions: Transition[];
  sla: Map<string, SlaRule>;
  routing: RoutingRule[];
  calendar: WorkCalendar;
  categories: Map<string, Category>;
  /** region id (community, street, district) → the community committee, street office or district government */
  regionOrg: Map<string, string>;
  /** `${regionId}:${deptType}` → department (district departments; police stations by street) */
  deptIn: Map<string, string>;
  /** district id → its 6-digit division code (case numbers) */
  districtCode: Map<string, string>;
  orgs: Map<string, { id: string; kind: string; name: string; regionId: string | null; active: boolean }>;
  whistle: { urgent: number; normal_work_hours: number };
  escalationDue: Due;
  supervisionAckDue: Due;
  extensionReviewDue: Due;
  scoreWeights: { response: number; resolution: number; satisfaction: number };
  satisfactionWeights: { satisfied: number; basically_satisfied: number; dissatisfied: number };
  /** every `module.name` setting as stored, for the modules that read their own at intake (dispatch) */
  settings: Map<string, unknown>;
}

const CACHE_MS = 30_000;
// per database (a process may hold more than one, e.g. tools and tests)
let cache = new WeakMap<object, { at: number; value: Promise<CasesConfig> }>();

export function invalidateConfig() {
  cache = new WeakMap();
}

/** `db`: the caller's transaction when there is one (the embedded engine has a single connection). */
export function getConfig(platform: Platform, db: Executor = platform.db): Promise<CasesConfig> {
  const now = Date.now();
  const key = platform.db;
  const hit = cache.get(key);
  if (hit && now - hit.at <= CACHE_MS) return hit.value;
  const value = loadConfig(db, platform.config.timeZone);
  cache.set(key, { at: now, value });
  value.catch(() => {
    if (cache.get(key)?.value === value) cache.delete(key);
  });
  return value;
}

async function loadConfig(db: Executor, timeZone: string): Promise<CasesConfig> {
  const [transitions, sla, routing, days, settings, taxonomy, orgs, districts] = await Promise.all([
    db.selectFrom('workflow_transition').selectAll().orderBy('sort_order').execute(),
    db.selectFrom('sla_rule').selectAll().execute(),
    db.selectFrom('routing_rule').selectAll().where('active', '=', true).execute(),
    db.selectFrom('holiday_calendar').select(['date', 'kind']).execute(),
    db.selectFrom('setting').select(['key', 'value']).where('key', 'like', '%.%').execute(),
    db.selectFrom('taxonomy').select(['code', 'parent_code', 'active', 'name_zh_cn', 'name_zh_tw', 'name_en']).execute(),
    db.selectFrom('org').select(['id', 'kind', 'name', 'region_id', 'dept_type', 'active']).execute(),
    db.selectFrom('region').select(['id', 'code']).where('level', '=', 'district').execute(),
  ]);
  const setting = new Map(settings.map((s) => [s.key, s.value as unknown]));
  const regionOrg = new Map<string, string>();
  const deptIn = new Map<string, string>();
  for (const o of orgs) {
    if (!o.active || !o.region_id) continue;
    if (o.kind === 'community_committee' || o.kind === 'street_office' || o.kind === 'government') regionOrg.set(o.region_id, o.id);
    if (o.kind === 'department' && o.dept_type) deptIn.set(`${o.region_id}:${o.dept_type}`, o.id);
  }
  return {
    transitions,
    sla: new Map(sla.map((r) => [`${r.category}:${r.priority}`, r])),
    routing,
    calendar: {
      timeZone,
      periods: parsePeriods(setting.get('cases.working_hours') ?? [['08:30', '12:00'], ['13:30', '17:30']]),
      days: new Map(days.map((d) => [d.date, d.kind])),
    },
    categories: new Map(
      taxonomy.map((t) => [t.code, { code: t.code, top: t.parent_code ?? t.code, active: t.active, names: { 'zh-CN': t.name_zh_cn, 'zh-TW': t.name_zh_tw, en: t.name_en } }]),
    ),
    regionOrg,
    deptIn,
    districtCode: new Map(districts.map((d) => [d.id, d.code.slice(0, 6)])),
    orgs: new Map(orgs.map((o) => [o.id, { id: o.id, kind: o.kind, name: o.name, regionId: o.region_id, active: o.active }])),
    whistle: (setting.get('cases.whistle_checkin_minutes') as CasesConfig['whistle']) ?? { urgent: 30, normal_work_hours: 2 },
    escalationDue: (setting.get('cases.escalation_due') as Due) ?? { clock: 'work_days', amount: 1 },
    supervisionAckDue: (setting.get('cases.supervision_ack_due') as Due) ?? { clock: 'work_hours', amount: 2 },
    extensionReviewDue: (setting.get('cases.extension_review_due') as Due) ?? { clock: 'work_hours', amount: 4 },
    scoreWeights: (setting.get('metrics.score_weights') as CasesConfig['scoreWeights']) ?? { response: 0.1, resolution: 0.45, satisfaction: 0.45 },
    satisfactionWeights: (setting.get('metrics.satisfaction_weights') as CasesConfig['satisfactionWeights']) ?? { satisfied: 1, basically_satisfied: 1, dissatisfied: 0 },
    settings: setting,
  };
}

/** The SLA rule of a category: its own, else its top-level category's. */
export function slaFor(cfg: CasesConfig, category: string, priority: 'normal' | 'urgent'): SlaRule {
  const top = cfg.categories.get(category)?.top ?? category;
  const rule = cfg.sla.get(`${category}:${priority}`) ?? cfg.sla.get(`${top}:${priority}`) ?? cfg.sla.get(`other:${priority}`);
  if (!rule) throw new Error(`no SLA rule for ${category}/${priority} nor for other/${priority}`);
  return rule;
}

/** The governing organisations of a case's community, street and district (metrics attribute to them). */
export function regionOrgsOf(cfg: CasesConfig, c: { community_id: string; street_id: string; district_id: string }): string[] {
  return [c.community_id, c.street_id, c.district_id].map((r) => cfg.regionOrg.get(r)).filter((x): x is string => !!x);
}
