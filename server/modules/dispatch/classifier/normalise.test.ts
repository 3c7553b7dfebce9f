import { describe, expect, it } from 'vitest';
import { contentKey, normalise, PLACEHOLDER, redact } from './normalise.ts';
import { featurise } from './features.ts';

const P = PLACEHOLDER;
const norm = (s: string) => normalise(s).text;

describe('script and width', () => {
  it('turns Traditional into Simplified, Taiwanese words into mainland ones', () => {
    expect(norm('電梯壞了，樓梯間的燈也不亮')).toBe('电梯坏了,楼梯间的灯也不亮');
    expect(norm('軟體')).toBe('软件');
    expect(norm('電梯坏了')).toBe(norm('电梯坏了'));
  });

  it('unifies full-width letters, digits and punctuation, and lower-cases', () => {
    expect(norm('ＫＴＶ太吵！？')).toBe('ktv太吵!?');
    expect(norm('１２３')).toBe(P.number);
    expect(norm('小区　门口')).toBe('小区 门口');
  });

  it('maps every normalised character back to what the resident wrote', () => {
    const original = '樓下ＫＴＶ很吵';
    const n = normalise(original);
    const word = (from: number, to: number) => original.slice(n.start[from], n.end[to - 1]);
    expect(n.text).toBe('楼下ktv很吵');
    expect(word(0, 2)).toBe('樓下');
    expect(word(2, 5)).toBe('ＫＴＶ');
  });
});

describe('placeholders', () => {
  it('replaces mobile and landline numbers, with their labels, in every common spelling', () => {
    for (const phone of ['13812345678', '138-1234-5678', '138 1234 5678', '+86 13812345678', '0531-82775640', '(0531)82775640', '010-6512 3456', '400-123-4567']) {
      expect(norm(`漏水了，电话${phone}`)).toBe(`漏水了,${P.phone}`);
    }
    // a bare local number counts only after a contact label
    expect(norm('联系电话82775640')).toBe(P.phone);
    expect(norm('手机:13812345678 王先生')).toBe(`${P.phone} ${P.person}`);
  });

  it('replaces ID numbers (18 digits with an X, and the old 15-digit form)', () => {
    expect(norm('身份证37010219900101123X')).toBe(P.idNumber);
    expect(norm('身份证号：370102900101123，')).toBe(`${P.idNumber},`);
  });

  it('replaces building, unit and room numbers, street numbers and labelled addresses', () => {
    expect(norm('3号楼2单元501漏水')).toBe(`${P.address}漏水`);
    expect(norm('7號樓1單元601漏水')).toBe(`${P.address}漏水`);
    expect(norm('二号楼门口')).toBe(`${P.address}门口`);
    expect(norm('经十路92号对面')).toBe(`经十路${P.address}对面`);
    expect(norm('狗叫，地址：泉城路东段华联旁边。')).toBe(`狗叫,${P.address}。`);
  });

  it('replaces dates, times, URLs, e-mail addresses and other numbers', () => {
    expect(norm('2024年3月5日晚上10点半')).toBe(`${P.date}晚上${P.time}`);
    expect(norm('3月5日 12:30')).toBe(`${P.date} ${P.time}`);
    expect(norm('见 https://example.com/a?b=1 或 a.b@example.com')).toBe(`见 ${P.url} 或 ${P.email}`);
    expect(norm('交了300元')).toBe(`交了${P.number}元`);
  });

  it('keeps public service numbers, which are part of what residents mean', () => {
    expect(norm('打了110和12345')).toBe('打了110和12345');
  });

  it('gives placeholders no features: contact details cannot drive a classification', () => {
    const f = featurise('電梯壞了 13812345678 3号楼2单元501 37010219900101123X 2024年3月5日');
    expect(f.occurrences.length).toBeGreaterThan(0);
    for (const o of f.occurrences) expect(o.feature).not.toMatch(/[\uE000-\uE0FF0-9]/);
    const plain = featurise('電梯壞了').occurrences.map((o) => o.feature);
    expect(f.occurrences.map((o) => o.feature)).toEqual(plain);
  });
});

describe('redaction and content keys', () => {
  it('removes personal details from what is stored, and normalises to the same text', () => {
    const text = '楼上漏水，王女士 13812345678，身份证37010219900101123X，3号楼2单元501';
    const r = redact(text);
    expect(r).not.toMatch(/\d/);
    expect(r).not.toContain('王女士');
    expect(r).toContain('楼上漏水');
    expect(norm(r)).toBe(norm(text));
  });

  it('gives near-copies the same key: script, punctuation, phone and house numbers do not matter', () => {
    expect(contentKey('電梯壞了！電話13812345678')).toBe(contentKey('电梯坏了，电话13900001111'));
    expect(contentKey('3号楼漏水')).toBe(contentKey('5号楼 漏水'));
    expect(contentKey('电梯坏了')).not.toBe(contentKey('电梯好了'));
  });
});
