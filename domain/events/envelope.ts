import { Type, type Static } from '@sinclair/typebox';
import { Closed, EpochMs, Id, ShortText } from './common.ts';
import { itemFieldsOf, unpackItems } from './packed.ts';

/**
 * Events travel in batches: one JetStream message carries up to MAX_BATCH items, which is what
 * makes the pipeline fast (DESIGN §7). The message id of the batch is its idempotency key.
 */
export const MAX_BATCH = 1000;

export interface Batch<T> {
  v: 1;
  batchId: string;
  items: T[];
}

export function encodeBatch<T>(batchId: string, items: T[]): Uint8Array {
  return Buffer.from(JSON.stringify({ v: 1, batchId, items } satisfies Batch<T>));
}

/**
 * Parses a batch envelope without trusting its items (they are validated one by one). Packed
 * items (arrays named by the message's `itemFields`, see packed.ts) come back as objects in
 * `batch.items`; `record` is the message as parsed.
 */
export function decodeBatch(data: Uint8Array):
  | {
      ok: true;
      batch: Batch<unknown>;
      /** The whole parsed message (for envelopes with more fields). */ record: Record<string, unknown>;
    }
  | { ok: false; reason: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8'));
  } catch {
    return { ok: false, reason: 'not valid JSON' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    return { ok: false, reason: 'not an object' };
  const b = parsed as Record<string, unknown>;
  if (b.v !== 1) return { ok: false, reason: 'unsupported envelope version (want v=1)' };
  if (typeof b.batchId !== 'string' || b.batchId.length === 0 || b.batchId.length > 128)
    return { ok: false, reason: 'batchId missing or too long' };
  if (!Array.isArray(b.items) || b.items.length > MAX_BATCH)
    return { ok: false, reason: `items must be an array of at most ${MAX_BATCH}` };
  return {
    ok: true,
    batch: { v: 1, batchId: b.batchId, items: unpackItems(b.items, itemFieldsOf(b)) },
    record: b,
  };
}

/** What a dead-letter entry says about the message it keeps (the original bytes are its payload). */
export const DeadLetterInfo = Closed(
  {
    source: ShortText,
    /** Stable machine code, e.g. 'schema', 'unknown_subscriber', 'bad_json'. */
    code: ShortText,
    reason: Type.String({ maxLength: 500 }),
    field: Type.Optional(Type.String({ maxLength: 200 })),
    originalSubject: Type.String({ maxLength: 256 }),
    /** Index of the item inside its batch, when one item of a batch was rejected. */
    itemIndex: Type.Optional(Type.Integer({ minimum: 0 })),
    atMs: EpochMs,
    id: Id,
  },
  { $id: 'DeadLetterInfo' },
);
export type DeadLetterInfo = Static<typeof DeadLetterInfo>;
