import { decodeBatch, validators } from '../../domain/index.ts';
import { nocValidators } from '../../domain/noc/index.ts';
import { jsonOf, type SinkSpec } from '../../infra/clickhouse/index.ts';
import type { SinkRole } from './runner.ts';

/**
 * NETWORK alarms → noc_alarms. Invalid alarms are skipped here, not dead-lettered: the NOC
 * processor reading the same messages already dead-letters each one with its reason.
 */
export const nocAlarmSink: SinkSpec = {
  table: 'noc_alarms',
  toRows(msg) {
    const env = decodeBatch(msg.data);
    if (!env.ok) return { rows: [], rejected: [] };
    const rows: Record<string, unknown>[] = [];
    for (const item of env.batch.items) {
      const v = validators.neAlarm(item);
      if (!v.ok) continue;
      const a = v.value;
      rows.push({
        alarm_id: a.alarmId,
        ne_id: a.neId,
        site_id: a.siteId,
        cell_id: a.cellId ?? '',
        region: a.region,
        probable_cause: a.probableCause,
        severity: a.severity,
        state: a.state,
        text: a.text ?? '',
        at: a.atMs,
      });
    }
    return { rows, rejected: [] };
  },
};

/** bss.ticket.* (TicketEvent) → noc_ticket_events. */
export const nocTicketSink: SinkSpec = {
  table: 'noc_ticket_events',
  toRows(msg) {
    const v = validators.businessEvent(jsonOf(msg));
    if (!v.ok || !('ticketId' in v.value))
      return { reject: v.ok ? 'not a ticket event' : `${v.error.field} ${v.error.message}` };
    const e = v.value;
    return {
      rows: [
        {
          event_id: e.eventId,
          ticket_id: e.ticketId,
          type: e.type,
          ticket_type: e.ticketType,
          priority: e.priority,
          status: e.status,
          region: e.region ?? '',
          related_ids: e.relatedIds,
          technician_id: e.technicianId ?? '',
          note: e.note ?? '',
          channel: e.channel,
          at: e.atMs,
        },
      ],
      rejected: [],
    };
  },
};

/** bss.complaint.* (ComplaintEvent) → noc_complaint_events. */
export const nocComplaintSink: SinkSpec = {
  table: 'noc_complaint_events',
  toRows(msg) {
    const v = validators.businessEvent(jsonOf(msg));
    if (!v.ok || !('complaintId' in v.value))
      return { reject: v.ok ? 'not a complaint event' : `${v.error.field} ${v.error.message}` };
    const e = v.value;
    return {
      rows: [
        {
          event_id: e.eventId,
          complaint_id: e.complaintId,
          customer_id: e.customerId,
          type: e.type,
          category: e.category,
          status: e.status,
          text: e.text ?? '',
          channel: e.channel,
          at: e.atMs,
        },
      ],
      rejected: [],
    };
  },
};

/** bss.noc.detection → noc_detections. */
export const nocDetectionSink: SinkSpec = {
  table: 'noc_detections',
  toRows(msg) {
    const v = nocValidators.detection(jsonOf(msg));
    if (!v.ok) return { reject: `${v.error.field} ${v.error.message}` };
    const d = v.value;
    return {
      rows: [
        {
          detection_id: d.detectionId,
          kind: d.kind,
          rule: d.rule,
          region: d.region,
          site_id: d.siteId ?? '',
          cell_id: d.cellId ?? '',
          ticket_id: d.ticketId ?? '',
          alarm_ids: d.evidence.alarmIds,
          samples: JSON.stringify(d.evidence.samples),
          at: d.atMs,
        },
      ],
      rejected: [],
    };
  },
};

const consumer = (stream: string, durable: string, filterSubject: string) => ({
  stream,
  durable,
  filterSubject,
  maxAckPending: 4000,
  ackWaitSec: 30,
});

/** The NOC projections: alarm history, ticket versions, complaint versions, detections. */
export const nocSinks: SinkRole[] = [
  { spec: nocAlarmSink, consumer: consumer('NETWORK', 'sink-noc-alarms', 'net.alarm.>') },
  { spec: nocTicketSink, consumer: consumer('BSS', 'sink-noc-tickets', 'bss.ticket.>') },
  { spec: nocComplaintSink, consumer: consumer('BSS', 'sink-noc-complaints', 'bss.complaint.>') },
  { spec: nocDetectionSink, consumer: consumer('BSS', 'sink-noc-detections', 'bss.noc.detection') },
];
