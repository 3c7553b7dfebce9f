import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../server/demo/load.ts';
import { startTestServer, type TestServer } from '../support/harness.ts';


// OWASP API8 (security misconfiguration): the headers every answer carries and the session cookie's
// flags, in demo mode (plain http://localhost) and in production mode (behind HTTPS).

let demo: TestServer;
let prod: TestServer;
beforeAll(async () => {
  demo = await startTestServer();
  prod = await startTestServer({ config: { mode: 'production', loadDemo: false } });
});
afterAll(async () => {
  await demo.close();
  await prod.close();
});

function cookieOf(res: { headers: Record<string, unknown> }) {
  const raw = res.headers['set-cookie'];
  const line = (Array.isArray(raw) ? raw : [raw]).find((c) => String(c).startsWith('linli_session='));
  expect(line, 'a session cookie is set').toBeDefined();
  const [, ...attrs] = String(line).split(';').map((p) => p.trim());
  return { line: String(line), attrs: attrs.map((a) => a.toLowerCase()) };
}

describe('security headers', () => {
  it.each([
    ['an API answer', '/api/health'],
    ['an API error', '/api/users'],
    ['an unknown address', '/api/no-such-route'],
  ])('%s carries CSP, nosniff, frame and referrer rules, and no HSTS on plain http', async (_what, url) => {
    const res = await demo.request({ method: 'GET', url });
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-(inline|eval)'/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['strict-transport-security']).toBeUndefined();
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('production mode adds HSTS for a year, subdomains included', async () => {
    const res = await prod.request({ method: 'GET', url: '/api/health' });
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    expect(res.headers['x-frame-options']).toBe('DENY');
  });
});

describe('session cookie', () => {
  it('is HttpOnly, SameSite=Lax, path /, limited in time, and not Secure on plain http (demo)', async () => {
    const res = await demo.request({ method: 'POST', url: '/api/auth/login', payload: { username: 'grid', password: DEMO_PASSWORD } });
    expect(res.statusCode).toBe(200);
    const { attrs } = cookieOf(res);
    expect(attrs).toContain('httponly');
    expect(attrs).toContain('samesite=lax');
    expect(attrs).toContain('path=/');
    expect(attrs.find((a) => a.startsWith('max-age='))).toBe('max-age=43200');
    expect(attrs).not.toContain('secure');
  });

  it('is Secure in production mode, for staff and residents', async () => {
    const staff = await prod.request({ method: 'POST', url: '/api/auth/login', payload: { username: 'grid', password: DEMO_PASSWORD } });
    const s1 = cookieOf(staff).attrs;
    expect(s1).toEqual(expect.arrayContaining(['secure', 'httponly', 'samesite=lax']));
    const resident = await prod.request({ method: 'POST', url: '/api/auth/resident/code', payload: { phone: '13900001111' } });
    expect(resident.statusCode).toBe(202);
    const login = await prod.request({ method: 'POST', url: '/api/auth/resident/login', payload: { phone: '13900001111', code: prod.sms.lastCode('13900001111') } });
    expect(cookieOf(login).attrs).toEqual(expect.arrayContaining(['secure', 'httponly', 'samesite=lax']));
  });

  it('logging out clears it and the token stops working', async () => {
    const res = await demo.request({ method: 'POST', url: '/api/auth/login', payload: { username: 'grid', password: DEMO_PASSWORD } });
    const token = res.json().token;
    const out = await demo.request({ method: 'POST', url: '/api/auth/logout', headers: { cookie: `linli_session=${token}` } });
    expect(out.statusCode).toBe(204);
    const cleared = cookieOf(out);
    expect(cleared.line).toMatch(/^linli_session=;/);
    expect(cleared.attrs.some((a) => a.startsWith('expires=thu, 01 jan 1970') || a === 'max-age=0')).toBe(true);
    expect((await demo.request({ method: 'GET', url: '/api/auth/me', token })).statusCode).toBe(401);
  });
});
