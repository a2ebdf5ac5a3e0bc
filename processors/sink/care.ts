import { compile, CustomerEvent, OrderEvent } from '../../domain/index.ts';
import { CareAuditEvent } from '../../domain/customer/index.ts';
import { jsonOf, type SinkSpec } from '../../infra/clickhouse/index.ts';
import type { SinkRole } from './runner.ts';

const validAudit = compile(CareAuditEvent);
const validOrder = compile(OrderEvent);
const validCustomer = compile(CustomerEvent);

/** One care event per message → one row, or the whole message rejected with the field at fault. */
function oneRow<T>(
  table: string,
  check: (v: unknown) => { ok: true; value: T } | { ok: false; error: { field: string; message: string } },
  row: (v: T) => Record<string, unknown>,
): SinkSpec {
  return {
    table,
    toRows(msg) {
      const v = check(jsonOf(msg));
      if (!v.ok) return { reject: `${v.error.field} ${v.error.message}` };
      return { rows: [row(v.value)], rejected: [] };
    },
  };
}

export const careAuditSink = oneRow('care_audit', validAudit, (e) => ({
  event_id: e.eventId,
  at: e.atMs,
  actor: e.actor.userId,
  actor_role: e.actor.role,
  action: e.action,
  entity: e.entity,
  entity_id: e.entityId,
  customer_id: e.customerId ?? '',
  changes: JSON.stringify(e.changes),
  reason: e.reason ?? '',
}));

export const careOrderSink = oneRow('care_order_history', validOrder, (e) => ({
  event_id: e.eventId,
  at: e.atMs,
  order_id: e.orderId,
  customer_id: e.customerId,
  kind: e.kind,
  from_state: e.fromState ?? '',
  to_state: e.toState,
  reason: e.reason ?? '',
  channel: e.channel,
}));

export const careCustomerSink = oneRow('care_customers', validCustomer, (e) => ({
  customer_id: e.customerId,
  at: e.atMs,
  event_id: e.eventId,
  name: e.name,
  id_type: e.idType,
  id_masked: e.idNumberMasked,
  mobile: e.mobile ?? '',
  email: e.email ?? '',
  region: e.region ?? '',
  channel: e.channel,
}));

const consumer = (durable: string, filterSubject: string) => ({
  stream: 'BSS',
  durable,
  filterSubject,
  maxAckPending: 2000,
  ackWaitSec: 30,
});

/** Care projections: audit trail, order history and customer versions from the BSS stream. */
export const careSinks: SinkRole[] = [
  { spec: careAuditSink, consumer: consumer('sink-care-audit', 'bss.audit.>') },
  { spec: careOrderSink, consumer: consumer('sink-care-orders', 'bss.order.>') },
  { spec: careCustomerSink, consumer: consumer('sink-care-customers', 'bss.customer.>') },
];
