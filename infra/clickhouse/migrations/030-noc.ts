import type { Migration } from '../migrations.ts';

export const m030: Migration = {
  version: 30,
  name: 'noc',
  statements: [
    // Every alarm raise/clear as the NEs sent it (the NOC's alarm history). Read as "this site's
    // alarms over a period" (ticket evidence, alarm search by site) → site first, then time.
    `CREATE TABLE IF NOT EXISTS {db}.noc_alarms (
        alarm_id String,
        ne_id LowCardinality(String),
        site_id String,
        cell_id String,
        region LowCardinality(String),
        probable_cause LowCardinality(String),
        severity LowCardinality(String),
        state LowCardinality(String),
        text String,
        at DateTime64(3, 'UTC'),
        stream_seq UInt64
      ) ENGINE = ReplacingMergeTree
      ORDER BY (site_id, at, alarm_id)`,
    // One row per ticket version (TicketEvent): the ticket's history. Read per ticket, and as
    // "tickets of a region / period" for boards and exports.
    `CREATE TABLE IF NOT EXISTS {db}.noc_ticket_events (
        event_id String,
        ticket_id String,
        type LowCardinality(String),
        ticket_type LowCardinality(String),
        priority LowCardinality(String),
        status LowCardinality(String),
        region LowCardinality(String),
        related_ids Array(String),
        technician_id String,
        note String,
        channel LowCardinality(String),
        at DateTime64(3, 'UTC'),
        stream_seq UInt64
      ) ENGINE = ReplacingMergeTree
      ORDER BY (ticket_id, at, event_id)`,
    // Complaint versions (ComplaintEvent). Read per customer (360 timeline) → customer first.
    `CREATE TABLE IF NOT EXISTS {db}.noc_complaint_events (
        event_id String,
        complaint_id String,
        customer_id String,
        type LowCardinality(String),
        category LowCardinality(String),
        status LowCardinality(String),
        text String,
        channel LowCardinality(String),
        at DateTime64(3, 'UTC'),
        stream_seq UInt64
      ) ENGINE = ReplacingMergeTree
      ORDER BY (customer_id, complaint_id, at, event_id)`,
    // Detections with their evidence; read as "recent detections of a region".
    `CREATE TABLE IF NOT EXISTS {db}.noc_detections (
        detection_id String,
        kind LowCardinality(String),
        rule String,
        region LowCardinality(String),
        site_id String,
        cell_id String,
        ticket_id String,
        alarm_ids Array(String),
        samples String,
        at DateTime64(3, 'UTC'),
        stream_seq UInt64
      ) ENGINE = ReplacingMergeTree
      ORDER BY (region, at, detection_id)`,
  ],
};
