import { describe, expect, it } from 'vitest';
import { decodeBatch, unpackItem, validators, type RatedCdr } from '../../domain/index.ts';
import { encodeRatingOutput, outputParts, type RatingOutput } from './contracts.ts';
import { packRated, RATED_ITEM_FIELDS } from './rated-items.ts';
import { sampleCdrs } from '../../tests/support/cdr-samples.ts';

const rated = (cdr: Record<string, unknown>, extra: Partial<RatedCdr> = {}): RatedCdr =>
  ({
    cdr,
    planId: 'dazhongka-8',
    planVersion: 1,
    chargeFen: 12,
    billableUnits: 66,
    unit: 'sec',
    allowanceUsed: 0,
    ratedAtMs: 1_790_000_066_000,
    explanation: 'win=peak',
    ...extra,
  }) as RatedCdr;

/** One of each CDR type, with and without every optional field. */
const [voice, voiceFull, sms, data] = sampleCdrs as unknown as Record<string, unknown>[];
const samples: RatedCdr[] = [
  rated(voice!, { balanceAfterFen: -5 }),
  rated(voiceFull!),
  rated(sms!, { unit: 'sms', billableUnits: 1, breakdownJson: '{"x":1}' }),
  rated(data!, { unit: 'byte', allowanceUsed: 1_000_000, chargeFen: 0, balanceAfterFen: 0 }),
];

describe('rated items on the wire', () => {
  it('reads back exactly the item that was packed, for every CDR type and optional field', () => {
    for (const r of samples) {
      const row = packRated(r);
      expect(row).toHaveLength(RATED_ITEM_FIELDS.length);
      const back = unpackItem(RATED_ITEM_FIELDS, JSON.parse(JSON.stringify(row)));
      expect(back).toEqual(r);
      expect(validators.ratedCdr(back).ok).toBe(true);
    }
  });

  it('encodes an output with named fields, half the bytes, and its ledger indexes still expand', () => {
    const o: RatingOutput = {
      v: 1,
      batchId: 'rt-p0-9',
      partition: 0,
      inputSeq: 9,
      items: samples,
      ledger: [0, 1, 2, 3],
      notifications: [],
    };
    const wire = encodeRatingOutput(o);
    expect(wire.length).toBeLessThan(0.75 * Buffer.byteLength(JSON.stringify(o)));
    const d = decodeBatch(wire);
    if (!d.ok) throw new Error(d.reason);
    expect(d.record.itemFields).toEqual([...RATED_ITEM_FIELDS]);
    expect(d.batch.items).toEqual(samples);
    const keys = outputParts(d.record, d.batch.items).ledger.map((l) => (l as { key: string }).key);
    expect(keys).toEqual(samples.map((r) => `cdr:${r.cdr.cdrId}`));
  });

  it('reads outputs written before (items as objects, no field list) as they are', () => {
    const d = decodeBatch(Buffer.from(JSON.stringify({ v: 1, batchId: 'x', items: samples, ledger: [0] })));
    if (!d.ok) throw new Error(d.reason);
    expect(d.batch.items).toEqual(samples);
    expect((outputParts(d.record, d.batch.items).ledger[0] as { key: string }).key).toBe('cdr:cdr-abc');
  });

  it('leaves what it cannot read for the schema to refuse, naming the field', () => {
    const fields = [...RATED_ITEM_FIELDS, 'cdr.colour'];
    const row = [...packRated(samples[0]!), 'red'];
    const unknownField = validators.ratedCdr(unpackItem(fields, row));
    expect(unknownField.ok ? '' : `${unknownField.error.field} ${unknownField.error.message}`).toMatch(
      /colour|cdr/,
    );
    const short = validators.ratedCdr(unpackItem(RATED_ITEM_FIELDS, packRated(samples[0]!).slice(0, 20)));
    expect(short.ok ? '' : short.error.message).toMatch(/chargeFen/);
    expect(unpackItem(RATED_ITEM_FIELDS, 'not an item')).toBe('not an item');
  });
});
