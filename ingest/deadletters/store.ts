import { DeliverPolicy } from '@nats-io/jetstream';
import { DLQ_HEADERS, PipelinedPublisher, isNotFound, type Nats } from '../../infra/nats/index.ts';
import { DeadLetterError, describeDeadLetter, planReprocess, type DeadLetter } from './plan.ts';

export const DLQ_STREAM = 'DLQ';

export interface DeadLetterCount {
  source: string;
  code: string;
  count: number;
}

export interface DeadLetterFilter {
  source?: string | undefined;
  code?: string | undefined;
}

const token = (s: string | undefined) => (s ? s.replace(/[^A-Za-z0-9_-]/g, '_') : '*');
export const filterSubject = (f: DeadLetterFilter) => `dlq.${token(f.source)}.${token(f.code)}`;

/** Dead letters by source and reason code, from the stream's per-subject counts (no scan). */
export async function countDeadLetters(nats: Nats, f: DeadLetterFilter = {}): Promise<DeadLetterCount[]> {
  let subjects: Record<string, number> = {};
  try {
    const info = await nats.jsm.streams.info(DLQ_STREAM, { subjects_filter: filterSubject(f) });
    subjects = info.state.subjects ?? {};
  } catch (err) {
    if (isNotFound(err)) return [];
    throw err;
  }
  return Object.entries(subjects)
    .map(([subject, count]) => {
      const [, source = '', code = ''] = subject.split('.');
      return { source, code, count };
    })
    .sort((a, b) => b.count - a.count || a.source.localeCompare(b.source) || a.code.localeCompare(b.code));
}

/** Oldest first, up to `limit` entries matching the filter (an ordered consumer reads them). */
export async function listDeadLetters(
  nats: Nats,
  f: DeadLetterFilter,
  limit: number,
  fromSeq = 1,
): Promise<{ counts: DeadLetterCount[]; total: number; entries: DeadLetter[]; unreadable: number }> {
  const counts = await countDeadLetters(nats, f);
  const total = counts.reduce((a, c) => a + c.count, 0);
  const entries: DeadLetter[] = [];
  let unreadable = 0;
  const want = Math.min(limit, total);
  if (want > 0) {
    const consumer = await nats.js.consumers.get(DLQ_STREAM, {
      filter_subjects: filterSubject(f),
      ...(fromSeq > 1
        ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: fromSeq }
        : { deliver_policy: DeliverPolicy.All }),
    });
    const iter = await consumer.fetch({ max_messages: want, expires: 3000 });
    for await (const m of iter) {
      try {
        entries.push(describeDeadLetter(m.seq, m.subject, m.headers?.get(DLQ_HEADERS.info), m.data));
      } catch {
        unreadable++;
      }
      if (entries.length + unreadable >= want) break;
    }
    await consumer.delete().catch(() => undefined);
  }
  return { counts, total, entries, unreadable };
}

export interface ReprocessResult {
  republished: number;
  failed: { seq: number; code: string; reason: string }[];
}

async function loadOne(nats: Nats, seq: number): Promise<{ dl: DeadLetter; data: Uint8Array }> {
  let m;
  try {
    m = await nats.jsm.streams.getMessage(DLQ_STREAM, { seq });
  } catch (err) {
    if (isNotFound(err)) throw new DeadLetterError('DLQ_NOT_FOUND', `no dead letter ${seq}`);
    throw err;
  }
  if (!m) throw new DeadLetterError('DLQ_NOT_FOUND', `no dead letter ${seq}`);
  return { dl: describeDeadLetter(m.seq, m.subject, m.header.get(DLQ_HEADERS.info), m.data), data: m.data };
}

/**
 * Sends dead letters back to where they failed (after a fix: the subscriber now exists, the
 * clock caught up, the parser was corrected) and removes each from the DLQ once the stream
 * acknowledged it. One by sequence, or all of a reason (and source). An entry that fails again
 * comes back as a new dead letter with its reason.
 */
export async function reprocessDeadLetters(
  nats: Nats,
  target: { seq: number } | (DeadLetterFilter & { code: string }),
): Promise<ReprocessResult> {
  const pub = new PipelinedPublisher(nats.js, 256);
  const result: ReprocessResult = { republished: 0, failed: [] };
  if ('seq' in target) {
    await reprocessSeqs(nats, pub, [target.seq], result);
    return result;
  }
  // In rounds of 1000 from a cursor: entries that fail stay behind it, new dead letters (a
  // record failing again) land after the last sequence known at the start and wait for the next run.
  const info = await nats.jsm.streams.info(DLQ_STREAM);
  const lastSeq = info.state.last_seq;
  for (let cursor = 1; cursor <= lastSeq;) {
    const { entries } = await listDeadLetters(nats, target, 1000, cursor);
    const seqs = entries.map((e) => e.seq).filter((s) => s <= lastSeq);
    if (seqs.length === 0) break;
    await reprocessSeqs(nats, pub, seqs, result);
    cursor = (seqs[seqs.length - 1] ?? lastSeq) + 1;
  }
  return result;
}

async function reprocessSeqs(
  nats: Nats,
  pub: PipelinedPublisher,
  seqs: number[],
  result: ReprocessResult,
): Promise<void> {
  for (const seq of seqs) {
    try {
      const { dl, data } = await loadOne(nats, seq);
      const plan = planReprocess(dl, data);
      await pub.publishAll([{ subject: plan.subject, data: plan.data, msgId: plan.msgId }], 3);
      await nats.jsm.streams.deleteMessage(DLQ_STREAM, seq, false);
      result.republished++;
    } catch (err) {
      if (err instanceof DeadLetterError) result.failed.push({ seq, code: err.code, reason: err.message });
      // NATS not answering in time: the whole call fails (503) and can be repeated.
      else if ((err as { name?: unknown }).name === 'TimeoutError') throw err;
      // The entry cannot go back (its subject has no stream any more, the stream refused it):
      // reported with the reason, the entry stays in the DLQ, the others still go.
      else
        result.failed.push({
          seq,
          code: 'DLQ_REPUBLISH_FAILED',
          reason: `could not republish: ${err instanceof Error ? err.message : String(err)}`.slice(0, 300),
        });
    }
  }
}
