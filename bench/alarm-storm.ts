import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { systemClock } from '../domain/index.ts';
import { createLogger } from '../infra/log/index.ts';
import { createMetrics } from '../infra/metrics/index.ts';
import { applyTopology, connectNats, startNatsServer } from '../infra/nats/index.ts';
import { nocConsumers, runNocProcessor } from '../processors/noc/index.ts';
import { publishNetworkEvents, scenarioEvents } from '../simulators/index.ts';

const ALARMS = 5000;
const DURATION_MS = 10_000;
const SITE = 'GD-GZ-0012';

/**
 * Alarm storm: a site power loss sends 5,000 alarms in 10 s (real time) into a fresh
 * nats-server; the NOC processor reduces and correlates them. Measures time from the first
 * alarm published to the root ticket opened (target < 2 s), ticket → dispatch latency (target
 * < 1 s), tickets created (expected 1 per root cause), and the time to drain the storm. The
 * baseline is another site's 5,000 alarms published as fast as possible on the same server:
 * the raw publish time, and how long the processor takes to work through that burst.
 */
export async function run(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'sbss-bench-storm-'));
  const server = await startNatsServer({ storeDir: join(dir, 'nats'), port: 0 });
  const nats = await connectNats(server.url, 'bench-alarm-storm');
  const ac = new AbortController();
  try {
    await applyTopology(nats.nc, nats.jsm, nocConsumers);
    const log = createLogger('warn');
    const processor = runNocProcessor(
      { nats, clock: systemClock, log, metrics: createMetrics(), slaSweepMs: 0 },
      ac.signal,
    );
    const opened = new Map<string, number>();
    const assigned = new Map<string, number>();
    const sub = nats.nc.subscribe('bss.ticket.>', {
      callback: (_e, m) => {
        const now = performance.now();
        const ev = m.json<{ ticketId?: string; type?: string }>();
        if (!ev.ticketId) return;
        if (ev.type === 'ticket.opened' && !opened.has(ev.ticketId)) opened.set(ev.ticketId, now);
        if (ev.type === 'ticket.assigned' && !assigned.has(ev.ticketId)) assigned.set(ev.ticketId, now);
      },
    });

    // Baseline: the raw transport, as fast as possible (a different site, subject-wise the same).
    const baselineEvents = scenarioEvents('site-power-loss', {
      seed: 2,
      startMs: Date.now() - 3_600_000,
      siteId: 'SH-SH-0001',
      alarms: ALARMS,
      durationMs: DURATION_MS,
    });
    const tb = performance.now();
    await publishNetworkEvents(nats, { alarms: baselineEvents.alarms, kpis: [] }, { batchSize: 100 });
    const baselinePublishMs = performance.now() - tb;
    const drain = async () => {
      for (;;) {
        const ci = await nats.jsm.consumers.info('NETWORK', 'noc-alarms');
        if (ci.num_pending + ci.num_ack_pending === 0) return;
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    await drain();
    const baselineProcessedMs = performance.now() - tb;
    opened.clear();
    assigned.clear();

    const ev = scenarioEvents('site-power-loss', {
      seed: 1,
      startMs: Date.now(),
      siteId: SITE,
      alarms: ALARMS,
      durationMs: DURATION_MS,
    });
    const t0 = performance.now();
    await publishNetworkEvents(nats, { alarms: ev.alarms, kpis: [] }, { batchSize: 100, realTime: true });
    const publishedMs = performance.now() - t0;
    await drain();
    const drainedMs = performance.now() - t0;
    await new Promise((r) => setTimeout(r, 300));
    sub.unsubscribe();
    const [rootId, rootAt] = [...opened.entries()][0] ?? ['', Number.NaN];
    const assignedAt = assigned.get(rootId) ?? Number.NaN;
    const result = {
      scenario: 'alarm-storm',
      alarms: ev.alarms.length,
      publishWindowMs: Math.round(publishedMs),
      firstAlarmToRootTicketMs: Math.round(rootAt - t0),
      ticketToDispatchMs: Math.round(assignedAt - rootAt),
      ticketsCreated: opened.size,
      ticketsExpected: 1,
      stormDrainedMs: Math.round(drainedMs),
      targets: { rootTicketMs: 2000, dispatchMs: 1000 },
      ok: opened.size === 1 && rootAt - t0 < 2000 && assignedAt - rootAt < 1000,
      baseline: {
        rawPublishMs: Math.round(baselinePublishMs),
        rawAlarmsPerSec: Math.round((ALARMS * 1000) / baselinePublishMs),
        burstPublishedAndProcessedMs: Math.round(baselineProcessedMs),
        processorAlarmsPerSecOnBurst: Math.round((ALARMS * 1000) / baselineProcessedMs),
        /** Share of the transport's raw rate the NOC processor keeps up with on a burst. */
        ratioToRaw: Math.round((baselinePublishMs / baselineProcessedMs) * 1000) / 1000,
      },
    };
    ac.abort();
    await processor;
    return result;
  } finally {
    ac.abort();
    await nats.nc.close().catch(() => undefined);
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  run().then(
    (r) => console.log(JSON.stringify(r, null, 2)),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
