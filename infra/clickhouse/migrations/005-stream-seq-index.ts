import type { Migration } from '../migrations.ts';

export const m005: Migration = {
  version: 5,
  name: 'stream_seq_minmax',
  statements: [
    // The sink asks "are the rows of these stream sequences here already?" for messages that may
    // be redelivered. One message's rows are one insert, one part: a minmax index on stream_seq
    // lets that question read only the parts whose sequence range covers the asked ones, instead
    // of the whole column.
    `ALTER TABLE {db}.cdr_rated ADD INDEX IF NOT EXISTS stream_seq_mm stream_seq TYPE minmax GRANULARITY 1`,
    `ALTER TABLE {db}.ledger ADD INDEX IF NOT EXISTS stream_seq_mm stream_seq TYPE minmax GRANULARITY 1`,
    `ALTER TABLE {db}.charging_notifications ADD INDEX IF NOT EXISTS stream_seq_mm stream_seq TYPE minmax GRANULARITY 1`,
  ],
};
