import type { RawCdr } from '../domain/index.ts';
import { Rng } from './rng.ts';
import type { Timeline } from './shape.ts';
import { SECTORS_PER_SITE, SITES_PER_CITY, type SimSubscriber } from './population.ts';

export interface CdrMix {
  voice: number;
  sms: number;
  /** Remainder is data. */
  roamingShare: number;
  internationalShare: number;
  nationalShare: number;
}

export const DEFAULT_MIX: CdrMix = {
  voice: 0.35,
  sms: 0.15,
  roamingShare: 0.03,
  internationalShare: 0.02,
  nationalShare: 0.25,
};

const INTL = ['0014155552671', '00442071838750', '00819012345678', '0085291234567', '006591234567'];
const SERVICE = ['10010', '10086', '12345', '95588'];
const TERMINATIONS = [
  'normal',
  'normal',
  'normal',
  'normal',
  'normal',
  'normal',
  'busy',
  'no_answer',
  'dropped',
] as const;

/**
 * Deterministic CDR source: for the same seed, population and start time it yields the same
 * records in the same order, byte for byte. Time is virtual: event k happens at
 * startMs + k * 1000 / ratePerSec, so a replay at any speed carries the same timestamps.
 */
export class CdrGenerator {
  private rng: Rng;
  private k = 0;
  constructor(
    seed: number,
    private readonly subs: readonly SimSubscriber[],
    private readonly startMs: number,
    private readonly ratePerSec: number,
    private readonly mix: CdrMix = DEFAULT_MIX,
    private readonly isBarred: (e164: string) => boolean = () => false,
    /** Shaped virtual time (daily curve, bursts); default: evenly spaced at ratePerSec. */
    private readonly timeline?: Timeline,
  ) {
    this.rng = new Rng(seed);
  }

  get produced(): number {
    return this.k;
  }

  /** Next record, or null when the drawn subscriber is barred (a barred line makes no usage). */
  next(): RawCdr | null {
    const k = this.k++;
    const rng = this.rng;
    const sub = this.subs[rng.int(0, this.subs.length - 1)] as SimSubscriber;
    const startMs = this.timeline
      ? this.timeline.next()
      : Math.floor(this.startMs + (k * 1000) / Math.max(1, this.ratePerSec));
    const roll = rng.unit();
    const roaming = rng.unit() < this.mix.roamingShare;
    const cell = rng.unit() < 0.7 ? sub.homeCell : nearbyCell(sub, rng);
    if (this.isBarred(sub.e164)) return null;
    const common = {
      recordSeq: k,
      msisdn: sub.msisdn,
      imsi: sub.imsi,
      imei: sub.imei,
      cellId: cell,
      startMs,
      roaming,
    };
    const dataRoll = roll < sub.dataAffinity;
    if (dataRoll) {
      const durationSec = Math.min(86_400, Math.max(1, Math.round(rng.exp(600))));
      const bytesDown = Math.round(rng.exp(sub.dataAffinity > 0.5 ? 80e6 : 8e6));
      return {
        type: 'data',
        neId: `PGW-${sub.region}-01`,
        ...common,
        apn: rng.unit() < 0.9 ? 'cmnet' : 'ims',
        durationSec,
        bytesUp: Math.round(bytesDown * 0.08),
        bytesDown,
        termination: 'normal',
      };
    }
    const called = this.calledNumber(sub, rng);
    const direction = rng.unit() < 0.6 ? 'mo' : 'mt';
    if (roll < sub.dataAffinity + (1 - sub.dataAffinity) * (this.mix.sms / (this.mix.sms + this.mix.voice))) {
      return { type: 'sms', neId: `SMSC-${sub.region}-01`, ...common, direction, calledNumber: called };
    }
    const termination = rng.pick(TERMINATIONS);
    const durationSec =
      termination === 'busy' || termination === 'no_answer' ? 0 : Math.min(7200, Math.round(rng.exp(150)));
    return {
      type: 'voice',
      neId: `MSC-${sub.region}-01`,
      ...common,
      direction,
      calledNumber: called,
      durationSec,
      termination,
    };
  }

  private calledNumber(sub: SimSubscriber, rng: Rng): string {
    const r = rng.unit();
    if (r < this.mix.internationalShare) return rng.pick(INTL);
    if (r < this.mix.internationalShare + 0.02) return rng.pick(SERVICE);
    const other = this.subs[rng.int(0, this.subs.length - 1)] as SimSubscriber;
    return other.msisdn === sub.msisdn ? '10086' : other.msisdn;
  }
}

function nearbyCell(sub: SimSubscriber, rng: Rng): string {
  const site = String(rng.int(1, SITES_PER_CITY)).padStart(4, '0');
  return `${sub.region}-${sub.city}-${site}-${rng.int(1, SECTORS_PER_SITE)}`;
}
