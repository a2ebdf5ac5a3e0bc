/**
 * Texts the NOC processor writes into tickets (titles, descriptions, status-change reasons) are
 * stored once for readers of either language, as "中文 / English": the Chinese half first, one
 * separator, the English half. Screens show the half of their language (`inLanguage`); API
 * clients and CSV exports get both.
 */
export const BILINGUAL_SEPARATOR = ' / ';

const CJK = /[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]/;

/** "中文 / English", cut to `max` characters by shortening each half, never dropping one. */
export function bilingual(zh: string, en: string, max = 200): string {
  const text = `${zh}${BILINGUAL_SEPARATOR}${en}`;
  if (text.length <= max) return text;
  const half = Math.floor((max - BILINGUAL_SEPARATOR.length) / 2);
  return `${zh.slice(0, half)}${BILINGUAL_SEPARATOR}${en.slice(0, max - BILINGUAL_SEPARATOR.length - half)}`;
}

/**
 * The two halves of a text written by `bilingual`, or null for any other text: exactly one
 * separator, Chinese on the left, none on the right. A person's text that happens to hold a
 * slash ("路由器 / 光猫故障") is not split.
 */
export function splitBilingual(text: string): { zh: string; en: string } | null {
  const at = text.indexOf(BILINGUAL_SEPARATOR);
  if (at <= 0 || text.indexOf(BILINGUAL_SEPARATOR, at + 1) !== -1) return null;
  const zh = text.slice(0, at);
  const en = text.slice(at + BILINGUAL_SEPARATOR.length);
  return en.length > 0 && CJK.test(zh) && !CJK.test(en) ? { zh, en } : null;
}

/** The half of a bilingual text for `lang`; any other text as it is. */
export function inLanguage(text: string, lang: 'zh' | 'en'): string {
  const parts = splitBilingual(text);
  return parts ? parts[lang] : text;
}
