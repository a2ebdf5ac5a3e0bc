import { Type, type TSchema } from '@sinclair/typebox';

/** Canonical E.164 with leading '+', e.g. +8613812345678. */
export const E164 = Type.String({ pattern: '^\\+[1-9][0-9]{5,14}$', maxLength: 16 });
/** A dialled number as the network saw it, before normalisation (digits, optional leading '+'). */
export const DialledNumber = Type.String({ pattern: '^\\+?[0-9]{3,20}$', maxLength: 21 });
export const Imsi = Type.String({ pattern: '^[0-9]{15}$' });
export const Imei = Type.String({ pattern: '^[0-9]{14,16}$' });
export const Iccid = Type.String({ pattern: '^[0-9]{19,20}$' });
export const Id = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._:-]+$' });
export const ShortText = Type.String({ minLength: 1, maxLength: 64 });
export const Text = Type.String({ maxLength: 2000 });
/** Epoch milliseconds, bounded to years 2000..2100 so junk timestamps are rejected at the edge. */
export const EpochMs = Type.Integer({ minimum: 946_684_800_000, maximum: 4_102_444_800_000 });
/** Money is always integer fen (分). */
export const AmountFen = Type.Integer({ minimum: -1_000_000_000_00, maximum: 1_000_000_000_00 });
export const Region = Type.String({ minLength: 1, maxLength: 32, pattern: '^[A-Za-z0-9_-]+$' });

/** Every object schema is closed: unknown properties are a validation error, never silently kept. */
export function Closed<T extends Parameters<typeof Type.Object>[0]>(
  props: T,
  opts: { $id?: string; description?: string } = {},
) {
  return Type.Object(props, { additionalProperties: false, ...opts });
}

export type AnySchema = TSchema;
