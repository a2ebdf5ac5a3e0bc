import { describe, expect, it } from 'vitest';
import { newSubscriber } from '../../domain/rating/index.ts';
import { loadCatalogFile } from '../../runtime/catalog.ts';
import { chunkOf, chunksToSave, readSavedValue, STATE_CHUNKS } from './state-chunks.ts';
import type { SubscriberEntry } from './worker.ts';

const catalog = loadCatalogFile('catalog/default.json');
const line = (n: number, balanceFen = 0): SubscriberEntry => {
  const { state } = newSubscriber(catalog, {
    msisdn: `+86139${String(n).padStart(8, '0')}`,
    planId: 'dazhongka-8',
    activatedAtMs: Date.UTC(2026, 10, 1),
  });
  return { state: { ...state, balanceFen }, throughSeq: 0 };
};
const enc = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));

describe('saved balance chunks', () => {
  it('spreads lines evenly over the chunks', () => {
    const counts = new Array<number>(STATE_CHUNKS).fill(0);
    for (let n = 0; n < 51_200; n++) counts[chunkOf(line(n).state.msisdn)]!++;
    expect(Math.min(...counts)).toBeGreaterThan(50);
    expect(Math.max(...counts)).toBeLessThan(150);
  });

  it('saves every line of a changed chunk, and only changed chunks', () => {
    const states = new Map<string, SubscriberEntry>();
    for (let n = 0; n < 2000; n++) states.set(line(n).state.msisdn, line(n));
    const changed = line(7).state.msisdn;
    const out = chunksToSave(states, [changed]);
    expect([...out.keys()]).toEqual([chunkOf(changed)]);
    const saved = out.get(chunkOf(changed))!.map((e) => e.state.msisdn);
    expect(saved).toContain(changed);
    expect(saved).toEqual([...states.keys()].filter((m) => chunkOf(m) === chunkOf(changed)));
  });

  it('reads chunks and older per-line values, keeping the newer copy of a line', () => {
    const into = new Map<string, SubscriberEntry>();
    const a = line(1, 500);
    const b = line(2, 700);
    expect(readSavedValue(enc({ v: 2, entries: [{ ...a, throughSeq: 40 }, b] }), into)).toBe(0);
    // an older per-line value of line 1 does not replace the chunk's newer one ...
    expect(readSavedValue(enc({ state: { ...a.state, balanceFen: 1 }, throughSeq: 10 }), into)).toBe(0);
    // ... a newer one does
    expect(readSavedValue(enc({ state: { ...b.state, balanceFen: 9 }, throughSeq: 3 }), into)).toBe(0);
    expect(into.get(a.state.msisdn)?.state.balanceFen).toBe(500);
    expect(into.get(b.state.msisdn)).toMatchObject({ throughSeq: 3, state: { balanceFen: 9 } });
  });

  it('counts unreadable entries without dropping the readable ones beside them', () => {
    const into = new Map<string, SubscriberEntry>();
    const bad = readSavedValue(enc({ v: 2, entries: [line(3), { state: { msisdn: 'x' } }, 'junk'] }), into);
    expect(bad).toBe(2);
    expect(into.size).toBe(1);
    expect(readSavedValue(new TextEncoder().encode('{not json'), into)).toBe(1);
  });
});
