/**
 * Chaos: the sink SIGKILLed between a ClickHouse insert and its ack, `kills` times in a loop
 * while rated batches keep arriving (tests/fault/fixtures/sink-child.ts kills itself right
 * after its n-th insert returned). Then a clean drain: rows = unique ids, without FINAL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeBatch, type RatedCdr } from '../../domain/index.ts';
import { applyTopology, PipelinedPublisher, subjects, type Nats } from '../../infra/nats/index.ts';
import { rateFlat } from '../../processors/flatrate/index.ts';
import { sinks } from '../../processors/sink/index.ts';
import { startTestNats } from '../support/env.ts';
import { runOnce } from './roles.ts';

export interface SinkKillOptions {
  kills: number;
  /** Rated messages published before each sink run (each a batch of `perMessage` CDRs). */
  messagesPerRound: number;
  perMessage: number;
  seed: number;
}

export interface SinkKillFigures {
  kills: number;
  notKilled: number;
  messages: number;
  expectedRows: number;
  rows: number;
  uniqueIds: number;
  duplicateRows: number;
  missingRows: number;
  /** Redelivered batches the sink found already inserted and skipped (proves the kills hit between insert and ack). */
  skippedRedeliveries: number;
  durationMs: number;
  ok: boolean;
}

/** Publishes `count` rated batches starting at message number `from`. */
export async function publishRated(nats: Nats, from: number, count: number, per: number): Promise<void> {
  const pub = new PipelinedPublisher(nats.js);
  for (let m = from; m < from + count; m++) {
    const rated: RatedCdr[] = Array.from({ length: per }, (_, i) =>
      rateFlat({
        type: 'sms',
        cdrId: `cdr-${m}-${i}`,
        neId: 'SMSC-GD-01',
        recordSeq: m * per + i,
        msisdn: `+86138${String(m % 5000).padStart(8, '0')}`,
        imsi: '460001234567890',
        cellId: 'GD-GZ-0001-1',
        region: 'GD',
        startMs: Date.UTC(2026, 10, 1) + m * 1000 + i,
        roaming: false,
        direction: 'mo',
        calledNumber: '+8610086',
      }),
    );
    await pub.publish({
      subject: subjects.rated(m % 4),
      data: encodeBatch(`b-${m}`, rated),
      msgId: `b-${m}`,
    });
  }
  await pub.flush();
}

/** Short ack wait so a killed sink's unacked batches come back quickly; every sink's consumer exists. */
export async function sinkTopology(nats: Nats): Promise<void> {
  await applyTopology(nats.nc, nats.jsm, [
    { stream: 'RATED', durable: 'sink-cdr-rated', maxAckPending: 4000, ackWaitSec: 1 },
    ...sinks.map((s) => s.consumer).filter((c) => c.durable !== 'sink-cdr-rated'),
  ]);
}

export const runSinkChild = (env: Record<string, string>, timeoutMs = 60_000) =>
  runOnce(['tests/fault/fixtures/sink-child.ts'], env, timeoutMs);

export async function runSinkKill(o: SinkKillOptions): Promise<SinkKillFigures> {
  const t0 = Date.now();
  let random = o.seed;
  const next = () => (random = (random * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const nats = await startTestNats();
  const chDir = mkdtempSync(join(tmpdir(), 'sbss-chaos-sinkkill-'));
  try {
    await sinkTopology(nats.nats);
    const env = { NATS_URL: nats.server.url, CH_DIR: chDir };
    let messages = 0;
    let kills = 0;
    let notKilled = 0;
    for (let k = 0; k < o.kills; k++) {
      await publishRated(nats.nats, messages, o.messagesPerRound, o.perMessage);
      messages += o.messagesPerRound;
      // Die right after the 1st..3rd insert: before any ack of that insert's messages.
      const r = await runSinkChild(
        { ...env, KILL_AFTER_INSERTS: String(1 + Math.floor(next() * 3)) },
        45_000,
      );
      if (r.signal === 'SIGKILL') kills++;
      else notKilled++;
      await new Promise((res) => setTimeout(res, 1200)); // let the ack wait lapse
    }
    const final = await runSinkChild(env, 300_000);
    const line = final.stdout.trim().split('\n').at(-1) ?? '';
    if (final.code !== 0 || !line.startsWith('{'))
      throw new Error(`draining sink failed (${final.code ?? final.signal}): ${final.stderr}`);
    const parsed = JSON.parse(line) as { counts: { n: string; u: string }; skipped: string };
    const rows = Number(parsed.counts.n);
    const uniqueIds = Number(parsed.counts.u);
    const skippedRedeliveries = [...parsed.skipped.matchAll(/\{table="[a-z_]+"\} (\d+)/g)].reduce(
      (a, m) => a + Number(m[1]),
      0,
    );
    const expectedRows = messages * o.perMessage;
    return {
      kills,
      notKilled,
      messages,
      expectedRows,
      rows,
      uniqueIds,
      duplicateRows: rows - uniqueIds,
      missingRows: expectedRows - uniqueIds,
      skippedRedeliveries,
      durationMs: Date.now() - t0,
      ok: rows === expectedRows && uniqueIds === expectedRows && kills === o.kills,
    };
  } finally {
    await nats.close();
    rmSync(chDir, { recursive: true, force: true });
  }
}
