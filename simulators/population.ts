import { cellId, provinces } from '../domain/index.ts';
import { Rng } from './rng.ts';

export interface SimSubscriber {
  index: number;
  /** As the network reports it: 11 national digits. */
  msisdn: string;
  e164: string;
  imsi: string;
  imei: string;
  region: string;
  city: string;
  homeCell: string;
  planId: string;
  /** 0..1: share of this line's events that are data sessions. */
  dataAffinity: number;
}

const MOBILE_PREFIXES = [
  '138',
  '139',
  '135',
  '136',
  '137',
  '150',
  '151',
  '152',
  '158',
  '159',
  '186',
  '187',
  '188',
];
/** Population weight of each province (rough share of subscribers). */
const WEIGHTS: Record<string, number> = { GD: 5, ZJ: 3, JS: 3, BJ: 2, SH: 2, SC: 2, HB: 1, SN: 1 };
export const SITES_PER_CITY = 40;
export const SECTORS_PER_SITE = 3;

/**
 * A deterministic subscriber population: subscriber i is the same for the same (seed, i) on
 * every run, so numbers are unique by construction (the suffix is i scaled by a prime, which
 * is a bijection modulo 10^8).
 */
export function subscriberAt(seed: number, i: number, planIds: readonly string[]): SimSubscriber {
  const rng = new Rng(seed * 1_000_003 + i);
  const prefix = MOBILE_PREFIXES[i % MOBILE_PREFIXES.length] as string;
  const suffix = String((Math.floor(i / MOBILE_PREFIXES.length) * 7919 + seed) % 100_000_000).padStart(
    8,
    '0',
  );
  const msisdn = `${prefix}${suffix}`;
  const total = Object.values(WEIGHTS).reduce((a, b) => a + b, 0);
  let r = rng.int(0, total - 1);
  let prov = provinces[0]!;
  for (const p of provinces) {
    r -= WEIGHTS[p.code] ?? 0;
    if (r < 0) {
      prov = p;
      break;
    }
  }
  const city = rng.pick(prov.cities);
  return {
    index: i,
    msisdn,
    e164: `+86${msisdn}`,
    imsi: `46000${String(i).padStart(10, '0')}`,
    imei: `86${String(seed % 1000).padStart(3, '0')}${String(i).padStart(10, '0')}`.slice(0, 15),
    region: prov.code,
    city: city.code,
    homeCell: cellId(prov.code, city.code, rng.int(1, SITES_PER_CITY), rng.int(1, SECTORS_PER_SITE)),
    planId: planIds.length ? (planIds[i % planIds.length] as string) : 'unassigned',
    dataAffinity: rng.unit() < 0.2 ? 0.85 : 0.45,
  };
}

export function population(seed: number, n: number, planIds: readonly string[]): SimSubscriber[] {
  return Array.from({ length: n }, (_, i) => subscriberAt(seed, i, planIds));
}
