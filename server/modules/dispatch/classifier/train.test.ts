import { describe, expect, it } from 'vitest';
import { loadCorpus, splitOf } from './corpus.ts';
import { modelFromJson, modelToJson } from './model.ts';
import { contentKey } from './normalise.ts';
import { trainingSet, type LearnedExample } from './pipeline.ts';
import { Classifier } from './predict.ts';
import { featuriseAll, trainModel, type Example } from './train.ts';

// A small slice of the corpus keeps these tests quick; they check the pipeline, not its accuracy.
const corpus = loadCorpus();
const CATEGORIES = ['noise', 'property', 'utilities', 'traffic'];
const slice: Example[] = CATEGORIES.flatMap((c) => corpus.examples.filter((e) => e.category === c && e.split === 'train').slice(0, 40));
const FAST = { maxIterations: 60, calibrationFolds: 2 };

describe('held-out split', () => {
  it('is decided per line by content, disjoint from training, and about a fifth of the corpus', () => {
    const train = corpus.examples.filter((e) => e.split === 'train');
    const test = corpus.examples.filter((e) => e.split === 'test');
    const trainKeys = new Set(train.map((e) => contentKey(e.text)));
    expect(test.some((e) => trainKeys.has(contentKey(e.text)))).toBe(false);
    expect(test.length / corpus.examples.length).toBeGreaterThan(0.15);
    expect(test.length / corpus.examples.length).toBeLessThan(0.25);
    for (const c of new Set(corpus.examples.map((e) => e.category))) {
      expect(test.filter((e) => e.category === c).length).toBeGreaterThan(0);
    }
    // the same report in the other script or with another phone number lands on the same side
    const line = test[0].text;
    expect(splitOf(line + '，电话13812345678')).toBe('test');
  });

  it('keeps learned examples that match a held-out line out of training', () => {
    const held = corpus.examples.find((e) => e.split === 'test')!;
    const learned: LearnedExample[] = [
      { text: held.text + ' 13900001111', category: 'other', subCategory: null, source: 'dispatcher_corrected' },
      { text: '小区门口新开的奶茶店排队的人把路堵了', category: 'street_order', subCategory: null, source: 'dispatcher_set' },
    ];
    const { train, test, counts } = trainingSet(corpus, learned);
    expect(counts.learnedHeldOut).toBe(1);
    expect(counts.learned).toBe(1);
    expect(train.some((e) => contentKey(e.text) === contentKey(held.text))).toBe(false);
    expect(test.map((e) => e.text)).toContain(held.text);
    // a category a dispatcher set counts as much as a corpus line
    expect(train.find((e) => e.text.startsWith('小区门口新开的奶茶店'))!.weight).toBe(1);
  });
});

describe('training', () => {
  it('is deterministic: the same data gives the same model', () => {
    const a = JSON.stringify(modelToJson(trainModel(slice, FAST)));
    const b = JSON.stringify(modelToJson(trainModel(slice, FAST)));
    expect(a).toBe(b);
  });

  it('round-trips through JSON with identical predictions, and refuses a damaged model', () => {
    const model = trainModel(slice, FAST);
    const json = JSON.parse(JSON.stringify(modelToJson(model)));
    const again = new Classifier(modelFromJson(json));
    const original = new Classifier(model);
    for (const text of ['楼上装修太吵了', '电梯坏了三天了', '停水了什么时候来水']) {
      expect(again.classify(text)).toEqual(original.classify(text));
    }
    expect(() => modelFromJson({ ...json, idf: json.idf.slice(0, 20) })).toThrow(/idf/);
    expect(() => modelFromJson({ ...json, format: 99 })).toThrow(/format/);
  });

  it('suggests categories best first, with calibrated confidences, second-level codes of the category and terms from the text', () => {
    const clf = new Classifier(trainModel(slice, FAST));
    const text = '樓上鄰居半夜裝修，電鑽聲吵得睡不著，電話13812345678';
    const s = clf.classify(text, 3);
    expect(s).toHaveLength(3);
    expect(s[0].confidence).toBeGreaterThanOrEqual(s[1].confidence);
    expect(s[1].confidence).toBeGreaterThanOrEqual(s[2].confidence);
    expect(s.reduce((sum, x) => sum + x.confidence, 0)).toBeLessThanOrEqual(1 + 1e-9);
    for (const x of s) {
      if (x.subCategory) expect(x.subCategory.startsWith(x.category + '.')).toBe(true);
      for (const term of x.terms) expect(text).toContain(term);
    }
    expect(s[0].terms.length).toBeGreaterThan(0);
    // terms come back in the resident's own script, and never as the phone number
    expect(s[0].terms.join('')).toMatch(/[裝電聲樓鄰睡]/);
    expect(s[0].terms.join('')).not.toMatch(/\d/);
  });

  it('learns from new examples: a retraining moves their predictions to the taught category', () => {
    const taught = ['小区上空天天有人放无人机，嗡嗡地在窗户外面转', '无人机贴着阳台飞，还带着摄像头', '楼下有人玩无人机，差点撞到晾衣杆'];
    const before = new Classifier(trainModel(slice, FAST));
    expect(taught.every((t) => before.classify(t)[0].category === 'traffic')).toBe(false);
    const learned = taught.map((text) => ({ text, category: 'traffic', sub: null, weight: 2 }));
    const after = new Classifier(trainModel([...slice, ...learned], FAST));
    for (const t of taught) expect(after.classify(t)[0].category).toBe('traffic');
  });

  it('learns a new category once it has enough examples, and ignores one with too few', () => {
    const few = [{ text: '社区食堂的饭菜太咸了', category: 'canteen', sub: null, weight: 1 }];
    expect(trainModel([...slice, ...few], FAST).categories).not.toContain('canteen');
    const enough = ['社区食堂的饭菜太咸了', '食堂中午排队太久', '长者食堂菜品太少', '食堂的碗没洗干净', '食堂价格又涨了'].map((text) => ({ text, category: 'canteen', sub: 'canteen.food', weight: 1 }));
    const model = trainModel([...slice, ...enough], FAST);
    expect(model.categories).toContain('canteen');
    expect(model.subs.canteen.labels).toEqual(['canteen.food']);
  });

  it('featurises the same text the same way every time', () => {
    const [a] = featuriseAll([{ text: '電梯壞了', category: 'property', sub: null, weight: 1 }]);
    const [b] = featuriseAll([{ text: '电梯坏了', category: 'property', sub: null, weight: 1 }]);
    expect(a.featurised.occurrences.map((o) => o.feature)).toEqual(b.featurised.occurrences.map((o) => o.feature));
  });
});
