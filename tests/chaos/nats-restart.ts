/**
 * Chaos: the nats-server SIGKILLed every ~`killEveryMs` and restarted on the same port and store
 * while CDRs stream through the real roles (ingest → rating → sink, separate processes that
 * must reconnect), the publisher retrying with the same message ids. Per restart: how long until
 * each stage moves again. At the end: nothing lost, nothing charged or stored twice.
 */
import { CdrFeed, type FeedFigures } from './feed.ts';
import { booksOk, checkBooks, startPipeline, type BooksFigures, type Positions } from './pipeline.ts';

export interface NatsRestartOptions {
  seed: number;
  lines: number;
  partitions: number;
  /** Role lists, one process each. */
  processes: string[];
  ratePerSec: number;
  /** See PipelineOptions.ackWaitSec (default: the product's). */
  ackWaitSec?: number;
  streamMs: number;
  killEveryMs: number;
  /** Give up waiting for a stage to move again after this long. */
  recoveryTimeoutMs?: number;
}

export interface Recovery {
  /** Kill → restarted server ready. */
  downMs: number;
  /** From ready until each stage moves again: ingest acks raw input, rating publishes output, the sink acks (inserted) output. */
  ingestMs: number | null;
  ratingMs: number | null;
  sinkMs: number | null;
  /** The longest of the three: the whole pipeline moves again (null: it did not in time). */
  recoveryMs: number | null;
  /** From ready until the sink has acked everything rated before the kill (in-flight work redelivered after its ack wait). */
  caughtUpMs: number | null;
}

export interface NatsRestartFigures extends BooksFigures {
  restarts: number;
  recoveries: Recovery[];
  maxRecoveryMs: number | null;
  maxCaughtUpMs: number | null;
  feed: FeedFigures;
  drainMs: number;
  durationMs: number;
  ok: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runNatsRestart(o: NatsRestartOptions): Promise<NatsRestartFigures> {
  const t0 = Date.now();
  const expected = Math.ceil((o.ratePerSec * o.streamMs) / 1000);
  const startMs = Date.now() - Math.max(6 * 3_600_000, expected * 1000);
  const p = await startPipeline({ ...o, startMs });
  try {
    const feed = new CdrFeed(p.nats, { ...o, startMs, paymentEvery: 40 });
    const feeding = feed.run(Date.now() + o.streamMs);
    let done = false;
    void feeding.finally(() => (done = true)).catch(() => undefined);
    const recoveries: Recovery[] = [];
    const timeout = o.recoveryTimeoutMs ?? 120_000;
    for (;;) {
      await sleep(o.killEveryMs * (0.75 + Math.random() * 0.5));
      if (done) break;
      let before: Positions | undefined;
      while (!(before = await p.positions())) await sleep(100);
      const { downMs } = await p.restartNats();
      const ready = Date.now();
      const r: Recovery = {
        downMs,
        ingestMs: null,
        ratingMs: null,
        sinkMs: null,
        recoveryMs: null,
        caughtUpMs: null,
      };
      let base: Positions | undefined;
      const pending = () => [r.ingestMs, r.ratingMs, r.sinkMs, r.caughtUpMs].includes(null);
      while (Date.now() - ready < timeout && pending()) {
        const now = await p.positions();
        if (now) {
          base ??= now;
          const at = Date.now() - ready;
          if (r.ingestMs === null && now.ingestAcked > base.ingestAcked) r.ingestMs = at;
          if (r.ratingMs === null && now.ratedLast > base.ratedLast) r.ratingMs = at;
          if (r.sinkMs === null && now.sinkAcked > base.sinkAcked) r.sinkMs = at;
          if (r.caughtUpMs === null && now.sinkAck >= before.ratedLast) r.caughtUpMs = at;
          // Nothing new to move (the feed ended): a stage counts as recovered once it is caught up.
          if (done && r.ingestMs === null && now.ingestAck >= now.rawLast) r.ingestMs = at;
          if (done && r.ratingMs === null && r.ingestMs !== null) r.ratingMs = at;
          if (r.sinkMs === null && r.caughtUpMs !== null) r.sinkMs = at;
        }
        await sleep(100);
      }
      if (r.ingestMs !== null && r.ratingMs !== null && r.sinkMs !== null)
        r.recoveryMs = Math.max(r.ingestMs, r.ratingMs, r.sinkMs);
      recoveries.push(r);
      if (r.recoveryMs === null || r.caughtUpMs === null) break;
    }
    const fed = await feeding;
    const stuck = recoveries.some((r) => r.recoveryMs === null || r.caughtUpMs === null);
    const drainMs = stuck ? -1 : await p.drain(180_000);
    const { books } = await checkBooks(p, o.partitions, feed.inputIds);
    const max = (xs: (number | null)[]) => (xs.includes(null) ? null : Math.max(0, ...(xs as number[])));
    return {
      restarts: recoveries.length,
      recoveries,
      maxRecoveryMs: max(recoveries.map((r) => r.recoveryMs)),
      maxCaughtUpMs: max(recoveries.map((r) => r.caughtUpMs)),
      feed: fed,
      drainMs,
      ...books,
      durationMs: Date.now() - t0,
      ok: !stuck && recoveries.length > 0 && booksOk(books),
    };
  } finally {
    await p.close();
  }
}
