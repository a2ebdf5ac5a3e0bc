import { unsafeUniformIntDistribution, xoroshiro128plus, type RandomGenerator } from 'pure-rand';

/** Seeded random source: the same seed gives the same sequence on every machine. */
export class Rng {
  private g: RandomGenerator;
  constructor(seed: number) {
    this.g = xoroshiro128plus(seed);
  }
  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return unsafeUniformIntDistribution(min, max, this.g);
  }
  /** Float in [0, 1) with 2^-30 resolution (enough for mixes and curves). */
  unit(): number {
    return unsafeUniformIntDistribution(0, 0x3fffffff, this.g) / 0x40000000;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)] as T;
  }
  /** Exponential with the given mean (for durations and volumes). */
  exp(mean: number): number {
    return -Math.log(1 - this.unit()) * mean;
  }
}
