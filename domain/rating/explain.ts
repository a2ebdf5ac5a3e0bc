import { formatYuan } from '../money/index.ts';
import type { LocalisedName as Names } from '../catalog/index.ts';
import type { RatingBreakdown } from './types.ts';

/** What a sentence says: a breakdown has all of it; so does a stored record with its reason code. */
export type SentenceFacts = Pick<
  RatingBreakdown,
  'service' | 'direction' | 'rawUnits' | 'roaming' | 'chargeFen'
> & {
  destination: { name: Names } | null;
  segments: readonly { window: string; freeUnits: number }[];
  allowance: { drawnUnits: number } | null;
  notes: readonly string[];
};

/**
 * One plain sentence per language from a breakdown, e.g.
 * "通话 3分12秒，国内，高峰时段，套餐内分钟抵扣 3分12秒，收费 0.00元" /
 * "Call 3 min 12 s, national, peak, 3 min 12 s from plan allowance, charged 0.00 yuan".
 * Window names come from the segments' window ids (`windowNames` maps id → names; ids otherwise).
 */
export function sentences(b: SentenceFacts, windowNames?: Map<string, Names>): Names {
  const zh: string[] = [];
  const en: string[] = [];
  const qty = b.rawUnits;
  if (b.service === 'voice') {
    zh.push(`${b.direction === 'mt' ? '被叫' : '通话'} ${durZh(qty)}`);
    en.push(`${b.direction === 'mt' ? 'Incoming call' : 'Call'} ${durEn(qty)}`);
  } else if (b.service === 'sms') {
    zh.push(`${b.direction === 'mt' ? '接收短信' : '短信'} ${qty}条`);
    en.push(`${b.direction === 'mt' ? 'Incoming SMS' : 'SMS'} ${qty} message${qty === 1 ? '' : 's'}`);
  } else {
    zh.push(`上网 ${bytesText(qty)}`);
    en.push(`Data ${bytesText(qty)}`);
  }
  if (b.roaming) {
    zh.push('漫游');
    en.push('roaming');
  }
  if (b.destination) {
    zh.push(b.destination.name['zh-CN']);
    en.push(b.destination.name.en);
  }
  const seen: string[] = [];
  const wz: string[] = [];
  const we: string[] = [];
  for (const g of b.segments) {
    if (seen.includes(g.window)) continue;
    seen.push(g.window);
    const n = windowNames?.get(g.window) ?? DEFAULT_WINDOW_NAMES[g.window];
    wz.push(n?.['zh-CN'] ?? g.window);
    we.push(n?.en ?? g.window);
  }
  zh.push(wz.join('、'));
  en.push(we.join(' + '));
  const drawn = b.allowance?.drawnUnits ?? 0;
  if (drawn > 0) {
    if (b.service === 'voice') {
      zh.push(`套餐内分钟抵扣 ${durZh(drawn)}`);
      en.push(`${durEn(drawn)} from plan allowance`);
    } else if (b.service === 'sms') {
      zh.push(`套餐内短信抵扣 ${drawn}条`);
      en.push(`${drawn} from plan SMS allowance`);
    } else {
      zh.push(`套餐内流量抵扣 ${bytesText(drawn)}`);
      en.push(`${bytesText(drawn)} from plan data allowance`);
    }
  }
  let freeBytes = 0;
  for (const g of b.segments) freeBytes += g.freeUnits;
  if (freeBytes > 0) {
    zh.push(`夜间免费流量 ${bytesText(freeBytes)}`);
    en.push(`${bytesText(freeBytes)} free night data`);
  }
  if (b.notes.includes('incoming_free')) {
    // A received SMS is 接收 (received), not 接听 (answered, said of calls).
    zh.push(b.service === 'sms' ? '接收免费' : '接听免费');
    en.push(b.service === 'sms' ? 'receiving is free' : 'answering is free');
  }
  if (b.notes.includes('after_closure')) {
    zh.push('销户前的使用，销户后送达');
    en.push('made before the line was closed, reported after');
  }
  zh.push(`收费 ${formatYuan(b.chargeFen)}元`);
  en.push(`charged ${formatYuan(b.chargeFen)} yuan`);
  return { 'zh-CN': zh.join('，'), en: en.join(', ') };
}

const DEFAULT_WINDOW_NAMES: Record<string, { 'zh-CN': string; en: string }> = {
  peak: { 'zh-CN': '高峰时段', en: 'peak' },
  offpeak: { 'zh-CN': '低谷时段', en: 'off-peak' },
  night: { 'zh-CN': '夜间时段', en: 'night' },
};

function durZh(sec: number): string {
  const m = Math.floor(sec / 60);
  const s = sec % 60;
  return m > 0 ? `${m}分${s}秒` : `${s}秒`;
}

function durEn(sec: number): string {
  const m = Math.floor(sec / 60);
  const s = sec % 60;
  return m > 0 ? `${m} min ${s} s` : `${s} s`;
}

/** Bytes in binary units with two decimals (KB = 1024 B, MB = 1024 KB, GB = 1024 MB). */
export function bytesText(bytes: number): string {
  if (bytes >= 1_073_741_824) return `${(bytes / 1_073_741_824).toFixed(2)}GB`;
  if (bytes >= 1_048_576) return `${(bytes / 1_048_576).toFixed(2)}MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(2)}KB`;
  return `${bytes}B`;
}
