import type { Clock } from '../../domain/index.ts';
import type { ClickHouse } from '../../infra/clickhouse/index.ts';
import type { Logger } from '../../infra/log/index.ts';
import type { Metrics } from '../../infra/metrics/index.ts';
import type { Nats } from '../../infra/nats/index.ts';
import { reconcile, sinkWatermark } from './reconcile.ts';
import { allStates } from './store.ts';
import { sleep } from '../../infra/time/index.ts';

export const RECONCILIATION_SUBJECT = 'bss.charging.reconciliation';

/**
 * Runs the reconciliation check periodically. Every run is published on
 * `bss.charging.reconciliation` (the NOC's reconciliation status); drift is logged as an error,
 * published with `ok: false` and shown by the `streambss_reconciliation_ok` gauge.
 */
export async function runReconciler(
  deps: { nats: Nats; ch: ClickHouse; clock: Clock; log: Logger; metrics: Metrics; intervalMs: number },
  signal: AbortSignal,
): Promise<void> {
  const once = async () => {
    try {
      const upto = await sinkWatermark(deps.nats);
      const r = await reconcile(deps.ch, await allStates(deps.nats.js), deps.clock.nowMs(), upto);
      deps.metrics.reconciliationOk.set(r.ok ? 1 : 0);
      if (!r.ok) deps.log.error({ reconciliation: r }, 'charging reconciliation found drift');
      await deps.nats.js.publish(RECONCILIATION_SUBJECT, new TextEncoder().encode(JSON.stringify(r)), {
        msgID: `recon-${r.atMs}`,
      });
    } catch (err) {
      deps.log.warn({ err }, 'reconciliation could not run; retried at the next interval');
    }
  };
  while (!signal.aborted) {
    await sleep(deps.intervalMs, signal);
    if (!signal.aborted) await once();
  }
}
