import { describe, expect, it } from 'vitest';
import { decodeBatch, encodeBatch } from './envelope.ts';
import { CDR_FIELDS, encodeCdrBatch, packCdr } from './cdr-wire.ts';
import { unpackItem, unpackItems } from './packed.ts';
import { validators } from './index.ts';
import { sampleCdrs } from '../../tests/support/cdr-samples.ts';

const cdrs = sampleCdrs;

const decoded = (data: Uint8Array) => {
  const d = decodeBatch(data);
  if (!d.ok) throw new Error(d.reason);
  return d;
};

describe('packed items', () => {
  it('gives back exactly the CDRs that were packed, valid, for every type and optional field', () => {
    for (const c of cdrs) expect(validators.cdr(c).ok).toBe(true);
    const d = decoded(encodeCdrBatch('in-1', cdrs));
    expect(d.record.itemFields).toEqual([...CDR_FIELDS]);
    expect(d.batch.items).toEqual(cdrs);
    for (const item of d.batch.items) expect(validators.cdr(item).ok).toBe(true);
  });

  it('takes fewer bytes than the same CDRs as objects (the field list is paid once per message)', () => {
    const batch = Array.from({ length: 100 }, (_, i) => cdrs[i % cdrs.length]!);
    const packed = encodeCdrBatch('in-1', batch).length;
    expect(packed).toBeLessThan(0.7 * encodeBatch('in-1', batch).length);
  });

  it('reads batches written as objects as they are', () => {
    expect(decoded(encodeBatch('in-1', cdrs)).batch.items).toEqual(cdrs);
  });

  it('puts one-level names into a nested object and leaves nulls out', () => {
    expect(unpackItem(['a', 'cdr.b', 'cdr.c', 'd'], [1, 'x', null, null])).toEqual({ a: 1, cdr: { b: 'x' } });
  });

  it('leaves what it cannot name for the schema to refuse, naming the field', () => {
    const row = [...packCdr(cdrs[0]!), 'red'];
    const extra = validators.cdr(unpackItem(CDR_FIELDS, row));
    expect(extra.ok ? '' : `${extra.error.field} ${extra.error.message}`).toMatch(/field18/);
    const short = validators.cdr(unpackItem(CDR_FIELDS, packCdr(cdrs[0]!).slice(0, 5)));
    expect(short.ok).toBe(false);
    expect(unpackItem(CDR_FIELDS, 'not an item')).toBe('not an item');
    // A field list that is not a list of names unpacks nothing: the rows reach the schema as arrays.
    const bad = decoded(
      Buffer.from(JSON.stringify({ v: 1, batchId: 'x', items: [[1]], itemFields: [1, 2] })),
    );
    expect(bad.batch.items).toEqual([[1]]);
    expect(unpackItems([[1]], null)).toEqual([[1]]);
  });
});
