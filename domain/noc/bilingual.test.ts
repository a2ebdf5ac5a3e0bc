import { describe, expect, it } from 'vitest';
import { bilingual, inLanguage, splitBilingual } from './bilingual.ts';

describe('bilingual texts', () => {
  it('writes the Chinese half first and reads back the half of each language', () => {
    const text = bilingual('站点停电 GD-GZ-0012', 'Site power loss GD-GZ-0012');
    expect(text).toBe('站点停电 GD-GZ-0012 / Site power loss GD-GZ-0012');
    expect(inLanguage(text, 'zh')).toBe('站点停电 GD-GZ-0012');
    expect(inLanguage(text, 'en')).toBe('Site power loss GD-GZ-0012');
  });

  it('leaves any other text whole', () => {
    // a person's text with a slash, both halves Chinese
    expect(inLanguage('路由器 / 光猫故障', 'en')).toBe('路由器 / 光猫故障');
    // English first (the old order), two separators, one language only
    expect(splitBilingual('alarm cleared / 告警已清除')).toBeNull();
    expect(splitBilingual('站点停电 / Site power loss (flapping / 频繁闪断)')).toBeNull();
    expect(inLanguage('no internet since noon', 'zh')).toBe('no internet since noon');
  });

  it('keeps both halves when cutting to the length a field allows', () => {
    const text = bilingual('传'.repeat(150), 'x'.repeat(150));
    expect(text.length).toBe(200);
    expect(splitBilingual(text)).toEqual({ zh: '传'.repeat(98), en: 'x'.repeat(99) });
  });
});
