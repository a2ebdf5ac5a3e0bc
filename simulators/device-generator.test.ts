import { describe, expect, it } from 'vitest';
import { validators } from '../domain/index.ts';
import { ActivationGenerator, ActivationOptionsError, DEFAULT_ACTIVATION } from './device-generator.ts';
import { population } from './population.ts';

const START = Date.UTC(2026, 10, 26, 2, 0, 0);
const subs = population(5, 200, ['P1']);

function runAll(seed: number, n: number, opts = DEFAULT_ACTIVATION) {
  const gen = new ActivationGenerator(seed, opts);
  return ActivationGenerator.syntheticRequests(seed, subs, n, START, 1000).flatMap((r) => gen.activate(r));
}

describe('SIM activation lifecycle', () => {
  it('emits valid events in step order, the same for the same seed byte for byte', () => {
    const a = runAll(5, 500);
    expect(JSON.stringify(a)).toBe(JSON.stringify(runAll(5, 500)));
    for (const ev of a) expect(validators.deviceEvent(ev).ok, JSON.stringify(ev)).toBe(true);
    const first = a.filter((e) => e.orderId === 'ord-sim-5-0');
    expect(first.map((e) => e.step)).toEqual(
      ['sim_activation', 'network_attach', 'device_verification'].slice(0, first.length),
    );
    expect(first.every((e, i) => i === 0 || e.atMs > first[i - 1]!.atMs)).toBe(true);
  });

  it('fails at the configured rates with a reason, and a failed step ends the activation', () => {
    const opts = {
      failureRates: { sim_activation: 0, network_attach: 0.5, device_verification: 0 },
      reasons: { ...DEFAULT_ACTIVATION.reasons, network_attach: ['no_coverage'] },
    };
    const events = runAll(7, 2000, opts);
    const attach = events.filter((e) => e.step === 'network_attach');
    const failed = attach.filter((e) => e.result === 'failed');
    expect(attach).toHaveLength(2000);
    expect(failed.length / 2000).toBeGreaterThan(0.45);
    expect(failed.length / 2000).toBeLessThan(0.55);
    expect(new Set(failed.map((e) => e.reason))).toEqual(new Set(['no_coverage']));
    expect(events.filter((e) => e.step === 'device_verification')).toHaveLength(2000 - failed.length);
  });

  it('refuses failure rates outside 0..1', () => {
    expect(
      () =>
        new ActivationGenerator(1, {
          ...DEFAULT_ACTIVATION,
          failureRates: { ...DEFAULT_ACTIVATION.failureRates, sim_activation: 1.5 },
        }),
    ).toThrow(ActivationOptionsError);
  });
});
