import { Worker } from 'node:worker_threads';
import type { Config } from '../infra/config/index.ts';
import type { Logger } from '../infra/log/index.ts';
import type { MetricsSnapshot } from '../infra/metrics/index.ts';
import type { Role } from './roles.ts';

/** What a role thread tells its parent. */
export type ThreadEvent =
  | { type: 'ready' }
  | { type: 'recovered'; partition: number }
  | { type: 'metrics'; snapshot: MetricsSnapshot }
  | { type: 'failed'; message: string; code?: string }
  | { type: 'stopped' };

export class RoleThreadError extends Error {
  readonly code = 'ROLE_THREAD_FAILED';
}

export interface RoleThread {
  roles: Role[];
  /** Resolves once the roles run (rating partitions may still be recovering). */
  ready: Promise<void>;
  /** Stops the roles (in-flight batches finish) and ends the thread. */
  stop(): Promise<void>;
}

export interface RoleThreadOptions {
  /** Called each time a rating partition of the thread has recovered and takes new deliveries. */
  onRecovered?: (partition: number) => void;
  /** Log to stderr instead of stdout (when stdout carries a command's result). */
  logToStderr?: boolean;
  /** The thread's counters, every few seconds (for the parent's /metrics). */
  onMetrics?: (snapshot: MetricsSnapshot) => void;
}

/**
 * Runs roles in a worker thread of this process, connected to the same NATS: the embedded
 * default's rating and ingest then use the second core instead of sharing the API's event loop.
 * The roles are the same code as in their own process; they need no ClickHouse (one chdb
 * session per process belongs to the main thread), so only ingest and processor may run here.
 */
export function startRoleThread(
  roles: Role[],
  config: Config & { NATS_URL: string },
  log: Logger,
  o: RoleThreadOptions = {},
): RoleThread {
  const bad = roles.filter((r) => r !== 'ingest' && r !== 'processor');
  if (bad.length)
    throw new RoleThreadError(
      `roles ${bad.join(', ')} cannot run in a thread (they use ClickHouse or serve HTTP)`,
    );
  // The thread inherits this process's loader flags (tsx), so it runs the TypeScript sources too.
  const worker = new Worker(new URL('./role-thread.mjs', import.meta.url), {
    workerData: { roles, config, logToStderr: o.logToStderr === true },
    name: `streambss-${roles.join('+')}`,
  });
  let stopped = false;
  let settleReady!: { ok: () => void; fail: (e: Error) => void };
  const ready = new Promise<void>((ok, fail) => (settleReady = { ok, fail }));
  let onStopped: () => void = () => undefined;
  const exited = new Promise<void>((r) => worker.once('exit', () => r()));
  worker.on('message', (e: ThreadEvent) => {
    if (e.type === 'ready') settleReady.ok();
    else if (e.type === 'recovered') o.onRecovered?.(e.partition);
    else if (e.type === 'metrics') o.onMetrics?.(e.snapshot);
    else if (e.type === 'failed') {
      const err = new RoleThreadError(`${roles.join('+')} thread: ${e.message}`);
      settleReady.fail(err);
      log.error({ roles, code: e.code, err: e.message }, 'role thread failed');
    } else if (e.type === 'stopped') onStopped();
  });
  worker.on('error', (err) => {
    settleReady.fail(err);
    log.error({ err, roles }, 'role thread crashed');
  });
  worker.once('exit', (code) => {
    settleReady.fail(new RoleThreadError(`${roles.join('+')} thread exited (code ${code})`));
    if (!stopped) log.error({ roles, code }, 'role thread exited unexpectedly');
  });
  return {
    roles,
    ready,
    async stop() {
      if (stopped) return exited;
      stopped = true;
      const done = new Promise<void>((r) => (onStopped = r));
      worker.postMessage({ type: 'stop' });
      // A thread that cannot finish within 30 s is ended: its unacked batches are redelivered.
      const timer = setTimeout(() => void worker.terminate(), 30_000);
      await Promise.race([done, exited]);
      clearTimeout(timer);
      await worker.terminate();
      await exited;
    },
  };
}
