/** The API answers the dashboard reads, as far as the screens use them (see /openapi.json). */

export type Priority = 'P1' | 'P2' | 'P3' | 'P4';
export type TicketStatus =
  'acknowledged' | 'queued' | 'assigned' | 'accepted' | 'on_the_way' | 'on_site' | 'resolved' | 'closed';
export type SlaState = 'ok' | 'at_risk' | 'breached';

export interface Ticket {
  id: string;
  version: number;
  ticketType: 'network' | 'customer_fault';
  faultType: string;
  severity: string;
  priority: Priority;
  channel: string;
  status: TicketStatus;
  name: string;
  description: string;
  region: string;
  siteId?: string;
  cellId?: string;
  customerMsisdn?: string;
  childCount: number;
  note: { atMs: number; author: string; text: string }[];
  statusChange: { atMs: number; status: TicketStatus; by: string; reason?: string }[];
  technicianId?: string;
  dispatch?: { rule: string; atMs: number };
  sla: { startMs: number; atRiskAtMs: number; dueAtMs: number; state: SlaState };
  creationDateMs: number;
  lastUpdateMs: number;
}

export interface Alarm {
  key: string;
  neId: string;
  siteId: string;
  cellId?: string;
  region: string;
  probableCause: string;
  severity: string;
  active: boolean;
  flapping: boolean;
  count: number;
  firstSeenMs: number;
  lastSeenMs: number;
  rootKey?: string;
  children: number;
  ticketId?: string;
}

export interface Technician {
  id: string;
  nameZh: string;
  nameEn: string;
  region: string;
  skills: string[];
  onShift: boolean;
  offDuty: boolean;
  workload: number;
}

export type ComplaintStatus = 'registered' | 'in_progress' | 'solution_proposed' | 'closed';
export interface Complaint {
  id: string;
  version: number;
  customerMsisdn: string;
  channel: string;
  text: string;
  category: string;
  status: ComplaintStatus;
  solution?: string;
  sla: { dueAtMs: number; state: SlaState };
  createdMs: number;
  lastUpdateMs: number;
  history: { atMs: number; status: ComplaintStatus; by: string; note?: string }[];
  /** The CDRs a billing complaint disputes. */
  disputedCdrIds?: string[];
}

export interface Allowance {
  totalUnits: number;
  usedUnits: number;
  leftUnits: number;
}
export interface Balance {
  msisdn: string;
  planId: string;
  /** The plan's name in both languages (absent when the API's catalog does not know the plan). */
  planName?: { 'zh-CN': string; en: string };
  /** A plan change waiting for the next period (套餐变更), as charging holds it. */
  nextPlanId?: string;
  nextPlanName?: { 'zh-CN': string; en: string };
  payment: 'prepaid' | 'postpaid';
  balanceFen: number;
  creditLimitFen?: number;
  periodStartMs: number;
  periodEndMs: number;
  barred: boolean;
  /** Why: balance, credit_limit, lost (挂失), suspended (停机保号); null when not barred. */
  barReason?: string | null;
  /** Set once charging has closed the line (销户, 携出). */
  closedAtMs?: number;
  allowances: { voiceSec?: Allowance; sms?: Allowance; dataBytes?: Allowance };
}

export interface UsageDay {
  day: string;
  type: string;
  count: number;
  durationSec: number;
  bytes: number;
  chargeFen: number;
}
export interface UsageSummary {
  fromMs: number;
  toMs: number;
  chargeFen: number;
  days: UsageDay[];
}

export interface UsageRow {
  cdrId: string;
  type: 'voice' | 'sms' | 'data';
  startMs: number;
  durationSec: number;
  bytesUp: number;
  bytesDown: number;
  calledNumber: string;
  region: string;
  cellId: string;
  chargeFen: number;
  explanation: string;
}
export interface UsageList {
  totals: { count: number; chargeFen: number };
  rows: UsageRow[];
}

export interface LocalName {
  'zh-CN': string;
  en: string;
}

/** One time window's share of a charge (units: seconds, messages or bytes, per `unit`). */
export interface ChargeSegment {
  window: string;
  startMs: number;
  rawUnits: number;
  billedUnits: number;
  allowanceUnits: number;
  freeUnits: number;
  chargedUnits: number;
  priceFen: number;
  perUnits: number;
}

/** How a charge was reached (the API's ShownBreakdown). */
export interface ChargeBreakdown {
  catalogVersion: string;
  planId: string;
  planVersion: number;
  planName: LocalName;
  service: 'voice' | 'sms' | 'data';
  direction?: 'mo' | 'mt';
  roaming: boolean;
  destination: { id: string; kind: string; name: LocalName; matchedPrefix: string } | null;
  unit: 'sec' | 'sms' | 'byte';
  rawUnits: number;
  billedUnits: number;
  increments: { firstUnits: number; nextUnits: number } | null;
  segments: ChargeSegment[];
  allowance: { bucket: 'voice' | 'sms' | 'data'; drawnUnits: number } | null;
  /** Exact fen before rounding, "numerator/denominator". */
  exactFen: string;
  rounding: string;
  chargeFen: number;
  /** From the ledger; null until its entry is stored. */
  balanceAfterFen: number | null;
  notes: string[];
}

export interface Explanation {
  cdrId: string;
  chargeFen: number;
  planId: string;
  planVersion: number;
  sentence: LocalName;
  breakdown: ChargeBreakdown;
  windowNames: Record<string, LocalName>;
  consistent: boolean;
}

export interface Address {
  province: string;
  city: string;
  district: string;
  street: string;
  number: string;
}
export interface Customer {
  customerId: string;
  revision: number;
  name: string;
  idType: string;
  idNumber: string;
  mobile: string;
  landline?: string;
  email?: string;
  address: Address;
  serviceType: string;
  /** The language of the customer's notices. */
  locale?: 'zh-CN' | 'en';
  registeredAtMs: number;
  masked: boolean;
  /** An identity change asked for and waiting for a supervisor (the number masked). */
  pendingIdentityChange?: {
    idType: string;
    idNumber: string;
    requestedBy: string;
    atMs: number;
    reason: string;
  };
}

export interface HistoryRow {
  minuteMs: number;
  region: string;
  type: string;
  cdrs: number;
  chargeFen: number;
  bytes: number;
}

export interface Pipeline {
  consumers: { stream: string; consumer: string; lag: number }[];
  deadLetters: { total: number; counts: { source: string; code: string; count: number }[] };
}

export interface Reconciliation {
  atMs: number;
  sumDebitsFen: number;
  sumChargesFen: number;
  debitsMatchCharges: boolean;
  subscribersChecked: number;
  ledgerDrift: unknown[];
}

export interface TicketPush {
  atMs: number;
  tickets: { ticketId: string }[];
}
