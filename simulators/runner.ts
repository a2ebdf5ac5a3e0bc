import { encodeBatch, type RawCdr } from '../domain/index.ts';
import { PipelinedPublisher, subjects, type Nats } from '../infra/nats/index.ts';
import { CdrGenerator } from './cdr-generator.ts';
import { population, type SimSubscriber } from './population.ts';
import type { SendRecorder } from './recording/index.ts';
import { Timeline, type TrafficShape } from './shape.ts';

export interface SimOptions {
  seed: number;
  subscribers: number;
  /** CDRs per second; 0 = as fast as possible. */
  rate: number;
  /** Stop after this many CDRs (default: run until aborted). */
  total?: number;
  /** Virtual time of the first record (default: now). */
  startMs: number;
  /** CDRs per published message (batches make the pipeline fast). */
  batchSize: number;
  planIds: readonly string[];
  isBarred?: (e164: string) => boolean;
  /** Daily curve and bursts: event times follow them, and so does pacing when rate > 0. */
  shape?: TrafficShape;
  /** Virtual seconds per real second when shaped (3600 = a day in 24 s). Default 1. */
  timeScale?: number;
  /** Gets every message as it is published (for `--record`). */
  recorder?: SendRecorder;
  /** A population built beforehand (default: built from seed and subscribers at start). */
  population?: readonly SimSubscriber[];
}

export interface SimProgress {
  generated: number;
  published: number;
  barredSkipped: number;
  messages: number;
  elapsedMs: number;
}

/**
 * Publishes simulated CDRs as network elements would: batches per NE to `raw.cdr.<neId>`,
 * message id = batch id (deterministic), pipelined. Rate-controlled by elapsed time.
 */
export async function runCdrSimulator(
  nats: Nats,
  o: SimOptions,
  signal: AbortSignal,
  onProgress?: (p: SimProgress) => void,
): Promise<SimProgress> {
  const subs = o.population ?? population(o.seed, o.subscribers, o.planIds);
  const timeline = o.shape ? new Timeline(o.startMs, o.rate || 100_000, o.shape) : undefined;
  const gen = new CdrGenerator(o.seed, subs, o.startMs, o.rate || 100_000, undefined, o.isBarred, timeline);
  const timeScale = o.timeScale ?? 1;
  const pub = new PipelinedPublisher(nats.js, 256);
  const pending = new Map<string, RawCdr[]>();
  const seqByNe = new Map<string, number>();
  const runId = `${o.seed}-${o.startMs}`;
  const p: SimProgress = { generated: 0, published: 0, barredSkipped: 0, messages: 0, elapsedMs: 0 };
  const t0 = Date.now();

  const flushNe = async (neId: string, items: RawCdr[]) => {
    const seq = (seqByNe.get(neId) ?? 0) + 1;
    seqByNe.set(neId, seq);
    const batchId = `${neId}-${runId}-${seq}`;
    const data = encodeBatch(batchId, items);
    const subject = subjects.rawCdr(neId);
    await pub.publish({ subject, data, msgId: batchId });
    await o.recorder?.record(subject, batchId, items.length, data);
    p.published += items.length;
    p.messages++;
  };
  const emit = async (n: number) => {
    for (let i = 0; i < n; i++) {
      const cdr = gen.next();
      p.generated++;
      if (!cdr) {
        p.barredSkipped++;
        continue;
      }
      let list = pending.get(cdr.neId);
      if (!list) pending.set(cdr.neId, (list = []));
      list.push(cdr);
      if (list.length >= o.batchSize) {
        pending.delete(cdr.neId);
        await flushNe(cdr.neId, list);
      }
    }
  };
  const flushAll = async () => {
    for (const [ne, items] of pending) await flushNe(ne, items);
    pending.clear();
    await pub.flush();
  };

  const limit = o.total ?? Number.POSITIVE_INFINITY;
  let lastProgress = 0;
  while (!signal.aborted && p.generated < limit) {
    let due: number;
    if (o.rate > 0) {
      const elapsedMs = Date.now() - t0;
      const shouldHave = timeline
        ? p.generated + dueByTimeline(timeline, o.startMs + elapsedMs * timeScale, o.batchSize * 50)
        : Math.floor((elapsedMs / 1000) * o.rate);
      due = Math.min(limit, shouldHave) - p.generated;
      if (due <= 0) {
        // Low rates: don't hold records back waiting for a full batch.
        await flushAll();
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
    } else {
      due = Math.min(limit - p.generated, o.batchSize * 50);
    }
    await emit(due);
    if (Date.now() - lastProgress > 250) {
      lastProgress = Date.now();
      p.elapsedMs = Date.now() - t0;
      onProgress?.({ ...p });
    }
  }
  await flushAll();
  p.elapsedMs = Date.now() - t0;
  onProgress?.({ ...p });
  return p;
}

/** How many upcoming events of a shaped timeline are due by virtual time `untilMs` (at most `cap`). */
function dueByTimeline(t: Timeline, untilMs: number, cap: number): number {
  // Look ahead on a copy: the generator consumes the real timeline as it emits.
  const probe = t.clone();
  let n = 0;
  while (n < cap && probe.peek() <= untilMs) {
    probe.next();
    n++;
  }
  return n;
}
