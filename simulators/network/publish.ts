import { encodeBatch, type KpiSample, type NeAlarm } from '../../domain/index.ts';
import { PipelinedPublisher, subjects, type Nats } from '../../infra/nats/index.ts';
import type { NetworkEvents } from './scenarios.ts';

export interface PublishNetworkOptions {
  /** Items per message. */
  batchSize?: number;
  /** Replay in real time relative to the first event (default: as fast as possible). */
  realTime?: boolean;
  /** Called after each message with the items sent so far. */
  onProgress?: (sent: number, total: number) => void;
  signal?: AbortSignal;
}

/**
 * Publishes scenario events as the NEs would: batches per region to `net.alarm.<region>` and
 * `net.kpi.<region>`, message id = batch id (derived from the first event id: a re-run is deduplicated).
 */
export async function publishNetworkEvents(
  nats: Nats,
  ev: NetworkEvents,
  o: PublishNetworkOptions = {},
): Promise<number> {
  const pub = new PipelinedPublisher(nats.js, 256);
  const size = Math.max(1, o.batchSize ?? 100);
  const items: ({ kind: 'alarm'; a: NeAlarm } | { kind: 'kpi'; k: KpiSample })[] = [
    ...ev.kpis.map((k) => ({ kind: 'kpi' as const, k })),
    ...ev.alarms.map((a) => ({ kind: 'alarm' as const, a })),
  ].sort((x, y) => (x.kind === 'kpi' ? x.k.atMs : x.a.atMs) - (y.kind === 'kpi' ? y.k.atMs : y.a.atMs));
  const total = items.length;
  const t0 = Date.now();
  const first = items[0] ? (items[0].kind === 'kpi' ? items[0].k.atMs : items[0].a.atMs) : 0;
  let sent = 0;
  for (let i = 0; i < items.length && !o.signal?.aborted;) {
    const head = items[i];
    if (!head) break;
    const at = head.kind === 'kpi' ? head.k.atMs : head.a.atMs;
    if (o.realTime) {
      const wait = at - first - (Date.now() - t0);
      if (wait > 0) {
        await pub.flush();
        await new Promise((r) => setTimeout(r, wait));
      }
    }
    const group: typeof items = [];
    while (i < items.length && group.length < size) {
      const it = items[i] as (typeof items)[number];
      const itAt = it.kind === 'kpi' ? it.k.atMs : it.a.atMs;
      if (it.kind !== head.kind || (o.realTime && itAt - first > Date.now() - t0 + 5)) break;
      group.push(it);
      i++;
    }
    if (head.kind === 'alarm') {
      const alarms = group.flatMap((g) => (g.kind === 'alarm' ? [g.a] : []));
      const byRegion = groupBy(alarms, (a) => a.region);
      for (const [region, list] of byRegion) {
        const id = `netb-${list[0]?.alarmId ?? i}`.slice(0, 128);
        await pub.publish({ subject: subjects.alarm(region), data: encodeBatch(id, list), msgId: id });
      }
    } else {
      const ks = group.flatMap((g) => (g.kind === 'kpi' ? [g.k] : []));
      for (const [region, list] of groupBy(ks, (k) => k.region)) {
        const f = list[0];
        const id = `netk-${f?.cellId}-${f?.metric}-${f?.atMs}-${list.length}`.slice(0, 128);
        await pub.publish({ subject: subjects.kpi(region), data: encodeBatch(id, list), msgId: id });
      }
    }
    sent += group.length;
    o.onProgress?.(sent, total);
  }
  await pub.flush();
  return sent;
}

function groupBy<T>(xs: T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const l = m.get(k);
    if (l) l.push(x);
    else m.set(k, [x]);
  }
  return m;
}
