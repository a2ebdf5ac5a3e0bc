import { describe, expect, it } from 'vitest';
import { UnreadTail } from './feed.ts';

const msg = (n: number) => new Uint8Array([n]);
const ids = (list: Uint8Array[]) => list.map((d) => d[0]);

describe('the unparsed tail of the live feed', () => {
  it('keeps just the newest messages that hold the items to show', () => {
    const t = new UnreadTail(20);
    t.push(msg(1), 50);
    t.push(msg(2), 5);
    t.push(msg(3), 10);
    // 2 and 3 hold 15 items, under 20: 1 is still needed
    expect(ids(t.take())).toEqual([1, 2, 3]);
    t.push(msg(4), 5);
    t.push(msg(5), 30);
    expect(ids(t.take())).toEqual([5]);
  });

  it('is empty after a take, and keeps a message with no items only as the newest', () => {
    const t = new UnreadTail(20);
    expect(t.take()).toEqual([]);
    t.push(msg(1), 25);
    t.push(msg(2), 0);
    expect(ids(t.take())).toEqual([1, 2]);
    expect(t.take()).toEqual([]);
  });
});
