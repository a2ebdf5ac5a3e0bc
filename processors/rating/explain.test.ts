import { describe, expect, it } from 'vitest';
import { newSubscriber, rate, sentences } from '../../domain/rating/index.ts';
import { normaliseCdr } from '../../ingest/index.ts';
import { loadCatalogFile } from '../../runtime/catalog.ts';
import { planIdsOf } from '../../runtime/demo.ts';
import { CdrGenerator, population } from '../../simulators/index.ts';
import { Value } from '@sinclair/typebox/value';
import {
  explainCharge,
  explanationText,
  rowExplanationText,
  ShownBreakdown,
  shownBreakdown,
  type StoredRatedCdr,
} from './explain.ts';

const catalog = loadCatalogFile('catalog/default.json');

describe('explainCharge', () => {
  it('re-derives the breakdown and the exact fen of charges taken mid-period, on every plan', () => {
    const start = Date.UTC(2026, 10, 20, 2, 0, 0);
    const subs = population(9, 60, planIdsOf(catalog));
    const states = new Map(
      subs.map((s) => [
        s.e164,
        newSubscriber(catalog, {
          msisdn: s.e164,
          planId: s.planId,
          activatedAtMs: start - 86_400_000,
          openingBalanceFen: 50_000,
        }).state,
      ]),
    );
    const gen = new CdrGenerator(9, subs, start, 0.05); // one CDR every 20 s: crosses time windows
    let charged = 0;
    for (let i = 0; i < 1500; i++) {
      const n = normaliseCdr(gen.next(), start + 10 * 86_400_000);
      if (!n.ok) throw new Error(n.rejection.reason);
      const c = n.cdr;
      const r = rate(catalog, states.get(c.msisdn)!, c);
      states.set(c.msisdn, r.newState);
      if (r.rated.chargeFen > 0) charged++;
      const stored: StoredRatedCdr = {
        cdrId: c.cdrId,
        msisdn: c.msisdn,
        type: c.type,
        startMs: c.startMs,
        durationSec: c.type === 'sms' ? 0 : c.durationSec,
        bytesUp: c.type === 'data' ? c.bytesUp : 0,
        bytesDown: c.type === 'data' ? c.bytesDown : 0,
        called: c.type === 'data' ? '' : c.calledNumber,
        region: c.region,
        cellId: c.cellId,
        roaming: c.roaming,
        direction: c.type === 'data' ? '' : c.direction,
        apn: c.type === 'data' ? c.apn : '',
        neId: c.neId,
        planId: r.rated.planId,
        chargeFen: r.rated.chargeFen,
        allowanceUsed: r.rated.allowanceUsed,
        explanation: r.rated.explanation,
      };
      const e = explainCharge(catalog, stored);
      const say = sentences(r.rated.breakdown, catalog.windows.nameById);
      expect(explanationText(catalog, stored)).toBe(`${say['zh-CN']} | ${say.en}`);
      expect(e.chargeFen, c.cdrId).toBe(r.rated.chargeFen);
      expect(e.consistent).toBe(true);
      expect(e.breakdown.segments).toEqual(r.rated.breakdown.segments);
      // Shown: the pricing as re-derived, the state facts as they really were (or nothing).
      const shown = shownBreakdown(e.breakdown, r.rated.balanceAfterFen ?? null);
      expect(Value.Check(ShownBreakdown, shown)).toBe(true);
      expect(shown.balanceAfterFen).toBe(r.rated.balanceAfterFen ?? null);
      expect(shown.allowance?.drawnUnits ?? 0).toBe(r.rated.allowanceUsed);
      if (shown.allowance) expect(shown.allowance.bucket).toBe(r.rated.breakdown.allowance?.bucket);
      expect(Object.keys(shown.allowance ?? {}).sort()).toEqual(
        shown.allowance ? ['bucket', 'drawnUnits'] : [],
      );
      expect(shown.segments).toEqual(r.rated.breakdown.segments);
    }
    expect(charged).toBeGreaterThan(50); // the sample includes real overage charges, not only allowance
  }, 60_000);

  it('shows the sentences that older versions stored as they are', () => {
    const legacy =
      '通话 1分15秒，国内，高峰时段，收费 0.30元 | Call 1 min 15 s, national, peak, charged 0.30 yuan';
    const row = {
      type: 'voice',
      direction: 'mo',
      duration_sec: 75,
      charge_fen: 30,
      explanation: legacy,
    } as const;
    expect(rowExplanationText(catalog, row)).toBe(legacy);
    expect(rowExplanationText(catalog, { ...row, type: 'mms' })).toBe(legacy); // a type this version does not know
  });
});
