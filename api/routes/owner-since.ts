import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { validators } from './care/records.ts';

const dec = new TextDecoder();

/** When the line's current owner got it (过户), or 0: a customer reads its history from then on. */
export type OwnerSince = (msisdn: string) => Promise<number>;

/**
 * Reads the line's care record (`care_lines`) for its last change of hands. A customer must not
 * read the previous owner's calls, data sessions or bills, so their reads start at this instant;
 * staff read everything. A line care does not know (or an unreadable record) gives 0.
 */
export function ownerSince(nc: NatsConnection): OwnerSince {
  let kv: Promise<KV> | null = null;
  return async (msisdn) => {
    kv ??= new Kvm(nc).open('care_lines').catch((err: unknown) => {
      kv = null;
      throw err;
    });
    const e = await (await kv).get(msisdn.replace(/^\+/, '')).catch(() => null);
    if (!e || e.operation !== 'PUT') return 0;
    let json: unknown;
    try {
      json = JSON.parse(dec.decode(e.value));
    } catch {
      return 0;
    }
    const v = validators.line(json);
    return v.ok ? (v.value.transfer?.atMs ?? 0) : 0;
  };
}
