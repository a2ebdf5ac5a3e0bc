import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import type { JetStreamClient, JsMsg } from '@nats-io/jetstream';
import { partitionOf } from '../../domain/index.ts';
import type { SubscriberState, Provisioning } from '../../domain/rating/index.ts';
import type { Logger } from '../../infra/log/index.ts';
import type { PartitionWorker, SubscriberEntry } from './worker.ts';
import { readRange, type FetchBatch } from './recovery.ts';
import {
  balanceKey,
  chunkKey,
  chunkOf,
  chunksToSave,
  lineKey,
  readSavedValue,
  type StateChunk,
} from './state-chunks.ts';

const enc = new TextEncoder();

export { balanceKey, lineKey } from './state-chunks.ts';
export const checkpointKey = (partition: number) => `rating.p${partition}`;

export interface Checkpoint {
  /** Every input up to here is in the saved states. */
  inputSeq: number;
  /** RATED stream sequence of the last output published at that point (recovery reads from here). */
  ratedSeq: number;
  atMs: number;
  /** How many line states the partition held when it saved (absent in checkpoints before it was kept). */
  states?: number;
}

/**
 * The revisions a partition's writer last read or wrote, per state chunk key and for its
 * checkpoint. Every write is a compare-and-set against them, so a process that lost the
 * partition cannot overwrite what the new holder wrote: its late write (a paused node, a slow
 * link) fails instead of rolling a balance back. The lease says who may write; the fence makes
 * a write that arrives too late harmless.
 */
export interface StateFence {
  chunks: Map<string, number>;
  checkpoint: number;
}

export const newFence = (): StateFence => ({ chunks: new Map(), checkpoint: 0 });

/** Another process wrote this partition's state since this one read it: stop and recover. */
export class StateFencedError extends Error {
  readonly code = 'RATING_STATE_FENCED';
}

const isCasError = (err: unknown) => /wrong last sequence|key exists/i.test(String((err as Error)?.message));

/** Writes `key` only if it is still at `revision` (0: only if it does not exist); returns the new one. */
async function fencedPut(kv: KV, key: string, data: Uint8Array, revision: number): Promise<number> {
  try {
    return revision > 0 ? await kv.update(key, data, revision) : await kv.create(key, data);
  } catch (err) {
    if (isCasError(err))
      throw new StateFencedError(`${key} was written by another process since revision ${revision}`, {
        cause: err,
      });
    throw err;
  }
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

export async function readCheckpoint(
  kv: KV,
  partition: number,
  fence?: StateFence,
): Promise<Checkpoint | null> {
  const e = await kv.get(checkpointKey(partition));
  if (fence) fence.checkpoint = e?.revision ?? 0;
  if (!e || e.operation !== 'PUT') return null;
  const c = e.json<Partial<Record<keyof Checkpoint, unknown>>>();
  if (!Number.isInteger(c?.inputSeq) || !Number.isInteger(c?.ratedSeq)) return null;
  return {
    inputSeq: c.inputSeq as number,
    ratedSeq: c.ratedSeq as number,
    atMs: typeof c.atMs === 'number' ? c.atMs : 0,
    ...(Number.isInteger(c.states) ? { states: c.states as number } : {}),
  };
}

/**
 * Reads the current value of every key matching `filter` in one stream pass (an ordered
 * consumer on the bucket's stream, last value per key), instead of one JetStream API request
 * per key — those queue up and time out when a partition holds many lines. A read that comes
 * back empty with values left goes on through a new consumer, and after 30 such reads fails
 * (`STREAM_READ_STALLED`, see readRange) instead of returning some of them: a partition
 * recovered from part of its states would start the missing lines over from their opening
 * balance.
 */
export async function readBucket(
  js: JetStreamClient,
  bucket: string,
  filter: string,
  /** Filled with each key's revision (deleted keys too), for fenced writes. */
  revisions?: Map<string, number>,
  fetch?: FetchBatch,
): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  const prefix = `$KV.${bucket}.`;
  const visit = (m: JsMsg) => {
    const op = m.headers?.get('KV-Operation');
    const key = m.subject.slice(prefix.length);
    revisions?.set(key, m.seq);
    if (op === 'DEL' || op === 'PURGE') out.delete(key);
    else out.set(key, m.data);
  };
  await readRange(js, `KV_${bucket}`, `${prefix}${filter}`, 1, visit, { lastPerSubject: true, fetch });
  return out;
}

/** Loads the saved states of one partition. Unreadable entries are logged and skipped (replay restores them). */
export async function loadStates(
  js: JetStreamClient,
  partition: number,
  log: Logger,
  fence?: StateFence,
  /** The checkpoint's count of states: fewer found means the read was short, never "start those lines over". */
  expected?: number,
): Promise<Map<string, SubscriberEntry>> {
  const out = new Map<string, SubscriberEntry>();
  let unreadable = 0;
  for (const [k, value] of await readBucket(js, 'balances', `p${partition}.>`, fence?.chunks)) {
    const bad = readSavedValue(value, out);
    unreadable += bad;
    if (bad > 0) log.warn({ key: k, unreadable: bad }, 'unreadable balance state skipped');
  }
  if (expected !== undefined && out.size + unreadable < expected)
    throw new StatesShortError(
      `RATING_STATES_SHORT: partition ${partition} saved ${expected} line states but ${out.size + unreadable} were read; recovering again`,
    );
  return out;
}

/** A partition's saved states read back fewer than its checkpoint counted. */
export class StatesShortError extends Error {
  readonly code = 'RATING_STATES_SHORT';
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
  fence?: StateFence,
): Promise<number> {
  const dirty = worker.dirty.size;
  const through = worker.appliedThrough;
  for (const msisdn of worker.dirty) {
    const entry = worker.states.get(msisdn);
    if (entry) entry.throughSeq = through;
  }
  const chunks = [...chunksToSave(worker.states, worker.dirty)];
  for (let i = 0; i < chunks.length; i += 64) {
    // Every write of the group settles before a failure is thrown: the revisions of those that
    // landed are then in the fence, and a retry does not take its own writes for someone else's.
    const writes = await Promise.allSettled(
      chunks.slice(i, i + 64).map(async ([chunk, entries]) => {
        const key = chunkKey(worker.partition, chunk);
        const data = enc.encode(JSON.stringify({ v: 2, entries } satisfies StateChunk));
        if (!fence) return void (await stores.balances.put(key, data));
        fence.chunks.set(key, await fencedPut(stores.balances, key, data, fence.chunks.get(key) ?? 0));
      }),
    );
    const failed = writes.filter((w): w is PromiseRejectedResult => w.status === 'rejected');
    if (failed.length > 0)
      throw (failed.find((w) => w.reason instanceof StateFencedError) ?? failed[0]!).reason;
  }
  worker.dirty.clear();
  const c: Checkpoint = { inputSeq: through, ratedSeq, atMs: nowMs, states: worker.states.size };
  const key = checkpointKey(worker.partition);
  const data = enc.encode(JSON.stringify(c));
  if (!fence) await stores.checkpoints.put(key, data);
  else fence.checkpoint = await fencedPut(stores.checkpoints, key, data, fence.checkpoint);
  return dirty;
}

/** Every saved subscriber state of every partition (for reconciliation and care reads). */
export async function allStates(js: JetStreamClient): Promise<SubscriberState[]> {
  const out = new Map<string, SubscriberEntry>();
  for (const value of (await readBucket(js, 'balances', '>')).values()) readSavedValue(value, out);
  return [...out.values()].map((e) => e.state);
}

/** One subscriber's saved charging state, or null. */
export async function readBalance(
  kv: KV,
  partitions: number,
  msisdn: string,
): Promise<SubscriberState | null> {
  const p = partitionOf(msisdn, partitions);
  const found = new Map<string, SubscriberEntry>();
  for (const key of [chunkKey(p, chunkOf(msisdn)), balanceKey(p, msisdn)]) {
    const e = await kv.get(key).catch(() => null);
    if (e && e.operation === 'PUT') readSavedValue(e.value, found);
    const hit = found.get(msisdn);
    if (hit) return hit.state;
  }
  return null;
}
