import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { DeliverPolicy, type JetStreamClient } from '@nats-io/jetstream';
import { compile, partitionOf } from '../../domain/index.ts';
import { SubscriberState, type Provisioning } from '../../domain/rating/index.ts';
import type { Logger } from '../../infra/log/index.ts';
import type { PartitionWorker, SubscriberEntry } from './worker.ts';

const validState = compile(SubscriberState);
const enc = new TextEncoder();
const dec = new TextDecoder();

/** KV keys cannot hold '+': a line's key is its E.164 digits. */
export const lineKey = (msisdn: string) => msisdn.replace(/^\+/, '');
export const balanceKey = (partition: number, msisdn: string) => `p${partition}.${lineKey(msisdn)}`;
export const checkpointKey = (partition: number) => `rating.p${partition}`;

export interface Checkpoint {
  /** Every input up to here is in the saved states. */
  inputSeq: number;
  /** RATED stream sequence of the last output published at that point (recovery reads from here). */
  ratedSeq: number;
  atMs: number;
}

export interface ChargingStores {
  balances: KV;
  checkpoints: KV;
  subscribers: KV;
}

export async function openChargingStores(nc: NatsConnection): Promise<ChargingStores> {
  const kvm = new Kvm(nc);
  return {
    balances: await kvm.open('balances'),
    checkpoints: await kvm.open('checkpoints'),
    subscribers: await kvm.open('subscribers'),
  };
}

/** Looks up lines by number in the provisioning bucket (`subscribers`), in parallel. */
export function provisioningLookup(kv: KV): (msisdns: string[]) => Promise<Map<string, Provisioning>> {
  return async (msisdns) => {
    const found = new Map<string, Provisioning>();
    await Promise.all(
      msisdns.map(async (msisdn) => {
        const e = await kv.get(lineKey(msisdn));
        if (!e || e.operation !== 'PUT') return;
        const p = e.json<Provisioning>();
        if (p && typeof p.planId === 'string' && typeof p.activatedAtMs === 'number')
          found.set(msisdn, { ...p, msisdn });
      }),
    );
    return found;
  };
}

/** Creates provisioning entries that do not exist yet; returns how many were new. */
export async function provisionLines(kv: KV, lines: Provisioning[]): Promise<number> {
  let created = 0;
  for (let i = 0; i < lines.length; i += 500) {
    const chunk = lines.slice(i, i + 500);
    const r = await Promise.all(
      chunk.map((p) =>
        kv.create(lineKey(p.msisdn), enc.encode(JSON.stringify(p))).then(
          () => 1,
          () => 0, // exists already: keep the first provisioning
        ),
      ),
    );
    created += r.reduce<number>((a, b) => a + b, 0);
  }
  return created;
}

export async function readCheckpoint(kv: KV, partition: number): Promise<Checkpoint | null> {
  const e = await kv.get(checkpointKey(partition));
  if (!e || e.operation !== 'PUT') return null;
  const c = e.json<Checkpoint>();
  return Number.isInteger(c?.inputSeq) && Number.isInteger(c?.ratedSeq) ? c : null;
}

/**
 * Reads the current value of every key matching `filter` in one stream pass (an ordered
 * consumer on the bucket's stream, last value per key), instead of one JetStream API request
 * per key — those queue up and time out when a partition holds many lines.
 */
export async function readBucket(
  js: JetStreamClient,
  bucket: string,
  filter: string,
): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  const prefix = `$KV.${bucket}.`;
  const oc = await js.consumers.get(`KV_${bucket}`, {
    filter_subjects: `${prefix}${filter}`,
    deliver_policy: DeliverPolicy.LastPerSubject,
  });
  try {
    for (;;) {
      const batch = await oc.fetch({ max_messages: 1000, expires: 1000 });
      let got = 0;
      let pending = -1;
      for await (const m of batch) {
        got++;
        pending = m.info.pending;
        const op = m.headers?.get('KV-Operation');
        const key = m.subject.slice(prefix.length);
        if (op === 'DEL' || op === 'PURGE') out.delete(key);
        else out.set(key, m.data);
      }
      if (got === 0 || pending === 0) break;
    }
  } finally {
    await oc.delete().catch(() => undefined);
  }
  return out;
}

/** Loads the saved states of one partition. An unreadable entry is logged and skipped (replay restores it). */
export async function loadStates(
  js: JetStreamClient,
  partition: number,
  log: Logger,
): Promise<Map<string, SubscriberEntry>> {
  const out = new Map<string, SubscriberEntry>();
  for (const [k, value] of await readBucket(js, 'balances', `p${partition}.>`)) {
    try {
      const raw = JSON.parse(dec.decode(value)) as { state: unknown; throughSeq: unknown };
      const v = validState(raw.state);
      if (v.ok && typeof raw.throughSeq === 'number')
        out.set(v.value.msisdn, { state: v.value, throughSeq: raw.throughSeq });
      else log.warn({ key: k }, 'unreadable balance state skipped');
    } catch {
      log.warn({ key: k }, 'unreadable balance state skipped');
    }
  }
  return out;
}

/**
 * Saves the states changed since the last checkpoint, then the checkpoint record. A crash in
 * between leaves states newer than the record: each carries its own throughSeq, so recovery
 * never applies an input twice to it.
 */
export async function saveCheckpoint(
  stores: ChargingStores,
  worker: PartitionWorker,
  ratedSeq: number,
  nowMs: number,
): Promise<number> {
  const dirty = [...worker.dirty];
  const through = worker.appliedThrough;
  for (let i = 0; i < dirty.length; i += 1000) {
    await Promise.all(
      dirty.slice(i, i + 1000).map((msisdn) => {
        const entry = worker.states.get(msisdn);
        if (!entry) return Promise.resolve(0);
        entry.throughSeq = through;
        return stores.balances.put(
          balanceKey(worker.partition, msisdn),
          enc.encode(JSON.stringify({ state: entry.state, throughSeq: through })),
        );
      }),
    );
  }
  worker.dirty.clear();
  const c: Checkpoint = { inputSeq: through, ratedSeq, atMs: nowMs };
  await stores.checkpoints.put(checkpointKey(worker.partition), enc.encode(JSON.stringify(c)));
  return dirty.length;
}

/** Every saved subscriber state of every partition (for reconciliation and care reads). */
export async function allStates(js: JetStreamClient): Promise<SubscriberState[]> {
  const out: SubscriberState[] = [];
  for (const value of (await readBucket(js, 'balances', '>')).values()) {
    try {
      const v = validState((JSON.parse(dec.decode(value)) as { state: unknown }).state);
      if (v.ok) out.push(v.value);
    } catch {
      /* unreadable: skipped */
    }
  }
  return out;
}

/** One subscriber's saved charging state, or null. */
export async function readBalance(
  kv: KV,
  partitions: number,
  msisdn: string,
): Promise<SubscriberState | null> {
  const e = await kv.get(balanceKey(partitionOf(msisdn, partitions), msisdn));
  if (!e || e.operation !== 'PUT') return null;
  try {
    const v = validState((JSON.parse(dec.decode(e.value)) as { state: unknown }).state);
    return v.ok ? v.value : null;
  } catch {
    return null;
  }
}
