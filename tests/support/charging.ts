import { decodeBatch, encodeBatch, type RatedCdr } from '../../domain/index.ts';
import type { JetStreamClient } from '@nats-io/jetstream';
import { subjects, type PublishItem } from '../../infra/nats/index.ts';
import { ingestCdrBatch } from '../../ingest/index.ts';
import { readRange } from '../../processors/rating/recovery.ts';
import { CdrGenerator, population } from '../../simulators/index.ts';

/** Simulated CDRs as ingest publishes them to the charging partitions (`perMessage` raw CDRs per batch). */
export function chargingInputs(o: {
  seed: number;
  lines: number;
  planIds: string[];
  startMs: number;
  cdrs: number;
  perMessage: number;
  partitions: number;
}): PublishItem[] {
  const gen = new CdrGenerator(o.seed, population(o.seed, o.lines, o.planIds), o.startMs, 2);
  const out: PublishItem[] = [];
  for (let b = 0; b < o.cdrs / o.perMessage; b++) {
    const raw = Array.from({ length: o.perMessage }, () => gen.next());
    const r = ingestCdrBatch(encodeBatch(`sim-${b}`, raw), {
      source: 'test',
      subject: 'raw.cdr.test',
      partitions: o.partitions,
      nowMs: Date.now(),
      fallbackId: `b${b}`,
    });
    if (r.rejected.length) throw new Error(`simulated CDRs rejected: ${JSON.stringify(r.rejected[0])}`);
    out.push(...r.publishes);
  }
  return out;
}

/** The CDR ids inside published charging inputs. */
export function inputCdrIds(inputs: PublishItem[]): Set<string> {
  const ids = new Set<string>();
  for (const b of inputs) {
    const d = decodeBatch(b.data);
    if (d.ok) for (const c of d.batch.items as { cdrId: string }[]) ids.add(c.cdrId);
  }
  return ids;
}

/** How often each CDR id was charged, read from every rating output of every partition. */
export async function chargedCounts(
  js: JetStreamClient,
  partitions: number,
  visit?: (data: Uint8Array, items: RatedCdr[]) => void,
): Promise<Map<string, number>> {
  const charged = new Map<string, number>();
  for (let p = 0; p < partitions; p++)
    await readRange(js, 'RATED', subjects.rated(p), 1, (m) => {
      const d = decodeBatch(m.data);
      if (!d.ok) throw new Error(d.reason);
      const items = d.batch.items as RatedCdr[];
      for (const r of items) charged.set(r.cdr.cdrId, (charged.get(r.cdr.cdrId) ?? 0) + 1);
      visit?.(m.data, items);
    });
  return charged;
}
