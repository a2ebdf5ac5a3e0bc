import type { DeviceEvent, DeviceStep } from '../domain/index.ts';
import { Rng } from './rng.ts';
import type { SimSubscriber } from './population.ts';

/** The activation steps in order; a failed step ends that activation. */
export const ACTIVATION_STEPS: readonly DeviceStep[] = [
  'sim_activation',
  'network_attach',
  'device_verification',
];

export interface ActivationOptions {
  /** Probability (0..1) that each step fails. */
  failureRates: Record<DeviceStep, number>;
  /** Reasons a failed step reports, drawn uniformly. */
  reasons: Record<DeviceStep, readonly string[]>;
}

export const DEFAULT_ACTIVATION: ActivationOptions = {
  failureRates: { sim_activation: 0.02, network_attach: 0.03, device_verification: 0.01 },
  reasons: {
    sim_activation: ['sim_not_provisioned', 'iccid_mismatch', 'hlr_timeout'],
    network_attach: ['no_coverage', 'auth_failure', 'congestion'],
    device_verification: ['imei_blacklisted', 'imei_unknown', 'eir_timeout'],
  },
};

export class ActivationOptionsError extends Error {
  readonly code = 'SIM_ACTIVATION_OPTIONS_INVALID';
}

export function checkActivationOptions(o: ActivationOptions): void {
  for (const step of ACTIVATION_STEPS) {
    const r = o.failureRates[step];
    if (!(r >= 0 && r <= 1)) throw new ActivationOptionsError(`failure rate of ${step} must be in 0..1`);
    if (r > 0 && o.reasons[step].length === 0)
      throw new ActivationOptionsError(`${step} may fail but has no failure reasons`);
  }
}

/** An order that needs activation (from the order flow, or synthetic when simulating alone). */
export interface ActivationRequest {
  orderId: string;
  sub: SimSubscriber;
  atMs: number;
}

/** ICCID of a simulated SIM: 8986 (China) + 15 digits from the subscriber index → 19 digits. */
export const iccidOf = (sub: SimSubscriber) => `8986${String(sub.index).padStart(15, '0')}`;

/**
 * SIM / device activation lifecycle (设备激活): SIM activation, then network attach on the
 * home cell, then IMEI verification, each failing with the configured rate and a reason.
 * Deterministic: the same seed and requests give the same events, byte for byte.
 */
export class ActivationGenerator {
  private readonly rng: Rng;
  constructor(
    seed: number,
    private readonly opts: ActivationOptions = DEFAULT_ACTIVATION,
  ) {
    checkActivationOptions(opts);
    this.rng = new Rng(seed ^ 0x5a5a5a);
  }

  /** The events of one activation, in time order; stops at the first failed step. */
  activate(req: ActivationRequest): DeviceEvent[] {
    const out: DeviceEvent[] = [];
    let t = req.atMs;
    const { sub } = req;
    for (const step of ACTIVATION_STEPS) {
      const failed = this.rng.unit() < this.opts.failureRates[step];
      const reason = failed ? this.rng.pick(this.opts.reasons[step]) : undefined;
      out.push({
        eventId: `dev-${req.orderId}-${step}`,
        step,
        orderId: req.orderId,
        msisdn: sub.e164,
        iccid: iccidOf(sub),
        imsi: sub.imsi,
        ...(step === 'device_verification' ? { imei: sub.imei } : {}),
        ...(step === 'network_attach' ? { cellId: sub.homeCell } : {}),
        result: failed ? 'failed' : 'ok',
        ...(reason ? { reason } : {}),
        atMs: t,
      });
      if (failed) break;
      t += this.rng.int(500, step === 'sim_activation' ? 30_000 : 5_000);
    }
    return out;
  }

  /** Synthetic orders needing activation when no order flow drives the simulator. */
  static syntheticRequests(
    seed: number,
    subs: readonly SimSubscriber[],
    count: number,
    startMs: number,
    gapMs: number,
  ): ActivationRequest[] {
    const rng = new Rng(seed ^ 0x0a0a0a);
    return Array.from({ length: count }, (_, i) => ({
      orderId: `ord-sim-${seed}-${i}`,
      sub: subs[rng.int(0, subs.length - 1)] as SimSubscriber,
      atMs: startMs + i * gapMs,
    }));
  }
}
