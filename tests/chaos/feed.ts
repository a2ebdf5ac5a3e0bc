/**
 * A network element streaming raw CDR batches into the pipeline at a steady rate, as a real
 * publisher would: each batch has a stable message id, and a publish that fails or times out
 * (nats-server down) is retried with the same id until the stream acknowledges it, so the
 * JetStream dedup window turns retries into no-ops. Plus a top-up now and then.
 */
import { decodeBatch, encodeBatch, type Cdr } from '../../domain/index.ts';
import { PipelinedPublisher, subjects, type Nats, type PublishItem } from '../../infra/nats/index.ts';
import { ingestCdrBatch } from '../../ingest/index.ts';
import { sendPayment } from '../../processors/rating/index.ts';
import { planIdsOf } from '../../runtime/demo.ts';
import { CdrGenerator, population } from '../../simulators/index.ts';
import { catalog } from './pipeline.ts';

export interface FeedOptions {
  seed: number;
  lines: number;
  partitions: number;
  startMs: number;
  /** CDRs per second (in batches of 100). */
  ratePerSec: number;
  /** A top-up every this many batches (0: none). */
  paymentEvery?: number;
}

export interface FeedFigures {
  batches: number;
  cdrs: number;
  payments: number;
  /** Publish rounds that failed (server down, timeout) and were sent again with the same ids. */
  retriedRounds: number;
  /** Publishes the stream acknowledged as duplicates (a retry of something it already had). */
  dedupDropped: number;
  /** Longest time one round took to be acknowledged, retries included. */
  longestRoundMs: number;
}

const BATCH = 100;

export class CdrFeed {
  readonly inputIds = new Set<string>();
  readonly figures: FeedFigures = {
    batches: 0,
    cdrs: 0,
    payments: 0,
    retriedRounds: 0,
    dedupDropped: 0,
    longestRoundMs: 0,
  };
  private readonly gen: CdrGenerator;
  private readonly msisdns: string[];
  private stopped = false;

  constructor(
    private readonly nats: Nats,
    private readonly o: FeedOptions,
  ) {
    const subs = population(o.seed, o.lines, planIdsOf(catalog));
    this.msisdns = subs.map((s) => s.e164);
    this.gen = new CdrGenerator(o.seed, subs, o.startMs, 2);
  }

  /** The next raw batch, with the ids ingest will give its CDRs recorded as expected input. */
  private nextBatch(b: number): PublishItem {
    const raw = Array.from({ length: BATCH }, () => this.gen.next());
    const data = encodeBatch(`chaos-${this.o.seed}-${b}`, raw);
    const r = ingestCdrBatch(data, {
      source: 'chaos',
      subject: 'raw.cdr.chaos',
      partitions: this.o.partitions,
      nowMs: Date.now(),
      fallbackId: `b${b}`,
    });
    if (r.rejected.length) throw new Error(`simulated CDRs rejected: ${JSON.stringify(r.rejected[0]?.info)}`);
    for (const pb of r.publishes) {
      const d = decodeBatch(pb.data);
      if (d.ok) for (const c of d.batch.items as Cdr[]) this.inputIds.add(c.cdrId);
    }
    return { subject: subjects.rawCdr('chaos'), data, msgId: `chaos-${this.o.seed}-${b}` };
  }

  /** Publishes one round until acknowledged, retrying with the same message ids. */
  private async round(items: PublishItem[], payment: number | undefined): Promise<void> {
    const t0 = Date.now();
    for (let attempt = 0; ; attempt++) {
      const pub = new PipelinedPublisher(this.nats.js, 32, 4000);
      try {
        for (const it of items) await pub.publish(it);
        if (payment !== undefined)
          await sendPayment(pub, this.o.partitions, {
            paymentId: `chaos-${this.o.seed}-${payment}`,
            msisdn: this.msisdns[payment % this.msisdns.length]!,
            amountFen: 5000,
            purpose: 'top_up',
            atMs: this.o.startMs + payment * 1000,
          });
        await pub.flush();
        this.figures.dedupDropped += pub.stats.duplicates;
        break;
      } catch {
        await pub.flush().catch(() => undefined);
        this.figures.dedupDropped += pub.stats.duplicates;
        this.figures.retriedRounds++;
        if (Date.now() - t0 > 180_000) throw new Error(`feed could not publish for 3 min (${attempt} tries)`);
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    this.figures.longestRoundMs = Math.max(this.figures.longestRoundMs, Date.now() - t0);
  }

  /** Streams until `untilMs` (wall clock) or `maxCdrs`, whichever comes first. */
  async run(untilMs: number, maxCdrs = Number.MAX_SAFE_INTEGER): Promise<FeedFigures> {
    const perTick = Math.max(1, Math.round(this.o.ratePerSec / BATCH / 10)); // 10 rounds a second
    const t0 = Date.now();
    let sent = 0;
    let b = this.figures.batches;
    while (!this.stopped && Date.now() < untilMs && this.figures.cdrs < maxCdrs) {
      const n = Math.min(perTick, Math.ceil((maxCdrs - this.figures.cdrs) / BATCH));
      const items = Array.from({ length: n }, () => this.nextBatch(b++));
      const every = this.o.paymentEvery ?? 0;
      const payAt = every ? items.findIndex((_, i) => (b - items.length + i) % every === 0) : -1;
      const payment = payAt >= 0 ? b - items.length + payAt : undefined;
      await this.round(items, payment);
      this.figures.batches += items.length;
      this.figures.cdrs += items.length * BATCH;
      sent += items.length * BATCH;
      if (payment !== undefined) this.figures.payments++;
      const due = t0 + (sent / this.o.ratePerSec) * 1000;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    return this.figures;
  }

  stop(): void {
    this.stopped = true;
  }
}
