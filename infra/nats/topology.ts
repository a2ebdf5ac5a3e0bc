import {
  AckPolicy,
  DeliverPolicy,
  RetentionPolicy,
  StorageType,
  type ConsumerConfig,
  type JetStreamManager,
  type StreamConfig,
} from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';

const SEC_NS = 1_000_000_000;
const DAY_NS = 86_400 * SEC_NS;

/**
 * Subjects. Everything that changes a balance is partitioned by subscriber on the CDR stream:
 * `chg.<n>.cdr` (usage batches), `chg.<n>.pay` / `chg.<n>.adj` (payments, adjustments) and
 * `chg.<n>.plan` (plan changes), `chg.<n>.addon` (add-on packs), `chg.<n>.loss` (挂失/解挂), `chg.<n>.suspend` (停机保号/复机), `chg.<n>.close` (销户, 携出) with
 * n = partitionOf(msisdn). One consumer per partition (filter `chg.<n>.>`) sees both in one order:
 * it is the single ordered writer of those subscribers' balances.
 */
export const subjects = {
  rawCdr: (neId: string) => `raw.cdr.${neId}`,
  cdr: (partition: number) => `chg.${partition}.cdr`,
  payment: (partition: number) => `chg.${partition}.pay`,
  adjustment: (partition: number) => `chg.${partition}.adj`,
  planChange: (partition: number) => `chg.${partition}.plan`,
  addOn: (partition: number) => `chg.${partition}.addon`,
  lineLoss: (partition: number) => `chg.${partition}.loss`,
  lineSuspension: (partition: number) => `chg.${partition}.suspend`,
  lineClosure: (partition: number) => `chg.${partition}.close`,
  charging: (partition: number) => `chg.${partition}.>`,
  rated: (partition: number) => `rated.p.${partition}`,
  device: (step: string) => `device.${step}`,
  alarm: (region: string) => `net.alarm.${region}`,
  kpi: (region: string) => `net.kpi.${region}`,
  business: (type: string) => `bss.${type}`,
  deadLetter: (source: string, code: string) => `dlq.${source}.${code}`,
} as const;

export interface StreamSpec {
  name: string;
  subjects: string[];
  maxAgeDays: number;
  duplicateWindowSec: number;
  description: string;
}

/** Every stream of the system. Limits retention everywhere: the log of record is replayable. */
export const streams: StreamSpec[] = [
  {
    name: 'RAW',
    subjects: ['raw.>'],
    maxAgeDays: 1,
    duplicateWindowSec: 300,
    description: 'as sent by network elements, before ingest',
  },
  {
    name: 'CDR',
    subjects: ['chg.>'],
    maxAgeDays: 30,
    duplicateWindowSec: 300,
    description: 'balance-changing input by subscriber partition: CDR batches and payments',
  },
  {
    name: 'DEVICE',
    subjects: ['device.>'],
    maxAgeDays: 90,
    duplicateWindowSec: 300,
    description: 'SIM and device lifecycle events',
  },
  {
    name: 'NETWORK',
    subjects: ['net.>'],
    maxAgeDays: 30,
    duplicateWindowSec: 300,
    description: 'NE alarms and KPI samples',
  },
  {
    name: 'BSS',
    subjects: ['bss.>'],
    maxAgeDays: 365,
    duplicateWindowSec: 300,
    description: 'business events: customers, orders, payments, tickets, complaints, notifications',
  },
  {
    name: 'RATED',
    subjects: ['rated.p.*'],
    maxAgeDays: 30,
    duplicateWindowSec: 300,
    description: 'processor output: rated CDR batches',
  },
  {
    name: 'DLQ',
    subjects: ['dlq.>'],
    maxAgeDays: 30,
    duplicateWindowSec: 300,
    description: 'dead letters: original bytes plus reason headers',
  },
];

export interface ConsumerSpec {
  stream: string;
  durable: string;
  filterSubject?: string;
  maxAckPending: number;
  ackWaitSec: number;
}

export function streamConfig(s: StreamSpec): Partial<StreamConfig> {
  return {
    name: s.name,
    subjects: s.subjects,
    description: s.description,
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    max_age: s.maxAgeDays * DAY_NS,
    duplicate_window: s.duplicateWindowSec * SEC_NS,
  };
}

export function consumerConfig(c: ConsumerSpec): Partial<ConsumerConfig> {
  return {
    durable_name: c.durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    max_ack_pending: c.maxAckPending,
    ack_wait: c.ackWaitSec * SEC_NS,
    max_deliver: -1,
    ...(c.filterSubject ? { filter_subject: c.filterSubject } : {}),
  };
}

/** KV buckets of the care area (current state; history goes to ClickHouse via the BSS stream). */
export const careBuckets = [
  { name: 'customers', history: 10, description: 'customers, identity and phone indexes' },
  {
    name: 'care_lines',
    history: 10,
    description: 'lines (msisdn) as care sees them: status, plan, contract',
  },
  {
    name: 'care_orders',
    history: 10,
    description: 'acceptance, pre-opening, unsubscribe orders, work orders',
  },
  { name: 'inventory', history: 5, description: 'device stock per region and model' },
  { name: 'contracts', history: 5, description: 'contract records and archived PDFs' },
  { name: 'notifications', history: 5, description: 'notification outbox' },
  // Notices to try again (`<customerId>.<notificationId>` → due time): the retry sweeper lists
  // only these, never the whole outbox. An entry lives minutes; the TTL clears leftovers.
  {
    name: 'notification_due',
    history: 1,
    description: 'notices waiting for an automatic retry',
    ttlSec: 86_400,
  },
] as const;

/**
 * Every KV bucket (current state). Roles open them with `kvm.create`, which only opens an existing
 * bucket, so the replicas set here (NATS_REPLICAS) are the ones a cluster runs with.
 */
export const buckets = [
  ...careBuckets,
  { name: 'noc', history: 5, description: 'NOC current state' },
  { name: 'users', history: 5, description: 'staff and customer logins' },
  { name: 'sessions', history: 1, description: 'login sessions (expire by TTL)', ttlSec: 7 * 86_400 },
  { name: 'subscribers', history: 5, description: 'lines: msisdn → plan, status' },
  { name: 'balances', history: 1, description: 'balance state per subscriber' },
  { name: 'checkpoints', history: 1, description: 'processor checkpoints' },
  { name: 'catalog', history: 64, description: 'tariff catalog versions (admin edits)' },
  { name: 'bills', history: 1, description: 'postpaid bills by line and period' },
  // One writer per charging partition across processes; a dead holder's lease expires by TTL.
  { name: 'leases', history: 1, description: 'partition leases of the rating processes', ttlSec: 10 },
] as const;

export interface TopologyOptions {
  /**
   * Replicas of every stream and KV bucket (config NATS_REPLICAS: 1, or 3 on a cluster). When
   * omitted, new ones get 1 and existing ones keep theirs (a role started without the setting
   * never scales a cluster's R3 streams down).
   */
  replicas?: number;
  /** Where replica changes (applied or refused by the server) are reported; default console. */
  log?: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

export interface ReplicaChange {
  /** Stream name (`KV_<bucket>` for a bucket). */
  stream: string;
  from: number;
  to: number;
}

export interface TopologyReport {
  created: string[];
  /** Existing streams and buckets whose replicas the server changed. */
  replicasChanged: ReplicaChange[];
  /** Existing ones the server would not change (they keep `from`); the reason is logged. */
  replicasRefused: (ReplicaChange & { reason: string })[];
}

const consoleLog: Required<TopologyOptions>['log'] = {
  info: (obj, msg) => console.info(`streambss topology: ${msg}`, obj),
  warn: (obj, msg) => console.warn(`streambss topology: ${msg}`, obj),
};

/**
 * Creates or updates every stream, consumer and bucket. Safe to run at every start. An existing
 * stream or bucket with other replicas is changed to `replicas` when the server allows it;
 * otherwise it keeps its replicas and the refusal is logged (and reported), never thrown.
 */
export async function applyTopology(
  nc: NatsConnection,
  jsm: JetStreamManager,
  consumers: ConsumerSpec[],
  options: number | TopologyOptions = {},
): Promise<TopologyReport> {
  const opts: TopologyOptions = typeof options === 'number' ? { replicas: options } : options;
  const log = opts.log ?? consoleLog;
  const report: TopologyReport = { created: [], replicasChanged: [], replicasRefused: [] };
  const streamInfo = (name: string) =>
    jsm.streams.info(name).then(
      (i) => i.config,
      (err: unknown) => {
        if (isNotFound(err)) return null;
        throw err;
      },
    );
  /**
   * Brings an existing stream to `cfg` (nothing is sent when it already matches). A replica change
   * the server refuses is logged and reported; the rest of the config is still applied.
   */
  const update = async (name: string, have: StreamConfig, cfg: Partial<StreamConfig>) => {
    const from = have.num_replicas;
    const to = opts.replicas ?? from;
    const want = { ...cfg, num_replicas: to };
    if (!differs(have, want)) return;
    if (to === from) return void (await jsm.streams.update(name, want));
    try {
      await jsm.streams.update(name, want);
    } catch (err) {
      // A timeout may still have been applied: look before calling it refused.
      const now = await jsm.streams.info(name).catch(() => null);
      if (now?.config.num_replicas !== to) {
        const reason = err instanceof Error ? err.message : String(err);
        report.replicasRefused.push({ stream: name, from, to, reason });
        log.warn(
          { stream: name, from, to, reason },
          `stream ${name} keeps ${from} replica(s): the server refused ${to} (NATS_REPLICAS): ${reason}`,
        );
        if (differs(have, { ...cfg, num_replicas: from }))
          await jsm.streams.update(name, { ...cfg, num_replicas: from });
        return;
      }
    }
    report.replicasChanged.push({ stream: name, from, to });
    log.info({ stream: name, from, to }, `stream ${name} replicas changed ${from} -> ${to}`);
  };
  for (const s of streams) {
    const cfg = streamConfig(s);
    const have = await streamInfo(s.name);
    if (have) await update(s.name, have, cfg);
    else {
      await jsm.streams.add({ ...cfg, name: s.name, num_replicas: opts.replicas ?? 1 });
      report.created.push(s.name);
    }
  }
  for (const c of consumers) {
    const cfg = consumerConfig(c);
    try {
      await jsm.consumers.info(c.stream, c.durable);
      await jsm.consumers.update(c.stream, c.durable, {
        max_ack_pending: cfg.max_ack_pending,
        ack_wait: cfg.ack_wait,
      });
    } catch (err) {
      if (!isNotFound(err)) throw err;
      await jsm.consumers.add(c.stream, cfg);
    }
  }
  const kvm = new Kvm(nc);
  for (const b of buckets) {
    const have = await streamInfo(`KV_${b.name}`);
    if (have) await update(`KV_${b.name}`, have, {});
    else {
      await kvm.create(b.name, {
        history: b.history,
        description: b.description,
        replicas: opts.replicas ?? 1,
        ...('ttlSec' in b ? { ttl: b.ttlSec * 1000 } : {}),
      });
      report.created.push(`KV_${b.name}`);
    }
  }
  return report;
}

/** Whether any field of `want` differs from the stream's current config. */
function differs(have: Partial<StreamConfig>, want: Partial<StreamConfig>): boolean {
  return Object.entries(want).some(
    ([k, v]) => JSON.stringify(have[k as keyof StreamConfig]) !== JSON.stringify(v),
  );
}

export function isNotFound(err: unknown): boolean {
  const msg = err instanceof Error ? err.message : String(err);
  return /not found/i.test(msg);
}
