import { describe, it, expect } from 'vitest';
import { shanghaiMs } from '../catalog/index.ts';
import { applyAddOn, type AddOnPurchase } from './add-on.ts';
import { closeBill } from './bill.ts';
import { rate } from './rate.ts';
import { data, deepFreeze, defaultCatalog, MSISDN, subscriber } from './test-fixtures.ts';

const cat = defaultCatalog();
const GB = 1024 ** 3;
const pack = (o: Partial<AddOnPurchase> = {}): AddOnPurchase => ({
  purchaseId: 'ao-1',
  msisdn: MSISDN,
  addOnId: 'jiayou-data-1g',
  name: { 'zh-CN': '流量加油包1GB', en: 'Data top-up 1 GB' },
  service: 'data',
  units: GB,
  feeFen: 1000,
  atMs: shanghaiMs(2025, 3, 20),
  ...o,
});
const refusal = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e as { code: string; field?: string };
  }
  throw new Error('expected a refusal');
};

describe('applyAddOn (叠加包)', () => {
  it('prepaid: adds the units to this period, takes the fee, and usage draws the pack before overage', () => {
    // dazhongka-8 has 1 GB of data in its first period (plus bonus in v2); use it all first
    const s0 = subscriber(cat, 'dazhongka-8', { openingBalanceFen: 5800 });
    const full = {
      ...s0,
      allowances: {
        ...s0.allowances,
        data: { ...s0.allowances.data, usedUnits: s0.allowances.data.totalUnits },
      },
    };
    const r = applyAddOn(cat, deepFreeze(full), pack());
    expect(r.newState.balanceFen).toBe(full.balanceFen - 1000);
    expect(r.newState.allowances.data.totalUnits).toBe(full.allowances.data.totalUnits + GB);
    expect(r.ledger).toEqual([
      expect.objectContaining({
        key: 'addon:ao-1',
        kind: 'fee',
        direction: 'debit',
        amountFen: 1000,
        service: 'data',
      }),
    ]);
    expect(r.notifications.map((n) => [n.key, n.kind])).toEqual([['addon:ao-1', 'add_on_added']]);
    const used = rate(cat, r.newState, data(shanghaiMs(2025, 3, 21, 10), 600, 100 * 1024 ** 2));
    expect(used.rated.chargeFen).toBe(0);
    expect(used.rated.allowanceUsed).toBe(100 * 1024 ** 2);
  });

  it('refuses an expired line, a balance that does not cover the fee, and a postpaid line at its limit', () => {
    const s0 = subscriber(cat, 'dazhongka-8', { openingBalanceFen: 1000 });
    expect(refusal(() => applyAddOn(cat, s0, pack({ atMs: shanghaiMs(2025, 5, 1) })))).toMatchObject({
      code: 'NO_PERIOD',
    });
    expect(refusal(() => applyAddOn(cat, s0, pack({ feeFen: 3000 })))).toMatchObject({
      code: 'INSUFFICIENT_BALANCE',
      field: '/feeFen',
    });
    const post = subscriber(cat, 'changxiang-128');
    const limit = post.creditLimitFen;
    expect(limit).toBeGreaterThan(0);
    expect(refusal(() => applyAddOn(cat, post, pack({ feeFen: limit })))).toMatchObject({
      code: 'CREDIT_LIMIT',
    });
  });

  it('postpaid: the pack is a line of the period bill', () => {
    const s0 = subscriber(cat, 'changxiang-128', { openingBalanceFen: 50_000 });
    const r = applyAddOn(cat, s0, pack({ feeFen: 3000, units: 5 * GB, addOnId: 'jiayou-data-5g' }));
    const bill = closeBill(cat, r.newState, shanghaiMs(2025, 3, 1), shanghaiMs(2025, 4, 2)).bill;
    expect(bill.lines).toContainEqual(expect.objectContaining({ code: 'add_on', amountFen: 3000 }));
    const without = closeBill(cat, s0, shanghaiMs(2025, 3, 1), shanghaiMs(2025, 4, 2)).bill;
    expect(bill.totalFen).toBe(without.totalFen + 3000);
  });
});
