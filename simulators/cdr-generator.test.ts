import { describe, expect, it } from 'vitest';
import { validators } from '../domain/index.ts';
import { normaliseCdr } from '../ingest/index.ts';
import { CdrGenerator } from './cdr-generator.ts';
import { population } from './population.ts';

const START = Date.UTC(2026, 10, 26, 0, 0, 0);

describe('simulated CDRs', () => {
  it('are the same for the same seed, byte for byte, and differ for another seed', () => {
    const run = (seed: number) => {
      const g = new CdrGenerator(seed, population(seed, 500, ['P1']), START, 1000);
      return JSON.stringify(Array.from({ length: 2000 }, () => g.next()));
    };
    expect(run(7)).toBe(run(7));
    expect(run(7)).not.toBe(run(8));
  });
  it('are valid for the raw contract and survive normalisation', () => {
    const g = new CdrGenerator(1, population(1, 300, ['P1']), START, 1000);
    const types = new Set<string>();
    for (let i = 0; i < 3000; i++) {
      const cdr = g.next();
      expect(validators.rawCdr(cdr).ok).toBe(true);
      const n = normaliseCdr(cdr, START + 10_000_000);
      expect(n.ok, JSON.stringify(n)).toBe(true);
      types.add(cdr!.type);
    }
    expect([...types].sort()).toEqual(['data', 'sms', 'voice']);
  });
  it('gives unique numbers to every subscriber and makes no usage for barred lines', () => {
    const subs = population(3, 20_000, ['P1']);
    expect(new Set(subs.map((s) => s.msisdn)).size).toBe(20_000);
    const barred = new Set(subs.slice(0, 10).map((s) => s.e164));
    const g = new CdrGenerator(3, subs.slice(0, 10), START, 1000, undefined, (n) => barred.has(n));
    for (let i = 0; i < 100; i++) expect(g.next()).toBeNull();
  });
});
