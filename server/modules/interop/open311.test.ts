import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { startTestServer, type TestServer } from '../../../test/support/harness.ts';

// Open311 GeoReport v2 through a real HTTP client against the listening server, both formats,
// every JSON answer checked against the Open311 project's JSON Schemas.
// the Open311 project's schemas (georeport-v2), kept in the repository so tests run on a fresh machine
const SCHEMAS = new URL('../../../test/fixtures/open311-schema/', import.meta.url);
const ajv = new Ajv({ strict: false, allErrors: true });
// ajv-formats is CommonJS; its default export arrives wrapped under ESM
((addFormatsModule as unknown as { default?: (a: Ajv) => void }).default ?? (addFormatsModule as unknown as (a: Ajv) => void))(ajv);
for (const f of ['service.json', 'services.json', 'service-definition.json', 'request.json', 'requests.json']) {
  ajv.addSchema(JSON.parse(readFileSync(new URL(f, SCHEMAS), 'utf8')), f);
}
function valid(schema: string, data: unknown) {
  const ok = ajv.validate(schema, data);
  expect(ok, JSON.stringify(ajv.errors)).toBe(true);
}

let s: TestServer;
let base: string;
let key: string;
let district: string;
let place: { lat: number; lng: number; address: string; id: string };

beforeAll(async () => {
  s = await startTestServer();
  base = await s.app.listen({ port: 0, host: '127.0.0.1' });
  district = await s.login('district');
  const created = await s.request({ method: 'POST', url: '/api/integrations/tokens', token: district, payload: { name: '随手拍 App', kind: 'open311', scopes: ['open311'] } });
  key = created.json().token;
  const community = await s.login('community');
  const me = (await s.request({ method: 'GET', url: '/api/auth/me', token: community })).json();
  const b = await s.platform.db.selectFrom('building').select(['id', 'lat', 'lng', 'address']).where('community_id', '=', me.scope.regionId).where('lat', 'is not', null).orderBy('id').executeTakeFirstOrThrow();
  place = { id: b.id, lat: b.lat!, lng: b.lng!, address: b.address };
});
afterAll(() => s.close());

const get = (path: string) => fetch(`${base}${path}`);
const post = (path: string, form: Record<string, string | string[]>) => {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
  return fetch(`${base}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
};
async function expectError(res: Response, status: number, format: 'json' | 'xml') {
  expect(res.status).toBe(status);
  if (format === 'json') {
    const body = await res.json();
    expect(body).toEqual([{ code: status, description: expect.any(String) }]);
  } else {
    expect(res.headers.get('content-type')).toMatch(/^text\/xml/);
    expect(await res.text()).toMatch(new RegExp(`^<\\?xml[^>]*\\?><errors><error><code>${status}</code><description>[^<]+</description></error></errors>$`));
  }
}
const submit = (extra: Record<string, string | string[]>, format = 'json') =>
  post(`/open311/v2/requests.${format}`, { api_key: key, service_code: 'facilities.street_light', description: '路口的路灯整晚不亮', 'attribute[light_state]': 'off', ...extra });

describe('discovery and services', () => {
  it('discovery names the v2 endpoint with both formats', async () => {
    const json = await (await get('/open311/discovery.json')).json();
    expect(json.endpoints[0]).toMatchObject({ specification: 'http://wiki.open311.org/GeoReport_v2', formats: ['text/xml', 'application/json'] });
    expect(json.endpoints[0].url).toMatch(/\/open311\/v2$/);
    const xml = await (await get('/open311/discovery.xml')).text();
    expect(xml).toContain('<endpoints><endpoint><specification>http://wiki.open311.org/GeoReport_v2</specification>');
    expect(xml).toContain('<formats><format>text/xml</format><format>application/json</format></formats>');
  });

  it('lists the taxonomy’s second level as services, in JSON and XML', async () => {
    const res = await get('/open311/v2/services.json');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const services = await res.json();
    valid('services.json', services);
    const light = services.find((x: { service_code: string }) => x.service_code === 'facilities.street_light');
    expect(light).toMatchObject({ metadata: true, type: 'realtime', group: expect.any(String) });
    expect(services.find((x: { service_code: string }) => x.service_code === 'noise.traffic').metadata).toBe(false);
    const count = await s.platform.db.selectFrom('taxonomy').select((eb) => eb.fn.countAll().as('n')).where('level', '=', 2).where('active', '=', true).executeTakeFirstOrThrow();
    expect(services.length).toBe(Number(count.n));
    const xml = await (await get('/open311/v2/services.xml')).text();
    expect(xml.match(/<service>/g)!.length).toBe(services.length);
    expect(xml).toContain('<service_code>facilities.street_light</service_code>');
    const en = await (await fetch(`${base}/open311/v2/services.json`, { headers: { 'accept-language': 'en' } })).json();
    expect(en.find((x: { service_code: string }) => x.service_code === 'facilities.street_light').service_name).toMatch(/[a-z]/i);
  });

  it('describes a service’s attributes; an unknown service or jurisdiction is 404 in both formats', async () => {
    const def = await (await get('/open311/v2/services/facilities.street_light.json')).json();
    valid('service-definition.json', def);
    expect(def.attributes.map((a: { code: string }) => a.code)).toEqual(['pole_number', 'light_state']);
    expect(def.attributes[1]).toMatchObject({ datatype: 'singlevaluelist', required: true, values: expect.arrayContaining([{ key: 'off', name: '不亮' }]) });
    const xml = await (await get('/open311/v2/services/facilities.street_light.xml')).text();
    expect(xml).toContain('<service_definition><service_code>facilities.street_light</service_code><attributes><attribute><variable>true</variable>');
    await expectError(await get('/open311/v2/services/nothing.here.json'), 404, 'json');
    await expectError(await get('/open311/v2/services/nothing.here.xml'), 404, 'xml');
    await expectError(await get('/open311/v2/services.json?jurisdiction_id=999999'), 404, 'json');
    const districtCode = (await s.platform.db.selectFrom('region').select('code').where('level', '=', 'district').orderBy('code').executeTakeFirstOrThrow()).code;
    expect((await get(`/open311/v2/services.xml?jurisdiction_id=${districtCode}`)).status).toBe(200);
  });
});

describe('submitting requests', () => {
  it('refuses a missing or bad api_key (403), an unknown service (404), a missing location (400), in both formats; nothing is written', async () => {
    const before = await s.platform.db.selectFrom('cases').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    await expectError(await post('/open311/v2/requests.json', { service_code: 'facilities.street_light', lat: String(place.lat), long: String(place.lng) }), 403, 'json');
    await expectError(await submit({ api_key: 'llk_not-a-token', lat: String(place.lat), long: String(place.lng) }, 'xml'), 403, 'xml');
    await expectError(await submit({ service_code: 'no.such_service', lat: String(place.lat), long: String(place.lng) }), 404, 'json');
    await expectError(await submit({}), 400, 'json');
    await expectError(await submit({}, 'xml'), 400, 'xml');
    await expectError(await submit({ lat: String(place.lat) }), 400, 'json');
    await expectError(await submit({ lat: '1', long: '1' }), 400, 'json'); // outside every grid
    await expectError(await submit({ lat: String(place.lat), long: String(place.lng), 'attribute[light_state]': 'purple' }), 400, 'json');
    await expectError(await submit({ lat: String(place.lat), long: String(place.lng), 'attribute[nonsense]': 'x' }), 400, 'json');
    const missingRequired = await post('/open311/v2/requests.json', { api_key: key, service_code: 'facilities.street_light', lat: String(place.lat), long: String(place.lng) });
    await expectError(missingRequired, 400, 'json');
    // a token without the open311 scope is not an api_key
    const other = (await s.request({ method: 'POST', url: '/api/integrations/tokens', token: district, payload: { name: 'x', kind: 'generic', scopes: ['case.read'] } })).json().token;
    await expectError(await submit({ api_key: other, lat: String(place.lat), long: String(place.lng) }), 403, 'json');
    const after = await s.platform.db.selectFrom('cases').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it('makes an ordinary case (routed, deadlined) and serves it back without personal data, in JSON and XML', async () => {
    const res = await submit({ lat: String(place.lat), long: String(place.lng), address_string: '历下区 路口东侧', first_name: '小明', last_name: '李', phone: '13912340000', email: 'li@example.com', media_url: 'https://img.example.com/a.jpg', account_id: 'acct-7', 'attribute[pole_number]': 'LX-0042' });
    expect(res.status).toBe(201);
    const created = await res.json();
    expect(created).toEqual([{ service_request_id: expect.stringMatching(/^\d{6}-\d{4}-\d{6}$/), service_notice: expect.any(String), account_id: 'acct-7' }]);
    const id = created[0].service_request_id;
    const c = await s.platform.db.selectFrom('cases').selectAll().where('case_no', '=', id).executeTakeFirstOrThrow();
    expect(c).toMatchObject({ channel: 'open311', category: 'facilities.street_light', status: 'reported' });
    expect(c.assigned_org_id).toBeTruthy();
    expect(c.description).toContain('LX-0042');
    expect(c.description).toContain('不亮');
    const deadlines = await s.platform.db.selectFrom('case_deadline').select('kind').where('case_id', '=', c.id).execute();
    expect(deadlines.map((d) => d.kind)).toContain('register');
    // visible in the console like any case
    const community = await s.login('community');
    expect((await s.request({ method: 'GET', url: `/api/cases/${c.id}`, token: community })).json().channel).toBe('open311');

    const one = await get(`/open311/v2/requests/${id}.json`);
    const body = await one.json();
    valid('requests.json', body);
    expect(body[0]).toMatchObject({ service_request_id: id, status: 'open', service_code: 'facilities.street_light', media_url: 'https://img.example.com/a.jpg', lat: place.lat, long: place.lng });
    expect(body[0].requested_datetime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
    const text = JSON.stringify(body);
    for (const secret of ['13912340000', 'li@example.com', '李小明', 'acct-7']) expect(text).not.toContain(secret);
    const xml = await (await get(`/open311/v2/requests/${id}.xml`)).text();
    expect(xml).toContain(`<service_requests><request><service_request_id>${id}</service_request_id><status>open</status>`);
    expect(xml).not.toContain('13912340000');

    // the list: filters by id, code, status and dates
    const list = await (await get(`/open311/v2/requests.json?service_request_id=${id},000000-0000-000000&status=open`)).json();
    valid('requests.json', list);
    expect(list.map((r: { service_request_id: string }) => r.service_request_id)).toEqual([id]);
    expect(await (await get(`/open311/v2/requests.json?service_request_id=${id}&status=closed`)).json()).toEqual([]);
    const byCode = await (await get('/open311/v2/requests.json?service_code=facilities.street_light')).json();
    expect(byCode.some((r: { service_request_id: string }) => r.service_request_id === id)).toBe(true);
    expect(await (await get('/open311/v2/requests.json?start_date=2000-01-01T00:00:00Z&end_date=2000-02-01T00:00:00Z')).json()).toEqual([]);
    await expectError(await get('/open311/v2/requests.json?status=pending'), 400, 'json');
    await expectError(await get('/open311/v2/requests.xml?start_date=yesterday'), 400, 'xml');
    await expectError(await get('/open311/v2/requests/000000-0000-000000.json'), 404, 'json');
    await expectError(await get('/open311/v2/requests/000000-0000-000000.xml'), 404, 'xml');
    // cases that did not come through Open311 are not published
    const walkIn = await s.platform.db.selectFrom('cases').select('case_no').where('channel', '<>', 'open311').executeTakeFirstOrThrow();
    await expectError(await get(`/open311/v2/requests/${walkIn.case_no}.json`), 404, 'json');
  });

  it('reports closed once the case is closed (and rejected counts as closed)', async () => {
    const res = await (await submit({ lat: String(place.lat), long: String(place.lng) })).json();
    const id = res[0].service_request_id;
    const c = await s.platform.db.selectFrom('cases').select('id').where('case_no', '=', id).executeTakeFirstOrThrow();
    const community = await s.login('community');
    const r = await s.request({ method: 'POST', url: `/api/cases/${c.id}/actions`, token: community, payload: { action: 'reject', reason: '重复反映' } });
    expect(r.statusCode, r.body).toBe(200);
    const [after] = await (await get(`/open311/v2/requests/${id}.json`)).json();
    expect(after).toMatchObject({ status: 'closed', expected_datetime: null });
    expect(after.status_notes).toBe('不予受理');
  });

  it('finds a registered building by address_string; an address it cannot find waits with a token until a dispatcher places it', async () => {
    const byAddress = await (await submit({ address_string: place.address })).json();
    expect(byAddress[0].service_request_id).toBeTruthy();
    const c = await s.platform.db.selectFrom('cases').select('building_id').where('case_no', '=', byAddress[0].service_request_id).executeTakeFirstOrThrow();
    expect(c.building_id).toBe(place.id);

    const waiting = await submit({ address_string: '某个找不到的地方 99 号', phone: '13912345678' }, 'xml');
    expect(waiting.status).toBe(201);
    const token = /<token>([^<]+)<\/token>/.exec(await waiting.text())![1];
    expect(await (await get(`/open311/v2/tokens/${token}.json`)).json()).toEqual([{ service_request_id: null, token }]);
    await expectError(await get('/open311/v2/tokens/nope.json'), 404, 'json');

    const pending = await s.request({ method: 'GET', url: '/api/interop/open311/pending', token: district });
    const item = pending.json().find((p: { token: string }) => p.token === token);
    expect(item).toMatchObject({ serviceCode: 'facilities.street_light', address: '某个找不到的地方 99 号' });
    // another district's administrator does not see it
    const community = await s.login('community');
    expect((await s.request({ method: 'GET', url: '/api/interop/open311/pending', token: community })).statusCode).toBe(403);
    const placed = await s.request({ method: 'POST', url: `/api/interop/open311/pending/${item.id}/place`, token: district, payload: { buildingId: place.id } });
    expect(placed.statusCode, placed.body).toBe(201);
    expect(await (await get(`/open311/v2/tokens/${token}.xml`)).text()).toContain(`<service_request_id>${placed.json().caseNo}</service_request_id><token>${token}</token>`);
    const again = await s.request({ method: 'POST', url: `/api/interop/open311/pending/${item.id}/place`, token: district, payload: { buildingId: place.id } });
    expect(again.statusCode).toBe(409);
    const c2 = await s.platform.db.selectFrom('cases').select(['channel', 'reporter_phone_enc', 'created_by_token']).where('id', '=', placed.json().caseId).executeTakeFirstOrThrow();
    expect(c2.channel).toBe('open311');
    expect(c2.reporter_phone_enc).toBeTruthy();
    expect(c2.created_by_token).toBeTruthy();
  });
});
