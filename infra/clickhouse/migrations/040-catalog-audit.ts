import type { Migration } from '../migrations.ts';

export const m040: Migration = {
  version: 40,
  name: 'catalog_audit',
  statements: [
    // One row per catalog version an admin stored (PUT /api/v1/catalog): who, when, why, and the
    // whole document, so any past price list can be shown and compared. Read by version.
    `CREATE TABLE IF NOT EXISTS {db}.catalog_audit (
        version UInt32,
        catalog_version String,
        at DateTime64(3, 'UTC'),
        actor String,
        actor_role LowCardinality(String),
        reason String,
        plans UInt32,
        document String
      ) ENGINE = ReplacingMergeTree
      ORDER BY version`,
  ],
};
