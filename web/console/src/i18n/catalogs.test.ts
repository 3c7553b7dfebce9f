import { describe, expect, it } from 'vitest';
import zhCN from './zh-CN';
import zhTW from './zh-TW';
import en from './en';

type Tree = { [k: string]: string | Tree };

/** Every key of a catalog as "a.b.c" with its text. */
function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
  }
  return out;
}

const catalogs = { 'zh-CN': flatten(zhCN as Tree), 'zh-TW': flatten(zhTW as Tree), en: flatten(en as Tree) };
const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

describe('console translations', () => {
  it('zh-CN, zh-TW and en have exactly the same keys', () => {
    const keys = [...catalogs['zh-CN'].keys()].sort();
    expect(keys.length).toBeGreaterThan(100);
    expect([...catalogs['zh-TW'].keys()].sort()).toEqual(keys);
    expect([...catalogs.en.keys()].sort()).toEqual(keys);
  });

  it('no text is empty, and each translation fills the same placeholders', () => {
    for (const [lang, cat] of Object.entries(catalogs)) {
      for (const [key, text] of cat) {
        expect(text.trim(), `${lang} ${key}`).not.toBe('');
        expect(placeholders(text), `${lang} ${key}`).toEqual(placeholders(catalogs['zh-CN'].get(key)!));
      }
    }
  });

  it('the Traditional catalog is not Simplified text copied over', () => {
    // characters that exist only in Simplified Chinese
    const simplified = /[们这个区户号码务组织机构录设权简体级]/;
    for (const [key, text] of catalogs['zh-TW']) expect(text, key).not.toMatch(simplified);
  });
});
