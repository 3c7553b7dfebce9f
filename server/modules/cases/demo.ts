import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { AppError } from '../../platform/errors.ts';
import path from 'node:path';
import type { Clock } from '../../platform/clock.ts';
import type { Ctx, Platform, UserPrincipal } from '../../platform/context.ts';
import { scopeFor } from '../../platform/access/index.ts';
import { newId } from '../../platform/ids.ts';
import type { DemoRefs } from '../../platform/module.ts';
import type { OrgKind, RegionLevel } from '../../db/schema.ts';
import type { SynthCity } from '../../demo/synth/types.ts';
import { createRng, type Rng } from '../../demo/synth/random.ts';
import { surname } from '../../demo/synth/names.ts';
import { createCase, type IntakeInput } from './intake.ts';
import { performAction, type ActionInput } from './workflow.ts';
import { sweepDeadlines } from './sweeper.ts';
import { invalidateConfig } from './config.ts';
import { foldDeltas } from '../metrics/service.ts';

/** How many cases the demo city's history has (over the last DAYS days). */
export const DEMO_CASES = 80;
const DAYS = 90;
const HOUR = 3_600_000;
/** how often (simulated time) the deadline sweeper runs during the demo history */
const SWEEP_EVERY = 4 * HOUR;
const MIN = 60_000;

const ROLE_OF: Partial<Record<OrgKind, string>> = {
  community_committee: 'community_admin', street_office: 'street_admin', government: 'district_admin', department: 'dept_handler', property_company: 'property_staff',
};

/** A clock the demo moves by hand while the real one keeps running. */
class DemoClock implements Clock {
  constructor(public t: number) {}
  now() {
    return new Date(this.t);
  }
}

interface Sample { text: string; sub: string }

/**
 * Runs many case stories in true time order on one clock: each story waits for its next moment,
 * the earliest waiting story goes next, and the deadline sweeper runs as simulated time passes —
 * so a step done late is first seen overdue (and escalated) exactly as in production.
 */
class Simulation {
  private queue: { at: number; seq: number; go: () => void }[] = [];
  private seq = 0;
  private handBack: (() => void) | null = null;
  private failure: unknown = null;

  constructor(private readonly clock: DemoClock, private readonly tick: (now: number) => Promise<void>) {}

  private push(at: number, go: () => void) {
    const item = { at, seq: this.seq++, go };
    let i = this.queue.length;
    while (i > 0 && (this.queue[i - 1].at > at || (this.queue[i - 1].at === at && this.queue[i - 1].seq > item.seq))) i--;
    this.queue.splice(i, 0, item);
  }

  /** Suspends the calling story until the clock reaches `at`. */
  wait(at: number): Promise<void> {
    return new Promise((resolve) => {
      this.push(at, resolve);
      this.handBack?.();
    });
  }

  start(at: number, story: () => Promise<void>) {
    this.push(at, () => {
      story().catch((e) => (this.failure ??= e)).finally(() => this.handBack?.());
    });
  }

  async run() {
    while (this.queue.length && !this.failure) {
      const next = this.queue.shift()!;
      this.clock.t = next.at;
      await this.tick(next.at);
      await new Promise<void>((r) => {
        this.handBack = r;
        next.go();
      });
    }
    if (this.failure) throw this.failure;
  }
}

/** The labelled report texts of the classifier corpus: realistic case descriptions with their category. */
export function caseSamples(): Sample[] {
  const dir = path.resolve(import.meta.dirname, '../dispatch/training-data');
  const out: Sample[] = [];
  for (const f of ['sanitation', 'noise', 'pollution', 'facilities', 'greening', 'illegal_building', 'street_order', 'traffic', 'property', 'safety', 'utilities', 'neighbor_dispute', 'social_services', 'other']) {
    const lines = readFileSync(path.join(dir, `${f}.jsonl`), 'utf8').split('\n').filter(Boolean);
    // a report the corpus files under its top-level category only has no `sub`: the category is the file's
    for (const l of lines) {
      const s = JSON.parse(l) as { text: string; sub: string | null };
      out.push({ text: s.text, sub: s.sub ?? f });
    }
  }
  return out;
}

/**
 * The demo city's case history: DEMO_CASES reports over the last DAYS days, in every state —
 * evaluated, returned, reworked, whistled, supervised, extended, parked, merged, rejected, reopened,
 * overdue and escalated — made by the real intake and workflow functions with a moving clock, so
 * every event, deadline, notification and metric is what the live system would have produced.
 */
export async function loadDemoCases(ctx: Ctx, _city: SynthCity, refs: DemoRefs) {
  const rng = createRng('linli-demo-cases');
  const end = ctx.platform.clock.now().getTime();
  const clock = new DemoClock(end - DAYS * 24 * HOUR);
  const platform: Platform = { ...ctx.platform, clock };
  invalidateConfig();
  const db = ctx.db;
  const texts = caseSamples().filter((s) => s.text.length >= 6);

  // acting principals: the demo accounts where there is one, otherwise a staff member of the organisation
  const perms = new Map<string, Set<string>>();
  for (const r of await db.selectFrom('role_permission').select(['role_code', 'permission']).execute()) {
    if (!perms.has(r.role_code)) perms.set(r.role_code, new Set());
    perms.get(r.role_code)!.add(r.permission);
  }
  const orgRows = await db.selectFrom('org as o').leftJoin('region as rg', 'rg.id', 'o.region_id').select(['o.id', 'o.kind', 'o.name', 'o.region_id', 'o.dept_type', 'rg.level']).execute();
  const orgById = new Map(orgRows.map((o) => [o.id, o]));
  const demoUsers = await db.selectFrom('app_user').select(['id', 'username', 'display_name', 'org_id', 'grid_id']).execute();
  const principals = new Map<string, UserPrincipal>();
  const principal = async (orgId: string, gridUser = false): Promise<UserPrincipal> => {
    const key = `${orgId}:${gridUser}`;
    const known = principals.get(key);
    if (known) return known;
    const org = orgById.get(orgId)!;
    let user = demoUsers.find((u) => u.org_id === orgId && !!u.grid_id === gridUser && u.username !== 'leader');
    const role = gridUser ? 'grid_worker' : ROLE_OF[org.kind as OrgKind] ?? 'community_staff';
    // organisations without a demo account act through an unnamed staff member (no account is created)
    if (!user) user = { id: newId(), username: 'staff', display_name: `${org.name}工作人员`, org_id: orgId, grid_id: null };
    const p: UserPrincipal = {
      kind: 'user', id: user.id, username: user.username, displayName: user.display_name, orgId, orgKind: org.kind as OrgKind, orgName: org.name,
      orgRegionId: org.region_id, orgRegionLevel: org.level as RegionLevel | null, deptType: org.dept_type, gridId: user.grid_id, roles: [role],
      permissions: perms.get(role) ?? new Set(), scope: scopeFor({ id: orgId, kind: org.kind as OrgKind, region_id: org.region_id, region_level: org.level as RegionLevel | null }, user.grid_id),
      sessionId: null, mustChangePassword: false,
    };
    principals.set(key, p);
    return p;
  };
  const as = (p: UserPrincipal): Ctx => ({ platform, db, principal: p, lang: 'zh-CN', requestId: null, ip: null });

  const buildings = await db.selectFrom('building').select(['id', 'community_id', 'grid_id', 'district_id']).orderBy('id').execute();
  const regionOrg = new Map(orgRows.filter((o) => ['community_committee', 'street_office', 'government'].includes(o.kind) && o.region_id).map((o) => [o.region_id!, o.id]));
  const gridUser = demoUsers.find((u) => u.grid_id);
  const streetOf = new Map((await db.selectFrom('region').select(['id', 'street_id']).where('level', '=', 'community').execute()).map((r) => [r.id, r.street_id!]));
  const departments = orgRows.filter((o) => o.kind === 'department');
  const recent: { id: string; community: string }[] = [];

  const starts = Array.from({ length: DEMO_CASES }, () => daytime(clock.t + rng.float(0, DAYS * 24 * HOUR), rng)).filter((t) => t < end).sort((a, b) => a - b);
  let lastSweep = clock.t;
  const sim = new Simulation(clock, async (now) => {
    if (now - lastSweep < SWEEP_EVERY) return;
    lastSweep = now;
    await sweepDeadlines(platform, db);
  });
  const world = { texts, buildings, regionOrg, streetOf, gridUser, departments, principal, as, recent, sim, end, clock };
  for (const [i, start] of starts.entries()) sim.start(start, () => oneCase(rng.fork(i), world));
  await sim.run();
  clock.t = end;
  await sweepDeadlines(platform, db);
  // the rollups start folded, so the server's first metrics.fold run has nothing to catch up on
  await foldDeltas(db);
  invalidateConfig();
}

/** Reports come in by day, mostly between 7:00 and 21:00 Beijing time. */
function daytime(t: number, rng: Rng) {
  const d = new Date(t + 8 * HOUR);
  const hour = 7 + rng.int(0, 13);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), hour, rng.int(0, 59)) - 8 * HOUR;
}

interface World {
  texts: Sample[];
  buildings: { id: string; community_id: string; grid_id: string; district_id: string }[];
  regionOrg: Map<string, string>;
  streetOf: Map<string, string>;
  gridUser: { id: string; grid_id: string | null; org_id: string } | undefined;
  departments: { id: string; region_id: string | null; dept_type: string | null }[];
  principal: (orgId: string, gridUser?: boolean) => Promise<UserPrincipal>;
  as: (p: UserPrincipal) => Ctx;
  recent: { id: string; community: string }[];
  sim: Simulation;
  end: number;
  clock: DemoClock;
}

async function oneCase(rng: Rng, w: World) {
  const { sim, end } = w;
  const storyStart = w.clock.t;
  const sample = rng.pick(w.texts);
  const building = rng.pick(w.buildings);
  const community = w.regionOrg.get(building.community_id)!;
  const street = w.regionOrg.get(w.streetOf.get(building.community_id)!)!;
  const dispatcher = await w.principal(community);
  const patrol = !!w.gridUser && building.grid_id === w.gridUser.grid_id && rng.chance(0.6);
  const reporterCtx = w.as(patrol ? await w.principal(w.gridUser!.org_id, true) : dispatcher);
  const channel = patrol ? 'grid_patrol' : rng.weighted(['hotline_12345', 'phone', 'walk_in', 'open311'] as const, [55, 25, 12, 8]);
  const anonymous = !patrol && rng.chance(0.1);
  const input: IntakeInput = {
    description: sample.text, category: sample.sub, channel, buildingId: building.id,
    priority: rng.chance(0.06) ? 'urgent' : 'normal', anonymous,
    ...(patrol || anonymous ? {} : { reporter: { name: surname(rng) + rng.pick(['先生', '女士', '大爷', '阿姨']), phone: `13${rng.int(0, 9)}${String(rng.int(0, 99_999_999)).padStart(8, '0')}` } }),
  };
  const created = await createCase(reporterCtx, input);
  const id = created.id;
  let alive = true;
  let now = storyStart;
  let dispatchOrg = community;
  let handlerOrg: string | null = null;
  /** the body dispatching the case at that moment (escalation moves it up) */
  const DISPATCHER = null;
  const step = async (whoOrDispatcher: UserPrincipal | null, action: ActionInput, delayMs: number) => {
    if (!alive) return false;
    if (now + delayMs > end) {
      alive = false;
      return false;
    }
    now += delayMs;
    await sim.wait(now);
    const who = whoOrDispatcher ?? (await w.principal(dispatchOrg));
    // a step the rules refuse (a random story can wander into one) ends this case's story, nothing else
    const trx = w.as(who).db;
    await sql`SAVEPOINT demo_step`.execute(trx);
    try {
      const row = await performAction(w.as(who), id, action);
      dispatchOrg = row.dispatch_org_id;
      handlerOrg = row.assigned_org_id;
      await sql`RELEASE SAVEPOINT demo_step`.execute(trx);
      return true;
    } catch (e) {
      if (!(e instanceof AppError) || e.status >= 500) throw e;
      await sql`ROLLBACK TO SAVEPOINT demo_step`.execute(trx);
      alive = false;
      return false;
    }
  };
  const minutes = (a: number, b: number) => rng.int(a, b) * MIN;
  // duplicates and invalid reports end early
  const earlier = w.recent.find((r) => r.community === community && r.id !== id);
  if (earlier && rng.chance(0.03)) return void (await step(dispatcher, { action: 'merge', targetCaseId: earlier.id, reason: '与已受理的案件反映同一问题' }, minutes(10, 90)));
  w.recent.unshift({ id, community });
  w.recent.length = Math.min(w.recent.length, 30);
  if (rng.chance(0.04)) return void (await step(dispatcher, { action: 'reject', reason: '经网格员现场核实，问题不存在' }, minutes(20, 120)));
  // most are registered within the hour; some late
  if (!(await step(dispatcher, { action: 'register' }, rng.chance(0.95) ? minutes(5, 55) : minutes(70, 300)))) return;
  if (rng.chance(0.04)) await step(dispatcher, { action: 'escalate', reason: '涉及多个部门，需街道统筹' }, minutes(10, 60));
  if (rng.chance(0.03)) return void (await step(DISPATCHER, { action: 'park', reason: '需纳入老旧小区改造计划统筹解决', until: new Date(now + 60 * 24 * HOUR).toISOString() }, minutes(30, 240)));
  if (!(await step(DISPATCHER, { action: 'dispatch' }, minutes(5, 90)))) return;
  let handler = await w.principal(handlerOrg!);
  if (rng.chance(0.07) && handler.orgKind !== 'community_committee') {
    await step(handler, { action: 'return', reason: '不属于本单位职责范围' }, minutes(30, 240));
    const other = rng.pick(w.departments.filter((d) => d.id !== handler.orgId && d.region_id === building.district_id));
    if (!(await step(DISPATCHER, { action: 'dispatch', orgId: other.id }, minutes(10, 120)))) return;
    handler = await w.principal(other.id);
  }
  if (rng.chance(0.06)) {
    const called = rng.pick(w.departments.filter((d) => d.id !== handler.orgId && d.region_id === building.district_id));
    const whistler = await w.principal(rng.chance(0.5) ? street : community);
    if (!(await step(whistler, { action: 'whistle', orgIds: [called.id], note: '请相关部门到场协同处置' }, minutes(10, 60)))) return;
    const dept = await w.principal(called.id);
    const late = rng.chance(0.25);
    if (await step(dept, { action: 'check_in' }, late ? minutes(35, 120) : minutes(5, 28))) {
      await step(dept, { action: 'check_in', note: '已到现场，配合完成处置' }, minutes(60, 600));
      await step(whistler, { action: 'rate', orgId: called.id, onTime: !late, effective: rng.chance(0.85) }, minutes(30, 300));
    }
  }
  // a neglected few stay open long enough to go overdue
  const neglected = rng.chance(0.03);
  if (!(await step(handler, { action: 'accept' }, neglected ? 30 * HOUR : rng.chance(0.93) ? minutes(10, 110) : minutes(130, 600)))) return;
  if (rng.chance(0.04)) await step(await w.principal(street), { action: 'supervise', note: '群众反映强烈，请加快办理' }, minutes(60, 600)) && (await step(handler, { action: 'acknowledge' }, minutes(10, 100)));
  if (rng.chance(0.03)) {
    if (await step(handler, { action: 'extend', reason: '需协调产权单位并采购材料', until: new Date(now + 12 * 24 * HOUR).toISOString() }, minutes(60, 1200))) await step(DISPATCHER, { action: 'approve_extension' }, minutes(30, 300));
  }
  const handleDelay = neglected ? 12 * 24 * HOUR : rng.chance(0.92) ? rng.int(2, 60) * HOUR * 0.5 : rng.int(4, 9) * 24 * HOUR;
  if (!(await step(handler, { action: 'handle', note: '已到现场处置完毕，附处置后照片' }, handleDelay))) return;
  const verifier = patrol ? await w.principal(w.gridUser!.org_id, true) : dispatcher;
  if (rng.chance(0.1)) {
    if (!(await step(verifier, { action: 'verify', passed: false, note: '现场核查问题仍存在，请返工' }, minutes(60, 1200)))) return;
    if (!(await step(handler, { action: 'handle', note: '已返工处置' }, rng.int(4, 48) * HOUR))) return;
  }
  if (!(await step(verifier, { action: 'verify', passed: true, note: '现场核查已整改' }, minutes(60, 1400)))) return;
  if (!(await step(DISPATCHER, { action: 'close' }, minutes(20, 600)))) return;
  if (rng.chance(0.15)) return; // no answer on the call-back yet
  const satisfaction = rng.weighted(['satisfied', 'basically_satisfied', 'dissatisfied'] as const, [70, 20, 10]);
  if (!(await step(DISPATCHER, { action: 'evaluate', satisfaction, resolved: satisfaction !== 'dissatisfied' || rng.chance(0.3), comment: '电话回访' }, rng.int(2, 72) * HOUR))) return;
  if (satisfaction === 'dissatisfied' && rng.chance(0.5)) await step(DISPATCHER, { action: 'reopen', reason: '群众反映问题未解决，重新办理' }, minutes(30, 600));
}
