import {
  DeliverPolicy,
  type Consumer,
  type FetchOptions,
  type JetStreamClient,
  type JsMsg,
  type MsgRequest,
} from '@nats-io/jetstream';
import { subjects } from '../../infra/nats/index.ts';
import { decodeBatch } from '../../domain/index.ts';
import { outputParts, INPUT_SEQ_HEADER } from './contracts.ts';
import type { ReplayFilter } from './worker.ts';

/**
 * The stream sequence of the first message on `subject` (wildcards allowed) at or after
 * `fromSeq`, or null when there is none: one message-get request. A fetch on an empty range
 * waits out its expiry (1 s) before it can tell, and recovering a partition read three such
 * ranges when it had nothing to replay.
 */
export async function firstSeqFrom(
  js: JetStreamClient,
  stream: string,
  subject: string,
  fromSeq: number,
): Promise<number | null> {
  const jsm = await js.jetstreamManager(false);
  // `next_by_subj` (the first message on the subject at or after `seq`) is in the server's API
  // since 2.9 but not in the client's MsgRequest type.
  const query = { seq: Math.max(1, fromSeq), next_by_subj: subject } as unknown as MsgRequest;
  return (await jsm.streams.getMessage(stream, query))?.seq ?? null;
}

/** Whether `stream` holds any message on `subject` at or after `fromSeq` (see `firstSeqFrom`). */
export async function hasMessageFrom(
  js: JetStreamClient,
  stream: string,
  subject: string,
  fromSeq: number,
): Promise<boolean> {
  return (await firstSeqFrom(js, stream, subject, fromSeq)) !== null;
}

/** One pull of `readRange`: the consumer's own fetch, or a fault injected around it in tests. */
export type FetchBatch = (oc: Consumer, opts: Partial<FetchOptions>) => Promise<AsyncIterable<JsMsg>>;
const fetchBatch: FetchBatch = (oc, opts) => oc.fetch(opts);

/** Empty reads in a row, with the stream saying messages are there, after which `readRange` gives up. */
export const MAX_EMPTY_READS = 30;

export interface ReadRangeOptions {
  /** Stop after this stream sequence (default: the end). */
  toSeq?: number;
  /**
   * Only the newest message of each subject (a KV bucket's current values), in stream order.
   * Every message after the last one read is still either one of those or older than one, so
   * "the stream holds a message after it" means the same as for a plain range: more to read.
   */
  lastPerSubject?: boolean;
  /** The pull itself, replaced in tests to lose answers. */
  fetch?: FetchBatch;
}

/**
 * Reads one subject of a stream from a sequence to its current end, in order, through an
 * ephemeral ordered consumer. `visit` sees every message; reading stops at the last one. A read
 * that comes back empty while the stream still holds messages in the range (an answer lost in an
 * election) goes on from the first message not seen, through a new consumer: the old one counts
 * what the lost answer carried as delivered and would never send it again. After MAX_EMPTY_READS
 * in a row it throws STREAM_READ_STALLED rather than return a short range (the partition's
 * recovery then starts over).
 */
export async function readRange(
  js: JetStreamClient,
  stream: string,
  subject: string,
  fromSeq: number,
  visit: (m: JsMsg) => Promise<void> | void,
  opts: ReadRangeOptions = {},
): Promise<number> {
  const toSeq = opts.toSeq ?? Number.MAX_SAFE_INTEGER;
  const fetch = opts.fetch ?? fetchBatch;
  if (fromSeq > toSeq || !(await hasMessageFrom(js, stream, subject, fromSeq))) return 0;
  // From a given message on, every message is read: the newest value of a key still comes last.
  const open = (seq: number) => js.consumers.get(stream, { filter_subjects: subject, opt_start_seq: seq });
  let oc = await (opts.lastPerSubject
    ? js.consumers.get(stream, { filter_subjects: subject, deliver_policy: DeliverPolicy.LastPerSubject })
    : open(Math.max(1, fromSeq)));
  let read = 0;
  let next = Math.max(1, fromSeq);
  let empty = 0;
  for (;;) {
    const batch = await fetch(oc, { max_messages: 500, expires: 1000 });
    let got = 0;
    let last: JsMsg | undefined;
    let past = false;
    for await (const m of batch) {
      if (m.seq > toSeq) {
        past = true;
        break;
      }
      await visit(m);
      got++;
      read++;
      last = m;
      next = m.seq + 1;
      // At the end of the range: stop now instead of waiting out the fetch's expiry (1 s).
      if (m.info.pending === 0 || m.seq >= toSeq) break;
    }
    if (past || (last && (last.info.pending === 0 || last.seq >= toSeq))) break;
    if (got > 0) {
      empty = 0;
      continue;
    }
    // An empty fetch is the end only if the stream says so: during an election a fetch can come
    // back empty with messages left, and a recovery that stopped there would miss outputs.
    const more = await firstSeqFrom(js, stream, subject, next);
    if (more === null || more > toSeq) break;
    await oc.delete().catch(() => undefined);
    oc = await open(more);
    if (++empty >= MAX_EMPTY_READS) {
      await oc.delete().catch(() => undefined);
      throw new Error(
        `STREAM_READ_STALLED: ${stream} ${subject} has ${more} but ${MAX_EMPTY_READS} reads from ${next} came back empty`,
      );
    }
  }
  await oc.delete().catch(() => undefined);
  return read;
}

export interface PublishedOutputs {
  /** Input sequence → what its output charged. */
  byInput: Map<number, ReplayFilter>;
  /** RATED sequence of the newest output found. */
  lastRatedSeq: number;
}

/** Scans a partition's outputs newer than the checkpoint: which inputs were already answered, and how. */
export async function scanOutputs(
  js: JetStreamClient,
  partition: number,
  afterRatedSeq: number,
): Promise<PublishedOutputs> {
  const byInput = new Map<number, ReplayFilter>();
  let lastRatedSeq = afterRatedSeq;
  await readRange(js, 'RATED', subjects.rated(partition), afterRatedSeq + 1, (m) => {
    lastRatedSeq = Math.max(lastRatedSeq, m.seq);
    const inputSeq = Number(m.headers?.get(INPUT_SEQ_HEADER));
    if (!Number.isInteger(inputSeq) || inputSeq <= 0) return;
    const filter = replayFilterOf(m.data);
    if (filter) byInput.set(inputSeq, filter);
  });
  return { byInput, lastRatedSeq };
}

/**
 * What a published output says its input did: the CDRs it rated and the keys of its ledger
 * entries and notices (a plan change moves no money; its notice is its trace). Null when the
 * message is not an output.
 */
export function replayFilterOf(data: Uint8Array): ReplayFilter | null {
  const d = decodeBatch(data);
  if (!d.ok) return null;
  const cdrIds = new Set<string>();
  const items = d.batch.items;
  for (const i of items as { cdr?: { cdrId?: unknown } }[])
    if (typeof i?.cdr?.cdrId === 'string') cdrIds.add(i.cdr.cdrId);
  const filter: ReplayFilter = { cdrIds, effectKeys: new Set() };
  const parts = outputParts(d.record, items);
  for (const l of [...parts.ledger, ...parts.notifications]) {
    const key = (l as { key?: unknown }).key;
    if (typeof key === 'string') filter.effectKeys.add(key);
  }
  return filter;
}
