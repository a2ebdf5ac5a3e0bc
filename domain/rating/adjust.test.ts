import { describe, expect, it } from 'vitest';
import { newSubscriber } from './period.ts';
import { applyAdjustment } from './adjust.ts';
import { loadCatalog } from '../catalog/index.ts';
import catalogJson from '../../catalog/default.json' with { type: 'json' };

const loaded = loadCatalog(catalogJson);
if (!loaded.ok) throw new Error('demo catalog invalid');
const catalog = loaded.catalog;

describe('applyAdjustment', () => {
  const { state } = newSubscriber(catalog, {
    msisdn: '+8613800000001',
    planId: 'dazhongka-8',
    activatedAtMs: Date.UTC(2026, 0, 1),
    openingBalanceFen: 5000,
  });
  it('debits a positive and credits a negative correction, with one keyed ledger entry', () => {
    const d = applyAdjustment(state, { adjustmentId: 'rr-1', msisdn: state.msisdn, amountFen: 120, atMs: 1 });
    expect(d.newState.balanceFen).toBe(state.balanceFen - 120);
    expect(d.ledger).toEqual([
      expect.objectContaining({
        key: 'adjustment:rr-1',
        direction: 'debit',
        amountFen: 120,
        kind: 'adjustment',
      }),
    ]);
    const c = applyAdjustment(state, { adjustmentId: 'rr-2', msisdn: state.msisdn, amountFen: -80, atMs: 1 });
    expect(c.newState.balanceFen).toBe(state.balanceFen + 80);
    expect(c.ledger[0]).toMatchObject({
      direction: 'credit',
      amountFen: 80,
      balanceAfterFen: state.balanceFen + 80,
    });
  });
  it('refuses a zero or fractional amount and another subscriber', () => {
    expect(() =>
      applyAdjustment(state, { adjustmentId: 'x', msisdn: state.msisdn, amountFen: 0, atMs: 1 }),
    ).toThrow(/non-zero/);
    expect(() =>
      applyAdjustment(state, { adjustmentId: 'x', msisdn: state.msisdn, amountFen: 1.5, atMs: 1 }),
    ).toThrow();
    expect(() =>
      applyAdjustment(state, { adjustmentId: 'x', msisdn: '+8613900000000', amountFen: 5, atMs: 1 }),
    ).toThrow(/given to/);
  });
});
