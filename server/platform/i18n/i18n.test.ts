import { describe, expect, it } from 'vitest';
import { catalogKeys, pickLang, t } from './index.ts';
import { modules } from '../../modules/index.ts';
import { registerMessages } from './index.ts';

describe('i18n', () => {
  for (const m of modules) if (m.messages) registerMessages(m.messages);

  it('every message exists in all three languages', () => {
    const zh = catalogKeys('zh-CN').sort();
    expect(catalogKeys('en').sort()).toEqual(zh);
    expect(catalogKeys('zh-TW').sort()).toEqual(zh);
  });

  it('picks the language from Accept-Language, Simplified Chinese by default', () => {
    expect(pickLang(undefined)).toBe('zh-CN');
    expect(pickLang('en-US,en;q=0.9')).toBe('en');
    expect(pickLang('zh-Hant-TW;q=0.8,en;q=0.5')).toBe('zh-TW');
    expect(pickLang('fr-FR')).toBe('zh-CN');
    expect(pickLang('fr;q=0.9, en;q=0.8')).toBe('en');
  });

  it('converts to Taiwan wording and fills parameters', () => {
    expect(t('zh-TW', 'error.rate_limited', { seconds: 30 })).toBe('操作過於頻繁，請 30 秒後再試');
    expect(t('en', 'error.rate_limited', { seconds: 30 })).toBe('Too many requests; try again in 30 seconds');
  });

  it('a catalog registered after start is converted too (the converter is held weakly and made again when collected)', async () => {
    await new Promise((r) => setTimeout(r, 0)); // another job: a weak reference may now be empty
    registerMessages({ 'zh-CN': { 'test.late': '这个问题已经处理' }, en: { 'test.late': 'This problem has been handled' } });
    expect(t('zh-TW', 'test.late')).toBe('這個問題已經處理');
  });
});
