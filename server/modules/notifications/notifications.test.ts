import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/harness.ts';
import { caseApi, caseWorld, type CaseWorld } from '../cases/testing.ts';

let s: TestServer;
let w: CaseWorld;
let api: ReturnType<typeof caseApi>;
let base: string;

beforeAll(async () => {
  s = await startTestServer({ clock: '2026-03-03T09:00:00+08:00' });
  w = await caseWorld(s);
  api = caseApi(w);
  await s.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(s.app.server.address() as AddressInfo).port}`;
});
afterAll(() => s.close());

/** Opens the event stream and collects what arrives. */
function openStream(headers: Record<string, string>) {
  const chunks: string[] = [];
  let ended = false;
  let status = 0;
  const req = http.get(`${base}/api/events/stream`, { headers }, (res) => {
    status = res.statusCode ?? 0;
    res.setEncoding('utf8');
    res.on('data', (c: string) => chunks.push(c));
    res.on('end', () => (ended = true));
  });
  req.on('error', () => (ended = true));
  return {
    text: () => chunks.join(''),
    status: () => status,
    ended: () => ended,
    close: () => req.destroy(),
    async waitFor(pred: () => boolean, what: string) {
      for (let i = 0; i < 200; i++) {
        if (pred()) return;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`timed out waiting for ${what}: ${chunks.join('')}`);
    },
  };
}

describe('notifications', () => {
  it('new work arrives on the stream at once, for the right people only', async () => {
    const community = openStream({ authorization: `Bearer ${w.tok.community}`, 'accept-language': 'en' });
    const other = openStream({ authorization: `Bearer ${w.tok.community2}` });
    await community.waitFor(() => community.text().includes(': connected'), 'connection');
    await other.waitFor(() => other.text().includes(': connected'), 'connection');
    expect(community.status()).toBe(200);
    const c = await api.newCase();
    await community.waitFor(() => community.text().includes('event: notification'), 'the notification');
    const data = JSON.parse(/data: (.*)\n/.exec(community.text().split('event: notification')[1])![1]);
    expect(data).toEqual(expect.objectContaining({ caseId: c.id, kind: 'case.new', text: expect.stringContaining(c.caseNo) }));
    expect(data.text).toMatch(/^New case/);
    // the department hears of it only when it is dispatched to them
    const dept = openStream({ authorization: `Bearer ${w.tok.dept}` });
    await dept.waitFor(() => dept.text().includes(': connected'), 'connection');
    await api.ok(c.id, w.tok.community, { action: 'register' });
    await api.ok(c.id, w.tok.community, { action: 'dispatch' });
    await dept.waitFor(() => dept.text().includes('case.assigned'), 'the assignment');
    expect(other.text()).not.toContain('event: notification');
    community.close();
    other.close();
    dept.close();
  });

  it('the stream needs a signed-in caller (cookie or bearer)', async () => {
    const anon = openStream({});
    await anon.waitFor(() => anon.status() !== 0, 'the answer');
    expect(anon.status()).toBe(401);
    const cookie = openStream({ cookie: `linli_session=${w.tok.grid}` });
    await cookie.waitFor(() => cookie.text().includes(': connected'), 'connection');
    cookie.close();
  });

  it('the unread list: unread first, mark read one by one or all', async () => {
    const c = await api.newCase();
    const url = `/api/notifications?caseId=${c.id}`;
    let list = (await s.request({ method: 'GET', url, token: w.tok.community })).json();
    expect(list.unread).toBeGreaterThan(0);
    const first = list.items[0];
    expect(first).toEqual(expect.objectContaining({ caseId: c.id, kind: 'case.new', readAt: null }));
    const r = await s.request({ method: 'POST', url: '/api/notifications/read', token: w.tok.community, payload: { ids: [first.id] } });
    expect(r.statusCode).toBe(204);
    list = (await s.request({ method: 'GET', url, token: w.tok.community })).json();
    expect(list.items.find((n: { id: string }) => n.id === first.id).readAt).not.toBeNull();
    // an organisation's notification is read per person: the grid worker of the same committee still has it unread
    const grid = (await s.request({ method: 'GET', url: `${url}&unread=true`, token: w.tok.grid })).json();
    expect(grid.items.map((n: { id: string }) => n.id)).toContain(first.id);
    // marking someone else's notification does nothing
    const unreadBefore = (await s.request({ method: 'GET', url: '/api/notifications', token: w.tok.grid })).json().unread;
    await s.request({ method: 'POST', url: '/api/notifications/read', token: w.tok.community2, payload: { ids: [first.id] } });
    expect((await s.request({ method: 'GET', url: '/api/notifications', token: w.tok.grid })).json().unread).toBe(unreadBefore);
    await s.request({ method: 'POST', url: '/api/notifications/read', token: w.tok.community, payload: { all: true } });
    expect((await s.request({ method: 'GET', url: '/api/notifications', token: w.tok.community })).json().unread).toBe(0);
  });

  it('shutting down ends open streams instead of waiting for them', async () => {
    const stream = openStream({ authorization: `Bearer ${w.tok.street}` });
    await stream.waitFor(() => stream.text().includes(': connected'), 'connection');
    expect(s.app.notificationHub.size).toBeGreaterThan(0);
    await s.drain();
    await stream.waitFor(() => stream.ended(), 'the end of the stream');
    expect(s.app.notificationHub.size).toBe(0);
  });
});
