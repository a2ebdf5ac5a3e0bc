import { describe, it, expect } from 'vitest';
import { shanghaiMs } from '../catalog/index.ts';
import { closeBill } from './bill.ts';
import { applyLineLoss } from './line-loss.ts';
import { applyPayment } from './payment.ts';
import { rate } from './rate.ts';
import { applyLineSuspension, type LineSuspension } from './suspension.ts';
import {
  defaultCatalog,
  defaultCatalogJson,
  deepFreeze,
  MSISDN,
  subscriber,
  voice,
  errorOf,
} from './test-fixtures.ts';
import { loadCatalog } from '../catalog/index.ts';

const cat = defaultCatalog();
const PLAN_FEE = 12_800; // changxiang-128, postpaid
/** The demo catalog sets no billing.keepNumberFeeFen: the default ¥5. */
const KEEP_NUMBER_FEE_FEN = 500;
const ask = (suspended: boolean, atMs: number, id = suspended ? 'sus-1' : 'res-1'): LineSuspension => ({
  suspensionId: id,
  msisdn: MSISDN,
  suspended,
  atMs,
});

describe('applyLineSuspension (停机保号 / 复机)', () => {
  it('bars at once, keeps the period under way, and takes only the keep-number fee in months that start suspended', () => {
    const s0 = deepFreeze(subscriber(cat, 'changxiang-128'));
    const off = applyLineSuspension(cat, s0, ask(true, shanghaiMs(2025, 3, 10)));
    expect(off.newState).toMatchObject({ barred: true, barReason: 'suspended' });
    expect(off.newState.allowances).toEqual(s0.allowances);
    expect(off.ledger).toEqual([]);
    expect(off.notifications.map((n) => [n.key, n.kind, n.params.reason])).toEqual([
      ['line_suspension:sus-1', 'line_barred', 'suspended'],
    ]);
    // the same request again, or a second suspension: nothing more
    expect(applyLineSuspension(cat, off.newState, ask(true, shanghaiMs(2025, 3, 11), 'sus-2'))).toMatchObject(
      {
        newState: off.newState,
        ledger: [],
        notifications: [],
      },
    );
    // a payment does not lift it
    const paid = applyPayment(cat, off.newState, {
      paymentId: 'p1',
      msisdn: MSISDN,
      amountFen: 20_000,
      purpose: 'bill',
      atMs: shanghaiMs(2025, 3, 12),
    });
    expect(paid.newState.barReason).toBe('suspended');
    // April and May start suspended: ¥5 each, no allowances
    const june = rate(cat, paid.newState, voice(shanghaiMs(2025, 6, 2, 10), 60, '+442071234567'));
    const fees = june.ledger.filter((e) => e.kind === 'fee');
    expect(fees.map((e) => [e.key, e.amountFen])).toEqual([
      [`fee:${MSISDN}:${shanghaiMs(2025, 4, 1)}`, KEEP_NUMBER_FEE_FEN],
      [`fee:${MSISDN}:${shanghaiMs(2025, 5, 1)}`, KEEP_NUMBER_FEE_FEN],
      [`fee:${MSISDN}:${shanghaiMs(2025, 6, 1)}`, KEEP_NUMBER_FEE_FEN],
    ]);
    expect(june.newState.allowances.data.totalUnits).toBe(0);
    expect(june.newState.barReason).toBe('suspended');
    // April's bill says what it was
    const bill = closeBill(cat, june.newState, shanghaiMs(2025, 4, 1), shanghaiMs(2025, 6, 3));
    expect(bill.bill.lines).toEqual([
      {
        code: 'keep_number_fee',
        name: { 'zh-CN': '停机保号费', en: 'Number-keeping fee (suspended)' },
        amountFen: 500,
      },
    ]);
  });

  it('复机 during a keep-number month makes it a plan month: allowances now, the fee less the ¥5 taken', () => {
    const s0 = subscriber(cat, 'changxiang-128');
    const off = applyLineSuspension(cat, s0, ask(true, shanghaiMs(2025, 3, 10))).newState;
    const on = applyLineSuspension(cat, off, ask(false, shanghaiMs(2025, 4, 15)));
    expect(on.newState).toMatchObject({ barred: false, barReason: null });
    expect(on.newState.charges).toMatchObject({ feeFen: PLAN_FEE });
    expect(on.newState.charges.keepNumber).toBeUndefined();
    expect(on.newState.allowances.data.totalUnits).toBe(s0.allowances.data.totalUnits);
    expect(on.ledger.map((e) => [e.key, e.amountFen])).toEqual([
      [`fee:${MSISDN}:${shanghaiMs(2025, 4, 1)}`, KEEP_NUMBER_FEE_FEN],
      [`fee:${MSISDN}:${shanghaiMs(2025, 4, 1)}:resumed`, PLAN_FEE - KEEP_NUMBER_FEE_FEN],
    ]);
    expect(on.notifications.map((n) => [n.kind, n.params.reason])).toEqual([['line_unbarred', 'suspended']]);
    // the next month is a plan month again
    const may = rate(cat, on.newState, voice(shanghaiMs(2025, 5, 2, 10), 60));
    expect(may.ledger.find((e) => e.kind === 'fee')?.amountFen).toBe(PLAN_FEE);
    // April's bill is the plan's month fee
    const bill = closeBill(cat, may.newState, shanghaiMs(2025, 4, 1), shanghaiMs(2025, 5, 3));
    expect(bill.bill.lines[0]).toMatchObject({ code: 'monthly_fee', amountFen: PLAN_FEE });
  });

  it('复机 in the month it was suspended costs nothing more; resuming a line not suspended changes nothing', () => {
    const s0 = subscriber(cat, 'changxiang-128');
    const off = applyLineSuspension(cat, s0, ask(true, shanghaiMs(2025, 3, 10))).newState;
    const on = applyLineSuspension(cat, off, ask(false, shanghaiMs(2025, 3, 20)));
    expect(on.ledger).toEqual([]);
    expect(on.newState).toMatchObject({ barred: false, barReason: null, balanceFen: s0.balanceFen });
    expect(applyLineSuspension(cat, s0, ask(false, shanghaiMs(2025, 3, 20)))).toMatchObject({
      newState: s0,
      notifications: [],
    });
  });

  it('复机 of a line owing its credit limit leaves it barred for the money', () => {
    const s0 = subscriber(cat, 'changxiang-128');
    const off = applyLineSuspension(cat, s0, ask(true, shanghaiMs(2025, 3, 10))).newState;
    const owing = { ...off, balanceFen: -off.creditLimitFen };
    const on = applyLineSuspension(cat, owing, ask(false, shanghaiMs(2025, 3, 20)));
    expect(on.newState).toMatchObject({ barred: true, barReason: 'credit_limit' });
    expect(on.notifications.map((n) => [n.kind, n.params.reason])).toEqual([['line_barred', 'credit_limit']]);
  });

  it('refuses a prepaid line and a lost one, naming the field', () => {
    const prepaid = subscriber(cat, 'dazhongka-8', { openingBalanceFen: 5000 });
    expect(
      errorOf(() => applyLineSuspension(cat, prepaid, ask(true, shanghaiMs(2025, 3, 10)))),
    ).toMatchObject({
      code: 'NOT_POSTPAID',
      field: '/msisdn',
    });
    const s0 = subscriber(cat, 'changxiang-128');
    const lost = applyLineLoss(s0, {
      lossId: 'l1',
      msisdn: MSISDN,
      lost: true,
      atMs: shanghaiMs(2025, 3, 9),
    });
    expect(
      errorOf(() => applyLineSuspension(cat, lost.newState, ask(true, shanghaiMs(2025, 3, 10)))),
    ).toMatchObject({ code: 'LINE_LOST', field: '/msisdn' });
  });

  it('takes the keep-number fee the catalog sets, and says it in the SMS params', () => {
    const json = defaultCatalogJson() as { billing: Record<string, unknown> };
    const loaded = loadCatalog({ ...json, billing: { ...json.billing, keepNumberFeeFen: 800 } });
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors[0]));
    const s0 = subscriber(loaded.catalog, 'changxiang-128');
    const off = applyLineSuspension(loaded.catalog, s0, ask(true, shanghaiMs(2025, 3, 10)));
    expect(off.notifications[0]?.params).toMatchObject({ reason: 'suspended', feeFen: 800 });
    const april = rate(loaded.catalog, off.newState, voice(shanghaiMs(2025, 4, 2, 10), 60));
    expect(april.ledger.find((e) => e.kind === 'fee')?.amountFen).toBe(800);
  });
});
