/**
 * Entry of a role thread (see threads.ts): runs the given roles against the parent's NATS and
 * reports to the parent. Never imported by other modules.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Config } from '../infra/config/index.ts';
import { createLogger, stderrDestination } from '../infra/log/index.ts';
import type { Role } from './roles.ts';
import { runSystem } from './run.ts';
import type { ThreadEvent } from './threads.ts';

const port = parentPort;
if (!port) throw new Error('role-thread.ts runs only as a worker thread');
const { roles, config, logToStderr } = workerData as { roles: Role[]; config: Config; logToStderr: boolean };
const post = (e: ThreadEvent) => port.postMessage(e);
const log = createLogger(config.LOG_LEVEL, 'streambss', logToStderr ? stderrDestination() : undefined).child({
  thread: roles.join('+'),
});

try {
  const system = await runSystem({ ...config, ROLE_THREADS: 0 }, roles, log, {
    thread: true,
    onRatingRecovered: (partition: number) => post({ type: 'recovered', partition }),
  });
  const sendMetrics = async () =>
    post({ type: 'metrics', snapshot: await system.metrics.registry.getMetricsAsJSON() });
  const timer = setInterval(() => void sendMetrics(), 5000);
  port.on('message', (m: { type?: string }) => {
    if (m.type !== 'stop') return;
    clearInterval(timer);
    void system.stop().finally(() => {
      post({ type: 'stopped' });
      port.close();
    });
  });
  post({ type: 'ready' });
} catch (err) {
  const e = err as Error & { code?: string };
  post({ type: 'failed', message: e.message, ...(e.code ? { code: e.code } : {}) });
  port.close();
}
