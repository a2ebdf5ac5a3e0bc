import { encodeBatch, type DeviceEvent, type DeviceStep } from '../domain/index.ts';
import { PipelinedPublisher, subjects, type Nats } from '../infra/nats/index.ts';
import { ActivationGenerator, DEFAULT_ACTIVATION, type ActivationOptions } from './device-generator.ts';
import { population } from './population.ts';
import type { SendRecorder } from './recording/index.ts';

export interface DeviceSimOptions {
  seed: number;
  subscribers: number;
  /** Activations (orders needing activation) to run. */
  activations: number;
  /** Activations per second; 0 = as fast as possible. */
  rate: number;
  startMs: number;
  batchSize: number;
  activation?: ActivationOptions;
  recorder?: SendRecorder;
}

export interface DeviceSimSummary {
  activations: number;
  events: number;
  failed: number;
  /** Failures by step and reason, e.g. { 'network_attach/no_coverage': 3 }. */
  failures: Record<string, number>;
  messages: number;
  elapsedMs: number;
}

/**
 * Publishes SIM activation lifecycles: batches per step to `device.<step>`, deterministic
 * message ids (a rerun with the same seed and start is deduplicated by the stream).
 */
export async function runDeviceSimulator(
  nats: Nats,
  o: DeviceSimOptions,
  signal: AbortSignal,
): Promise<DeviceSimSummary> {
  const subs = population(o.seed, o.subscribers, []);
  const gapMs = o.rate > 0 ? Math.max(1, Math.round(1000 / o.rate)) : 1000;
  const requests = ActivationGenerator.syntheticRequests(o.seed, subs, o.activations, o.startMs, gapMs);
  const gen = new ActivationGenerator(o.seed, o.activation ?? DEFAULT_ACTIVATION);
  const pub = new PipelinedPublisher(nats.js, 256);
  const s: DeviceSimSummary = {
    activations: 0,
    events: 0,
    failed: 0,
    failures: {},
    messages: 0,
    elapsedMs: 0,
  };
  const pending = new Map<DeviceStep, DeviceEvent[]>();
  const seqByStep = new Map<DeviceStep, number>();
  const t0 = Date.now();
  const flushStep = async (step: DeviceStep, items: DeviceEvent[]) => {
    const seq = (seqByStep.get(step) ?? 0) + 1;
    seqByStep.set(step, seq);
    const batchId = `dev-${o.seed}-${o.startMs}-${step}-${seq}`;
    const data = encodeBatch(batchId, items);
    const subject = subjects.device(step);
    await pub.publish({ subject, data, msgId: batchId });
    await o.recorder?.record(subject, batchId, items.length, data);
    s.messages++;
  };
  for (const req of requests) {
    if (signal.aborted) break;
    if (o.rate > 0) {
      const wait = t0 + (s.activations * 1000) / o.rate - Date.now();
      if (wait > 5) {
        for (const [step, items] of pending) await flushStep(step, items);
        pending.clear();
        await new Promise((r) => setTimeout(r, wait));
      }
    }
    for (const ev of gen.activate(req)) {
      s.events++;
      if (ev.result === 'failed') {
        s.failed++;
        const key = `${ev.step}/${ev.reason ?? 'unknown'}`;
        s.failures[key] = (s.failures[key] ?? 0) + 1;
      }
      let list = pending.get(ev.step);
      if (!list) pending.set(ev.step, (list = []));
      list.push(ev);
      if (list.length >= o.batchSize) {
        pending.delete(ev.step);
        await flushStep(ev.step, list);
      }
    }
    s.activations++;
  }
  for (const [step, items] of pending) await flushStep(step, items);
  await pub.flush();
  s.elapsedMs = Date.now() - t0;
  return s;
}
