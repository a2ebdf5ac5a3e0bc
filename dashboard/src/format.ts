import { lang } from './i18n.ts';

/** Integer fen → yuan text with two decimals, without floating point: 1234 → "12.34". */
export function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(fen));
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

export function bytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

export function duration(sec: number): string {
  const m = Math.floor(sec / 60);
  const s = sec % 60;
  if (lang() === 'en') return m ? `${m}m ${String(s).padStart(2, '0')}s` : `${s}s`;
  return m ? `${m}分${String(s).padStart(2, '0')}秒` : `${s}秒`;
}

export function integer(n: number): string {
  return n.toLocaleString(lang());
}
