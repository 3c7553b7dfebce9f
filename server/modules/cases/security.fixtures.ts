import type { Fixtures } from '../../../test/security/fixtures.ts';

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('security-fixture')]);
let serial = 0;

/** The cases module's objects for the object-level authorisation test (test/security/access.test.ts). */
export const fixtures: Fixtures = {
  '/api/cases/:id': {
    async create(f) {
      const c = await f.as('community', { method: 'POST', url: '/api/cases', payload: { description: '安全测试：楼道灯不亮', category: 'facilities.street_light', channel: 'walk_in' } });
      return { id: c.id };
    },
  },
  '/api/cases/:id/actions': {
    async create(f) {
      return fixtures['/api/cases/:id'].create(f);
    },
    body: { POST: { action: 'register' } },
  },
  '/api/my/cases/:id': {
    owner: 'resident',
    async create(f) {
      const b = await f.s.platform.db.selectFrom('building').select('id').orderBy('id').executeTakeFirstOrThrow();
      const c = await f.as('resident', { method: 'POST', url: '/api/cases', payload: { description: '安全测试：门口垃圾没人清', channel: 'resident_app', buildingId: b.id } });
      return { id: c.id };
    },
  },
  '/api/files/:id': {
    async create(f) {
      const boundary = `----linli-sec-${++serial}`;
      const payload = Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n`),
        PNG,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      const res = await f.s.request({ method: 'POST', url: '/api/files', token: f.callers.token('community'), payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
      if (res.statusCode !== 201) throw new Error(`upload: ${res.statusCode} ${res.body}`);
      return { id: res.json()[0].id };
    },
  },
  '/api/calendar/:date': {
    owner: 'admin',
    async create(f) {
      await f.as('admin', { method: 'PUT', url: '/api/calendar/2026-10-08', payload: { kind: 'holiday', name: '国庆节' } });
      return { date: '2026-10-08' };
    },
    body: { PUT: { kind: 'holiday', name: '国庆节' } },
  },
  '/api/routing-rules/:id': {
    owner: 'admin',
    async create(f) {
      const r = await f.as('admin', { method: 'POST', url: '/api/routing-rules', payload: { category: 'other.inquiry', target: 'community', note: 'security fixture' } });
      return { id: r.id };
    },
    body: { PUT: { category: 'other.inquiry', target: 'community', note: 'security fixture, changed' } },
  },
};
