import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/support/harness.ts';
import { DEMO_RESIDENT_PHONE } from '../../demo/load.ts';
import { systemCtx } from '../../platform/context.ts';
import { taxonomy } from './classifier/taxonomy.ts';
import { recordExample, scheduledRetrain } from './service.ts';

let s: TestServer;
let admin: string;
let community: string;
beforeAll(async () => {
  s = await startTestServer();
  [admin, community] = await Promise.all(['admin', 'community'].map((u) => s.login(u)));
});
afterAll(() => s.close());

const classify = (payload: unknown, token?: string, headers?: Record<string, string>) => s.request({ method: 'POST', url: '/api/cases/classify', token, payload: payload as object, headers });
const TOP_CODES = new Set(taxonomy().map((t) => t.code));
const count = async (table: 'classifier_example' | 'classifier_model') =>
  Number((await s.platform.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

interface SuggestionJson {
  category: string;
  confidence: number;
  terms: string[];
  subCategory?: string;
  subConfidence?: number;
}

describe('first start', () => {
  it('has no model until one is needed: the first request trains it from the shipped corpus, later ones reuse it', { timeout: 600_000 }, async () => {
    expect(await count('classifier_model')).toBe(0);
    // the daily task does not train the first model for nobody
    expect(await scheduledRetrain(s.platform)).toBe('no_model');
    const res = await classify({ text: '路灯坏了，晚上一片漆黑' }, community);
    expect(res.statusCode).toBe(200);
    const models = await s.platform.db.selectFrom('classifier_model').select(['version', 'trigger', 'learned_examples', 'corpus_examples', 'test_examples']).execute();
    expect(models).toEqual([{ version: 1, trigger: 'startup', learned_examples: expect.any(Number), corpus_examples: expect.any(Number), test_examples: expect.any(Number) }]);
    // the demo city's closed cases already taught it (their dispatchers' categories); examples matching a held-out line are left out
    expect(models[0].learned_examples).toBeGreaterThan(0);
    expect(models[0].learned_examples).toBeLessThanOrEqual(await count('classifier_example'));
    expect(res.json().modelVersion).toBe(1);
    expect((await classify({ text: '井盖丢了' }, community)).json().modelVersion).toBe(1);
    expect(await count('classifier_model')).toBe(1);
  });
});

describe('POST /api/cases/classify', () => {
  it('suggests three top-level categories, best first, with the words of the text that drove each', async () => {
    const text = '楼上天天半夜装修，电钻声吵得孩子睡不着觉，说了好几次都不听';
    const res = await classify({ text }, community);
    expect(res.statusCode).toBe(200);
    const { suggestions, modelVersion } = res.json() as { suggestions: SuggestionJson[]; modelVersion: number };
    expect(modelVersion).toBeGreaterThan(0);
    expect(suggestions).toHaveLength(3);
    expect(suggestions[0].category).toBe('noise');
    for (const [i, x] of suggestions.entries()) {
      expect(Object.keys(x).sort()).toEqual(expect.arrayContaining(['category', 'confidence', 'terms']));
      expect(TOP_CODES.has(x.category)).toBe(true);
      expect(x.confidence).toBeGreaterThan(0);
      expect(x.confidence).toBeLessThanOrEqual(1);
      if (i > 0) expect(x.confidence).toBeLessThanOrEqual(suggestions[i - 1].confidence);
      expect(x.subCategory!.startsWith(`${x.category}.`)).toBe(true);
      for (const term of x.terms) expect(text).toContain(term);
    }
    expect(suggestions[0].terms.length).toBeGreaterThan(0);
  });

  it('reads Traditional script and shows its terms as written', async () => {
    const text = '樓下的電梯又壞了，困了人，物業打電話都不接';
    const { suggestions } = (await classify({ text }, community)).json() as { suggestions: SuggestionJson[] };
    expect(suggestions[0].category).toBe('property');
    expect(suggestions[0].terms.length).toBeGreaterThan(0);
    for (const term of suggestions[0].terms) expect(text).toContain(term);
  });

  it('does not let phone numbers, ID numbers or house numbers drive the result', async () => {
    const text = '小区门口的垃圾桶满了好几天没人清运，臭得不行';
    const plain = (await classify({ text }, community)).json().suggestions as SuggestionJson[];
    const withContacts = (await classify({ text: `${text}，电话13812345678，身份证37010219900101123X，3号楼2单元501` }, community)).json().suggestions as SuggestionJson[];
    expect(withContacts.map((x) => [x.category, x.confidence])).toEqual(plain.map((x) => [x.category, x.confidence]));
    for (const x of withContacts) for (const term of x.terms) expect(term).not.toMatch(/\d/);
  });

  it('rejects bad bodies with field errors', async () => {
    for (const [payload, field] of [
      [{}, 'text'],
      [{ text: '' }, 'text'],
      [{ text: '   ' }, 'text'],
      [{ text: 'x'.repeat(5001) }, 'text'],
      [{ text: 42 }, 'text'],
      [{ text: '路灯坏了', category: 'facilities' }, 'category'],
    ] as const) {
      const res = await classify(payload, community);
      expect(res.statusCode).toBe(400);
      expect(Object.keys(res.json().error.fields)).toContain(field);
    }
  });

  it('is for staff who read or create cases, residents, and tokens with case.create', async () => {
    expect((await classify({ text: '路灯坏了' })).statusCode).toBe(401);
    // a resident on the report page
    await s.request({ method: 'POST', url: '/api/auth/resident/code', payload: { phone: DEMO_RESIDENT_PHONE } });
    const login = await s.request({ method: 'POST', url: '/api/auth/resident/login', payload: { phone: DEMO_RESIDENT_PHONE, code: s.sms.lastCode(DEMO_RESIDENT_PHONE) } });
    expect((await classify({ text: '路灯坏了' }, login.json().token)).statusCode).toBe(200);
    // integration tokens: with case.create yes, without no
    const token = async (scopes: string[]) =>
      (await s.request({ method: 'POST', url: '/api/integrations/tokens', token: admin, payload: { name: `t-${scopes.join('-')}`, kind: 'hotline', scopes } })).json().token as string;
    expect((await classify({ text: '路灯坏了' }, await token(['case.create']))).statusCode).toBe(200);
    const readOnly = await classify({ text: '路灯坏了' }, await token(['region.read']));
    expect(readOnly.statusCode).toBe(403);
    // staff whose role lost case.read and case.create
    const roles = (await s.request({ method: 'GET', url: '/api/roles', token: admin })).json() as { code: string; permissions: string[] }[];
    const property = roles.find((r) => r.code === 'property_staff')!;
    expect(property.permissions).toContain('case.read');
    const put = await s.request({
      method: 'PUT',
      url: '/api/roles/property_staff',
      token: admin,
      payload: { permissions: property.permissions.filter((p) => !p.startsWith('case.')) },
    });
    expect(put.statusCode).toBe(200);
    expect((await classify({ text: '路灯坏了' }, await s.login('property'))).statusCode).toBe(403);
  });
});

describe('learning from dispatchers', () => {
  it('records an example per case with personal details removed, relabels on correction, and validates', async () => {
    const ctx = systemCtx(s.platform, 'case-loop');
    const caseId = '0193a6d4-0000-7000-8000-000000000001';
    const before = await count('classifier_example');
    const first = await recordExample(ctx, { text: '王先生反映：3号楼楼道灯坏了，电话13812345678', category: 'property', subCategory: 'property.repair_delay', source: 'dispatcher_set', caseId });
    expect(first.created).toBe(true);
    const again = await recordExample(ctx, { text: '王先生反映：3号楼楼道灯坏了，电话13812345678', category: 'facilities', subCategory: null, source: 'dispatcher_corrected', caseId, suggestedCategory: 'property' });
    expect(again).toEqual({ id: first.id, created: false });
    expect(await count('classifier_example')).toBe(before + 1);
    const row = await s.platform.db.selectFrom('classifier_example').selectAll().where('id', '=', first.id).executeTakeFirstOrThrow();
    expect(row.category).toBe('facilities');
    expect(row.source).toBe('dispatcher_corrected');
    expect(row.text).not.toMatch(/\d|王先生/);
    expect(row.text).toContain('楼道灯坏了');
    const audited = await s.platform.db.selectFrom('audit_log').select('action').where('entity_id', '=', first.id).execute();
    expect(audited.map((a) => a.action).sort()).toEqual(['classifier.example.record', 'classifier.example.relabel']);

    for (const [input, field] of [
      [{ text: '  ', category: 'noise', source: 'dispatcher_set' }, 'text'],
      [{ text: '吵', category: 'noise.renovation', source: 'dispatcher_set' }, 'category'],
      [{ text: '吵', category: 'noise', subCategory: 'traffic.congestion', source: 'dispatcher_set' }, 'subCategory'],
      [{ text: '吵', category: 'noise', source: 'guessed' }, 'source'],
      [{ text: '吵', category: 'noise', source: 'dispatcher_set', caseId: 'nope' }, 'caseId'],
    ] as const) {
      await expect(recordExample(ctx, input as never)).rejects.toMatchObject({ status: 400, fields: { [field]: expect.anything() } });
    }
    expect(await count('classifier_example')).toBe(before + 1);
  });

  it('retrains on schedule when examples were learned, hot-swaps the model, and the taught texts follow', { timeout: 600_000 }, async () => {
    const ctx = systemCtx(s.platform, 'case-loop');
    const taught = ['有人在小区上空放无人机，嗡嗡地在窗户外面转', '无人机贴着阳台飞，还挂着摄像头', '楼下有人玩无人机，差点撞到晾衣杆', '无人机天天在楼顶盘旋拍照'];
    const verdicts = async () => Promise.all(taught.map(async (text) => ((await classify({ text }, community)).json().suggestions as SuggestionJson[])[0].category));
    expect((await verdicts()).every((c) => c === 'safety')).toBe(false);
    s.clock.advanceMinutes(1);
    for (const text of taught) await recordExample(ctx, { text, category: 'safety', subCategory: 'safety.access_control_cctv', source: 'dispatcher_corrected' });
    // too few new examples for the daily task to bother
    expect(await scheduledRetrain(s.platform)).toBe('unchanged');
    const confirmed = [
      ['小区东门的路灯不亮了', 'facilities'],
      ['楼道里的垃圾好几天没人收', 'sanitation'],
      ['楼上装修太吵了', 'noise'],
      ['电梯又坏了', 'property'],
      ['停水了', 'utilities'],
      ['井盖松了', 'facilities'],
    ];
    for (const [text, category] of confirmed) await recordExample(ctx, { text, category, source: 'dispatcher_set' });
    const statusBefore = (await s.request({ method: 'GET', url: '/api/classifier', token: admin })).json();
    expect(await scheduledRetrain(s.platform)).toBe('trained');
    const statusAfter = (await s.request({ method: 'GET', url: '/api/classifier', token: admin })).json();
    expect(statusAfter.version).toBe(statusBefore.version + 1);
    expect(statusAfter.versionInUse).toBe(statusAfter.version);
    expect(statusAfter.training.learned).toBeGreaterThanOrEqual(taught.length);
    expect(await verdicts()).toEqual(taught.map(() => 'safety'));
    // nothing new since: the daily run does not train again
    s.clock.advanceMinutes(1);
    expect(await scheduledRetrain(s.platform)).toBe('unchanged');
  });
});

describe('GET /api/classifier and POST /api/classifier/retrain', () => {
  it('shows the model in use with its held-out metrics', async () => {
    const res = await s.request({ method: 'GET', url: '/api/classifier', token: community });
    expect(res.statusCode).toBe(200);
    const st = res.json();
    expect(st.categories).toEqual([...TOP_CODES].sort());
    expect(st.heldOut.examples).toBeGreaterThan(0);
    expect(st.heldOut.top1).toBeGreaterThan(0);
    expect(st.heldOut.top3).toBeGreaterThanOrEqual(st.heldOut.top1);
    expect(st.heldOut.perCategory).toHaveLength(TOP_CODES.size);
    expect(st.training.corpus).toBeGreaterThan(0);
    expect(st.sizeBytes).toBeGreaterThan(0);
    expect((await s.request({ method: 'GET', url: '/api/classifier' })).statusCode).toBe(401);
  });

  it('retrains on demand for administrators only; two at once: one trains, the other is told to wait', { timeout: 600_000 }, async () => {
    expect((await s.request({ method: 'POST', url: '/api/classifier/retrain', token: community })).statusCode).toBe(403);
    const models = await count('classifier_model');
    const [a, b] = await Promise.all([
      s.request({ method: 'POST', url: '/api/classifier/retrain', token: admin }),
      s.request({ method: 'POST', url: '/api/classifier/retrain', token: admin }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    const busy = a.statusCode === 409 ? a : b;
    expect(busy.json().error.code).toBe('CLASSIFIER_TRAINING');
    const done = (a.statusCode === 200 ? a : b).json();
    expect(done.trigger).toBe('manual');
    expect(done.versionInUse).toBe(done.version);
    expect(await count('classifier_model')).toBe(Math.min(models + 1, 5));
    const audited = await s.platform.db.selectFrom('audit_log').select(['action', 'actor_kind']).where('entity_type', '=', 'classifier_model').where('entity_id', '=', String(done.version)).execute();
    expect(audited).toEqual([{ action: 'classifier.train', actor_kind: 'user' }]);
  });
});
