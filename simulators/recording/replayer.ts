import type { Clock, IdGenerator } from '../../domain/index.ts';
import { PipelinedPublisher, type Nats } from '../../infra/nats/index.ts';
import { openRecording } from './recorder.ts';
import { restampPayload } from './restamp.ts';

export interface ReplayOptions {
  /** 1 = as recorded, N = N times faster, 0 = as fast as possible. */
  speed: number;
  /** 'same': identical messages and ids (dedup drops a second replay); 'restamp': new events. */
  mode: 'same' | 'restamp';
  clock: Clock;
  ids: IdGenerator;
  /** Publishes in flight (default 512). */
  window?: number;
}

export interface ReplayProgress {
  messages: number;
  events: number;
  /** Messages the stream already had (same-id replays inside the dedup window). */
  duplicates: number;
  elapsedMs: number;
}

export class ReplayOptionsError extends Error {
  readonly code = 'REPLAY_OPTIONS_INVALID';
}

/**
 * Replays a recording into NATS: every message to its original subject, paced by its recorded
 * send time divided by `speed`. Resolves when every publish is acknowledged.
 */
export async function replayRecording(
  nats: Nats,
  path: string,
  o: ReplayOptions,
  signal: AbortSignal,
  onProgress?: (p: ReplayProgress) => void,
): Promise<ReplayProgress> {
  if (!(o.speed >= 0) || !Number.isFinite(o.speed))
    throw new ReplayOptionsError('speed must be 0 (full speed) or a positive multiplier');
  const { header, messages } = await openRecording(path);
  const pub = new PipelinedPublisher(nats.js, o.window ?? 512);
  const t0 = o.clock.nowMs();
  const wall0 = Date.now();
  const shiftMs = t0 - header.startMs;
  const suffix = o.ids.next('r').replace(/[^A-Za-z0-9_-]/g, '');
  const p: ReplayProgress = { messages: 0, events: 0, duplicates: 0, elapsedMs: 0 };
  let lastReport = 0;
  for await (const m of messages) {
    if (signal.aborted) break;
    if (o.speed > 0) {
      const dueAt = wall0 + m.t / o.speed;
      const wait = dueAt - Date.now();
      if (wait > 5) {
        await pub.flush();
        await new Promise((r) => setTimeout(r, wait));
      }
    }
    let data = m.data;
    let msgId = m.msgId;
    if (o.mode === 'restamp') {
      const r = restampPayload(m.data, shiftMs, o.clock.nowMs(), suffix);
      if (r) data = r.data;
      msgId = `${m.msgId}~${suffix}`;
    }
    await pub.publish({ subject: m.subject, data, msgId });
    p.messages++;
    p.events += m.n;
    if (onProgress && Date.now() - lastReport > 250) {
      lastReport = Date.now();
      onProgress({ ...p, elapsedMs: Date.now() - wall0 });
    }
  }
  await pub.flush();
  p.duplicates = pub.stats.duplicates;
  p.elapsedMs = Date.now() - wall0;
  onProgress?.({ ...p });
  return p;
}
