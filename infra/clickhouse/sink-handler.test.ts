import type { JsMsg } from '@nats-io/jetstream';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics } from '../metrics/index.ts';
import { openClickHouse, type ClickHouse } from './client.ts';
import { createSinkHandler, type SinkSpec } from './sink.ts';

let ch: ClickHouse;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sbss-ch-handler-'));
  ch = await openClickHouse({ database: 'streambss', embeddedPath: dir });
  for (const t of ['main_t', 'side_t'])
    await ch.client.command({
      query: `CREATE TABLE ${ch.db}.${t} (k String, n Int64, stream_seq UInt64) ENGINE = MergeTree ORDER BY k`,
    });
});

afterAll(async () => {
  await ch.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A message as the handler reads it: its bytes, stream sequence and delivery count. */
const msg = (seq: number, deliveryCount = 1) =>
  ({ seq, subject: 'x.1', data: Buffer.from(String(seq)), info: { deliveryCount } }) as unknown as JsMsg;

const rows = async (t: string) =>
  (
    await (
      await ch.client.query({
        query: `SELECT k, toString(n) AS n, toString(stream_seq) AS s FROM ${ch.db}.${t} ORDER BY k`,
        format: 'JSONEachRow',
      })
    ).json<{ k: string; n: string; s: string }>()
  ).map((r) => `${r.k}:${r.n}@${r.s}`);

// One message: an object row for main_t, array rows for side_t, and one side entry refused.
const spec: SinkSpec = {
  table: 'main_t',
  alsoTables: ['side_t'],
  toRows: (m) => ({
    rows: [{ k: `m${m.seq}`, n: m.seq }],
    rejected: [],
    also: { side_t: { columns: ['k', 'n'], values: [[`s${m.seq}`, 1]] } },
    refused: [{ table: 'side_t', reason: 'side[1]/n must be >= 0' }],
  }),
};

describe('sink handler', () => {
  it('writes object and array rows with their stream sequence, and reports a refused entry once', async () => {
    const refused: string[] = [];
    const handle = createSinkHandler(spec, {
      ch,
      metrics: createMetrics(),
      onReject: async () => undefined,
      onRefused: (m, table, reason) => refused.push(`${m.seq} ${table} ${reason}`),
    });
    await handle([msg(7), msg(8)]);
    expect(await rows('main_t')).toEqual(['m7:7@7', 'm8:8@8']);
    expect(await rows('side_t')).toEqual(['s7:1@7', 's8:1@8']);
    expect(refused).toEqual(['7 side_t side[1]/n must be >= 0', '8 side_t side[1]/n must be >= 0']);

    // Redelivered after its rows landed: nothing written twice, nothing reported twice.
    await handle([msg(8, 2)]);
    expect(await rows('side_t')).toEqual(['s7:1@7', 's8:1@8']);
    expect(refused).toHaveLength(2);

    // A crash between the two tables' inserts: main_t lacks message 8, side_t has it. The
    // redelivery writes main_t's row only and does not report side_t's refusal again.
    await ch.client.command({
      query: `ALTER TABLE ${ch.db}.main_t DELETE WHERE stream_seq = 8 SETTINGS mutations_sync = 1`,
    });
    await handle([msg(8, 3)]);
    expect(await rows('main_t')).toEqual(['m7:7@7', 'm8:8@8']);
    expect(await rows('side_t')).toEqual(['s7:1@7', 's8:1@8']);
    expect(refused).toHaveLength(2);
  });

  it('sends array rows of a table with a type the Native block writer does not cover as JSON', async () => {
    await ch.client.command({
      query: `CREATE TABLE ${ch.db}.tags_t (k String, tags Array(String), stream_seq UInt64) ENGINE = MergeTree ORDER BY k`,
    });
    const handle = createSinkHandler(
      {
        table: 'tags_t',
        toRows: (m) => ({
          rows: { columns: ['k', 'tags'], values: [[`t${m.seq}`, ['漫游', 'x"y']]] },
          rejected: [],
        }),
      },
      { ch, metrics: createMetrics(), onReject: async () => undefined },
    );
    await handle([msg(3)]);
    const got = await (
      await ch.client.query({
        query: `SELECT k, tags, toString(stream_seq) AS s FROM ${ch.db}.tags_t`,
        format: 'JSONEachRow',
      })
    ).json();
    expect(got).toEqual([{ k: 't3', tags: ['漫游', 'x"y'], s: '3' }]);
  });

  it('keeps two batches in flight on one handler apart (each message in one insert of its batch)', async () => {
    await ch.client.command({
      query: `CREATE TABLE ${ch.db}.wide_t (k String, n Int64, stream_seq UInt64) ENGINE = MergeTree ORDER BY k`,
    });
    const handle = createSinkHandler(
      {
        table: 'wide_t',
        // 50 array rows per message, so the two batches' encodings overlap in time.
        toRows: (m) => ({
          rows: { columns: ['k', 'n'], values: Array.from({ length: 50 }, (_, i) => [`w${m.seq}-${i}`, i]) },
          rejected: [],
        }),
      },
      { ch, metrics: createMetrics(), onReject: async () => undefined },
    );
    const batch = (from: number) => Array.from({ length: 40 }, (_, i) => msg(from + i));
    await Promise.all([handle(batch(1)), handle(batch(41)), handle(batch(81))]);
    const parts = await (
      await ch.client.query({
        query: `SELECT _part AS part, min(stream_seq) AS lo, max(stream_seq) AS hi, count() AS n,
                       uniqExact(k) AS keys
                FROM ${ch.db}.wide_t GROUP BY part ORDER BY lo`,
        format: 'JSONEachRow',
        clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
      })
    ).json<{ lo: number; hi: number; n: number; keys: number }>();
    // One part per batch, holding exactly that batch's messages, every row once.
    expect(parts.map((p) => [p.lo, p.hi, p.n, p.keys])).toEqual([
      [1, 40, 2000, 2000],
      [41, 80, 2000, 2000],
      [81, 120, 2000, 2000],
    ]);
  });
});
