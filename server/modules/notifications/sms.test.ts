import { describe, expect, it } from 'vitest';
import { DEMO_RESIDENT_PHONE } from '../../demo/load.ts';
import { caseSuite } from '../cases/testing.ts';
import { sendableAt, SMS_NOTICE_JOB } from './sms.ts';

// 10:00 in Shanghai: outside the default quiet hours (21–8)
const MORNING = '2026-11-24T02:00:00Z';
const cs = caseSuite({ clock: MORNING });

const settings = (body?: { smsOptIn: boolean }, lang = 'zh-CN') =>
  cs.s.request({ method: body ? 'PUT' : 'GET', url: '/api/my/settings', token: cs.w.resident, headers: { 'accept-language': lang }, ...(body ? { payload: body } : {}) });
const texts = () => cs.s.sms.sent.filter((m) => m.phone === DEMO_RESIDENT_PHONE && !m.text.includes('验证码')).map((m) => m.text);
const queued = async () => Number((await cs.s.platform.db.selectFrom('job').select((eb) => eb.fn.countAll().as('n')).where('kind', '=', SMS_NOTICE_JOB).where('done_at', 'is', null).executeTakeFirstOrThrow()).n);
async function residentCase() {
  const r = await cs.api.intake(cs.w.resident, { description: '小区门口的路灯不亮了', channel: 'resident_app', buildingId: cs.w.building.id, category: 'facilities.street_light' });
  expect(r.statusCode, r.body).toBe(201);
  return r.json() as { id: string; caseNo: string };
}
async function deliver() {
  await cs.s.platform.jobs.runDue();
}

describe('progress messages by SMS', () => {
  it('are off until the resident agrees; the in-page notifications come regardless', async () => {
    expect((await settings()).json()).toMatchObject({ smsOptIn: false, smsOptInAt: null, phone: expect.stringMatching(/^\d{3}\*{4}\d{4}$/) });
    const before = texts().length;
    const c = await residentCase();
    await cs.api.ok(c.id, cs.w.tok.community, { action: 'register' });
    await cs.api.ok(c.id, cs.w.tok.community, { action: 'dispatch' });
    await deliver();
    expect(texts().length).toBe(before);
    expect(await queued()).toBe(0);
    const mine = (await cs.s.request({ method: 'GET', url: `/api/notifications?caseId=${c.id}`, token: cs.w.resident })).json();
    expect(mine.items.map((n: { text: string }) => n.text)).toContain(`您反映的问题（${c.caseNo}）已派给责任单位处理`);
  });

  it('once agreed, each step of the resident’s report arrives as a text, signed, in the page’s language', async () => {
    const on = await settings({ smsOptIn: true });
    expect(on.statusCode, on.body).toBe(200);
    expect(on.json()).toMatchObject({ smsOptIn: true, smsLanguage: 'zh-CN', smsOptInAt: new Date(MORNING).toISOString() });
    const consent = await cs.s.platform.db.selectFrom('audit_log').select(['action', 'entity_id']).where('action', '=', 'resident_sms.opt_in').execute();
    expect(consent).toHaveLength(1);

    const c = await residentCase();
    await cs.api.ok(c.id, cs.w.tok.community, { action: 'register' });
    await cs.api.ok(c.id, cs.w.tok.community, { action: 'dispatch' });
    await cs.api.ok(c.id, cs.w.tok.dept, { action: 'accept' });
    await cs.api.ok(c.id, cs.w.tok.dept, { action: 'handle', note: '已更换灯泡' });
    await cs.api.ok(c.id, cs.w.tok.grid, { action: 'verify', passed: true });
    await cs.api.ok(c.id, cs.w.tok.community, { action: 'close' });
    const before = texts().length;
    await deliver();
    expect(texts().slice(before)).toEqual([
      `【邻里】您反映的问题（${c.caseNo}）已派给责任单位处理`,
      `【邻里】您反映的问题（${c.caseNo}）责任单位已处理完毕，正在核查`,
      `【邻里】您反映的问题（${c.caseNo}）已办结，请评价`,
    ]);
    // delivered once: running the queue again sends nothing more
    await deliver();
    expect(texts().length).toBe(before + 3);
  });

  it('a dissatisfied rating that reopens the case is texted too; English when agreed from an English page', async () => {
    expect((await settings({ smsOptIn: true }, 'en')).json().smsLanguage).toBe('en');
    const c = await residentCase();
    for (const [tok, body] of [
      [cs.w.tok.community, { action: 'register' }], [cs.w.tok.community, { action: 'dispatch' }], [cs.w.tok.dept, { action: 'accept' }],
      [cs.w.tok.dept, { action: 'handle', note: '处理' }], [cs.w.tok.grid, { action: 'verify', passed: true }], [cs.w.tok.community, { action: 'close' }],
    ] as const) await cs.api.ok(c.id, tok, body);
    await cs.api.ok(c.id, cs.w.resident, { action: 'evaluate', resolved: false, satisfaction: 'dissatisfied', comment: '灯还是不亮' });
    await cs.api.ok(c.id, cs.w.tok.community, { action: 'reopen', reason: '群众不满意，重新办理' });
    const before = texts().length;
    await deliver();
    expect(texts().slice(before)).toContain(`[Linli] Your report ${c.caseNo} has been reopened`);
  });

  it('withdrawing consent stops messages already queued; the withdrawal is audited', async () => {
    const c = await residentCase();
    await cs.api.ok(c.id, cs.w.tok.community, { action: 'register' });
    await cs.api.ok(c.id, cs.w.tok.community, { action: 'dispatch' });
    expect(await queued()).toBe(1);
    expect((await settings({ smsOptIn: false })).json()).toMatchObject({ smsOptIn: false, smsOptInAt: null });
    const before = texts().length;
    await deliver();
    expect(texts().length).toBe(before);
    expect(await queued()).toBe(0);
    expect(await cs.s.platform.db.selectFrom('audit_log').select('seq').where('action', '=', 'resident_sms.opt_out').execute()).toHaveLength(1);
  });

  it('at night a message waits for the end of the quiet hours, then goes', async () => {
    await settings({ smsOptIn: true });
    await cs.w.at('2026-11-24T15:30:00Z'); // 23:30 in Shanghai
    const c = await residentCase();
    await cs.api.ok(c.id, cs.w.tok.community, { action: 'register' });
    await cs.api.ok(c.id, cs.w.tok.community, { action: 'dispatch' });
    const before = texts().length;
    await deliver();
    expect(texts().length).toBe(before);
    const waiting = await cs.s.platform.db.selectFrom('job').select('run_at').where('kind', '=', SMS_NOTICE_JOB).where('done_at', 'is', null).executeTakeFirstOrThrow();
    expect(new Date(waiting.run_at).toISOString()).toBe('2026-11-25T00:00:00.000Z'); // 08:00 in Shanghai
    await cs.w.at('2026-11-25T00:00:01Z');
    await deliver();
    expect(texts().slice(before)).toEqual([`【邻里】您反映的问题（${c.caseNo}）已派给责任单位处理`]);
  });

  it('bad input is refused with the field named, staff cannot use the resident’s settings', async () => {
    const bad = await cs.s.request({ method: 'PUT', url: '/api/my/settings', token: cs.w.resident, payload: { smsOptIn: 'yes', phone: '13800000000' } });
    expect(bad.statusCode).toBe(400);
    expect((await cs.s.request({ method: 'GET', url: '/api/my/settings', token: cs.w.tok.community })).statusCode).toBe(403);
  });
});

describe('quiet hours', () => {
  const tz = 'Asia/Shanghai';
  it('wrap midnight: evening and early morning wait until 08:00; daytime is now', () => {
    const q: [number, number] = [21, 8];
    expect(sendableAt(new Date('2026-11-24T13:00:00Z'), q, tz).toISOString()).toBe('2026-11-25T00:00:00.000Z'); // 21:00
    expect(sendableAt(new Date('2026-11-24T18:00:00Z'), q, tz).toISOString()).toBe('2026-11-25T00:00:00.000Z'); // 02:00
    expect(sendableAt(new Date('2026-11-24T12:59:00Z'), q, tz).toISOString()).toBe('2026-11-24T12:59:00.000Z'); // 20:59
    expect(sendableAt(new Date('2026-11-25T00:00:00Z'), q, tz).toISOString()).toBe('2026-11-25T00:00:00.000Z'); // 08:00
  });
  it('within one day (13–14) and none', () => {
    expect(sendableAt(new Date('2026-11-24T05:30:00Z'), [13, 14], tz).toISOString()).toBe('2026-11-24T06:00:00.000Z');
    expect(sendableAt(new Date('2026-11-24T15:30:00Z'), null, tz).toISOString()).toBe('2026-11-24T15:30:00.000Z');
  });
});
