import {
  AggregatorRegistry,
  Counter,
  Gauge,
  Histogram,
  Registry,
  collectDefaultMetrics,
  type MetricObjectWithValues,
  type MetricValue,
} from 'prom-client';

/** A registry's metrics as JSON (what a role thread sends its parent). */
export type MetricsSnapshot = MetricObjectWithValues<MetricValue<string>>[];

/** One registry per process: every role registers here, `/metrics` exposes it. */
export function createMetrics(o: { processMetrics?: boolean } = {}) {
  const registry = new Registry();
  // Process metrics (CPU, memory, event loop) come from the main thread only: a role thread's
  // would count the same process twice when its counters are summed into the parent's.
  if (o.processMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'streambss_node_' });
  /** Latest snapshots of roles running in worker threads of this process, by thread. */
  const threads = new Map<string, MetricsSnapshot>();
  return {
    registry,
    /** Records the latest metrics of a role thread; `exposition` adds them to this process's. */
    setThreadSnapshot(thread: string, snapshot: MetricsSnapshot): void {
      threads.set(thread, snapshot);
    },
    /** The Prometheus text of this process, its role threads' counters summed in. */
    async exposition(): Promise<{ contentType: string; text: string }> {
      if (threads.size === 0) return { contentType: registry.contentType, text: await registry.metrics() };
      const all = [await registry.getMetricsAsJSON(), ...threads.values()];
      const merged = AggregatorRegistry.aggregate(all as never);
      return { contentType: registry.contentType, text: await merged.metrics() };
    },
    eventsIn: new Counter({
      name: 'streambss_events_in_total',
      help: 'Events accepted at the ingest edge',
      labelNames: ['source', 'kind'] as const,
      registers: [registry],
    }),
    processed: new Counter({
      name: 'streambss_events_processed_total',
      help: 'Events processed by a processor',
      labelNames: ['processor'] as const,
      registers: [registry],
    }),
    duplicates: new Counter({
      name: 'streambss_duplicates_total',
      help: 'Inputs seen again with the same id and content: acknowledged, no second effect',
      labelNames: ['processor'] as const,
      registers: [registry],
    }),
    conflicts: new Counter({
      name: 'streambss_conflicting_duplicates_total',
      help: 'Inputs seen again with the same id but different content: dead-lettered, flagged',
      labelNames: ['processor'] as const,
      registers: [registry],
    }),
    reconciliationOk: new Gauge({
      name: 'streambss_reconciliation_ok',
      help: '1 when the last charging reconciliation found no drift (Σ debits = Σ charges, ledgers add up)',
      registers: [registry],
    }),
    deadLettered: new Counter({
      name: 'streambss_dead_letters_total',
      help: 'Events rejected to the dead-letter stream',
      labelNames: ['source', 'code'] as const,
      registers: [registry],
    }),
    consumerLag: new Gauge({
      name: 'streambss_consumer_lag_messages',
      help: 'Messages not yet delivered to a durable consumer (num_pending + ack pending)',
      labelNames: ['stream', 'consumer'] as const,
      registers: [registry],
    }),
    sinkBatchSeconds: new Histogram({
      name: 'streambss_sink_batch_seconds',
      help: 'ClickHouse sink: time to insert one batch',
      labelNames: ['table'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    sinkRows: new Counter({
      name: 'streambss_sink_rows_total',
      help: 'Rows inserted into ClickHouse by the sink',
      labelNames: ['table'] as const,
      registers: [registry],
    }),
    sinkRefusedEntries: new Counter({
      name: 'streambss_sink_refused_entries_total',
      help: 'Ledger entries or notices in a sink message that failed their schema and were not written (the log names each)',
      labelNames: ['table'] as const,
      registers: [registry],
    }),
    sinkSkippedRedeliveries: new Counter({
      name: 'streambss_sink_skipped_redeliveries_total',
      help: 'Redelivered messages already in ClickHouse, acked without a second insert',
      labelNames: ['table'] as const,
      registers: [registry],
    }),
    stockHoldsSettled: new Counter({
      name: 'streambss_stock_holds_settled_total',
      help: 'Stock holds left by interrupted reservation requests, finished by the sweep (how: commit, abandon, finish-cancel, undo)',
      labelNames: ['how'] as const,
      registers: [registry],
    }),
    careSweeps: new Counter({
      name: 'streambss_care_sweep_actions_total',
      help: 'What the care sweeps did by themselves (action: order_withdrawn for 订单超时, line_resumed for 停机保号 that reached its date, claim_pruned, suspension_index_dropped)',
      labelNames: ['action'] as const,
      registers: [registry],
    }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
