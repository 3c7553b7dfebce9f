import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/harness.ts';
import { DEMO_PASSWORD, DEMO_RESIDENT_PHONE } from '../../demo/load.ts';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

const login = (username: string, password: string) => s.request({ method: 'POST', url: '/api/auth/login', payload: { username, password } });

describe('staff sign-in', () => {
  it('returns a token and the user, and sets an HttpOnly SameSite=Lax cookie', async () => {
    const res = await login('community', DEMO_PASSWORD);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.token).toMatch(/^lls_/);
    expect(body.user).toMatchObject({ username: 'community', roles: ['community_admin'] });
    expect(Object.keys(body.user).sort()).toEqual(['displayName', 'id', 'mustChangePassword', 'orgId', 'roles', 'username']);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toContain('linli_session=');
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    const me = await s.request({ method: 'GET', url: '/api/auth/me', token: body.token });
    expect(me.json()).toMatchObject({ kind: 'user', username: 'community', scope: { kind: 'region', level: 'community' } });
    // where the user acts, by name, city down to the scope's region
    const path = me.json().scopePath as { id: string; level: string; name: string }[];
    expect(path.map((r) => r.level)).toEqual(['city', 'district', 'street', 'community']);
    expect(path[0].name).toBe('济南市');
    expect(path.at(-1)!.id).toBe(me.json().scope.regionId);
    // the cookie alone works too
    const viaCookie = await s.request({ method: 'GET', url: '/api/auth/me', headers: { cookie: `linli_session=${body.token}` } });
    expect(viaCookie.statusCode).toBe(200);
  });

  it('names the place of a grid worker down to the grid, of a department where it sits, and none for the platform', async () => {
    const me = async (u: string) => (await s.request({ method: 'GET', url: '/api/auth/me', token: await s.login(u) })).json();
    const grid = await me('grid');
    expect(grid.scopePath.map((r: { level: string }) => r.level)).toEqual(['city', 'district', 'street', 'community', 'grid']);
    const dept = await me('dept');
    expect(dept.scope.kind).toBe('org');
    expect(dept.scopePath.map((r: { level: string }) => r.level)).toEqual(['city', 'district']);
    expect((await me('admin')).scopePath).toEqual([]);
  });

  it('refuses a wrong password and an unknown user alike, with a message in the caller’s language', async () => {
    const wrong = await login('street', 'not-the-password');
    const unknown = await login('nobody-here', 'not-the-password');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().error).toEqual(unknown.json().error);
    const en = await s.request({ method: 'POST', url: '/api/auth/login', payload: { username: 'x', password: 'y' }, headers: { 'accept-language': 'en' } });
    expect(en.json().error.message).toBe('Wrong username or password');
  });

  it('locks the account for 15 minutes after 5 failures, even for the right password, then lets it in again', async () => {
    for (let i = 0; i < 4; i++) expect((await login('district', 'wrong-password-1')).statusCode).toBe(401);
    const fifth = await login('district', 'wrong-password-1');
    expect(fifth.statusCode).toBe(429);
    expect(fifth.json().error.code).toBe('ACCOUNT_LOCKED');
    expect(fifth.headers['retry-after']).toBe('900');
    const right = await login('district', DEMO_PASSWORD);
    expect(right.statusCode).toBe(429);
    s.clock.advanceMinutes(16);
    expect((await login('district', DEMO_PASSWORD)).statusCode).toBe(200);
  });

  it('ends a session after 30 idle minutes, and after 12 hours in any case', async () => {
    const token = await s.login('grid');
    s.clock.advanceMinutes(29);
    expect((await s.request({ method: 'GET', url: '/api/auth/me', token })).statusCode).toBe(200);
    s.clock.advanceMinutes(31);
    const expired = await s.request({ method: 'GET', url: '/api/auth/me', token });
    expect(expired.statusCode).toBe(401);
    expect(expired.json().error.code).toBe('SESSION_EXPIRED');

    const busy = await s.login('grid');
    for (let h = 0; h < 12; h++) {
      s.clock.advanceMinutes(25);
      await s.request({ method: 'GET', url: '/api/auth/me', token: busy });
      s.clock.advanceMinutes(25);
      await s.request({ method: 'GET', url: '/api/auth/me', token: busy });
      s.clock.advanceMinutes(10);
    }
    expect((await s.request({ method: 'GET', url: '/api/auth/me', token: busy })).statusCode).toBe(401);
  });

  it('logout revokes the token at once', async () => {
    const token = await s.login('street');
    expect((await s.request({ method: 'POST', url: '/api/auth/logout', token })).statusCode).toBe(204);
    expect((await s.request({ method: 'GET', url: '/api/auth/me', token })).statusCode).toBe(401);
  });

  it('password change enforces the policy and ends other sessions', async () => {
    const a = await s.login('leader');
    const b = await s.login('leader');
    const short = await s.request({ method: 'POST', url: '/api/auth/password', token: a, payload: { currentPassword: DEMO_PASSWORD, newPassword: 'short' } });
    expect(short.statusCode).toBe(400);
    expect(short.json().error.fields.newPassword).toContain('10');
    const common = await s.request({ method: 'POST', url: '/api/auth/password', token: a, payload: { currentPassword: DEMO_PASSWORD, newPassword: 'qwertyuiop' } });
    expect(common.json().error.fields.newPassword).toBeDefined();
    const wrongCurrent = await s.request({ method: 'POST', url: '/api/auth/password', token: a, payload: { currentPassword: 'nope-nope-nope', newPassword: 'Harbour-lights-42' } });
    expect(wrongCurrent.json().error.fields.currentPassword).toBeDefined();
    const ok = await s.request({ method: 'POST', url: '/api/auth/password', token: a, payload: { currentPassword: DEMO_PASSWORD, newPassword: 'Harbour-lights-42' } });
    expect(ok.statusCode).toBe(204);
    expect((await s.request({ method: 'GET', url: '/api/auth/me', token: a })).statusCode).toBe(200);
    expect((await s.request({ method: 'GET', url: '/api/auth/me', token: b })).statusCode).toBe(401);
    expect((await login('leader', 'Harbour-lights-42')).statusCode).toBe(200);
  });

  it('after an administrator reset the user must change the password before anything else', async () => {
    const admin = await s.login('admin');
    const users = (await s.request({ method: 'GET', url: '/api/users?q=dept', token: admin })).json();
    const dept = users.find((u: { username: string }) => u.username === 'dept');
    const reset = await s.request({ method: 'POST', url: `/api/users/${dept.id}/reset-password`, token: admin });
    const temp = reset.json().temporaryPassword;
    const first = await login('dept', temp);
    expect(first.json().user.mustChangePassword).toBe(true);
    const token = first.json().token;
    const blocked = await s.request({ method: 'GET', url: '/api/orgs', token });
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json().error.code).toBe('PASSWORD_CHANGE_REQUIRED');
    await s.request({ method: 'POST', url: '/api/auth/password', token, payload: { currentPassword: temp, newPassword: 'Lantern-river-77' } });
    expect((await s.request({ method: 'GET', url: '/api/orgs', token })).statusCode).toBe(200);
  });
});

describe('resident sign-in by one-time code', () => {
  it('sends a code, signs in with it once, and refuses it a second time', async () => {
    const sent = await s.request({ method: 'POST', url: '/api/auth/resident/code', payload: { phone: DEMO_RESIDENT_PHONE } });
    expect(sent.statusCode).toBe(202);
    const code = s.sms.lastCode(DEMO_RESIDENT_PHONE);
    const res = await s.request({ method: 'POST', url: '/api/auth/resident/login', payload: { phone: DEMO_RESIDENT_PHONE, code } });
    expect(res.statusCode).toBe(200);
    expect(res.json().resident.phone).toBe('138****8000');
    const me = await s.request({ method: 'GET', url: '/api/auth/me', token: res.json().token });
    expect(me.json().kind).toBe('resident');
    const again = await s.request({ method: 'POST', url: '/api/auth/resident/login', payload: { phone: DEMO_RESIDENT_PHONE, code } });
    expect(again.statusCode).toBe(400);
    expect(again.json().error.fields.code).toBeDefined();
    // a resident is not staff
    expect((await s.request({ method: 'GET', url: '/api/orgs', token: res.json().token })).statusCode).toBe(403);
  });

  it('refuses a second code within a minute and a flood of codes to one phone', async () => {
    const phone = '13912345678';
    expect((await s.request({ method: 'POST', url: '/api/auth/resident/code', payload: { phone } })).statusCode).toBe(202);
    const soon = await s.request({ method: 'POST', url: '/api/auth/resident/code', payload: { phone } });
    expect(soon.statusCode).toBe(429);
    for (let i = 0; i < 4; i++) {
      s.clock.advanceMinutes(2);
      expect((await s.request({ method: 'POST', url: '/api/auth/resident/code', payload: { phone }, remoteAddress: `10.0.0.${i + 1}` })).statusCode).toBe(202);
    }
    s.clock.advanceMinutes(2);
    const sixth = await s.request({ method: 'POST', url: '/api/auth/resident/code', payload: { phone }, remoteAddress: '10.0.1.1' });
    expect(sixth.statusCode).toBe(429);
  });

  it('gives up on a code after 5 wrong guesses and rejects a malformed phone with a field error', async () => {
    const phone = '13700001111';
    s.clock.advanceMinutes(61);
    await s.request({ method: 'POST', url: '/api/auth/resident/code', payload: { phone }, remoteAddress: '10.0.2.1' });
    const code = s.sms.lastCode(phone);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) await s.request({ method: 'POST', url: '/api/auth/resident/login', payload: { phone, code: wrong } });
    const right = await s.request({ method: 'POST', url: '/api/auth/resident/login', payload: { phone, code } });
    expect(right.statusCode).toBe(400);
    const bad = await s.request({ method: 'POST', url: '/api/auth/resident/code', payload: { phone: '12345' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields.phone).toBeDefined();
  });

  it('never writes the code’s phone number in full to the log', () => {
    expect(s.logs.text()).not.toContain('13912345678');
  });
});
