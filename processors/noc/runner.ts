import { Counter } from 'prom-client';
import type { Clock } from '../../domain/index.ts';
import { demoRoster, type AlarmRules, type Technician } from '../../domain/noc/index.ts';
import type { Logger } from '../../infra/log/index.ts';
import type { Metrics } from '../../infra/metrics/index.ts';
import {
  PipelinedPublisher,
  runConsumer,
  subjects,
  type ConsumerSpec,
  type Nats,
} from '../../infra/nats/index.ts';
import { handleAlarmMessages } from './alarm-handler.ts';
import { makeDeadLetter, type HandlerCtx } from './context.ts';
import { handleKpiMessages } from './kpi-handler.ts';
import { NocService } from './service.ts';
import { NocStore } from './store.ts';

/** Durable consumers of the NOC processor on the NETWORK stream. */
export const nocConsumers: ConsumerSpec[] = [
  {
    stream: 'NETWORK',
    durable: 'noc-alarms',
    filterSubject: subjects.alarm('>'),
    maxAckPending: 4000,
    ackWaitSec: 30,
  },
  {
    stream: 'NETWORK',
    durable: 'noc-kpi',
    filterSubject: subjects.kpi('>'),
    maxAckPending: 4000,
    ackWaitSec: 30,
  },
];

export interface NocDeps {
  nats: Nats;
  clock: Clock;
  log: Logger;
  metrics: Metrics;
  roster?: readonly Technician[];
  /** How often open tickets are checked against their SLA (default 30 s; 0 = never, tests call slaSweep). */
  slaSweepMs?: number;
  rules?: AlarmRules;
}

const flaggedCounters = new WeakMap<object, Counter<'code'>>();
function flaggedCounter(metrics: Metrics): Counter<'code'> {
  let c = flaggedCounters.get(metrics.registry);
  if (!c) {
    c = new Counter({
      name: 'streambss_noc_flagged_total',
      help: 'NOC inputs kept but flagged (clear without raise, duplicate clear, out of order)',
      labelNames: ['code'] as const,
      registers: [metrics.registry],
    });
    flaggedCounters.set(metrics.registry, c);
  }
  return c;
}

/** The NOC service over the `noc` KV bucket (created if missing), for the processor and the API. */
export async function createNocService(
  nats: Nats,
  o: { clock: Clock; log: Logger; roster?: readonly Technician[] },
): Promise<NocService> {
  const store = await NocStore.open(nats.nc);
  const publisher = new PipelinedPublisher(nats.js, 128);
  return new NocService({ store, publisher, clock: o.clock, roster: o.roster ?? demoRoster(), log: o.log });
}

/**
 * Runs the NOC processor until aborted: alarms and KPI samples from NETWORK (one consumer each,
 * one batch at a time: the single writer of site and region state), plus the SLA sweep.
 */
export async function runNocProcessor(deps: NocDeps, signal: AbortSignal): Promise<void> {
  const svc = await createNocService(deps.nats, deps);
  const publisher = svc.d.publisher;
  const ctx: HandlerCtx = {
    svc,
    store: svc.d.store,
    publisher,
    clock: deps.clock,
    log: deps.log,
    metrics: deps.metrics,
    flagged: flaggedCounter(deps.metrics),
    deadLetter: makeDeadLetter(publisher, deps.metrics, deps.clock, 'noc'),
  };
  const withFlush =
    (fn: (msgs: Parameters<typeof handleKpiMessages>[1]) => Promise<void>) =>
    async (msgs: Parameters<typeof handleKpiMessages>[1]) => {
      try {
        await fn(msgs);
      } finally {
        await publisher.flush();
      }
    };
  const sweepMs = deps.slaSweepMs ?? 30_000;
  const timer =
    sweepMs > 0
      ? setInterval(() => {
          svc
            .slaSweep(deps.clock.nowMs())
            .then(() => svc.complaintSlaSweep(deps.clock.nowMs()))
            .then(() => publisher.flush())
            .catch((err: unknown) => deps.log.warn({ err }, 'SLA sweep failed; next round retries'));
        }, sweepMs)
      : undefined;
  timer?.unref();
  const [alarms, kpi] = nocConsumers as [ConsumerSpec, ConsumerSpec];
  try {
    await Promise.all([
      runConsumer({
        js: deps.nats.js,
        stream: alarms.stream,
        durable: alarms.durable,
        maxBatch: 200,
        log: deps.log,
        signal,
        handle: withFlush((msgs) => handleAlarmMessages(ctx, msgs, deps.rules)),
      }),
      runConsumer({
        js: deps.nats.js,
        stream: kpi.stream,
        durable: kpi.durable,
        maxBatch: 200,
        log: deps.log,
        signal,
        handle: withFlush((msgs) => handleKpiMessages(ctx, msgs)),
      }),
    ]);
  } finally {
    if (timer) clearInterval(timer);
  }
}
