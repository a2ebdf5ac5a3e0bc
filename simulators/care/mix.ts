/** The five kinds of care traffic and how often each occurs (`--mix`). */
export const CARE_KINDS = ['registrations', 'orders', 'renewals', 'complaints', 'faults'] as const;
export type CareKind = (typeof CARE_KINDS)[number];
export type CareMix = Record<CareKind, number>;

export const DEFAULT_CARE_MIX: CareMix = {
  registrations: 40,
  orders: 20,
  renewals: 20,
  complaints: 10,
  faults: 10,
};

export class MixError extends Error {
  readonly code = 'BAD_MIX';
}

const isKind = (k: string): k is CareKind => (CARE_KINDS as readonly string[]).includes(k);

/**
 * Parses `registrations=40,orders=20,...`: integer weights 0..1000; kinds left out weigh 0
 * (so `--mix faults=1` runs only fault reports). At least one weight must be positive.
 */
export function parseMix(text: string): CareMix {
  const mix: CareMix = { registrations: 0, orders: 0, renewals: 0, complaints: 0, faults: 0 };
  for (const part of text.split(',')) {
    const m = /^\s*([a-z]+)\s*=\s*(\d{1,4})\s*$/.exec(part);
    if (!m) throw new MixError(`--mix: expected kind=weight, got ${JSON.stringify(part)}`);
    const [, kind = '', weight = '0'] = m;
    if (!isKind(kind)) throw new MixError(`--mix: unknown kind ${kind} (kinds: ${CARE_KINDS.join(', ')})`);
    const w = Number(weight);
    if (w > 1000) throw new MixError(`--mix: weight of ${kind} must be 0..1000, got ${w}`);
    mix[kind] = w;
  }
  if (CARE_KINDS.every((k) => mix[k] === 0)) throw new MixError('--mix: at least one weight must be > 0');
  return mix;
}

export function formatMix(mix: CareMix): string {
  return CARE_KINDS.map((k) => `${k}=${mix[k]}`).join(',');
}
