import { Type, type Static } from '@sinclair/typebox';
import { AmountFen, Closed, E164, EpochMs, Id, Region, ShortText, Text } from '../events/common.ts';

/** A union of string literals whose static type is the literal union (not `string`). */
const literals = <T extends string>(...vals: T[]) => Type.Union(vals.map((v) => Type.Literal(v)));

/**
 * NOC data model: one source of truth for KV values, wire events and API responses.
 * The ticket is shaped like TM Forum TMF621 (Trouble Ticket): id, ticketType, severity,
 * priority, channel, status, relatedEntity, note, statusChange, expected/actual resolution date.
 */

export const Priority = literals('P1', 'P2', 'P3', 'P4');
export type Priority = Static<typeof Priority>;

export const TicketChannel = literals('system', 'phone', 'web', 'app', 'counter');
export type TicketChannel = Static<typeof TicketChannel>;

/** Fault type = the skill a technician needs. */
export const FaultType = literals('power', 'transmission', 'radio', 'congestion', 'customer');
export type FaultType = Static<typeof FaultType>;

/**
 * Ticket status. TMF621 mapping: acknowledged → acknowledged, assigned/accepted/on_the_way/on_site →
 * inProgress, queued → pending, resolved → resolved, closed → closed.
 */
export const TicketStatus = literals(
  'acknowledged',
  'queued',
  'assigned',
  'accepted',
  'on_the_way',
  'on_site',
  'resolved',
  'closed',
);
export type TicketStatus = Static<typeof TicketStatus>;

export const RelatedEntity = Closed({
  role: literals('rootAlarm', 'childAlarm', 'site', 'cell', 'customerReport', 'mergedTicket', 'parentTicket'),
  id: Id,
});
export type RelatedEntity = Static<typeof RelatedEntity>;

export const Candidate = Closed({
  technicianId: Id,
  eligible: Type.Boolean(),
  rejectedBecause: Type.Optional(ShortText),
  workload: Type.Integer({ minimum: 0 }),
  distanceKm: Type.Number({ minimum: 0 }),
});
export type Candidate = Static<typeof Candidate>;

/** Why a dispatch went the way it did: the rule, every technician considered, and the reason in zh/en. */
export const DispatchWhy = Closed({
  rule: Type.String({ maxLength: 200 }),
  atMs: EpochMs,
  technicianId: Type.Optional(Id),
  reasonEn: Type.String({ maxLength: 500 }),
  reasonZh: Type.String({ maxLength: 500 }),
  candidates: Type.Array(Candidate, { maxItems: 50 }),
});
export type DispatchWhy = Static<typeof DispatchWhy>;

export const SlaState = literals('ok', 'at_risk', 'breached');
export type SlaState = Static<typeof SlaState>;

export const Sla = Closed({
  startMs: EpochMs,
  atRiskAtMs: EpochMs,
  dueAtMs: EpochMs,
  state: SlaState,
});
export type Sla = Static<typeof Sla>;

export const Escalation = Closed({
  atMs: EpochMs,
  kind: literals('sla_at_risk', 'sla_breached', 'no_technician'),
  to: ShortText,
});
export type Escalation = Static<typeof Escalation>;

export const TicketNote = Closed({ atMs: EpochMs, author: ShortText, text: Text });
export const StatusChange = Closed({
  atMs: EpochMs,
  status: TicketStatus,
  by: ShortText,
  reason: Type.Optional(Type.String({ maxLength: 500 })),
});

export const Ticket = Closed(
  {
    id: Id,
    version: Type.Integer({ minimum: 1 }),
    ticketType: literals('network', 'customer_fault'),
    faultType: FaultType,
    severity: literals('critical', 'major', 'minor'),
    priority: Priority,
    channel: TicketChannel,
    status: TicketStatus,
    name: Type.String({ maxLength: 200 }),
    description: Type.String({ maxLength: 2000 }),
    region: Region,
    siteId: Type.Optional(Id),
    cellId: Type.Optional(Id),
    customerMsisdn: Type.Optional(E164),
    rootKey: Type.Optional(Id),
    flapping: Type.Boolean(),
    childCount: Type.Integer({ minimum: 0 }),
    reopenCount: Type.Integer({ minimum: 0 }),
    relatedEntity: Type.Array(RelatedEntity, { maxItems: 100 }),
    note: Type.Array(TicketNote, { maxItems: 200 }),
    statusChange: Type.Array(StatusChange, { maxItems: 200 }),
    technicianId: Type.Optional(Id),
    dispatch: Type.Optional(DispatchWhy),
    handedBackBy: Type.Array(Id, { maxItems: 50 }),
    parts: Type.Array(ShortText, { maxItems: 50 }),
    sla: Sla,
    escalations: Type.Array(Escalation, { maxItems: 20 }),
    creationDateMs: EpochMs,
    lastUpdateMs: EpochMs,
    expectedResolutionDateMs: EpochMs,
    resolutionDateMs: Type.Optional(EpochMs),
  },
  { $id: 'NocTicket' },
);
export type Ticket = Static<typeof Ticket>;

/** One detection (fault found) with its evidence: which alarms or samples, which rule. */
export const Detection = Closed(
  {
    detectionId: Id,
    kind: literals(
      'alarm_root',
      'alarm_flapping',
      'kpi_breach',
      'kpi_recovered',
      'kpi_trend',
      'region_congestion',
    ),
    rule: ShortText,
    region: Region,
    siteId: Type.Optional(Id),
    cellId: Type.Optional(Id),
    ticketId: Type.Optional(Id),
    evidence: Closed({
      alarmIds: Type.Array(Id, { maxItems: 50 }),
      samples: Type.Array(Closed({ cellId: Id, metric: ShortText, value: Type.Number(), atMs: EpochMs }), {
        maxItems: 50,
      }),
    }),
    atMs: EpochMs,
  },
  { $id: 'NocDetection' },
);
export type Detection = Static<typeof Detection>;

/**
 * A goodwill credit for an outage, to be applied by the charging engine through the ledger.
 * `adjustmentId` is stable (ticket + subscriber), so the same credit twice changes nothing.
 */
export const AdjustmentEvent = Closed(
  {
    eventId: Id,
    type: Type.Literal('adjustment.goodwill'),
    adjustmentId: Id,
    msisdn: E164,
    amountFen: AmountFen,
    reason: Type.String({ maxLength: 500 }),
    ticketId: Id,
    atMs: EpochMs,
    actor: Type.Optional(Closed({ userId: Id, role: ShortText })),
  },
  { $id: 'AdjustmentEvent' },
);
export type AdjustmentEvent = Static<typeof AdjustmentEvent>;

export const ComplaintCategory = literals(
  'billing',
  'network_quality',
  'service_attitude',
  'device',
  'other',
);
export type ComplaintCategory = Static<typeof ComplaintCategory>;

export const ComplaintStatus = literals('registered', 'in_progress', 'solution_proposed', 'closed');
export type ComplaintStatus = Static<typeof ComplaintStatus>;

export const Complaint = Closed(
  {
    id: Id,
    version: Type.Integer({ minimum: 1 }),
    customerMsisdn: E164,
    channel: TicketChannel,
    text: Type.String({ minLength: 1, maxLength: 2000 }),
    suggestedCategory: ComplaintCategory,
    suggestionMatched: Type.Array(ShortText, { maxItems: 20 }),
    category: ComplaintCategory,
    categoryCorrectedBy: Type.Optional(ShortText),
    status: ComplaintStatus,
    solution: Type.Optional(Type.String({ maxLength: 2000 })),
    disputedCdrIds: Type.Array(Id, { maxItems: 50 }),
    customerConfirmed: Type.Optional(Type.Boolean()),
    satisfaction: Type.Optional(Type.Integer({ minimum: 1, maximum: 5 })),
    history: Type.Array(
      Closed({ atMs: EpochMs, status: ComplaintStatus, by: ShortText, note: Type.Optional(Text) }),
      { maxItems: 100 },
    ),
    sla: Sla,
    escalations: Type.Array(Escalation, { maxItems: 20 }),
    createdMs: EpochMs,
    lastUpdateMs: EpochMs,
    closedMs: Type.Optional(EpochMs),
  },
  { $id: 'NocComplaint' },
);
export type Complaint = Static<typeof Complaint>;
