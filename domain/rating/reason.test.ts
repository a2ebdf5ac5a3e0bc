import { describe, it, expect } from 'vitest';
import { shanghaiMs } from '../catalog/index.ts';
import type { Cdr } from '../events/cdr.ts';
import { rate } from './rate.ts';
import { sentences } from './explain.ts';
import { parseReasonCode, reasonNames, storedSentences } from './reason.ts';
import { data, defaultCatalog, sms, subscriber, voice } from './test-fixtures.ts';

const cat = defaultCatalog();
const names = reasonNames(cat);
const GiB = 1_073_741_824;

/** Every plan × a mix of usage that exercises each part of a sentence. */
function* cases(): Generator<{ planId: string; used: number; cdr: Cdr }> {
  const numbers = ['+8613912345678', '+861087654321', '+12125550100', '+85291234567', '10010'];
  const times = [
    shanghaiMs(2025, 3, 3, 10, 0, 0),
    shanghaiMs(2025, 3, 3, 18, 59, 0), // crosses into the evening window
    shanghaiMs(2025, 3, 3, 23, 58, 0), // crosses into the night
    shanghaiMs(2025, 3, 4, 3, 0, 0),
  ];
  for (const planId of cat.plans.keys())
    for (const used of [0, 0.999, 2])
      // fresh, nearly used up, used up (multiplied by the allowance)
      for (const t of times) {
        for (const n of numbers) {
          yield { planId, used, cdr: voice(t, 61 + (t % 7) * 37, n) };
          yield { planId, used, cdr: voice(t, 240, n, { direction: 'mt', roaming: n.endsWith('8') }) };
          yield { planId, used, cdr: sms(t, n) };
        }
        yield { planId, used, cdr: data(t, 300, 3 * 1_048_576 + 17) };
        yield { planId, used, cdr: data(t, 7200, 2 * GiB, { roaming: true, bytesUp: 5000 }) };
        yield { planId, used, cdr: data(t, 0, 0) };
      }
}

describe('reason code: the explanation a rated record carries', () => {
  it('renders on read to exactly the sentences rating produced, for every plan and kind of usage', () => {
    let checked = 0;
    for (const { planId, used, cdr } of cases()) {
      const s0 = subscriber(cat, planId, { openingBalanceFen: 50_000 });
      const a = s0.allowances;
      const s = subscriber(cat, planId, {
        openingBalanceFen: 50_000,
        used: {
          voice: Math.floor(a.voice.totalUnits * used),
          sms: Math.floor(a.sms.totalUnits * used),
          data: Math.floor(a.data.totalUnits * used),
        },
      });
      const r = rate(cat, s, cdr).rated;
      const code = parseReasonCode(r.explanation);
      expect(code, r.explanation).not.toBeNull();
      const stored = {
        type: cdr.type,
        direction: cdr.type === 'data' ? '' : cdr.direction,
        durationSec: cdr.type === 'sms' ? 0 : cdr.durationSec,
        bytesUp: cdr.type === 'data' ? cdr.bytesUp : 0,
        bytesDown: cdr.type === 'data' ? cdr.bytesDown : 0,
        roaming: cdr.roaming,
        allowanceUsed: r.allowanceUsed,
        chargeFen: r.chargeFen,
      };
      expect(storedSentences(stored, code!, names)).toEqual(sentences(r.breakdown, cat.windows.nameById));
      checked++;
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it('is short ASCII holding the destination, windows, increments, free units and notes', () => {
    const night = shanghaiMs(2025, 3, 4, 1, 0, 0);
    const r = rate(cat, subscriber(cat, 'changxiang-128'), voice(shanghaiMs(2025, 3, 3, 18, 59, 0), 120));
    expect(r.rated.explanation).toBe('dest=national;win=peak+offpeak;inc=60/6');
    const d = rate(
      cat,
      subscriber(cat, 'liuliangwang-39'),
      data(night, 600, 5 * 1_048_576, { roaming: true }),
    );
    expect(d.rated.explanation).toMatch(/^win=night;inc=\d+\/\d+(;free=\d+)?;notes=roaming/);
    expect(parseReasonCode(d.rated.explanation)).toMatchObject({ destination: null, windows: ['night'] });
  });

  it('round-trips through parse', () => {
    const code = {
      destination: 'intl_na',
      windows: ['peak', 'offpeak'],
      increments: { firstUnits: 60, nextUnits: 6 },
      freeUnits: 1024,
      notes: ['roaming', 'no_allowance_roaming'],
    };
    const text = 'dest=intl_na;win=peak+offpeak;inc=60/6;free=1024;notes=roaming+no_allowance_roaming';
    expect(parseReasonCode(text)).toEqual(code);
    expect(parseReasonCode('win=')).toEqual({
      ...code,
      destination: null,
      windows: [],
      increments: null,
      freeUnits: 0,
      notes: [],
    });
  });

  it('reads anything else — the sentences older versions stored, free text — as not a code', () => {
    for (const text of [
      '',
      '通话 1分15秒 | Call 1 min 15 s',
      'flat rate',
      'voice 60s = 1 started min × 10 fen',
      'dest=national', // no windows
      'win=peak;inc=60', // increments need both parts
      'win=peak;inc=60/6/1',
      'win=peak;free=-1',
      'win=peak;colour=red',
      'win=pe ak',
      'win=peak;',
    ])
      expect(parseReasonCode(text), text).toBeNull();
  });

  it('shows an id the catalog no longer names as the id itself', () => {
    const code = parseReasonCode('dest=retired_class;win=gone')!;
    const u = {
      type: 'voice' as const,
      direction: 'mo',
      durationSec: 60,
      bytesUp: 0,
      bytesDown: 0,
      roaming: false,
      allowanceUsed: 0,
      chargeFen: 15,
    };
    expect(storedSentences(u, code, names)).toEqual({
      'zh-CN': '通话 1分0秒，retired_class，gone，收费 0.15元',
      en: 'Call 1 min 0 s, retired_class, gone, charged 0.15 yuan',
    });
  });
});
