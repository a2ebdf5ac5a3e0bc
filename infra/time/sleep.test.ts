import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { sleep } from './sleep.ts';

describe('sleep', () => {
  it('leaves no abort listener behind once the time is up', async () => {
    const ac = new AbortController();
    for (let i = 0; i < 50; i++) await sleep(1, ac.signal);
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
  });

  it('ends early when the signal aborts, and at once when it already has', async () => {
    const ac = new AbortController();
    const t0 = Date.now();
    const waiting = sleep(60_000, ac.signal);
    setTimeout(() => ac.abort(), 10);
    await waiting;
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
    await sleep(60_000, ac.signal);
  });
});
