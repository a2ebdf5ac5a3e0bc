import type { JsMsg } from '@nats-io/jetstream';
import type { Counter } from 'prom-client';
import { stableId, type Clock } from '../../domain/index.ts';
import type { Logger } from '../../infra/log/index.ts';
import type { Metrics } from '../../infra/metrics/index.ts';
import { publishDeadLetter, type PipelinedPublisher } from '../../infra/nats/index.ts';
import type { NocService } from './service.ts';
import type { NocStore } from './store.ts';

export interface HandlerCtx {
  svc: NocService;
  store: NocStore;
  publisher: PipelinedPublisher;
  clock: Clock;
  log: Logger;
  metrics: Metrics;
  flagged: Counter<'code'>;
  deadLetter(m: JsMsg, code: string, reason: string, itemIndex?: number, item?: unknown): Promise<void>;
}

export function makeDeadLetter(
  publisher: PipelinedPublisher,
  metrics: Metrics,
  clock: Clock,
  source: string,
): HandlerCtx['deadLetter'] {
  return async (m, code, reason, itemIndex, item) => {
    await publishDeadLetter(
      publisher,
      {
        id: stableId('dl', source, m.subject, m.seq, itemIndex ?? -1),
        source,
        code,
        reason: reason.slice(0, 500),
        originalSubject: m.subject,
        ...(itemIndex !== undefined ? { itemIndex } : {}),
        atMs: clock.nowMs(),
      },
      item === undefined ? m.data : Buffer.from(JSON.stringify(item)),
    );
    metrics.deadLettered.inc({ source, code });
  };
}
