import { describe, expect, it } from 'vitest';
import { partitionOf } from './index.ts';

describe('partitionOf', () => {
  it('is stable and spreads subscribers over every partition', () => {
    expect(partitionOf('+8613800000001', 4)).toBe(partitionOf('+8613800000001', 4));
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) counts[partitionOf(`+86138${String(i).padStart(8, '0')}`, 4)]!++;
    for (const c of counts) expect(c).toBeGreaterThan(800);
  });
});
