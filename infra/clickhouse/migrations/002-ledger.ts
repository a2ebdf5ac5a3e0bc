import type { Migration } from '../migrations.ts';

export const m002: Migration = {
  version: 2,
  name: 'ledger_and_charging_notifications',
  statements: [
    // The balance ledger: one row per balance change, keyed by its cause (cdr:<id>, payment:<id>,
    // fee:<msisdn>:<period>, opening:<msisdn>). Read as "this subscriber's account history" and
    // summed per subscriber for reconciliation, so msisdn leads the key; the cause key last makes
    // the Replacing engine collapse a re-inserted entry (safety net behind the idempotent sink).
    `CREATE TABLE IF NOT EXISTS {db}.ledger (
      key String,
      msisdn LowCardinality(String),
      kind LowCardinality(String),
      direction LowCardinality(String),
      amount_fen Int64,
      balance_after_fen Int64,
      at DateTime64(3, 'UTC'),
      plan_id LowCardinality(String),
      plan_version UInt32,
      service LowCardinality(String),
      allowance_units UInt64,
      stream_seq UInt64
    ) ENGINE = ReplacingMergeTree
    ORDER BY (msisdn, at, key)`,
    // Threshold and barring notices from charging (80 %/100 % of an allowance, low balance, barred).
    // Read per subscriber (care timeline) → msisdn first, then time.
    `CREATE TABLE IF NOT EXISTS {db}.charging_notifications (
      key String,
      msisdn LowCardinality(String),
      kind LowCardinality(String),
      service LowCardinality(String),
      at DateTime64(3, 'UTC'),
      params String,
      stream_seq UInt64
    ) ENGINE = ReplacingMergeTree
    ORDER BY (msisdn, at, key)`,
    // The structured rating breakdown (JSON) for "explain this charge".
    `ALTER TABLE {db}.cdr_rated ADD COLUMN IF NOT EXISTS breakdown String DEFAULT ''`,
    // Explain-a-charge looks a CDR up by id: a bloom filter skips granules without it.
    `ALTER TABLE {db}.cdr_rated ADD INDEX IF NOT EXISTS cdr_id_bf cdr_id TYPE bloom_filter(0.01) GRANULARITY 4`,
  ],
};
