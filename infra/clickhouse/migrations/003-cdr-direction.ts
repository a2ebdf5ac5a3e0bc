import type { Migration } from '../migrations.ts';

export const m003: Migration = {
  version: 3,
  name: 'cdr_rated_direction_apn_ne',
  statements: [
    // What "explain this charge" needs to re-derive a breakdown (incoming calls are free, APN, NE).
    `ALTER TABLE {db}.cdr_rated ADD COLUMN IF NOT EXISTS direction LowCardinality(String) DEFAULT ''`,
    `ALTER TABLE {db}.cdr_rated ADD COLUMN IF NOT EXISTS apn LowCardinality(String) DEFAULT ''`,
    `ALTER TABLE {db}.cdr_rated ADD COLUMN IF NOT EXISTS ne_id LowCardinality(String) DEFAULT ''`,
  ],
};
