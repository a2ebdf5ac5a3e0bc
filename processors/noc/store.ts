import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { RetryableError } from '../../infra/nats/index.ts';
import {
  nocValidators,
  type Complaint,
  type RegionKpiState,
  type SiteState,
  type Ticket,
} from '../../domain/noc/index.ts';

export const NOC_BUCKET = 'noc';

type Check<T> = (v: unknown) => { ok: true; value: T } | { ok: false };

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Shape checks for processor state read back from KV (written only by this code, still never trusted blindly). */
export const checkSite: Check<SiteState> = (v) =>
  isRecord(v) && typeof v.siteId === 'string' && isRecord(v.alarms) && isRecord(v.tickets)
    ? { ok: true, value: v as unknown as SiteState }
    : { ok: false };
export const checkRegionKpi: Check<RegionKpiState> = (v) =>
  isRecord(v) && typeof v.region === 'string' && isRecord(v.cells) && isRecord(v.tickets)
    ? { ok: true, value: v as unknown as RegionKpiState }
    : { ok: false };
export interface TechState {
  offDuty: boolean;
  openTicketIds: string[];
}
export const checkTech: Check<TechState> = (v) =>
  isRecord(v) && typeof v.offDuty === 'boolean' && Array.isArray(v.openTicketIds)
    ? {
        ok: true,
        value: { offDuty: v.offDuty, openTicketIds: v.openTicketIds.filter((x) => typeof x === 'string') },
      }
    : { ok: false };
export const checkTicket: Check<Ticket> = (v) => nocValidators.ticket(v);
export const checkComplaint: Check<Complaint> = (v) => nocValidators.complaint(v);

/** KV keys: only [-/_=.a-zA-Z0-9]. */
export const keys = {
  site: (siteId: string) => `site.${siteId}`,
  kpi: (region: string) => `kpi.${region}`,
  ticket: (id: string) => `ticket.${id}`,
  tech: (id: string) => `tech.${id}`,
  complaint: (id: string) => `complaint.${id}`,
  goodwill: (ticketId: string) => `goodwill.${ticketId}`,
};

const enc = new TextEncoder();
const dec = new TextDecoder();
const isConflict = (err: unknown) =>
  /wrong last sequence|exists|key exists/i.test(String((err as Error)?.message));

/**
 * NOC current state in the NATS KV bucket `noc`: sites (reduced alarms), KPI regions, tickets,
 * technicians, complaints. Every write is a compare-and-set on the revision read.
 */
export class NocStore {
  private constructor(readonly kv: KV) {}

  static async open(nc: NatsConnection): Promise<NocStore> {
    const kv = await new Kvm(nc).create(NOC_BUCKET, { history: 5, description: 'NOC current state' });
    return new NocStore(kv);
  }

  async get<T>(key: string, check: Check<T>): Promise<{ value: T; revision: number } | null> {
    const e = await this.kv.get(key);
    if (!e || e.operation !== 'PUT') return null;
    let parsed: unknown;
    try {
      parsed = JSON.parse(dec.decode(e.value));
    } catch {
      return null;
    }
    const r = check(parsed);
    return r.ok ? { value: r.value, revision: e.revision } : null;
  }

  /** Writes `value` if the key is still at `revision` (0 = must not exist). Throws RetryableError on conflict. */
  async put(key: string, value: unknown, revision: number): Promise<void> {
    const data = enc.encode(JSON.stringify(value));
    try {
      if (revision === 0) await this.kv.create(key, data);
      else await this.kv.update(key, data, revision);
    } catch (err) {
      if (isConflict(err))
        throw new RetryableError('NOC_STATE_CONFLICT', `concurrent update of ${key}`, { cause: err });
      throw err;
    }
  }

  /**
   * Read-modify-write with compare-and-set, retried on conflict. `fn` returns the new value, or
   * null to leave the key unchanged. Returns what is stored afterwards.
   */
  async update<T>(key: string, check: Check<T>, fn: (cur: T | null) => T | null): Promise<T | null> {
    for (let attempt = 0; ; attempt++) {
      const cur = await this.get(key, check);
      const next = fn(cur?.value ?? null);
      if (next === null) return cur?.value ?? null;
      try {
        await this.put(key, next, cur?.revision ?? 0);
        return next;
      } catch (err) {
        if (!(err instanceof RetryableError) || attempt >= 20) throw err;
      }
    }
  }

  /** Creates the key only if absent; false when it already existed. */
  async createOnce(key: string, value: unknown): Promise<boolean> {
    try {
      await this.kv.create(key, enc.encode(JSON.stringify(value)));
      return true;
    } catch (err) {
      if (isConflict(err)) return false;
      throw err;
    }
  }

  /** Every value under a key prefix (e.g. 'ticket.'), valid ones only. */
  async list<T>(prefix: string, check: Check<T>): Promise<T[]> {
    // keys() may name a key twice when it is updated while listing: keep each once.
    const ks = new Set<string>();
    for await (const k of await this.kv.keys(`${prefix}>`)) ks.add(k);
    const out = await Promise.all([...ks].map((k) => this.get(k, check)));
    return out.filter((x): x is { value: T; revision: number } => x !== null).map((x) => x.value);
  }
}
