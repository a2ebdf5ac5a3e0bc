import type { Migration } from '../migrations.ts';

/** Care (customers and orders) history, projected from the BSS stream by the care sinks. */
export const m020: Migration = {
  version: 20,
  name: 'care_history',
  statements: [
    // Every audited care step. Read as "this customer's trail, newest first" (care 360, supervisor
    // review), so customer_id leads the key; event_id last makes replays collapse.
    `CREATE TABLE IF NOT EXISTS {db}.care_audit (
        event_id String,
        at DateTime64(3, 'UTC'),
        actor String,
        actor_role LowCardinality(String),
        action LowCardinality(String),
        entity LowCardinality(String),
        entity_id String,
        customer_id String,
        changes String,
        reason String,
        stream_seq UInt64
      ) ENGINE = ReplacingMergeTree
      ORDER BY (customer_id, at, event_id)`,
    // Order state changes. Read as "an order's steps" and "a customer's orders".
    `CREATE TABLE IF NOT EXISTS {db}.care_order_history (
        event_id String,
        at DateTime64(3, 'UTC'),
        order_id String,
        customer_id String,
        kind LowCardinality(String),
        from_state String,
        to_state String,
        reason String,
        channel LowCardinality(String),
        stream_seq UInt64
      ) ENGINE = ReplacingMergeTree
      ORDER BY (customer_id, order_id, at, event_id)`,
    // Customer versions (masked identity only): search by name or number. The latest version per
    // customer wins (version column = at).
    `CREATE TABLE IF NOT EXISTS {db}.care_customers (
        customer_id String,
        at DateTime64(3, 'UTC'),
        event_id String,
        name String,
        id_type LowCardinality(String),
        id_masked String,
        mobile String,
        email String,
        region LowCardinality(String),
        channel LowCardinality(String),
        stream_seq UInt64
      ) ENGINE = ReplacingMergeTree(at)
      ORDER BY customer_id`,
  ],
};
