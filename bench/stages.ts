import { encodeBatch, type RawCdr } from '../domain/index.ts';
import { ingestCdrBatch, MAX_CDRS_PER_MESSAGE, mergeGroups } from '../ingest/index.ts';
import { encodeRatingOutput, PartitionWorker } from '../processors/rating/index.ts';
import { ratedCdrSink } from '../processors/sink/index.ts';
import type { ArrayRows } from '../infra/clickhouse/index.ts';
import { loadCatalogFile } from '../runtime/catalog.ts';
import { planIdsOf } from '../runtime/demo.ts';
import { CdrGenerator, population } from '../simulators/index.ts';

export interface StagesOptions {
  cdrs: number;
  partitions: number;
  subscribers: number;
  batchSize: number;
}

interface Cost {
  /** Elapsed per CDR, one thread. */
  wallUs: number;
  /** CPU of the whole process per CDR (includes V8's GC helper threads). */
  cpuUs: number;
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function timed<T>(cdrs: number, f: () => T | Promise<T>): Promise<[T, Cost]> {
  const c0 = cpuMs();
  const t0 = performance.now();
  const out = await f();
  const perCdr = (ms: number) => Number(((ms * 1000) / cdrs).toFixed(2));
  return [out, { wallUs: perCdr(performance.now() - t0), cpuUs: perCdr(cpuMs() - c0) }];
}

/**
 * Where a CDR's CPU goes, stage by stage, measured alone on one thread with the pipeline's own
 * code and no NATS or ClickHouse: the ingest decision (validate, normalise, partition, encode
 * the CDR-stream messages), rating (decode, dedup, rate, encode the RATED output) and the rated
 * sink's rows (decode, validate, row arrays; not the Native block or the insert). Run once to
 * warm up, then measured. Read it beside `npm run bench`: the difference between the two is what
 * the hops (NATS, ClickHouse, threads, GC under contention) cost.
 */
export async function run(o: StagesOptions): Promise<Record<string, unknown>> {
  const catalog = loadCatalogFile('catalog/default.json');
  const startMs = Date.now() - 2 * 3_600_000;
  const lines = population(1, o.subscribers, planIdsOf(catalog));
  const gen = new CdrGenerator(1, lines, startMs, 1000);
  const raw: Uint8Array[] = [];
  for (let b = 0; b * o.batchSize < o.cdrs; b++) {
    const items: RawCdr[] = [];
    for (let i = 0; i < o.batchSize && b * o.batchSize + i < o.cdrs; i++) items.push(gen.next()!);
    raw.push(encodeBatch(`bench-${b}`, items));
  }
  const provisioning = new Map(
    lines.map((s) => [
      s.e164,
      { msisdn: s.e164, planId: s.planId, activatedAtMs: startMs - 86_400_000, openingBalanceFen: 10_000 },
    ]),
  );
  const bytes = (list: Uint8Array[]) => Math.round(list.reduce((n, m) => n + m.length, 0) / o.cdrs);

  let result: Record<string, unknown> = {};
  // Round 0 warms the code up (JIT); round 1 is reported. Each round rates from fresh state.
  for (let round = 0; round < 2; round++) {
    const [chg, ingest] = await timed(o.cdrs, () => {
      const out: { subject: string; data: Uint8Array }[] = [];
      // As the ingest consumer does: up to 200 raw messages merged per partition message.
      for (let i = 0; i < raw.length; i += 200) {
        const groups = raw.slice(i, i + 200).map(
          (data, k) =>
            ingestCdrBatch(data, {
              source: 'nats',
              subject: 'raw.cdr.NE-1',
              partitions: o.partitions,
              nowMs: Date.now(),
              fallbackId: `RAW-${i + k}`,
            }).groups,
        );
        out.push(...mergeGroups(groups, `in-${round}-${i}`, MAX_CDRS_PER_MESSAGE));
      }
      return out;
    });
    const workers = Array.from(
      { length: o.partitions },
      (_, p) =>
        new PartitionWorker(
          catalog,
          p,
          (msisdns) => Promise.resolve(new Map(msisdns.map((m) => [m, provisioning.get(m)!]))),
          () => Date.now(),
        ),
    );
    let seq = 0;
    const [rated, rating] = await timed(o.cdrs, async () => {
      const out: Uint8Array[] = [];
      for (const m of chg) {
        const p = Number(m.subject.split('.')[1]);
        const applied = await workers[p]!.apply({ seq: ++seq, subject: m.subject, data: m.data });
        out.push(encodeRatingOutput(applied.output));
      }
      return out;
    });
    const [rows, sink] = await timed(o.cdrs, () => {
      let n = 0;
      for (const [i, data] of rated.entries()) {
        const r = ratedCdrSink.toRows({ seq: i + 1, data });
        if ('rows' in r) n += (r.rows as ArrayRows).values.length;
      }
      return n;
    });
    const total = ingest.cpuUs + rating.cpuUs + sink.cpuUs;
    result = {
      scenario: 'stages',
      options: { cdrs: o.cdrs, partitions: o.partitions, subscribers: o.subscribers, batchSize: o.batchSize },
      // Every CDR became a row: the stages did the pipeline's work, not less.
      rowsWritten: rows,
      ok: rows === o.cdrs,
      usPerCdr: { ingest, rating, sink, totalCpu: Number(total.toFixed(2)) },
      bytesPerCdr: { raw: bytes(raw), cdrStream: bytes(chg.map((m) => m.data)), rated: bytes(rated) },
      // 100k CDR/s on this 2-core machine leaves 20 µs of CPU per CDR for everything, hops included.
      budgetUsPerCdrAt100k: Number(((2 * 1_000_000) / 100_000).toFixed(2)),
    };
  }
  return result;
}
