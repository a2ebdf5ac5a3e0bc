import { setMaxListeners } from 'node:events';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomIds, systemClock } from '../domain/index.ts';
import type { Config } from '../infra/config/index.ts';
import type { Logger } from '../infra/log/index.ts';
import { createMetrics, type Metrics } from '../infra/metrics/index.ts';
import { applyTopology, connectNats, startNatsServer, type NatsServerHandle } from '../infra/nats/index.ts';
import { migrate, openClickHouse, type ClickHouse } from '../infra/clickhouse/index.ts';
import { INGEST_CONSUMER, runInboxWatcher, runNatsIngest } from '../ingest/index.ts';
import {
  CatalogWatch,
  ADJUSTMENT_ROUTER_CONSUMER,
  PAYMENT_ROUTER_CONSUMER,
  ratingConsumers,
  runPaymentRouter,
  runReconciler,
  runRating,
} from '../processors/rating/index.ts';
import { nocConsumers, runNocProcessor } from '../processors/noc/index.ts';
import { runChargingNotices, runNoticeRetries } from '../processors/notify/index.ts';
import { loadCatalogFile } from './catalog.ts';
import { planIdsOf, provisionSimulatedLines, watchBarredLines } from './demo.ts';
import { runSinks, sinkBatching, sinks } from '../processors/sink/index.ts';
import { runCdrSimulator } from '../simulators/index.ts';
import { createApi, seedDemoUsers, type DemoUser } from '../api/index.ts';
import { seedDemoCustomer } from './demo-customer.ts';
import { seedDemoStock } from './demo-stock.ts';
import { lockDataDir } from './lock.ts';
import { needsClickHouse, type Role } from './roles.ts';
import { startRoleThread } from './threads.ts';

export interface SystemHooks {
  /** This system runs inside a role thread (no process metrics of its own). */
  thread?: boolean;
  /** Called each time a rating partition has recovered and takes new deliveries. */
  onRatingRecovered?: (partition: number) => void;
}

/** Roles that move to worker threads when ROLE_THREADS=1 and the process also runs others. */
const THREADED: Role[][] = [['ingest'], ['processor']];

export interface RunningSystem {
  url?: string;
  metrics: Metrics;
  natsUrl: string;
  clickhouseMode?: ClickHouse['mode'];
  demoUsers: DemoUser[];
  stop(): Promise<void>;
}

/**
 * Composition root: brings up what the chosen roles need (an embedded nats-server unless
 * NATS_URL is set, ClickHouse embedded unless CLICKHOUSE_URL is set), applies the topology and
 * migrations, and runs the roles until stop(). Every role is the same code in one process or many.
 */
export async function runSystem(
  config: Config,
  roles: Role[],
  log: Logger,
  hooks: SystemHooks = {},
): Promise<RunningSystem> {
  const dataDir = resolve(config.DATA_DIR);
  mkdirSync(dataDir, { recursive: true });
  const cleanups: (() => Promise<void> | void)[] = [];
  const stopAll = async () => {
    for (const c of cleanups.reverse())
      await Promise.resolve(c()).catch((err: unknown) => log.warn({ err }, 'cleanup failed'));
    cleanups.length = 0;
  };
  try {
    let server: NatsServerHandle | undefined;
    let natsUrl = config.NATS_URL;
    if (!natsUrl) {
      server = await startNatsServer({ storeDir: join(dataDir, 'nats'), port: config.NATS_PORT });
      natsUrl = server.url;
      cleanups.push(() => server?.stop());
      log.info({ url: natsUrl, storeDir: join(dataDir, 'nats') }, 'embedded nats-server started');
    }
    const catalog = loadCatalogFile(config.CATALOG_FILE);
    const nats = await connectNats(natsUrl, `streambss-${roles.join('+')}`);
    cleanups.push(async () => {
      await nats.nc.drain().catch(() => nats.nc.close());
    });
    const consumers = [
      INGEST_CONSUMER,
      ...ratingConsumers(config.CDR_PARTITIONS),
      PAYMENT_ROUTER_CONSUMER,
      ADJUSTMENT_ROUTER_CONSUMER,
      ...nocConsumers,
      ...sinks.map((s) => s.consumer),
    ];
    // NATS_REPLICAS=3 scales streams and buckets up; the default (1) never scales a cluster's R3
    // down because one role was started without the setting.
    await applyTopology(nats.nc, nats.jsm, consumers, {
      ...(config.NATS_REPLICAS > 1 ? { replicas: config.NATS_REPLICAS } : {}),
      log,
    });

    let ch: ClickHouse | undefined;
    if (needsClickHouse(roles)) {
      const chDir = join(dataDir, 'clickhouse');
      mkdirSync(chDir, { recursive: true });
      if (!config.CLICKHOUSE_URL) cleanups.push(lockDataDir(chDir, 'embedded ClickHouse'));
      ch = await openClickHouse({
        url: config.CLICKHOUSE_URL,
        user: config.CLICKHOUSE_USER,
        password: config.CLICKHOUSE_PASSWORD,
        database: config.CLICKHOUSE_DATABASE,
        embeddedPath: chDir,
      });
      const chRef = ch;
      cleanups.push(() => chRef.close());
      const applied = await migrate(ch);
      if (applied.length) log.info({ applied }, 'ClickHouse migrations applied');
    }

    const metrics = createMetrics({ processMetrics: !hooks.thread });
    // With other roles beside them, ingest and rating run in threads of their own, so the API
    // and the sink keep their event loop and the pipeline uses the second core.
    const threaded = THREADED.filter((group) => group.every((r) => roles.includes(r)));
    if (config.ROLE_THREADS === 1 && threaded.length && roles.length > threaded.flat().length) {
      const threadConfig = { ...config, NATS_URL: natsUrl };
      for (const group of threaded) {
        const t = startRoleThread(group, threadConfig, log, {
          ...(hooks.onRatingRecovered ? { onRecovered: hooks.onRatingRecovered } : {}),
          onMetrics: (snap) => metrics.setThreadSnapshot(group.join('+'), snap),
        });
        cleanups.push(() => t.stop());
        await t.ready;
        log.info({ roles: group }, 'roles running in a worker thread');
      }
      roles = roles.filter((r) => !threaded.flat().includes(r));
    }
    const ac = new AbortController();
    // Every consumer of every role listens to this one signal.
    setMaxListeners(0, ac.signal);
    const running: Promise<void>[] = [];
    const clock = systemClock;
    const base = { nats, clock, log, metrics };
    const track = (name: string, p: Promise<unknown>) =>
      running.push(
        p.then(
          () => undefined,
          (err: unknown) => {
            log.error({ err, role: name }, 'role stopped with an error');
          },
        ),
      );
    cleanups.push(async () => {
      ac.abort();
      await Promise.all(running);
    });

    if (roles.includes('ingest')) {
      track('ingest', runNatsIngest({ ...base, partitions: config.CDR_PARTITIONS }, ac.signal));
      // CDR files dropped into DATA_DIR/inbox: imported once each, moved to done/ or failed/ with a report.
      const inbox = { ...base, partitions: config.CDR_PARTITIONS, dir: join(dataDir, 'inbox') };
      track('ingest-files', runInboxWatcher(inbox, ac.signal));
    }
    if (roles.includes('processor')) {
      const catalogWatch = await CatalogWatch.open(nats.nc, { fallback: config.CATALOG_FILE, log });
      cleanups.push(() => catalogWatch.stop());
      const leaseNats = await connectNats(natsUrl, 'streambss-rating-leases');
      cleanups.push(() => leaseNats.nc.close());
      track(
        'processor',
        runRating(
          {
            ...base,
            partitions: config.CDR_PARTITIONS,
            catalog,
            catalogWatch,
            leaseNats,
            ...(hooks.onRatingRecovered ? { onRecovered: hooks.onRatingRecovered } : {}),
          },
          ac.signal,
        ),
      );
      track('payments', runPaymentRouter({ ...base, partitions: config.CDR_PARTITIONS }, ac.signal));
    }
    if (roles.includes('processor')) track('noc', runNocProcessor(base, ac.signal));
    if (roles.includes('processor')) track('notify', runChargingNotices(base, ac.signal));
    if (roles.includes('processor')) track('notify-retries', runNoticeRetries(base, ac.signal));
    if (roles.includes('sink') && ch)
      track('sink', runSinks({ ...base, ch, ...sinkBatching(config) }, ac.signal));
    if (roles.includes('sink') && ch)
      track(
        'reconcile',
        runReconciler({ ...base, ch, intervalMs: config.RECONCILE_INTERVAL_SEC * 1000 }, ac.signal),
      );

    let url: string | undefined;
    let demoUsers: DemoUser[] = [];
    let api: Awaited<ReturnType<typeof createApi>> | undefined;
    if (roles.includes('api') && ch) {
      api = await createApi({
        catalog,
        config,
        nats,
        ch,
        metrics,
        log,
        clock,
        ids: randomIds,
        dashboardDir: resolve('dashboard/dist'),
      });
      demoUsers = await seedDemoUsers(nats, log);
      url = await api.listen();
      const closing = api;
      cleanups.push(() => closing.close());
    }
    if (roles.includes('sim') && config.SIM_RATE > 0) {
      const simStartMs = Date.now();
      const created = await provisionSimulatedLines(
        nats.nc,
        catalog,
        config.SIM_SEED,
        config.SIM_SUBSCRIBERS,
        simStartMs - 86_400_000,
      );
      if (created) log.info({ created }, 'simulated lines provisioned');
      const barred = await watchBarredLines(nats);
      cleanups.push(() => barred.stop());
      track(
        'sim',
        runCdrSimulator(
          nats,
          {
            seed: config.SIM_SEED,
            subscribers: config.SIM_SUBSCRIBERS,
            rate: config.SIM_RATE,
            startMs: simStartMs,
            batchSize: Math.min(100, Math.max(1, Math.round(config.SIM_RATE / 10))),
            planIds: planIdsOf(catalog),
            isBarred: barred.isBarred,
          },
          ac.signal,
        ),
      );
    }
    // after the simulated lines are provisioned, so the demo customer's line is live to register
    if (api) {
      // demo data is a convenience: a failure to seed it is reported, and the system stays up
      const app = api.app;
      await seedDemoCustomer(app, log)
        .then(() => seedDemoStock(app, log))
        .catch((err: unknown) => log.warn({ err }, 'demo data not seeded'));
    }
    return { url, metrics, natsUrl, clickhouseMode: ch?.mode, demoUsers, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
