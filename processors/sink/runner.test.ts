import { describe, expect, it } from 'vitest';
import type { JsMsg } from '@nats-io/jetstream';
import { ratedRowsOf, sinkBatching } from './runner.ts';

const withItems = (value?: string) =>
  ({
    headers: value === undefined ? undefined : { get: (k: string) => (k === 'StreamBSS-Items' ? value : '') },
  }) as JsMsg;

describe('sink batching', () => {
  it('cuts inserts at SINK_BATCH_ROWS rows, with a message cap for the largest rated messages', () => {
    expect(sinkBatching({ SINK_BATCH_ROWS: 40_000, SINK_FLUSH_MS: 500 })).toEqual({
      batchRows: 40_000,
      batchMessages: 200,
      flushMs: 500,
    });
    expect(sinkBatching({ SINK_BATCH_ROWS: 1, SINK_FLUSH_MS: 10 }).batchMessages).toBe(1);
  });

  it('weighs a rated message by its items header, and one without it as a full batch', () => {
    expect(ratedRowsOf(withItems('187'))).toBe(187);
    expect(ratedRowsOf(withItems('0'))).toBe(1); // payments only: still one insert's worth of work
    expect(ratedRowsOf(withItems())).toBe(100);
    expect(ratedRowsOf(withItems('lots'))).toBe(100);
    expect(ratedRowsOf(withItems('-3'))).toBe(100);
  });
});
