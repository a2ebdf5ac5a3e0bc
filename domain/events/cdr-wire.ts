import type { Cdr } from './cdr.ts';

/**
 * A normalised CDR as it travels on the CDR stream (`chg.<p>.cdr`): an array of values, one per
 * name in CDR_FIELDS, which the message lists once in its `itemFields` (see packed.ts); an absent
 * optional field is `null`. 330 → 198 bytes per CDR against the same record as an object.
 */
/** The fields of a CDR as a network element sends it (also the columns a CDR file may have). */
export const RAW_CDR_FIELDS = [
  'type',
  'neId',
  'recordSeq',
  'msisdn',
  'imsi',
  'imei',
  'cellId',
  'startMs',
  'roaming',
  'termination',
  'direction',
  'calledNumber',
  'durationSec',
  'apn',
  'bytesUp',
  'bytesDown',
] as const;

/** A normalised CDR on the CDR stream: the raw fields, then what ingest adds. */
export const CDR_FIELDS = [...RAW_CDR_FIELDS, 'cdrId', 'region'] as const;

type AnyCdr = Partial<Record<string, unknown>>;

/** One CDR as the array CDR_FIELDS describes (in that order). */
export function packCdr(cdr: Cdr): unknown[] {
  const c = cdr as AnyCdr;
  return [
    c.type,
    c.neId,
    c.recordSeq,
    c.msisdn,
    c.imsi,
    c.imei ?? null,
    c.cellId,
    c.startMs,
    c.roaming,
    c.termination ?? null,
    c.direction ?? null,
    c.calledNumber ?? null,
    c.durationSec ?? null,
    c.apn ?? null,
    c.bytesUp ?? null,
    c.bytesDown ?? null,
    c.cdrId,
    c.region,
  ];
}

/** A batch of normalised CDRs for the CDR stream; `decodeBatch` gives the objects back. */
export function encodeCdrBatch(batchId: string, cdrs: readonly Cdr[]): Uint8Array {
  return Buffer.from(JSON.stringify({ v: 1, batchId, items: cdrs.map(packCdr), itemFields: CDR_FIELDS }));
}
