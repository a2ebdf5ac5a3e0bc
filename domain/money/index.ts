/** Money is integer fen (分). These helpers never touch floating point for amounts. */
export type Fen = number;

export function assertFen(n: number, what = 'amount'): Fen {
  if (!Number.isSafeInteger(n)) throw new RangeError(`${what} must be an integer number of fen, got ${n}`);
  return n;
}

/** Formats fen as yuan with two decimals, e.g. 1234 → "12.34", -5 → "-0.05". */
export function formatYuan(fen: Fen): string {
  assertFen(fen);
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Parses "12.34" / "12" / "-0.5" yuan into fen exactly, rejecting more than two decimals. */
export function parseYuan(text: string): Fen {
  const m = /^(-)?(\d{1,12})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!m) throw new RangeError(`not a yuan amount: ${JSON.stringify(text)}`);
  const fen = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  return m[1] ? -fen : fen;
}

/**
 * Multiplies a per-unit price in fen by a quantity and divides by a unit size, rounding half up
 * (the documented rule for every charge): ceil is applied to billing increments, not to money.
 */
export function mulDivRoundHalfUp(priceFen: Fen, quantity: number, per: number): Fen {
  const num = BigInt(priceFen) * BigInt(quantity);
  const den = BigInt(per);
  const q = num / den;
  const r = num % den;
  return Number(r * 2n >= den ? q + 1n : q);
}
