import { describe, expect, it } from 'vitest';
import { chineseNumeralValue, cleanName, flatKey, nameKey, normalizeBuildingNumber, normalizeRoom, normalizeText, normalizeUnitNumber, parseFlatAddress } from './normalize.ts';

describe('Chinese numerals', () => {
  it('reads positional and digit-by-digit forms', () => {
    expect(chineseNumeralValue('三')).toBe(3);
    expect(chineseNumeralValue('十')).toBe(10);
    expect(chineseNumeralValue('十二')).toBe(12);
    expect(chineseNumeralValue('二十五')).toBe(25);
    expect(chineseNumeralValue('一百零三')).toBe(103);
    expect(chineseNumeralValue('五零一')).toBe(501);
    expect(chineseNumeralValue('两')).toBe(2);
    expect(chineseNumeralValue('三里')).toBeNull();
  });

  it('turns numerals into digits only where they number something', () => {
    expect(normalizeText('三号楼二单元五零一室')).toBe('3号楼2单元501室');
    // place names that merely contain numerals stay as they are
    expect(normalizeText('十六里河街道七里山路')).toBe('十六里河街道七里山路');
    expect(normalizeText('阳光花园二期')).toBe('阳光花园2期');
  });
});

describe('flat addresses', () => {
  it('the same flat typed in different ways has one key', () => {
    const forms = ['3号楼2单元501室', '3栋2-501', '三号楼二单元501', '３号楼２单元５０１', '3 号楼 2 单元 501', '3幢2单元501号', '3-2-501', '3#楼2单元501', '3号楼－2－501'];
    for (const f of forms) {
      const parsed = parseFlatAddress(f);
      expect(parsed, f).not.toBeNull();
      expect(flatKey(parsed!), f).toBe('3-2-501');
    }
  });

  it('keeps what comes before the building, normalised the same way', () => {
    const a = parseFlatAddress('济南市历下区文化东路12号 阳光花园 3号楼2单元301')!;
    const b = parseFlatAddress('济南市历下区文化东路１２号阳光花园三号楼二单元301室')!;
    expect(a).toEqual({ prefix: '济南市历下区文化东路12号阳光花园', building: '3', unit: '2', room: '301' });
    expect(b).toEqual(a);
  });

  it('buildings without units, letters, leading zeros', () => {
    expect(parseFlatAddress('5号楼0302')).toEqual({ prefix: '', building: '5', unit: '', room: '302' });
    expect(parseFlatAddress('A座1单元1201')).toEqual({ prefix: '', building: 'A', unit: '1', room: '1201' });
    expect(parseFlatAddress('文化东路12号')).toBeNull();
  });

  it('normalises building, unit and room columns on their own', () => {
    for (const b of ['3号楼', '3栋', '三号楼', '3#', '3', '03', '３幢']) expect(normalizeBuildingNumber(b), b).toBe('3');
    expect(normalizeBuildingNumber('综合楼')).toBe('综合楼');
    for (const u of ['2单元', '二单元', '2', '第2单元', '02']) expect(normalizeUnitNumber(u), u).toBe('2');
    expect(normalizeUnitNumber('')).toBe('');
    expect(normalizeRoom('501室')).toEqual({ unit: null, room: '501' });
    expect(normalizeRoom('五零一')).toEqual({ unit: null, room: '501' });
    expect(normalizeRoom('2单元501')).toEqual({ unit: '2', room: '501' });
    expect(normalizeRoom('2-501')).toEqual({ unit: '2', room: '501' });
  });
});

describe('names', () => {
  it('Traditional and Simplified spellings share a key', () => {
    expect(nameKey('張偉')).toBe(nameKey('张伟'));
    expect(nameKey('歐陽 修')).toBe('欧阳修');
    expect(nameKey('買買提•艾力')).toBe('买买提·艾力');
    expect(nameKey('Anna Lee')).toBe('ANNALEE');
  });

  it('accepts names in any script but not digits, symbols or formulas', () => {
    expect(cleanName('  王  小明 ')).toBe('王 小明');
    expect(cleanName('买买提·艾力')).toBe('买买提·艾力');
    expect(cleanName('=HYPERLINK("x")')).toBeNull();
    expect(cleanName('张3')).toBeNull();
    expect(cleanName('')).toBeNull();
  });
});
