import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { idCheckChar, maskIdNumber, maskName, maskPhone, parseIdNumber, parsePhone, PiiCrypto } from './index.ts';

const withCheck = (first17: string) => first17 + idCheckChar(first17);

describe('ID numbers (GB 11643)', () => {
  it('accepts a valid number and derives birth date and gender', () => {
    const id = withCheck('37010219850315123');
    const r = parseIdNumber(id);
    expect(r).toEqual({ ok: true, info: { normalized: id, regionCode: '370102', birthDate: '1985-03-15', gender: 'male' } });
    const female = parseIdNumber(withCheck('37010219900101124'));
    expect(female.ok && female.info.gender).toBe('female');
  });

  it('accepts a lower-case x check character and spaces', () => {
    // 11010519491231002X is the standard's own example
    expect(parseIdNumber('110105 19491231 002x').ok).toBe(true);
  });

  it('rejects a wrong check digit, an impossible date, a future date, a bad region, a wrong length', () => {
    const good = withCheck('37010219850315123');
    const bad = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
    expect(parseIdNumber(bad)).toEqual({ ok: false, problem: 'checksum' });
    expect(parseIdNumber(withCheck('37010219850230123'))).toEqual({ ok: false, problem: 'birth_date' });
    expect(parseIdNumber(withCheck('37010220990101123'), new Date('2026-01-01'))).toEqual({ ok: false, problem: 'birth_date' });
    expect(parseIdNumber(withCheck('99010219850315123'))).toEqual({ ok: false, problem: 'region' });
    expect(parseIdNumber('3701021985031512')).toEqual({ ok: false, problem: 'format' });
  });
});

describe('phones', () => {
  it('normalises +86, spaces and dashes; rejects non-mobile numbers unless landlines are allowed', () => {
    expect(parsePhone('+86 138-0013-8000')).toBe('13800138000');
    expect(parsePhone('12800138000')).toBeNull();
    expect(parsePhone('0531-88886666')).toBeNull();
    expect(parsePhone('0531-88886666', true)).toBe('053188886666');
  });
});

describe('masking', () => {
  it('shows only what a clerk needs to tell people apart', () => {
    expect(maskIdNumber('370102198503151234')).toBe('370***********1234');
    expect(maskPhone('13800138000')).toBe('138****8000');
    expect(maskName('张三')).toBe('张*');
    expect(maskName('欧阳修文')).toBe('欧**文');
  });
});

describe('encryption and blind indexes', () => {
  const a = new PiiCrypto('a'.repeat(64));
  const b = new PiiCrypto('b'.repeat(64), ['a'.repeat(64)]);

  it('round-trips, never repeats a ciphertext, and detects tampering', () => {
    const c1 = a.encrypt('13800138000');
    const c2 = a.encrypt('13800138000');
    expect(c1).not.toBe(c2);
    expect(c1).not.toContain('13800138000');
    expect(a.decrypt(c1)).toBe('13800138000');
    const tampered = c1.slice(0, -2) + (c1.endsWith('A') ? 'BB' : 'AA');
    expect(() => a.decrypt(tampered)).toThrow();
  });

  it('reads old ciphertexts after a key rotation and knows they are stale', () => {
    const old = a.encrypt('370102198503151234');
    expect(b.decrypt(old)).toBe('370102198503151234');
    expect(b.isStale(old)).toBe(true);
    expect(b.isStale(b.encrypt('x'))).toBe(false);
    expect(() => new PiiCrypto('c'.repeat(64)).decrypt(old)).toThrow();
  });

  it('blind indexes are deterministic per key and purpose, and lookups during rotation try both keys', () => {
    expect(a.blindIndex('phone', '13800138000')).toBe(a.blindIndex('phone', '13800138000'));
    expect(a.blindIndex('phone', '13800138000')).not.toBe(a.blindIndex('id', '13800138000'));
    expect(b.blindIndexes('phone', '13800138000')).toContain(a.blindIndex('phone', '13800138000'));
  });
});

describe('file encryption', () => {
  const a = new PiiCrypto('a'.repeat(64));
  const run = async (input: Buffer[], t: NodeJS.ReadWriteStream) => {
    const out: Buffer[] = [];
    for await (const c of Readable.from(input).pipe(t)) out.push(c as Buffer);
    return Buffer.concat(out);
  };

  it('round-trips a stream in any chunking, hides the content, and refuses a tampered file', async () => {
    const plain = Buffer.from('姓名,身份证号\n张三,370102198503151234\n'.repeat(500));
    const enc = await run([plain.subarray(0, 7), plain.subarray(7, 5000), plain.subarray(5000)], a.encryptingStream());
    expect(enc.includes(Buffer.from('370102198503151234'))).toBe(false);
    // decrypt in awkward chunks, including ones shorter than the header and the tag
    const pieces = [enc.subarray(0, 3), enc.subarray(3, 30), enc.subarray(30, enc.length - 5), enc.subarray(enc.length - 5)];
    expect((await run(pieces, a.decryptingStream())).equals(plain)).toBe(true);
    const tampered = Buffer.from(enc);
    tampered[100] ^= 1;
    await expect(run([tampered], a.decryptingStream())).rejects.toThrow();
    expect((await run([Buffer.alloc(0)], a.encryptingStream())).length).toBe(5 + 8 + 12 + 16);
  });
});
