import type { ComplaintEvent } from '../events/index.ts';
import type { Complaint, ComplaintCategory, Escalation, TicketChannel } from './schemas.ts';
import { COMPLAINT_SLA_MS, evaluateSla, newSla } from './sla.ts';
import { NocRuleError } from './errors.ts';

/** Keywords per category, zh and en (lower case). The category with the most hits wins. */
export const COMPLAINT_KEYWORDS: Record<Exclude<ComplaintCategory, 'other'>, string[]> = {
  billing: [
    '扣费',
    '话费',
    '账单',
    '收费',
    '多扣',
    '乱收费',
    '余额',
    '套餐费',
    '退款',
    'bill',
    'charge',
    'charged',
    'overcharg',
    'refund',
    'fee',
    'balance',
    'invoice',
  ],
  network_quality: [
    '信号',
    '掉线',
    '断网',
    '网速',
    '上不了网',
    '没有网络',
    '通话中断',
    '无服务',
    'signal',
    'no service',
    'dropped',
    'drop',
    'slow',
    'coverage',
    'network',
    'internet',
    'outage',
  ],
  service_attitude: [
    '态度',
    '客服',
    '营业员',
    '不耐烦',
    '服务差',
    '挂电话',
    'rude',
    'attitude',
    'staff',
    'agent',
    'unhelpful',
    'impolite',
  ],
  device: [
    '手机',
    '终端',
    '设备',
    '光猫',
    '路由器',
    'sim卡',
    '死机',
    'phone',
    'device',
    'handset',
    'router',
    'modem',
    'sim card',
    'broken',
  ],
};

export interface CategorySuggestion {
  category: ComplaintCategory;
  matched: string[];
}

/** Suggests a category from the complaint text: most keyword hits wins; ties by the order above; none → other. */
export function suggestCategory(text: string): CategorySuggestion {
  const t = text.toLowerCase();
  let best: CategorySuggestion = { category: 'other', matched: [] };
  for (const [category, words] of Object.entries(COMPLAINT_KEYWORDS) as [ComplaintCategory, string[]][]) {
    const matched = words.filter((w) => t.includes(w));
    if (matched.length > best.matched.length) best = { category, matched };
  }
  return { category: best.category, matched: best.matched.slice(0, 20) };
}

export interface RegisterComplaint {
  id: string;
  customerMsisdn: string;
  channel: TicketChannel;
  text: string;
  /** The agent may set the category at once, overriding the suggestion. */
  category?: ComplaintCategory;
  disputedCdrIds?: string[];
  by: string;
  atMs: number;
}

export function registerComplaint(r: RegisterComplaint): Complaint {
  const s = suggestCategory(r.text);
  return {
    id: r.id,
    version: 1,
    customerMsisdn: r.customerMsisdn,
    channel: r.channel,
    text: r.text,
    suggestedCategory: s.category,
    suggestionMatched: s.matched,
    category: r.category ?? s.category,
    ...(r.category && r.category !== s.category ? { categoryCorrectedBy: r.by } : {}),
    status: 'registered',
    disputedCdrIds: r.disputedCdrIds ?? [],
    history: [{ atMs: r.atMs, status: 'registered', by: r.by }],
    sla: newSla(r.atMs, COMPLAINT_SLA_MS),
    escalations: [],
    createdMs: r.atMs,
    lastUpdateMs: r.atMs,
  };
}

export type ComplaintAction =
  | { action: 'correct_category'; category: ComplaintCategory }
  | { action: 'propose_solution'; solution: string }
  | { action: 'close'; customerConfirmed: boolean; satisfaction: number; note?: string };

/**
 * Complaint lifecycle: registered → (category corrected, any time before close) → solution
 * proposed → closed only with the customer's confirmation and a satisfaction score 1–5.
 * A customer who does not confirm sends it back to in_progress.
 */
export function applyComplaintAction(c: Complaint, a: ComplaintAction, by: string, atMs: number): Complaint {
  if (c.status === 'closed') throw new NocRuleError('COMPLAINT_CLOSED', 'complaint is already closed');
  const next: Complaint = { ...c, version: c.version + 1, lastUpdateMs: atMs, history: [...c.history] };
  const push = (status: Complaint['status'], note?: string) =>
    next.history.push({ atMs, status, by, ...(note ? { note } : {}) });
  switch (a.action) {
    case 'correct_category':
      next.category = a.category;
      next.categoryCorrectedBy = by;
      if (next.status === 'registered') next.status = 'in_progress';
      push(next.status, `category → ${a.category}`);
      return next;
    case 'propose_solution':
      next.solution = a.solution;
      next.status = 'solution_proposed';
      push('solution_proposed', a.solution.slice(0, 2000));
      return next;
    case 'close':
      if (!c.solution) throw new NocRuleError('COMPLAINT_NO_SOLUTION', 'record a solution before closing');
      if (!a.customerConfirmed) {
        next.status = 'in_progress';
        next.customerConfirmed = false;
        push('in_progress', a.note ?? 'customer did not confirm the solution');
        return next;
      }
      if (!Number.isInteger(a.satisfaction) || a.satisfaction < 1 || a.satisfaction > 5)
        throw new NocRuleError('SATISFACTION_INVALID', 'satisfaction must be 1 to 5');
      next.status = 'closed';
      next.customerConfirmed = true;
      next.satisfaction = a.satisfaction;
      next.closedMs = atMs;
      push('closed', a.note);
      return next;
  }
}

/** The wire event of a complaint version (the ComplaintEvent contract; customerId = number without '+'). */
export function toComplaintEvent(c: Complaint, type: ComplaintEvent['type']): ComplaintEvent {
  return {
    eventId: `${c.id}.v${c.version}`,
    atMs: c.lastUpdateMs,
    type,
    complaintId: c.id,
    customerId: c.customerMsisdn.slice(1),
    category: c.category,
    status: c.status,
    text: (c.solution ? `${c.text}\n---\n${c.solution}` : c.text).slice(0, 2000),
    channel: c.channel,
  };
}

/** SLA check of an open complaint (48 h to close): the complaint and any escalation owed. */
export function checkComplaintSla(
  c: Complaint,
  nowMs: number,
): { complaint: Complaint; escalation?: Escalation } {
  if (c.status === 'closed') return { complaint: c };
  const r = evaluateSla(c.sla, nowMs);
  if (!r.escalation) return { complaint: c };
  return {
    complaint: {
      ...c,
      sla: r.sla,
      version: c.version + 1,
      lastUpdateMs: Math.max(c.lastUpdateMs, nowMs),
      escalations: [...c.escalations, r.escalation].slice(-20),
    },
    escalation: r.escalation,
  };
}
