import { describe, expect, it, vi } from 'vitest';
import { fanOut } from './fan-out.ts';

describe('fanOut', () => {
  it('aborts every listener of the child when the parent aborts, with its reason', () => {
    const ac = new AbortController();
    const child = fanOut(ac.signal);
    const seen = Array.from({ length: 20 }, () => vi.fn());
    for (const f of seen) child.addEventListener('abort', f, { once: true });
    expect(child.aborted).toBe(false);
    ac.abort(new Error('stop'));
    expect(child.aborted).toBe(true);
    expect((child.reason as Error).message).toBe('stop');
    for (const f of seen) expect(f).toHaveBeenCalledTimes(1);
  });

  it('takes many listeners without a leak warning', async () => {
    const warn = vi.fn();
    const onWarning = (w: Error) => {
      if (w.name === 'MaxListenersExceededWarning') warn(w.message);
    };
    process.on('warning', onWarning);
    try {
      const child = fanOut(new AbortController().signal);
      for (let i = 0; i < 50; i++) child.addEventListener('abort', () => undefined);
      await new Promise((r) => setImmediate(r)); // warnings are emitted on a later tick
    } finally {
      process.off('warning', onWarning);
    }
    expect(warn).not.toHaveBeenCalled();
  });

  it('is already aborted when the parent is', () => {
    const ac = new AbortController();
    ac.abort();
    expect(fanOut(ac.signal).aborted).toBe(true);
  });
});
