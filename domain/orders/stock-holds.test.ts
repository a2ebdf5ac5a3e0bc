import { describe, expect, it } from 'vitest';
import {
  afterLostWrite,
  applyHeld,
  dropHold,
  holdOf,
  settleHold,
  undoHold,
  type HeldStock,
  type StockHold,
} from './stock-holds.ts';

const stock: HeldStock = { available: 5, reserved: 0 };
const take = (id: string, qty = 2, atMs = 1_000): StockHold => ({ id, op: 'take', qty, atMs });
const give = (id: string, qty = 2, atMs = 1_000): StockHold => ({ id, op: 'return', qty, atMs });

describe('stock holds', () => {
  it('takes once per reservation: a retry or a twin of the same take changes nothing', () => {
    const once = applyHeld(stock, take('res-a'))!;
    expect(once).toMatchObject({ available: 3, reserved: 2 });
    expect(applyHeld(once, take('res-a'))).toBe(once);
    expect(applyHeld(once, take('res-b', 4))).toBeNull();
    expect(holdOf(once, 'res-a')?.op).toBe('take');
  });

  it('drops the hold when the reservation is written, keeping the stock as taken', () => {
    const done = dropHold(applyHeld(stock, take('res-a'))!, 'res-a');
    expect(done).toEqual({ available: 3, reserved: 2 });
    expect(dropHold(done, 'res-a')).toBe(done);
  });

  it('a cancel finding the reservation take still held commits it and gives the stock back', () => {
    const lingering = applyHeld(stock, take('res-a'))!;
    const returned = applyHeld(lingering, give('res-a'))!;
    expect(returned).toMatchObject({ available: 5, reserved: 0 });
    expect(returned.holds).toEqual([give('res-a')]);
  });

  it('gives back an abandoned take, and takes back an undone return as far as stock allows', () => {
    const taken = applyHeld(stock, take('res-a'))!;
    expect(undoHold(taken, 'res-a')).toEqual({ available: 5, reserved: 0 });
    const reserved = dropHold(taken, 'res-a');
    const returned = applyHeld(reserved, give('res-a'))!;
    expect(returned).toMatchObject({ available: 5, reserved: 0 });
    expect(applyHeld(returned, give('res-a'))).toBe(returned);
    expect(undoHold(returned, 'res-a')).toEqual({ available: 3, reserved: 2 });
    // a stale second return on a record already given back moves nothing and undoes nothing
    const stale = applyHeld(dropHold(returned, 'res-a'), give('res-a'))!;
    expect(stale).toMatchObject({ available: 5, reserved: 0, holds: [{ ...give('res-a'), qty: 0 }] });
    expect(undoHold(stale, 'res-a')).toEqual({ available: 5, reserved: 0 });
    // someone reserved the returned units in between: only what is left comes back
    const drained = { ...returned, available: 1, reserved: 4 };
    expect(undoHold(drained, 'res-a')).toEqual({ available: 0, reserved: 5 });
  });

  it('settles an old hold by what the reservation record says, and leaves a young one alone', () => {
    const grace = 300_000;
    const now = 1_000 + grace;
    expect(settleHold(take('r'), null, now - 1, grace)).toBe('wait');
    expect(settleHold(take('r'), null, now, grace)).toBe('abandon');
    expect(settleHold(take('r'), 'reserved', now, grace)).toBe('commit');
    expect(settleHold(take('r'), 'abandoned', now, grace)).toBe('abandon');
    expect(settleHold(take('r'), 'cancelled', now, grace)).toBe('commit');
    expect(settleHold(give('r'), 'cancelled', now, grace)).toBe('commit');
    expect(settleHold(give('r'), 'reserved', now, grace)).toBe('finish-cancel');
    expect(settleHold(give('r'), 'installed', now, grace)).toBe('undo');
  });

  it('after losing the record write, keeps a change the winner stands on and takes back only its own', () => {
    // twins: we applied, the twin found our hold and its record won, naming our hold
    expect(afterLostWrite(true, 'hold-a', { holdToken: 'hold-a' })).toBe('drop');
    // we found the twin's hold; the twin's record won on it
    expect(afterLostWrite(false, 'hold-a', { holdToken: 'hold-a' })).toBe('drop');
    // the winner finished on its own change before ours was made (a stale retry): ours goes back
    expect(afterLostWrite(true, 'hold-b', { holdToken: 'hold-a' })).toBe('undo');
    // a record that stands on no hold (abandoned by the sweep, or written before tokens)
    expect(afterLostWrite(true, 'hold-a', {})).toBe('undo');
    expect(afterLostWrite(false, 'hold-a', {})).toBe('leave');
    expect(afterLostWrite(true, 'hold-a', null)).toBe('undo');
    // an old hold without a token never matches a record without one
    expect(afterLostWrite(false, undefined, {})).toBe('leave');
  });
});
