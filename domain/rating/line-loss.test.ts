import { describe, it, expect } from 'vitest';
import { shanghaiMs } from '../catalog/index.ts';
import { applyLineLoss, type LineLoss } from './line-loss.ts';
import { applyPayment } from './payment.ts';
import { rate } from './rate.ts';
import { defaultCatalog, deepFreeze, MSISDN, subscriber, voice } from './test-fixtures.ts';

const cat = defaultCatalog();
const loss = (lost: boolean, lossId = 'loss-1'): LineLoss => ({
  lossId,
  msisdn: MSISDN,
  lost,
  atMs: shanghaiMs(2025, 3, 10),
});

describe('applyLineLoss (挂失 / 解挂)', () => {
  it('bars a lost line whatever the balance; a payment does not lift it; restoring does', () => {
    const s0 = deepFreeze(subscriber(cat, 'dazhongka-8', { openingBalanceFen: 5000 }));
    const lost = applyLineLoss(s0, loss(true));
    expect(lost.newState).toMatchObject({ barred: true, barReason: 'lost' });
    expect(lost.notifications.map((n) => [n.key, n.kind, n.params.reason])).toEqual([
      ['line_loss:loss-1', 'line_barred', 'lost'],
    ]);
    const paid = applyPayment(cat, lost.newState, {
      paymentId: 'p1',
      msisdn: MSISDN,
      amountFen: 1000,
      purpose: 'top_up',
      atMs: shanghaiMs(2025, 3, 11),
    });
    expect(paid.newState).toMatchObject({ barred: true, barReason: 'lost' });
    expect(paid.notifications.map((n) => n.kind)).not.toContain('line_unbarred');
    // usage the network still reports is rated as usual, and the bar stays what it is
    const used = rate(cat, paid.newState, voice(shanghaiMs(2025, 3, 12, 10), 60, '+442071234567'));
    expect(used.newState.barReason).toBe('lost');
    const back = applyLineLoss(used.newState, loss(false, 'loss-2'));
    expect(back.newState).toMatchObject({ barred: false, barReason: null });
    expect(back.notifications.map((n) => [n.kind, n.params.reason])).toEqual([['line_unbarred', 'lost']]);
  });

  it('restoring a line with no money leaves it barred for its balance; repeats change nothing', () => {
    const s0 = subscriber(cat, 'dazhongka-8'); // the first fee took the balance below zero
    expect(s0.barReason).toBe('balance');
    const lost = applyLineLoss(s0, loss(true)).newState;
    expect(lost.barReason).toBe('lost');
    expect(applyLineLoss(lost, loss(true, 'again'))).toEqual({
      newState: lost,
      ledger: [],
      notifications: [],
    });
    const back = applyLineLoss(lost, loss(false, 'loss-2'));
    expect(back.newState).toMatchObject({ barred: true, barReason: 'balance' });
    expect(back.notifications.map((n) => [n.kind, n.params.reason])).toEqual([['line_barred', 'balance']]);
    expect(applyLineLoss(s0, loss(false)).notifications).toEqual([]);
  });
});
