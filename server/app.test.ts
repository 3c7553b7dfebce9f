import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test/support/harness.ts';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ config: { rateLimitPerMinute: 1000 } });
});
afterAll(() => s.close());

describe('API conventions', () => {
  it('health names the engine and version', async () => {
    const res = await s.request({ method: 'GET', url: '/api/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', database: s.platform.engine, version: expect.any(String) });
  });

  it('every failure has the same shape, with a request id header', async () => {
    const res = await s.request({ method: 'GET', url: '/api/no-such-thing' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'NOT_FOUND', message: '未找到该记录' } });
    expect(res.headers['x-request-id']).toBeTruthy();
    const unauth = await s.request({ method: 'GET', url: '/api/users' });
    expect(unauth.statusCode).toBe(401);
    expect(unauth.json().error.code).toBe('UNAUTHORIZED');
  });

  it('answers in the caller’s language', async () => {
    const body = { username: 'x' };
    const zh = await s.request({ method: 'POST', url: '/api/auth/login', payload: body });
    const tw = await s.request({ method: 'POST', url: '/api/auth/login', payload: body, headers: { 'accept-language': 'zh-TW' } });
    const en = await s.request({ method: 'POST', url: '/api/auth/login', payload: body, headers: { 'accept-language': 'en-GB' } });
    expect(zh.json().error).toEqual({ code: 'VALIDATION_FAILED', message: '提交的内容有误，请检查标出的字段', fields: { password: '必填' } });
    expect(tw.json().error.message).toBe('提交的內容有誤，請檢查標出的欄位');
    expect(en.json().error.fields).toEqual({ password: 'Required' });
  });

  it('rejects malformed JSON with 400 and oversized bodies with 413', async () => {
    const bad = await s.request({ method: 'POST', url: '/api/auth/login', payload: '{"username":', headers: { 'content-type': 'application/json' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('BAD_REQUEST');
    const huge = await s.request({ method: 'POST', url: '/api/auth/login', payload: JSON.stringify({ username: 'x'.repeat(400_000), password: 'y' }), headers: { 'content-type': 'application/json' } });
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('sends security headers and no CORS headers by default', async () => {
    const res = await s.request({ method: 'GET', url: '/api/health', headers: { origin: 'https://evil.example' } });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(String(res.headers['content-security-policy'])).toContain("default-src 'self'");
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('publishes OpenAPI 3 generated from the route schemas', async () => {
    const res = await s.request({ method: 'GET', url: '/api/docs/json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.paths['/api/auth/login'].post.requestBody).toBeDefined();
    expect(doc.paths['/api/users/{id}'].get.responses['404']).toBeDefined();
  });

  it('exports Prometheus metrics: requests, latencies, pool, background tasks', async () => {
    await s.scheduler.runDue();
    const text = (await s.request({ method: 'GET', url: '/metrics' })).body;
    expect(text).toContain('linli_http_requests_total{method="GET",route="/api/health",status="200"}');
    expect(text).toContain('linli_http_request_duration_seconds_bucket');
    expect(text).toContain('linli_db_pool_connections{state="total"}');
    expect(text).toContain('linli_task_runs_total{task="audit.seal",outcome="ok"}');
  });

  it('limits requests per IP', async () => {
    const limited = await startTestServer({ config: { rateLimitPerMinute: 5 } });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 7; i++) codes.push((await limited.request({ method: 'GET', url: '/api/health', remoteAddress: '10.9.9.9' })).statusCode);
      expect(codes.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
      expect(codes[6]).toBe(429);
      const other = await limited.request({ method: 'GET', url: '/api/health', remoteAddress: '10.9.9.10' });
      expect(other.statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('logs carry the request id and never a password, token or query string', async () => {
    const res = await s.request({ method: 'POST', url: '/api/auth/login', payload: { username: 'community', password: 'linli-demo-2026' } });
    const token = res.json().token;
    await s.request({ method: 'GET', url: '/api/users?q=13800138000', token });
    const log = s.logs.text();
    expect(log).not.toContain('linli-demo-2026');
    expect(log).not.toContain(token);
    expect(log).not.toContain('13800138000');
    const line = s.logs.lines.map((l) => JSON.parse(l)).find((l) => l.route === '/api/users');
    expect(line).toMatchObject({ reqId: expect.any(String), status: expect.any(Number) });
  });
});
