import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_RESIDENT_PHONE } from '../../server/demo/load.ts';
import { idCheckChar } from '../../server/platform/pii/index.ts';
import { DevLogSmsSender } from '../../server/platform/sms/sender.ts';
import { startTestServer, type TestServer } from '../support/harness.ts';

// No personal data in logs: a realistic session of staff and residents, with the log at debug level,
// must not leave any known phone number or ID number (or a long unmasked piece of one) in the log.

const withCheck = (first17: string) => first17 + idCheckChar(first17);
const PHONES = [DEMO_RESIDENT_PHONE, '13912345678', '15087654321', '18611112222'];
const ID_NUMBERS = [withCheck('37010219850315123'), withCheck('37012619900101246'), withCheck('11010519491231002')];

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ logLevel: 'debug', config: { rateLimitPerMinute: 100_000 } });
});
afterAll(() => s.close());

/** Pieces of a value long enough to identify a person (masks keep at most 3 + 4 characters). */
function fragments(value: string, length = 8): string[] {
  const out: string[] = [];
  for (let i = 0; i + length <= value.length; i++) out.push(value.slice(i, i + length));
  return out;
}

describe('logs', () => {
  it('hold no phone or ID number after sign-ins, codes, account changes and refused input carrying them', async () => {
    const admin = await s.login('admin');
    const community = await s.login('community');
    const me = (await s.request({ method: 'GET', url: '/api/auth/me', token: community })).json();
    // residents sign in by SMS code, some with typos and wrong codes
    for (const phone of PHONES.slice(0, 3)) {
      expect((await s.request({ method: 'POST', url: '/api/auth/resident/code', payload: { phone: `+86 ${phone}` } })).statusCode).toBe(202);
      await s.request({ method: 'POST', url: '/api/auth/resident/login', payload: { phone, code: '000000' } });
      const ok = await s.request({ method: 'POST', url: '/api/auth/resident/login', payload: { phone, code: s.sms.lastCode(phone) } });
      expect(ok.statusCode).toBe(200);
      expect(ok.body).not.toContain(phone);
    }
    await s.request({ method: 'POST', url: '/api/auth/resident/code', payload: { phone: PHONES[0] } }); // too soon: 429
    await s.request({ method: 'POST', url: '/api/auth/resident/code', payload: { phone: `${PHONES[3]}9` } }); // not a phone: 400
    // staff: accounts named after people, a sign-in with an ID number as the username, searches by phone
    await s.request({ method: 'POST', url: '/api/auth/login', payload: { username: ID_NUMBERS[0], password: PHONES[3] } });
    await s.request({ method: 'POST', url: '/api/auth/login', payload: { username: 'community', password: ID_NUMBERS[1] } });
    const created = await s.request({ method: 'POST', url: '/api/users', token: community, payload: { username: `u${PHONES[3]}`, displayName: `张三 ${PHONES[3]}`, orgId: me.orgId, roles: ['grid_worker'] } });
    expect(created.statusCode).toBe(201);
    await s.request({ method: 'PATCH', url: `/api/users/${created.json().id}`, token: community, payload: { displayName: ID_NUMBERS[2] } });
    await s.request({ method: 'POST', url: '/api/users', token: community, payload: { username: ID_NUMBERS[2], displayName: PHONES[1], orgId: 'x', roles: [PHONES[2]], idNumber: ID_NUMBERS[0] } });
    await s.request({ method: 'GET', url: `/api/users?q=${PHONES[0]}`, token: admin });
    await s.request({ method: 'GET', url: `/api/users?q=${ID_NUMBERS[0]}&phone=${PHONES[1]}`, token: admin });
    await s.request({ method: 'GET', url: `/api/audit?entityId=${ID_NUMBERS[1]}&actorId=${PHONES[2]}`, token: admin });
    await s.request({ method: 'GET', url: `/api/users/${PHONES[0]}`, token: admin });
    await s.request({ method: 'POST', url: '/api/orgs', token: admin, payload: `{"name":"${PHONES[0]}",`, headers: { 'content-type': 'application/json' } });
    await s.request({ method: 'GET', url: `/api/no-such-route/${ID_NUMBERS[0]}?phone=${PHONES[0]}` });
    // the development SMS stand-in writes messages to the log: phones masked
    const dev = new DevLogSmsSender(s.platform.log, false);
    for (const phone of PHONES) await dev.send(phone, '【邻里】您的验证码是 123456');
    await s.scheduler.runDue();

    const log = s.logs.text();
    expect(s.logs.lines.length).toBeGreaterThan(20);
    expect(log).toContain('138****8000');
    const leaks = [...PHONES, ...ID_NUMBERS].flatMap((v) => fragments(v).filter((f) => log.includes(f)).map((f) => `${v} (${f})`));
    expect(leaks).toEqual([]);
  });
});
