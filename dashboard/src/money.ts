/**
 * Yuan as typed ("12", "12.5", "12.34") → integer fen, by its digits (no floating point: "0.29"
 * is 29 fen, not 28.999…); NaN for anything else, including a third decimal.
 */
export function fenFromYuan(text: string): number {
  const m = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!m) return Number.NaN;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}
