import { describe, expect, it } from 'vitest';
import { newSubscriber, openingStateAt } from './period.ts';
import { rate } from './rate.ts';
import { loadCatalog } from '../catalog/index.ts';
import catalogJson from '../../catalog/default.json' with { type: 'json' };

const loaded = loadCatalog(catalogJson);
if (!loaded.ok) throw new Error('demo catalog invalid');
const catalog = loaded.catalog;

describe('openingStateAt: a line before its first usage', () => {
  it('a new prepaid line: opening credit less the first fee, full allowances', () => {
    const at = Date.UTC(2026, 10, 1);
    const s = openingStateAt(
      catalog,
      { msisdn: '+8613800000001', planId: 'dazhongka-8', activatedAtMs: at, openingBalanceFen: 5000 },
      at + 3_600_000,
    );
    expect(s.balanceFen).toBe(5000 - 800);
    expect(s.allowances.voice).toEqual({ totalUnits: 1800, usedUnits: 0 });
    expect(s.periodStartMs).toBe(at);
  });

  it('a postpaid line activated months ago is where charging puts it at its first usage', () => {
    const p = { msisdn: '+8613800000002', planId: 'changxiang-128', activatedAtMs: Date.UTC(2026, 8, 10) };
    const now = Date.UTC(2026, 10, 20);
    const s = openingStateAt(catalog, p, now);
    // September (half price, the first-period discount), then October and November in full
    expect(s.balanceFen).toBe(-(6400 + 12800 + 12800));
    expect(s.periodIndex).toBe(2);
    // the same state rating reaches on an SMS sent now, less that SMS
    const sms = {
      type: 'sms' as const,
      cdrId: 'c1',
      neId: 'SMSC-GD-01',
      recordSeq: 1,
      msisdn: p.msisdn,
      imsi: '460001234567890',
      cellId: 'GD-GZ-0012-1',
      startMs: now,
      roaming: false,
      direction: 'mo' as const,
      calledNumber: '+8613900000000',
      region: 'GD',
    };
    const rated = rate(catalog, newSubscriber(catalog, p).state, sms).newState;
    expect({
      ...rated,
      allowances: { ...rated.allowances, sms: s.allowances.sms },
      charges: s.charges,
    }).toEqual(s);
  });
});
