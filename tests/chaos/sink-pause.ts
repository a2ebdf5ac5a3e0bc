/**
 * Chaos: ClickHouse unavailable for `pauseMs` while traffic continues. With embedded ClickHouse
 * the database lives inside the sink process, so the sink process is frozen (SIGSTOP) and thawed
 * (SIGCONT): no insert, no ack, no heartbeat, its NATS connection possibly dropped by the server
 * as a slow consumer. Afterwards: nothing dead-lettered, everything caught up, the catch-up time.
 */
import { CdrFeed, type FeedFigures } from './feed.ts';
import { booksOk, checkBooks, startPipeline, type BooksFigures, type Positions } from './pipeline.ts';

export interface SinkPauseOptions {
  seed: number;
  lines: number;
  partitions: number;
  /** Role lists, one process each; one of them must be exactly 'sink'. */
  processes: string[];
  ratePerSec: number;
  /** See PipelineOptions.ackWaitSec (default: the product's). */
  ackWaitSec?: number;
  /** Streaming before the pause, and after the thaw. */
  warmupMs: number;
  afterMs: number;
  pauseMs: number;
}

export interface SinkPauseFigures extends BooksFigures {
  pauseMs: number;
  /** RATED messages waiting for the sink when it was thawed. */
  backlogAtResume: number;
  /** Thaw → the sink acked everything rated by the moment of the thaw. */
  catchUpMs: number | null;
  /** Rated messages per second the sink took in while catching up. */
  catchUpMsgsPerSec: number | null;
  feed: FeedFigures;
  drainMs: number;
  durationMs: number;
  ok: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runSinkPause(o: SinkPauseOptions): Promise<SinkPauseFigures> {
  const t0 = Date.now();
  const total = o.warmupMs + o.pauseMs + o.afterMs;
  const startMs = Date.now() - Math.max(6 * 3_600_000, ((o.ratePerSec * total) / 1000) * 1000);
  const p = await startPipeline({ ...o, startMs });
  try {
    const sink = p.roles.get('sink');
    if (!sink) throw new Error("sink-pause needs a process running only the 'sink' role");
    const feed = new CdrFeed(p.nats, { ...o, startMs, paymentEvery: 40 });
    const feeding = feed.run(Date.now() + total);
    await sleep(o.warmupMs);
    sink.pause();
    await sleep(o.pauseMs);
    let atResume: Positions | undefined;
    while (!(atResume = await p.positions())) await sleep(100);
    sink.resume();
    const resumed = Date.now();
    let catchUpMs: number | null = null;
    while (Date.now() - resumed < 180_000) {
      const now = await p.positions();
      if (now && now.sinkAck >= atResume.ratedLast) {
        catchUpMs = Date.now() - resumed;
        break;
      }
      await sleep(100);
    }
    const fed = await feeding;
    const drainMs = catchUpMs === null ? -1 : await p.drain(180_000);
    const backlogAtResume = atResume.ratedLast - atResume.sinkAck;
    const { books } = await checkBooks(p, o.partitions, feed.inputIds);
    return {
      pauseMs: o.pauseMs,
      backlogAtResume,
      catchUpMs,
      catchUpMsgsPerSec: catchUpMs ? Math.round((backlogAtResume / catchUpMs) * 1000) : null,
      feed: fed,
      drainMs,
      ...books,
      durationMs: Date.now() - t0,
      ok: catchUpMs !== null && backlogAtResume > 0 && booksOk(books),
    };
  } finally {
    await p.close();
  }
}
