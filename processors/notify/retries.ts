import type { KV } from '@nats-io/kv';
import { afterDeliveryAttempt, DEFAULT_RETRY_POLICY, type RetryPolicy } from '../../domain/customer/index.ts';
import type { Clock } from '../../domain/index.ts';
import type { Logger } from '../../infra/log/index.ts';
import type { Metrics } from '../../infra/metrics/index.ts';
import type { Nats } from '../../infra/nats/index.ts';
import { simulatedSms } from './charging-notices.ts';
import {
  attemptDelivery,
  casUpdate,
  publishNoticeEvent,
  recordDue,
  waitForCareBuckets,
  withNextAttempt,
  type NoticeGateway,
  type StoredNotice,
} from './outbox-store.ts';

export interface NoticeRetryDeps {
  nats: Nats;
  clock: Clock;
  log: Logger;
  metrics: Metrics;
  gateway?: NoticeGateway;
  policy?: RetryPolicy;
  /** How often the due index is read (default 15 s). */
  intervalMs?: number;
}

/** What one pass did, by outcome. */
export interface SweepCounts {
  sent: number;
  failed: number;
  /** Queued notices with a one-time code a crash stopped: closed as failed, not sent. */
  codesClosed: number;
  /** Entries for notices sent or given up meanwhile, or taken by another sweeper: dropped. */
  dropped: number;
}

const dec = new TextDecoder();
const parse = <T>(v: Uint8Array): T | null => {
  try {
    return JSON.parse(dec.decode(v)) as T;
  } catch {
    return null;
  }
};

/**
 * Sends again, without anyone asking, the notices that wait in the due index (bucket
 * `notification_due`): those a passing failure stopped (a gateway outage, a temporary error),
 * with a doubling wait, and those a crash left queued between the write and the send. Care's
 * and charging's notices alike. Several processes may sweep: a notice is claimed (state
 * `retried`, compare-and-set on its revision) before it is sent, so one of them sends it.
 */
export async function runNoticeRetries(deps: NoticeRetryDeps, signal: AbortSignal): Promise<void> {
  const kv = await waitForCareBuckets(
    deps.nats,
    deps.log,
    ['notifications', 'notification_due'] as const,
    signal,
    'notice retries',
  );
  if (!kv) return;
  while (!signal.aborted) {
    try {
      const c = await sweepDueNotices(deps, { outbox: kv.notifications, due: kv.notification_due });
      if (c.sent + c.failed + c.codesClosed > 0) deps.log.info(c, 'notices tried again');
    } catch (err) {
      deps.log.warn({ err }, 'notice retry pass failed; next pass retries');
    }
    await new Promise<void>((r) => {
      const t = setTimeout(r, deps.intervalMs ?? 15_000);
      signal.addEventListener('abort', () => (clearTimeout(t), r()), { once: true });
    });
  }
}

/** One pass over the due index: every notice whose time has come is tried (or closed) once. */
export async function sweepDueNotices(
  deps: NoticeRetryDeps,
  kv: { outbox: KV; due: KV },
): Promise<SweepCounts> {
  const counts: SweepCounts = { sent: 0, failed: 0, codesClosed: 0, dropped: 0 };
  const policy = deps.policy ?? DEFAULT_RETRY_POLICY;
  for (const key of await keysOf(kv.due)) {
    const entry = await kv.due.get(key);
    const dueAtMs =
      entry?.operation === 'PUT' ? parse<{ dueAtMs?: number }>(entry.value)?.dueAtMs : undefined;
    if (typeof dueAtMs !== 'number' || dueAtMs > deps.clock.nowMs()) continue;
    const cur = await kv.outbox.get(key);
    const rec = cur?.operation === 'PUT' ? parse<StoredNotice>(cur.value) : null;
    const now = deps.clock.nowMs();
    if (!cur || !rec || withNextAttempt(rec, policy).nextAttemptAtMs === undefined) {
      await kv.due.purge(key);
      counts.dropped++;
      continue;
    }
    if (rec.nextAttemptAtMs !== undefined && rec.nextAttemptAtMs > now) continue; // re-queued meanwhile
    if (rec.secret) {
      // its code was never kept: it cannot be sent; the customer asks for a new code
      const closed = withNextAttempt(afterDeliveryAttempt(rec, 'code_not_kept', now), policy);
      if (!(await casUpdate(kv.outbox, key, closed, cur.revision))) continue;
      await recordDue(kv.due, closed);
      await publishNoticeEvent(deps.nats, deps.clock, closed, 'notification.failed', 'code_not_kept');
      counts.codesClosed++;
      continue;
    }
    const claimed = withNextAttempt(
      { ...rec, state: 'retried', history: [...rec.history, { state: 'retried', atMs: now }].slice(-50) },
      policy,
    );
    const rev = await casUpdate(kv.outbox, key, claimed, cur.revision);
    if (rev === null) {
      counts.dropped++; // another sweeper (or an agent's retry) has it
      continue;
    }
    await recordDue(kv.due, claimed);
    const outcome = await attemptDelivery(
      { ...deps, gateway: deps.gateway ?? simulatedSms, policy },
      kv,
      claimed,
      rev,
    );
    if (!outcome) continue;
    deps.metrics.processed.inc({ processor: `notify-retry-${outcome}` });
    counts[outcome]++;
  }
  return counts;
}

async function keysOf(kv: KV): Promise<string[]> {
  const out = new Set<string>();
  for await (const k of await kv.keys()) out.add(k);
  return [...out];
}
