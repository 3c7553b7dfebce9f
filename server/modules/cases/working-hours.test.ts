import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/harness.ts';

let s: TestServer;
let admin: string;
beforeAll(async () => {
  s = await startTestServer();
  admin = await s.login('admin');
});
afterAll(() => s.close());

describe('working hours', () => {
  it('reads the periods in force (the default until set), and reads back what was set', async () => {
    const get = () => s.request({ method: 'GET', url: '/api/settings/working-hours', token: admin });
    expect((await get()).json()).toEqual({ periods: [['08:30', '12:00'], ['13:30', '17:30']] });
    const put = await s.request({ method: 'PUT', url: '/api/settings/working-hours', token: admin, payload: { periods: [['09:00', '12:00'], ['14:00', '18:00']] } });
    expect(put.statusCode, put.body).toBe(200);
    expect((await get()).json()).toEqual({ periods: [['09:00', '12:00'], ['14:00', '18:00']] });
    // overlapping periods are refused and change nothing
    const bad = await s.request({ method: 'PUT', url: '/api/settings/working-hours', token: admin, payload: { periods: [['09:00', '13:00'], ['12:00', '18:00']] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields.periods).toBeTruthy();
    expect((await get()).json().periods[0]).toEqual(['09:00', '12:00']);
  });

});
