import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import type { BulkInsert } from '../db/bulk.ts';
import type { Platform } from '../platform/context.ts';
import { getConfig, invalidateConfig, regionOrgsOf, slaFor, type CasesConfig } from '../modules/cases/config.ts';
import { caseNoSequence } from '../modules/cases/store.ts';
import { route, type Place } from '../modules/cases/place.ts';
import { addDays, addWorkingTime, fromLocal, toLocal, warnAt, type ClockKind } from '../modules/cases/worktime.ts';
import { caseSamples } from '../modules/cases/demo.ts';
import { deltasFor, type EventFacts } from '../modules/metrics/deltas.ts';
import { createRng, weightedTable, type Rng } from './synth/random.ts';

/**
 * Years of case history written in bulk (`npm run generate -- --cases M --years Y`): each case's
 * story (report, register, dispatch, accept, handle, verify, close, evaluation, with returns,
 * rework, rejections, reopenings, overdue clocks and cases still open at the end) is drawn in
 * memory with the live system's routing, SLA rules and working-time calendar, and written with the
 * case, its events, deadlines and assignments through COPY in chunks of cases in time order. The
 * metric rollups come from the same events through the same `deltasFor` the live system uses, so
 * `npm run metrics:rebuild` gives the same numbers. Not written: audit records (the live system's
 * hash chain would have to seal millions of them) and automatic escalation of missed deadlines
 * (missed clocks are marked, the case flagged overdue and an `overdue` event written).
 */
export interface HistoryOptions {
  cases: number;
  years: number;
  seed: string;
  /** history ends here (the business clock's now) */
  end: Date;
  /** cases per COPY round (memory stays proportional to it) */
  chunk?: number;
}

export interface HistoryResult {
  cases: number;
  events: number;
  deadlines: number;
  assignments: number;
  metricRows: number;
  open: number;
}

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

const CASE_COLUMNS = [
  'id', 'case_no', 'channel', 'type', 'category', 'category_top', 'title', 'description', 'priority', 'status', 'version', 'lng', 'lat', 'address',
  'building_id', 'compound_id', 'city_id', 'district_id', 'street_id', 'community_id', 'grid_id', 'reporter_user_id', 'anonymous',
  'handling_level', 'dispatch_org_id', 'assigned_org_id', 'supervisor_org_id', 'handle_due_at', 'overdue', 'return_count', 'rework_count', 'reopen_count',
  'resolved', 'satisfaction', 'evaluation_comment', 'evaluated_by_callback', 'reported_at', 'registered_at', 'dispatched_at', 'accepted_at', 'handled_at',
  'verified_at', 'closed_at', 'evaluated_at', 'updated_at',
] as const;
const EVENT_COLUMNS = ['id', 'district_id', 'case_id', 'at', 'type', 'from_status', 'to_status', 'actor_kind', 'actor_id', 'actor_org_id', 'actor_name', 'note', 'data'] as const;
const DEADLINE_COLUMNS = ['id', 'case_id', 'district_id', 'kind', 'org_id', 'level', 'clock', 'started_at', 'due_at', 'warn_at', 'state', 'warned_at', 'missed_at', 'met_at'] as const;
const ASSIGNMENT_COLUMNS = ['case_id', 'org_id', 'role', 'district_id', 'since', 'until'] as const;

/** UUID version 7 for a moment in the past (platform/ids' newId only moves forward from the present). */
function idAt(ms: number): string {
  const b = randomBytes(16);
  b.writeUIntBE(ms, 0, 6);
  b[6] = 0x70 | (b[6] & 0x0f);
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

interface Building extends Place {
  buildingId: string;
}

interface World {
  cfg: CasesConfig;
  tz: string;
  end: number;
  buildings: Building[];
  texts: { text: string; sub: string }[];
  gridWorker: Map<string, { id: string; org: string }>;
  deptsByDistrict: Map<string, string[]>;
  orgName: (id: string) => string;
  nextNo: (districtId: string, at: Date) => string;
}

/** Rows one chunk writes, and the metric counters its events add. */
interface Batch {
  cases: unknown[][];
  events: unknown[][];
  deadlines: unknown[][];
  assignments: unknown[][];
}

/** Reports arrive by day (weekends at 70%, summer busier) and mostly between 7:00 and 22:00 local time. */
function dayWeight(date: string) {
  const d = new Date(`${date}T00:00:00Z`);
  const weekday = d.getUTCDay();
  const month = d.getUTCMonth();
  return (weekday === 0 || weekday === 6 ? 0.7 : 1) * (month >= 5 && month <= 8 ? 1.2 : 1);
}
const hourTable = weightedTable(Array.from({ length: 24 }, (_, h) => h), [0.3, 0.2, 0.1, 0.1, 0.1, 0.3, 1, 3, 6, 8, 8, 7, 5, 6, 7, 7, 6, 5, 5, 5, 4, 3, 1.5, 0.7]);

/**
 * Month partitions of the time-ordered tables (case events, audit) from `years` before `end` on, made
 * before any history is written: a month whose rows already sit in the default partition can no
 * longer get its own (linli_ensure_month_partitions leaves it there).
 */
export async function ensureHistoryPartitions(db: Executor, end: Date, years: number, timeZone: string) {
  const first = addDays(toLocal(end, timeZone).date, -Math.ceil(years * 366));
  const months = Math.ceil(years * 12) + 6;
  await sql`SELECT linli_ensure_all_partitions(${first}::date, ${months})`.execute(db);
}

export async function generateCaseHistory(platform: Platform, db: Executor, bulk: BulkInsert, opts: HistoryOptions): Promise<HistoryResult> {
  invalidateConfig();
  const cfg = await getConfig(platform, db);
  const tz = platform.config.timeZone;
  const rng = createRng(`${opts.seed}:cases`);
  const end = opts.end.getTime();
  const lastDay = toLocal(opts.end, tz).date;
  const firstDay = addDays(lastDay, -Math.round(opts.years * 365) + 1);

  const buildingRows = await db
    .selectFrom('building as b')
    .leftJoin('compound as cp', 'cp.id', 'b.compound_id')
    .select(['b.id', 'b.address', 'b.lng', 'b.lat', 'b.compound_id', 'cp.property_company_org_id', 'cp.management', 'b.city_id', 'b.district_id', 'b.street_id', 'b.community_id', 'b.grid_id'])
    .orderBy('b.id')
    .execute();
  if (!buildingRows.length) throw new Error('the city has no buildings: generate residents first');
  const buildings: Building[] = buildingRows.map((b) => ({
    lng: b.lng, lat: b.lat, address: b.address, buildingId: b.id, compoundId: b.compound_id,
    propertyCompanyOrgId: b.management === 'property_company' ? b.property_company_org_id : null,
    city_id: b.city_id, district_id: b.district_id, street_id: b.street_id, community_id: b.community_id, grid_id: b.grid_id,
    chain: [b.grid_id, b.community_id, b.street_id, b.district_id, b.city_id],
  }));
  const gridWorker = new Map(
    (await db.selectFrom('app_user').select(['id', 'grid_id', 'org_id']).where('grid_id', 'is not', null).execute()).map((u) => [u.grid_id!, { id: u.id, org: u.org_id }]),
  );
  const deptsByDistrict = new Map<string, string[]>();
  const regionDistrict = new Map((await db.selectFrom('region').select(['id', 'district_id']).execute()).map((r) => [r.id, r.district_id]));
  for (const o of cfg.orgs.values()) {
    if (o.kind !== 'department' || !o.active || !o.regionId) continue;
    const d = regionDistrict.get(o.regionId);
    if (d) deptsByDistrict.set(d, [...(deptsByDistrict.get(d) ?? []), o.id]);
  }
  const texts = caseSamples().filter((s) => s.text.length >= 6 && cfg.categories.get(s.sub)?.active);

  // case numbers continue the live sequences (the demo's own cases may already have drawn some)
  const counters = new Map<string, number>();
  for (const r of (await sql<{ name: string; n: string | null }>`SELECT sequencename AS name, last_value AS n FROM pg_sequences WHERE sequencename LIKE 'case_no_%'`.execute(db)).rows) {
    counters.set(r.name, Number(r.n ?? 0));
  }
  const nextNo = (districtId: string, at: Date) => {
    const code = cfg.districtCode.get(districtId)!;
    const year = Number(toLocal(at, tz).date.slice(0, 4));
    const seq = caseNoSequence(code, year);
    const n = (counters.get(seq) ?? 0) + 1;
    counters.set(seq, n);
    return `${code}-${year}-${String(n).padStart(6, '0')}`;
  };
  const world: World = { cfg, tz, end, buildings, texts, gridWorker, deptsByDistrict, orgName: (id) => cfg.orgs.get(id)?.name ?? '', nextNo };

  // how many reports each day gets: weights, with the fractions carried so the total is exact
  const days: string[] = [];
  for (let d = firstDay; d <= lastDay; d = addDays(d, 1)) days.push(d);
  const weights = days.map(dayWeight);
  const wsum = weights.reduce((a, b) => a + b, 0);

  const result: HistoryResult = { cases: 0, events: 0, deadlines: 0, assignments: 0, metricRows: 0, open: 0 };
  const totals = new Map<string, number>(); // `${day}|${subject}|${metric}` → n
  const chunk = opts.chunk ?? 20_000;
  let batch: Batch = { cases: [], events: [], deadlines: [], assignments: [] };

  const flushMetrics = async (beforeDay: string | null) => {
    const rows: unknown[][] = [];
    for (const [k, n] of totals) {
      const [day, subject, metric] = k.split('|');
      if (beforeDay !== null && day >= beforeDay) continue;
      rows.push([subject, day, metric, n]);
      totals.delete(k);
    }
    if (!rows.length) return;
    // the demo's own cases may have rolled up the same subject and day already
    await sql`CREATE TEMP TABLE IF NOT EXISTS history_metric (subject_id uuid, day date, metric text, n double precision) ON COMMIT DROP`.execute(db);
    await bulk('history_metric', ['subject_id', 'day', 'metric', 'n'], rows);
    await sql`INSERT INTO metric_daily (subject_id, day, metric, n) SELECT subject_id, day, metric, n FROM history_metric
      ON CONFLICT (subject_id, day, metric) DO UPDATE SET n = metric_daily.n + excluded.n`.execute(db);
    await sql`TRUNCATE history_metric`.execute(db);
    result.metricRows += rows.length;
  };
  const write = async (nextDay: string | null) => {
    await bulk('cases', CASE_COLUMNS, batch.cases);
    await bulk('case_assignment', ASSIGNMENT_COLUMNS, batch.assignments);
    await bulk('case_event', EVENT_COLUMNS, batch.events);
    await bulk('case_deadline', DEADLINE_COLUMNS, batch.deadlines);
    result.cases += batch.cases.length;
    result.events += batch.events.length;
    result.deadlines += batch.deadlines.length;
    result.assignments += batch.assignments.length;
    batch = { cases: [], events: [], deadlines: [], assignments: [] };
    // every later case reports on or after nextDay, so days before it are complete
    await flushMetrics(nextDay);
  };

  let carry = 0;
  let serial = 0;
  for (const [i, day] of days.entries()) {
    carry += (opts.cases * weights[i]) / wsum;
    const n = i === days.length - 1 ? opts.cases - serial : Math.floor(carry);
    carry -= n;
    const dayStart = fromLocal(day, 0, tz).getTime();
    const times: number[] = [];
    for (let k = 0; k < n; k++) {
      const hour = rng.drawIndex(hourTable);
      times.push(dayStart + hour * HOUR + rng.int(0, HOUR - 1));
    }
    times.sort((a, b) => a - b);
    for (const t of times) {
      if (t >= end) continue; // the rest of today has not happened yet
      story(rng.fork(serial++), world, Math.min(t, end - MIN), batch, totals);
    }
    if (batch.cases.length >= chunk) await write(addDays(day, 1));
  }
  await write(null);
  result.open = Number((await sql<{ n: string }>`SELECT count(*) AS n FROM cases WHERE status NOT IN ('closed', 'evaluated', 'rejected', 'merged')`.execute(db)).rows[0].n);

  // the live intake numbers on from here
  for (const [seq, n] of counters) {
    await sql`CREATE SEQUENCE IF NOT EXISTS ${sql.id(seq)}`.execute(db);
    if (n > 0) await sql`SELECT setval(${seq}, ${n})`.execute(db);
  }
  invalidateConfig();
  return result;
}

const CHANNELS = ['hotline_12345', 'phone', 'walk_in', 'open311'] as const;
const CHANNEL_WEIGHTS = [60, 18, 12, 10];
const TYPES = ['complaint', 'help', 'enquiry', 'suggestion', 'praise'] as const;
const TYPE_WEIGHTS = [62, 16, 12, 8, 2];
const SATISFACTION = ['satisfied', 'basically_satisfied', 'dissatisfied'] as const;
const SATISFACTION_WEIGHTS = [70, 20, 10];
/** clocks whose miss makes a case overdue (as the sweeper does) */
const OVERDUE = new Set(['register', 'response', 'handle', 'verify']);

interface Clock {
  id: string;
  kind: 'register' | 'response' | 'handle' | 'verify';
  org: string;
  clock: string;
  started: number;
  due: number;
  warn: number | null;
  state: 'open' | 'met' | 'cancelled' | 'missed';
  warned: number | null;
  missed: number | null;
  met: number | null;
}

/** A title from the first sentence of the description, as intake makes it. */
const titleOf = (text: string) => [...(text.trim().split(/[。！？!?\n]/)[0] ?? text)].slice(0, 40).join('');

/**
 * One case from report to where it stands at the end of the history: each step a random delay
 * after the last (mostly prompt, sometimes late), stopping at the first step that would fall after
 * the end, so recent cases are still open at every stage.
 */
function story(rng: Rng, w: World, t0: number, batch: Batch, totals: Map<string, number>) {
  const { cfg, tz, end } = w;
  const place = rng.pick(w.buildings);
  const sample = rng.pick(w.texts);
  const category = sample.sub;
  const priority = rng.chance(0.06) ? 'urgent' : 'normal';
  const sla = slaFor(cfg, category, priority);
  const community = cfg.regionOrg.get(place.community_id)!;
  const regions = regionOrgsOf(cfg, place);
  const routed = route(cfg, category, place);
  const worker = place.grid_id ? w.gridWorker.get(place.grid_id) : undefined;
  const patrol = !!worker && rng.chance(0.5);
  const channel = patrol ? 'grid_patrol' : rng.weighted(CHANNELS, CHANNEL_WEIGHTS);
  const id = idAt(t0);
  const district = place.district_id;
  const c = {
    status: 'reported', version: 1, handler: routed.mainOrgId as string | null, dispatcher: community, overdue: false,
    returns: 0, rework: 0, reopens: 0, handleDue: null as number | null, resolved: null as boolean | null,
    satisfaction: null as string | null, at: {} as Record<string, number>,
  };
  const clocks: Clock[] = [];
  let now = t0;

  const event = (at: number, type: string, to: string | null, actorOrg: string | null, data: EventFacts & Record<string, unknown> = {}, note: string | null = null) => {
    const facts: EventFacts & Record<string, unknown> = { regions, handler: c.handler, dispatcher: c.dispatcher, ...data };
    const from = type === 'report' ? null : c.status;
    batch.events.push([
      idAt(at), district, id, new Date(at), type, from, to ?? from, actorOrg ? 'user' : 'system', null, actorOrg,
      actorOrg ? `${w.orgName(actorOrg)}工作人员` : 'deadline-sweeper', note, facts,
    ]);
    for (const d of deltasFor(type, new Date(at), facts, tz)) {
      const k = `${d.day}|${d.subject}|${d.metric}`;
      totals.set(k, (totals.get(k) ?? 0) + d.n);
    }
    if (type !== 'report') c.version++;
    if (to) c.status = to;
  };
  const open = (kind: Clock['kind'], org: string, clock: string, amount: number) => {
    const due = addWorkingTime(new Date(now), clock as ClockKind, amount, cfg.calendar).getTime();
    const d: Clock = { id: idAt(now), kind, org, clock, started: now, due, warn: warnAt(new Date(now), new Date(due), Number(sla.warn_fraction))?.getTime() ?? null, state: 'open', warned: null, missed: null, met: null };
    clocks.push(d);
    return d;
  };
  // the sweeper's work on a clock that ran out before it was met or the history ended
  const miss = (d: Clock) => {
    d.missed = d.due;
    d.warned = d.warn ?? d.due;
    event(d.due, 'overdue', null, null, { kind: d.kind, org: OVERDUE.has(d.kind) ? d.org : null, dueAt: new Date(d.due).toISOString() });
    if (OVERDUE.has(d.kind)) c.overdue = true;
  };
  const meet = (kinds: Clock['kind'][]) => {
    const met = clocks.filter((d) => d.state === 'open' && kinds.includes(d.kind));
    for (const d of met) {
      if (d.due < now) miss(d);
      d.state = 'met';
      d.met = now;
    }
    return met.length > 0 && met.every((d) => now <= d.due);
  };
  const cancel = (kinds: Clock['kind'][] | 'all') => {
    for (const d of clocks) if (d.state === 'open' && (kinds === 'all' || kinds.includes(d.kind))) d.state = 'cancelled';
  };
  const assignments: unknown[][] = [];
  const assign = (org: string, role: 'main' | 'assist' | 'supervisor') => assignments.push([id, org, role, district, new Date(now), null]);
  const endAssignments = () => {
    for (const a of assignments) if ((a[2] === 'main' || a[2] === 'assist') && a[5] === null) a[5] = new Date(now);
  };
  /** moves the clock on; false when the step would happen after the end of the history */
  const after = (ms: number) => {
    if (now + ms >= end) return false;
    now += ms;
    return true;
  };
  const minutes = (a: number, b: number) => rng.int(a, b) * MIN;
  const dispatchTo = (org: string, assist: string[]) => {
    c.handler = org;
    for (const a of assist) assign(a, 'assist');
    assign(org, 'main');
    open('response', org, sla.response_clock, Number(sla.response_amount));
    c.handleDue = open('handle', org, sla.handle_clock, Number(sla.handle_amount)).due;
    c.at.dispatched = now;
    event(now, 'dispatch', 'dispatched', c.dispatcher, { handler: org, assistOrgIds: assist });
  };

  open('register', community, sla.register_clock, Number(sla.register_amount));
  event(t0, 'report', 'reported', patrol ? worker!.org : community, { channel, routed: routed.matched, assistOrgIds: routed.assistOrgIds, gridReporter: patrol ? worker!.id : null });
  if (routed.supervisorOrgId) assign(routed.supervisorOrgId, 'supervisor');

  const run = () => {
    if (rng.chance(0.04)) {
      if (!after(minutes(20, 120))) return;
      cancel('all');
      event(now, 'reject', 'rejected', community, { gridReporter: patrol ? worker!.id : null }, '经网格员现场核实，问题不存在');
      return;
    }
    if (!after(rng.chance(0.95) ? minutes(5, 55) : minutes(70, 300))) return;
    c.at.registered = now;
    event(now, 'register', 'registered', community, { onTime: meet(['register']) });
    for (let round = 0; round < 2; round++) {
      if (!after(minutes(5, 90))) return;
      dispatchTo(c.handler ?? routed.mainOrgId, round === 0 ? routed.assistOrgIds : []);
      const others = (w.deptsByDistrict.get(district) ?? []).filter((o) => o !== c.handler);
      if (cfg.orgs.get(c.handler!)?.kind === 'department' && others.length && rng.chance(0.06)) {
        if (!after(minutes(30, 240))) return;
        cancel(['response', 'handle']);
        endAssignments();
        c.returns++;
        c.handleDue = null;
        event(now, 'return', 'registered', c.handler, { handler: c.handler }, '不属于本单位职责范围');
        if (!after(minutes(10, 120))) return;
        dispatchTo(rng.pick(others), []);
      }
      const neglected = rng.chance(0.03);
      if (!after(neglected ? 30 * HOUR : rng.chance(0.96) ? minutes(10, 110) : minutes(130, 600))) return;
      c.at.accepted = now;
      event(now, 'accept', 'accepted', c.handler, { onTime: meet(['response']) });
      let handleDelay = neglected ? 12 * DAY : rng.chance(0.95) ? rng.int(2, 60) * HOUR * 0.5 : rng.int(4, 9) * DAY;
      for (let attempt = 0; ; attempt++) {
        if (!after(handleDelay)) return;
        const onTime = meet(['handle']);
        c.handleDue = null;
        c.at.handled = now;
        open('verify', community, sla.verify_clock, Number(sla.verify_amount));
        event(now, 'handle', 'handled', c.handler, { onTime, seconds: Math.round((now - c.at.dispatched) / 1000) }, '已到现场处置完毕');
        if (!after(minutes(60, 1400))) return;
        const passed = attempt > 0 || !rng.chance(0.1);
        const verifier = patrol ? worker!.id : null;
        const verifiedOnTime = meet(['verify']);
        if (passed) {
          c.at.verified = now;
          event(now, 'verify', 'verified', community, { onTime: verifiedOnTime, passed, verifier }, '现场核查已整改');
          break;
        }
        c.rework++;
        c.handleDue = open('handle', c.handler!, sla.handle_clock, Number(sla.handle_amount)).due;
        event(now, 'verify', 'accepted', community, { onTime: verifiedOnTime, passed, verifier }, '现场核查问题仍存在，请返工');
        handleDelay = rng.int(4, 48) * HOUR;
      }
      if (!after(minutes(20, 600))) return;
      const inTime = clocks.filter((d) => (d.kind === 'handle' || d.kind === 'verify') && d.state !== 'cancelled').every((d) => (d.met ?? now) <= d.due);
      cancel('all');
      c.at.closed = now;
      event(now, 'close', 'closed', c.dispatcher, { onTime: inTime });
      if (rng.chance(0.15) || !after(rng.int(2, 72) * HOUR)) return; // no answer on the call-back (yet)
      const satisfaction = rng.weighted(SATISFACTION, SATISFACTION_WEIGHTS);
      c.satisfaction = satisfaction;
      c.resolved = satisfaction !== 'dissatisfied' || rng.chance(0.3);
      c.at.evaluated = now;
      event(now, 'evaluate', 'evaluated', c.dispatcher, { resolved: c.resolved, satisfaction, by: 'callback' }, '电话回访');
      if (round > 0 || satisfaction !== 'dissatisfied' || !rng.chance(0.3) || !after(minutes(30, 600))) return;
      c.reopens++;
      endAssignments();
      event(now, 'reopen', 'registered', c.dispatcher, {}, '群众反映问题未解决，重新办理');
    }
  };
  run();
  // clocks still running at the end: the sweeper has marked the missed ones and warned the rest
  for (const d of clocks) {
    if (d.state !== 'open') continue;
    if (d.due <= end) {
      miss(d);
      d.state = 'missed';
    } else if (d.warn !== null && d.warn <= end) {
      d.warned = d.warn;
      event(d.warn, 'warning', null, null, { kind: d.kind, org: d.org, dueAt: new Date(d.due).toISOString() });
    }
  }
  const at = (k: string) => (c.at[k] === undefined ? null : new Date(c.at[k]));
  const lastEvent = Math.max(now, ...clocks.map((d) => (d.state === 'missed' ? d.due : 0)));
  batch.cases.push([
    id, w.nextNo(district, new Date(t0)), channel, patrol ? 'report' : rng.weighted(TYPES, TYPE_WEIGHTS), category, cfg.categories.get(category)!.top,
    titleOf(sample.text), sample.text, priority, c.status, c.version, place.lng, place.lat, place.address,
    place.buildingId, place.compoundId, place.city_id, district, place.street_id, place.community_id, place.grid_id, patrol ? worker!.id : null, false,
    'community', c.dispatcher, c.handler, routed.supervisorOrgId, c.handleDue === null ? null : new Date(c.handleDue), c.overdue, c.returns, c.rework, c.reopens,
    c.resolved, c.satisfaction, c.satisfaction ? '电话回访' : null, c.satisfaction ? true : null, new Date(t0), at('registered'), at('dispatched'), at('accepted'), at('handled'),
    at('verified'), at('closed'), at('evaluated'), new Date(lastEvent),
  ]);
  batch.assignments.push(...assignments);
  const date = (x: number | null) => (x === null ? null : new Date(x));
  for (const d of clocks) {
    batch.deadlines.push([d.id, id, district, d.kind, d.org, 'community', d.clock, date(d.started), date(d.due), date(d.warn), d.state, date(d.warned), date(d.missed), date(d.met)]);
  }
}

/** The tables of a generated history, parents first (foreign keys). */
const COPY_TABLES = ['cases', 'case_event', 'case_deadline', 'case_assignment'] as const;

/**
 * `times`× the case history in SQL: every case with its events, deadlines and assignments written
 * `times − 1` more times under new ids — the same places, moments and outcomes, so a `times`-busier
 * city over the same years. It makes sizes the generator would take hours to draw (drawing runs at
 * ~1,700 cases/s on 2 cores) in minutes. A copy's id is its original's with a new tail (the
 * time-ordered head is kept, so indexes see the same order) and is derived from the original and
 * the copy's number, so references between cases (`merged_into`) land on the same copy. Metric
 * rollups are sums over events, so they are multiplied; `metrics:rebuild` gives the same numbers.
 * Not copied: what the generator does not write either (attachments, whistles, supervision,
 * notifications, audit) — the demo's own few cases keep theirs on the original only.
 */
export async function copyHistory(db: Executor, times: number): Promise<{ cases: number; events: number }> {
  if (!Number.isInteger(times) || times < 2) throw new Error('copies must be a whole number of at least 2');
  for (const table of COPY_TABLES) {
    const columns = (await sql<{ name: string }>`
      SELECT column_name AS name FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = ${table} AND is_generated = 'NEVER' ORDER BY ordinal_position`.execute(db)).rows.map((r) => r.name);
    // ids (and references to cases) get the copy's id, case numbers a suffix; everything else is kept
    const value = (c: string) => {
      if (c === 'id' || c === 'case_id' || c === 'merged_into') return sql`(left(${sql.ref(c)}::text, 24) || substr(md5(${sql.ref(c)}::text || ':' || copy.k), 1, 12))::uuid`;
      if (c === 'case_no') return sql`${sql.ref(c)} || '-' || copy.k`;
      return sql.ref(c);
    };
    await sql`INSERT INTO ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c)))})
      SELECT ${sql.join(columns.map(value))} FROM ${sql.table(table)}, generate_series(2, ${times}::int) AS copy (k)`.execute(db);
  }
  await sql`UPDATE metric_daily SET n = n * ${times}`.execute(db);
  await sql`UPDATE metric_delta SET n = n * ${times}`.execute(db);
  const count = async (t: string) => Number((await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.table(t)}`.execute(db)).rows[0].n);
  return { cases: await count('cases'), events: await count('case_event') };
}
