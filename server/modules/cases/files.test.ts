import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/harness.ts';
import { caseApi, caseWorld, type CaseWorld } from './testing.ts';

let s: TestServer;
let w: CaseWorld;
let api: ReturnType<typeof caseApi>;
beforeAll(async () => {
  s = await startTestServer({ clock: '2026-03-04T09:00:00+08:00', config: { uploadLimitBytes: 64 * 1024 } });
  w = await caseWorld(s);
  api = caseApi(w);
});
afterAll(() => s.close());

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('after-photo')]);
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('before-photo')]);

function multipart(files: { name: string; type: string; bytes: Buffer }[]) {
  const boundary = '----linli' + Math.random().toString(16).slice(2);
  const parts = files.map((f) => Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${f.name}"\r\nContent-Type: ${f.type}\r\n\r\n`),
    f.bytes, Buffer.from('\r\n'),
  ]));
  return { payload: Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}
const upload = (token: string, files: { name: string; type: string; bytes: Buffer }[]) => s.request({ method: 'POST', url: '/api/files', token, ...multipart(files) });

describe('files', () => {
  it('uploads are checked by content, stored by hash, linked to the case and readable by who sees the case', async () => {
    const up = await upload(w.tok.dept, [{ name: 'after.png', type: 'image/png', bytes: PNG }]);
    expect(up.statusCode).toBe(201);
    const [file] = up.json();
    expect(file).toEqual(expect.objectContaining({ mime: 'image/png', size: PNG.length, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }));
    const c = await api.caseAt('accepted');
    // someone else's upload cannot be attached
    const before = await upload(w.tok.community, [{ name: 'b.jpg', type: 'image/jpeg', bytes: JPEG }]);
    const theirs = before.json()[0].id;
    const bad = await api.act(c.id, w.tok.dept, { action: 'handle', note: '已处理', attachmentIds: [theirs] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields.attachmentIds).toBeDefined();
    const r = await api.ok(c.id, w.tok.dept, { action: 'handle', note: '已处理', attachmentIds: [file.id] });
    expect(r.attachments).toEqual([expect.objectContaining({ id: file.id, kind: 'after', mime: 'image/png' })]);
    const read = await s.request({ method: 'GET', url: `/api/files/${file.id}`, token: w.tok.grid });
    expect(read.statusCode).toBe(200);
    expect(read.headers['content-type']).toBe('image/png');
    expect(read.rawPayload.equals(PNG)).toBe(true);
    expect((await s.request({ method: 'GET', url: `/api/files/${file.id}`, token: w.tok.community2 })).statusCode).toBe(404);
    // the uploader reads their own file before it is attached
    expect((await s.request({ method: 'GET', url: `/api/files/${theirs}`, token: w.tok.community })).statusCode).toBe(200);
    expect((await s.request({ method: 'GET', url: `/api/files/${theirs}`, token: w.tok.dept })).statusCode).toBe(404);
  });

  it('a resident attaches photos when reporting', async () => {
    const up = await upload(w.resident, [{ name: 'a.jpg', type: 'image/jpeg', bytes: JPEG }, { name: 'b.png', type: 'image/png', bytes: PNG }]);
    expect(up.statusCode).toBe(201);
    const ids = up.json().map((f: { id: string }) => f.id);
    const r = await api.intake(w.resident, { description: '垃圾桶满了', channel: 'resident_app', buildingId: w.building.id, attachmentIds: ids });
    expect(r.statusCode).toBe(201);
    const mine = (await s.request({ method: 'GET', url: `/api/my/cases/${r.json().id}`, token: w.resident })).json();
    expect(mine.attachments.map((a: { kind: string }) => a.kind)).toEqual(['before', 'before']);
    expect((await s.request({ method: 'GET', url: `/api/files/${ids[0]}`, token: w.tok.community })).statusCode).toBe(200);
  });

  it('refuses a wrong type whatever its name, and an oversized file', async () => {
    const exe = await upload(w.tok.dept, [{ name: 'photo.jpg', type: 'image/jpeg', bytes: Buffer.from('MZ\x90\x00 not an image') }]);
    expect(exe.statusCode).toBe(400);
    const big = await upload(w.tok.dept, [{ name: 'big.png', type: 'image/png', bytes: Buffer.concat([PNG, Buffer.alloc(70 * 1024)]) }]);
    expect(big.statusCode).toBe(413);
    const count = await s.platform.db.selectFrom('file_object').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(4);
    expect((await s.request({ method: 'POST', url: '/api/files', ...multipart([{ name: 'a.png', type: 'image/png', bytes: PNG }]) })).statusCode).toBe(401);
  });
});
