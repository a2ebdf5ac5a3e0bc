import type { Migration } from '../migrations.ts';

export const m001: Migration = {
  version: 1,
  name: 'cdr_rated',
  statements: [
    // Rated usage, one row per CDR. Read mostly as "this subscriber's usage over a period"
    // (care 360, usage query, explain a charge): ORDER BY (msisdn, start_time) makes those
    // range scans touch one subscriber's granules; cdr_id last keeps the key unique so the
    // Replacing engine collapses a CDR re-inserted by a replay outside the dedup window.
    // The sink already guarantees one row per CDR; Replacing is the safety net, not the plan.
    // No PARTITION BY: an insert must stay one atomic part so the sink's redelivery check holds.
    `CREATE TABLE IF NOT EXISTS {db}.cdr_rated (
        cdr_id String,
        msisdn LowCardinality(String),
        type LowCardinality(String),
        start_time DateTime64(3, 'UTC'),
        duration_sec UInt32,
        bytes_up UInt64,
        bytes_down UInt64,
        called String,
        region LowCardinality(String),
        cell_id String,
        roaming UInt8,
        plan_id LowCardinality(String),
        plan_version UInt32,
        charge_fen Int64,
        billable_units UInt64,
        allowance_used UInt64,
        explanation String,
        rated_at DateTime64(3, 'UTC'),
        stream_seq UInt64
      ) ENGINE = ReplacingMergeTree
      ORDER BY (msisdn, start_time, cdr_id)`,
    // Per-minute aggregates for the NOC: read as "the last N hours by region and service",
    // so time leads the key. Fed by a materialized view on every insert into cdr_rated.
    `CREATE TABLE IF NOT EXISTS {db}.usage_minute (
        minute DateTime('UTC'),
        region LowCardinality(String),
        type LowCardinality(String),
        cdrs UInt64,
        charge_fen Int64,
        bytes UInt64,
        duration_sec UInt64
      ) ENGINE = SummingMergeTree
      ORDER BY (minute, region, type)`,
    `CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.usage_minute_mv TO {db}.usage_minute AS
       SELECT toStartOfMinute(start_time) AS minute, region, type,
              count() AS cdrs, sum(charge_fen) AS charge_fen,
              sum(bytes_up + bytes_down) AS bytes, sum(duration_sec) AS duration_sec
       FROM {db}.cdr_rated GROUP BY minute, region, type`,
  ],
};
