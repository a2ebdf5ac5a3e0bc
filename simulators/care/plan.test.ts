import { describe, expect, it } from 'vitest';
import { checkResidentId } from '../../domain/customer/index.ts';
import { checkPassword } from '../../domain/customer/index.ts';
import { CARE_KINDS, DEFAULT_CARE_MIX, MixError, parseMix } from './mix.ts';
import { mobileOf, residentIdOf } from './identity.ts';
import { CarePlanner, planCareTraffic, requestsOf, type CareFlow } from './plan.ts';
import { percentile } from './stats.ts';
import { slotStartMs } from './flows.ts';

const opts = (seed: number, mix = DEFAULT_CARE_MIX) => ({ seed, mix, demoMsisdn: '+8613800000042' });
const E164 = /^\+[1-9][0-9]{5,14}$/;
const NOW = Date.UTC(2026, 4, 20, 3, 0, 0);

describe('care traffic plan', () => {
  it('is the same sequence of requests for the same seed and options, and another for another seed', () => {
    const a = planCareTraffic(opts(7), 2000);
    const b = planCareTraffic(opts(7), 2000);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    const c = planCareTraffic(opts(8), 2000);
    expect(JSON.stringify(c)).not.toBe(JSON.stringify(a));
    // ids derive from the seed: no resident ID or username is shared between the two seeds
    const ids = (fs: CareFlow[]) =>
      fs.flatMap((f) => (f.kind === 'registrations' ? [f.customer.idNumber] : []));
    expect(ids(a).filter((x) => new Set(ids(c)).has(x))).toEqual([]);
  });

  it('plans flows until the requested number of requests, never cutting a flow', () => {
    const flows = planCareTraffic(opts(1), 200);
    const total = flows.reduce((n, f) => n + requestsOf(f), 0);
    expect(total).toBeGreaterThanOrEqual(200);
    expect(total - requestsOf(flows[flows.length - 1] as CareFlow)).toBeLessThan(200);
  });

  it('respects the mix exactly in every block of sum(weights) flows', () => {
    const p = new CarePlanner(opts(3));
    for (let block = 0; block < 5; block++) {
      const counts = Object.fromEntries(CARE_KINDS.map((k) => [k, 0]));
      for (let i = 0; i < 100; i++) counts[p.next().kind]!++;
      expect(counts).toEqual(DEFAULT_CARE_MIX);
    }
    const only = planCareTraffic(opts(3, parseMix('faults=1')), 50);
    expect(new Set(only.map((f) => f.kind))).toEqual(new Set(['faults']));
    const skewed = new CarePlanner(opts(3, parseMix('renewals=3,complaints=1')));
    const kinds = Array.from({ length: 400 }, () => skewed.next().kind);
    expect(kinds.filter((k) => k === 'renewals')).toHaveLength(300);
    expect(kinds.filter((k) => k === 'complaints')).toHaveLength(100);
  });

  it('parses --mix and names what is wrong', () => {
    expect(parseMix('registrations=40,orders=20,renewals=20,complaints=10,faults=10')).toEqual(
      DEFAULT_CARE_MIX,
    );
    expect(() => parseMix('orders=1,refunds=2')).toThrow(/unknown kind refunds/);
    expect(() => parseMix('orders')).toThrow(MixError);
    expect(() => parseMix('orders=0')).toThrow(/at least one/);
    expect(() => parseMix('orders=5000')).toThrow(/0\.\.1000/);
  });

  it('generates valid, unique 18-digit resident IDs, numbers, names and passwords', () => {
    const flows = planCareTraffic(opts(42), 6000);
    const regs = flows.filter((f) => f.kind === 'registrations');
    expect(regs.length).toBeGreaterThan(500);
    for (const r of regs) {
      const c = r.customer;
      const id = checkResidentId(c.idNumber, NOW);
      expect(id.ok, c.idNumber).toBe(true);
      expect(c.idNumber).toMatch(/^\d{17}[\dX]$/);
      expect(c.name).toMatch(/^[\u4e00-\u9fa5]{2,3}$/);
      expect(c.mobile).toMatch(/^\+861[3-9]\d{9}$/);
      expect(c.address.street.length).toBeGreaterThan(0);
      expect(r.account.username).toMatch(/^[a-z0-9._-]+$/);
      expect(checkPassword(r.account.password, { phone: c.mobile, username: r.account.username })).toEqual(
        [],
      );
    }
    expect(new Set(regs.map((r) => r.customer.idNumber)).size).toBe(regs.length);
    expect(new Set(regs.map((r) => r.customer.mobile)).size).toBe(regs.length);
    expect(new Set(regs.map((r) => r.account.username)).size).toBe(regs.length);
    // the generators behind them: a bijection of n within a seed
    const many = Array.from({ length: 20_000 }, (_, n) => residentIdOf(9, n));
    expect(new Set(many).size).toBe(many.length);
    expect(many.every((x) => checkResidentId(x, NOW).ok)).toBe(true);
    expect(new Set(Array.from({ length: 20_000 }, (_, n) => mobileOf(9, n, '186'))).size).toBe(20_000);
  });

  it('refers only to lines and customers registered earlier in the plan, or to the demo line', () => {
    const flows = planCareTraffic(opts(5), 3000);
    const lines = new Map<number, string>();
    for (const f of flows) {
      if (f.kind === 'registrations') lines.set(f.seq, f.customer.mobile);
      if (f.kind === 'orders' && 'after' in f.customer) expect(lines.has(f.customer.after)).toBe(true);
      if (f.kind === 'renewals' || f.kind === 'complaints' || f.kind === 'faults') {
        expect(f.target.msisdn).toMatch(E164);
        if (f.target.after === undefined) expect(f.target.msisdn).toBe('+8613800000042');
        else expect(lines.get(f.target.after)).toBe(f.target.msisdn);
        // the business-hall customer acts only on their own line; cash only at the counter
        if (f.user === 'customer') expect(f.target.after).toBeUndefined();
        if (f.kind === 'renewals' && f.method === 'cash') expect(f.user).not.toBe('customer');
      }
      if (f.kind === 'faults' && f.cellId) expect(f.cellId).toMatch(/^[A-Z]{2}-[A-Z]{2}-\d{4}-\d$/);
    }
    const first = flows[0] as CareFlow;
    if (first.kind === 'orders') expect('create' in first.customer).toBe(true);
  });

  it('resolves reservation slots to even China-time hours, 1 hour to 30 days ahead', () => {
    for (const [days, hour] of [
      [2, 8],
      [20, 18],
    ] as const) {
      const at = slotStartMs(NOW, days, hour);
      const local = new Date(at + 8 * 3_600_000);
      expect(local.getUTCHours()).toBe(hour);
      expect(local.getUTCMinutes()).toBe(0);
      expect(at - NOW).toBeGreaterThan(3_600_000);
      expect(at - NOW).toBeLessThan(30 * 86_400_000);
    }
  });

  it('computes nearest-rank percentiles', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(xs, 50)).toBe(50);
    expect(percentile(xs, 99)).toBe(99);
    expect(percentile([], 99)).toBe(0);
    expect(percentile([4], 99)).toBe(4);
  });
});
