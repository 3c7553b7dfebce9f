import { describe, expect, it } from 'vitest';
import { caseSuite } from '../cases/testing.ts';
import { remaining, workingMinutesBetween } from './clocks.ts';
import type { WorkCalendar } from '../cases/worktime.ts';

// Monday 2 March 2026, 09:00 Beijing time: a working day
const cs = caseSuite({ clock: '2026-03-02T09:00:00+08:00' });

const req = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, token: string, payload?: unknown, headers: Record<string, string> = {}) =>
  cs.s.request({ method, url, token, payload: payload as never, headers });
const count = async (table: 'saved_view' | 'reply_template') =>
  Number((await cs.s.platform.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);

describe('working time left on a clock', () => {
  const cal: WorkCalendar = { timeZone: 'Asia/Shanghai', periods: [[510, 720], [810, 1050]], days: new Map([['2026-03-09', 'holiday']]) };
  it('counts only the working periods of working days', () => {
    // Friday 17:00 → Monday 09:30: half an hour on Friday, an hour on Monday
    expect(workingMinutesBetween(new Date('2026-03-06T17:00:00+08:00'), new Date('2026-03-09T09:30:00+08:00'), { ...cal, days: new Map() })).toBe(90);
    // the lunch break does not count; a holiday Monday neither
    expect(workingMinutesBetween(new Date('2026-03-02T11:00:00+08:00'), new Date('2026-03-02T14:00:00+08:00'), cal)).toBe(90);
    expect(workingMinutesBetween(new Date('2026-03-06T17:00:00+08:00'), new Date('2026-03-10T09:30:00+08:00'), cal)).toBe(90);
    expect(workingMinutesBetween(new Date('2026-03-02T14:00:00+08:00'), new Date('2026-03-02T11:00:00+08:00'), cal)).toBe(0);
  });
  it('urgent clocks count continuous time; a passed deadline is wall-clock late', () => {
    const now = new Date('2026-03-06T17:00:00+08:00');
    expect(remaining(now, new Date('2026-03-07T17:00:00+08:00'), 'urgent_hours', cal)).toEqual({ minutes: 1440, working: false, overdueMinutes: 0 });
    expect(remaining(now, new Date('2026-03-07T17:00:00+08:00'), 'work_hours', cal)).toEqual({ minutes: 30, working: true, overdueMinutes: 0 });
    expect(remaining(now, new Date('2026-03-06T15:00:00+08:00'), 'work_hours', cal)).toEqual({ minutes: 0, working: true, overdueMinutes: 120 });
  });
});

describe('saved views', () => {
  it('are kept per user and list; another user neither sees nor deletes them', async () => {
    const r = await req('POST', '/api/saved-views', cs.w.tok.community, { screen: 'queue.dispatch', name: '路灯', filters: { category: 'facilities', q: '路灯' } });
    expect(r.statusCode, r.body).toBe(201);
    const v = r.json();
    expect(v).toMatchObject({ screen: 'queue.dispatch', name: '路灯', filters: { category: 'facilities', q: '路灯' } });
    expect((await req('GET', '/api/saved-views?screen=queue.dispatch', cs.w.tok.community)).json().map((x: { id: string }) => x.id)).toContain(v.id);
    expect((await req('GET', '/api/saved-views?screen=queue.handle', cs.w.tok.community)).json()).toEqual([]);
    expect((await req('GET', '/api/saved-views?screen=queue.dispatch', cs.w.tok.community2)).json()).toEqual([]);
    expect((await req('DELETE', `/api/saved-views/${v.id}`, cs.w.tok.community2)).statusCode).toBe(404);
    expect((await req('DELETE', `/api/saved-views/${v.id}`, cs.w.tok.community)).statusCode).toBe(204);
    expect((await req('GET', '/api/saved-views?screen=queue.dispatch', cs.w.tok.community)).json()).toEqual([]);
  });

  it('refuses unknown filters and blank names with field errors, writing nothing; residents have none', async () => {
    const before = await count('saved_view');
    const bad = await req('POST', '/api/saved-views', cs.w.tok.community, { screen: 'queue.dispatch', name: 'x', filters: { sql: 'drop' } });
    expect(bad.statusCode).toBe(400);
    const blank = await req('POST', '/api/saved-views', cs.w.tok.community, { screen: 'queue.dispatch', name: '   ', filters: {} });
    expect(blank.statusCode).toBe(400);
    expect(blank.json().error.fields.name).toBeDefined();
    expect(await count('saved_view')).toBe(before);
    expect((await req('GET', '/api/saved-views?screen=queue.dispatch', cs.w.resident)).statusCode).toBe(403);
  });

  it('a name is taken once per list, also when two saves race; a retried save makes one view', async () => {
    const body = { screen: 'queue.handle', name: '超期', filters: { overdue: true } };
    const [a, b] = await Promise.all([req('POST', '/api/saved-views', cs.w.tok.community, body), req('POST', '/api/saved-views', cs.w.tok.community, body)]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([201, 409]);
    expect((a.statusCode === 409 ? a : b).json().error.code).toBe('VIEW_NAME_TAKEN');
    const before = await count('saved_view');
    const again = { ...body, name: '超期（重试）' };
    const first = await req('POST', '/api/saved-views', cs.w.tok.community, again, { 'idempotency-key': 'view-retry-1' });
    const second = await req('POST', '/api/saved-views', cs.w.tok.community, again, { 'idempotency-key': 'view-retry-1' });
    expect(second.statusCode).toBe(201);
    expect(second.json().id).toBe(first.json().id);
    expect(await count('saved_view')).toBe(before + 1);
  });
});

describe('reply templates (常用语)', () => {
  it('a unit keeps its own; a category asks for its own and the general ones; other units do not see or change them', async () => {
    const mk = (token: string, body: Record<string, unknown>) => req('POST', '/api/reply-templates', token, body);
    const lamp = (await mk(cs.w.tok.community, { category: 'facilities', text: '已联系路灯管理所，两个工作日内修复。' })).json();
    const general = (await mk(cs.w.tok.community, { text: '您好，您反映的问题已收到，我们会尽快处理。', sortOrder: 1 })).json();
    await mk(cs.w.tok.community, { category: 'noise', text: '已上门劝导，噪声已停止。' });
    expect(lamp).toMatchObject({ category: 'facilities', mine: true, shared: false, orgId: cs.w.org.community });
    const forLamp = (await req('GET', '/api/reply-templates?category=facilities.street_light', cs.w.tok.community)).json();
    expect(forLamp.map((t: { id: string }) => t.id)).toEqual([lamp.id, general.id]);
    // the grid worker of the same community reads them, but keeping them is for those who write notes
    expect((await req('GET', '/api/reply-templates?category=facilities', cs.w.tok.grid)).json().some((t: { id: string }) => t.id === lamp.id)).toBe(true);
    expect((await mk(cs.w.tok.grid, { text: 'x' })).statusCode).toBe(403);
    // another community sees none of them and cannot change or delete them
    expect((await req('GET', '/api/reply-templates', cs.w.tok.community2)).json().some((t: { id: string }) => t.id === lamp.id)).toBe(false);
    expect((await req('PUT', `/api/reply-templates/${lamp.id}`, cs.w.tok.community2, { text: '改掉' })).statusCode).toBe(404);
    expect((await req('DELETE', `/api/reply-templates/${lamp.id}`, cs.w.tok.community2)).statusCode).toBe(404);
    const changed = await req('PUT', `/api/reply-templates/${lamp.id}`, cs.w.tok.community, { category: 'facilities', text: '已联系路灯管理所，一个工作日内修复。' });
    expect(changed.statusCode).toBe(200);
    expect(changed.json().text).toBe('已联系路灯管理所，一个工作日内修复。');
    expect((await req('DELETE', `/api/reply-templates/${general.id}`, cs.w.tok.community)).statusCode).toBe(204);
    expect((await req('GET', '/api/reply-templates?category=facilities', cs.w.tok.community)).json().map((t: { id: string }) => t.id)).toEqual([lamp.id]);
  });

  it('the platform’s templates are shared with every unit, read-only for them', async () => {
    const t = (await req('POST', '/api/reply-templates', cs.w.tok.admin, { text: '感谢您的反映，我们将按时限办理并回复。' })).json();
    const dept = (await req('GET', '/api/reply-templates', cs.w.tok.dept)).json();
    expect(dept.find((x: { id: string }) => x.id === t.id)).toMatchObject({ shared: true, mine: false });
    expect((await req('PUT', `/api/reply-templates/${t.id}`, cs.w.tok.dept, { text: '改掉' })).statusCode).toBe(404);
  });

  it('refuses a second-level or unknown category and blank text with field errors, writing nothing', async () => {
    const before = await count('reply_template');
    for (const body of [{ category: 'facilities.street_light', text: 'x' }, { category: 'nosuch', text: 'x' }, { text: '  ' }, { text: 'x', extra: 1 }]) {
      const r = await req('POST', '/api/reply-templates', cs.w.tok.community, body);
      expect(r.statusCode, JSON.stringify(body)).toBe(400);
    }
    const r = await req('POST', '/api/reply-templates', cs.w.tok.community, { category: 'nosuch', text: 'x' });
    expect(r.json().error.fields.category).toBeDefined();
    expect(await count('reply_template')).toBe(before);
  });
});

describe('queues', () => {
  it('dispatch targets: the handling units of the caller’s district, not another district’s', async () => {
    const list = (await req('GET', '/api/console/handlers', cs.w.tok.community)).json() as { id: string; kind: string }[];
    const ids = list.map((o) => o.id);
    expect(ids).toEqual(expect.arrayContaining([cs.w.org.dept, cs.w.org.property, cs.w.org.community, cs.w.org.street]));
    expect(ids).not.toContain(cs.w.org.community2);
    expect(list.every((o) => o.kind !== 'platform' && o.kind !== 'government')).toBe(true);
  });

  it('clocks: the time left on each open clock, in working minutes; none for a case out of scope', async () => {
    const c = await cs.api.caseAt('dispatched');
    const r = (await req('GET', `/api/console/clocks?caseIds=${c.id}`, cs.w.tok.dept)).json();
    expect(r.dayMinutes).toBe(450);
    const response = r.items.find((i: { kind: string }) => i.kind === 'response');
    // dispatched at 09:00 with 2 working hours to respond
    expect(response).toMatchObject({ clock: 'work_hours', remainingMinutes: 120, workingTime: true, overdueMinutes: 0, warning: false });
    expect((await req('GET', `/api/console/clocks?caseIds=${c.id}`, cs.w.tok.community2)).json().items).toEqual([]);
    expect((await req('GET', '/api/console/clocks?caseIds=nope', cs.w.tok.dept)).statusCode).toBe(400);
  });

  it('watch list: clocks at risk, then overdue; whistles awaiting check-in; only in scope', async () => {
    await cs.w.at('2026-03-03T09:00:00+08:00');
    const c = await cs.api.caseAt('dispatched');
    await cs.api.ok(c.id, cs.w.tok.street, { action: 'whistle', orgIds: [cs.w.org.property] });
    const mine = (list: { caseId: string; kind?: string }[]) => list.filter((d) => d.caseId === c.id);
    let watch = (await req('GET', '/api/console/watch', cs.w.tok.street)).json();
    expect(mine(watch.deadlines)).toEqual([]);
    expect(mine(watch.whistles)).toEqual([expect.objectContaining({ orgId: cs.w.org.property, overdue: false, escalated: false })]);
    // 1 h 40 of the 2 working hours to respond gone: inside the warning window
    await cs.w.at('2026-03-03T10:40:00+08:00');
    watch = (await req('GET', '/api/console/watch', cs.w.tok.street)).json();
    expect(mine(watch.deadlines)).toEqual([expect.objectContaining({ kind: 'response', risk: 'at_risk', orgId: cs.w.org.dept })]);
    await cs.w.at('2026-03-03T11:30:00+08:00');
    watch = (await req('GET', '/api/console/watch', cs.w.tok.street)).json();
    expect(mine(watch.deadlines).find((d) => d.kind === 'response')).toMatchObject({ risk: 'overdue' });
    expect(mine(watch.whistles)[0]).toMatchObject({ overdue: true });
    // another community's staff see nothing of it
    const other = (await req('GET', '/api/console/watch', cs.w.tok.community2)).json();
    expect(mine(other.deadlines)).toEqual([]);
    expect(mine(other.whistles)).toEqual([]);
    // once the unit accepts, the response clock is met and leaves the list; the check-in takes the whistle off
    await cs.api.ok(c.id, cs.w.tok.dept, { action: 'accept' });
    await cs.api.ok(c.id, cs.w.tok.property, { action: 'check_in' });
    watch = (await req('GET', '/api/console/watch', cs.w.tok.street)).json();
    expect(mine(watch.deadlines).filter((d) => d.kind === 'response')).toEqual([]);
    expect(mine(watch.whistles)).toEqual([]);
  });
});
