import { describe, expect, it } from 'vitest';
import { cosine, distanceMeters, textVector } from './similarity.ts';

const sim = (a: string, b: string) => cosine(textVector(a), textVector(b));

describe('duplicate scoring: text similarity', () => {
  it('the same report is 1, reports without a common word are 0', () => {
    expect(sim('3号楼电梯坏了，困了人', '3号楼电梯坏了，困了人')).toBeCloseTo(1, 6);
    expect(sim('电梯坏了', '狗叫扰民')).toBe(0);
    expect(sim('123', '电梯坏了')).toBe(0);
  });

  it('the same problem in other words, in Traditional script or with contact details scores high', () => {
    const a = '3号楼的电梯又坏了，早上困了人';
    const b = '三號樓電梯壞了，困人了，電話13812345678';
    const other = '小区门口的垃圾桶满了没人清运';
    expect(sim(a, b)).toBeGreaterThan(0.4);
    expect(sim(a, b)).toBeGreaterThan(sim(a, other) + 0.3);
  });

  it('a shared phone number, house number or date adds nothing', () => {
    const a = '电梯坏了，联系电话13812345678，3号楼2单元501，2026年3月5日';
    const b = '狗叫扰民，联系电话13812345678，3号楼2单元501，2026年3月5日';
    // only the label 联系电话 is common; the details themselves are placeholders that make no feature
    expect(sim(a, b)).toBeLessThan(sim('电梯坏了', '电梯坏了，困人了'));
    expect(sim('电梯坏了 13812345678', '狗叫扰民 13812345678')).toBe(0);
  });

  it('a typo breaks one bigram, not the similarity', () => {
    expect(sim('楼道里堆满了杂物，消防通道堵了', '楼道里堆满杂物，消访通道堵了')).toBeGreaterThan(0.6);
  });

  it('particles alone make nobody a duplicate', () => {
    expect(sim('的了吗呢吧', '的了吗呢吧')).toBe(0);
  });

  it('weighs rare words above common ones when given IDF', () => {
    const idf = (f: string) => (f === 'w:小区' || f.startsWith('c:小') || f.startsWith('c:区') ? 0.1 : 3);
    const weighted = cosine(textVector('小区路灯坏了', idf, 3), textVector('小区电梯坏了', idf, 3));
    const plain = sim('小区路灯坏了', '小区电梯坏了');
    expect(weighted).toBeLessThan(plain);
  });
});

describe('distance', () => {
  it('is great-circle metres', () => {
    const a = { lat: 36.65, lng: 117.12 };
    expect(distanceMeters(a, a)).toBe(0);
    // 0.001° of latitude is about 111 m
    expect(distanceMeters(a, { lat: 36.651, lng: 117.12 })).toBeCloseTo(111.2, 0);
    expect(distanceMeters(a, { lat: 36.65, lng: 117.121 })).toBeCloseTo(89.3, 0);
  });
});
