/**
 * 停机保号 (voluntary suspension, the number kept): a customer going abroad or not using the line
 * for a while stops it and pays a small monthly fee instead of the plan's until 复机 (resume).
 * Offered on postpaid lines whose charges are settled. Pure: why it cannot be done.
 */
import { formatYuan } from '../money/index.ts';

export type SuspensionRefusalCode =
  'LINE_NOT_ACTIVE' | 'LINE_LOST' | 'PREPAID' | 'TO_PREPAID_PENDING' | 'ARREARS' | 'RESUME_DATE';

export interface SuspensionRefusal {
  code: SuspensionRefusalCode;
  /** The request field at fault (JSON pointer). */
  field: string;
  message: string;
}

export interface SuspensionInput {
  lineStatus: 'active' | 'pre_opened' | 'closed';
  lost: boolean;
  payment: 'prepaid' | 'postpaid';
  /** The line's money as charging holds it: negative is owed. Null when charging does not know it. */
  balanceFen: number | null;
  /** A move to a prepaid plan (后转预) waits for the next period. */
  toPrepaidPending?: boolean;
}

/** Why the line cannot be suspended now, or null. Checked in this order: the first reason is given. */
export function suspensionRefusal(i: SuspensionInput): SuspensionRefusal | null {
  if (i.lineStatus !== 'active')
    return { code: 'LINE_NOT_ACTIVE', field: '/msisdn', message: `the line is ${i.lineStatus}` };
  if (i.lost)
    return {
      code: 'LINE_LOST',
      field: '/msisdn',
      message: 'the SIM is reported lost: restore the line or replace the card first',
    };
  if (i.payment !== 'postpaid')
    return {
      code: 'PREPAID',
      field: '/msisdn',
      message: 'a prepaid line keeps its number while it has balance: no suspension needed',
    };
  // Charging would hold the conversion back until 复机, and the line then pays as prepaid anyway.
  if (i.toPrepaidPending)
    return {
      code: 'TO_PREPAID_PENDING',
      field: '/msisdn',
      message:
        'a move to a prepaid plan waits for the next period, and a prepaid line needs no suspension: withdraw the change first to suspend',
    };
  if (i.balanceFen !== null && i.balanceFen < 0)
    return {
      code: 'ARREARS',
      field: '/msisdn',
      message: `the line has ${formatYuan(-i.balanceFen)} yuan unsettled; it must be paid first`,
    };
  return null;
}

/** How long a line may stay suspended, unless configured otherwise (SUSPENSION_MAX_DAYS). */
export const DEFAULT_SUSPENSION_MAX_DAYS = 365;
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/**
 * When a suspension starting at `sinceMs` ends by itself (预约复机): the date the customer asked
 * for, or the longest a suspension may last. A refusal (field `/resumeAtMs`) for a date within
 * the hour or past the maximum.
 */
export function plannedResumeMs(
  sinceMs: number,
  requestedMs: number | undefined,
  maxDays = DEFAULT_SUSPENSION_MAX_DAYS,
): { untilMs: number } | SuspensionRefusal {
  const latest = sinceMs + maxDays * DAY_MS;
  if (requestedMs === undefined) return { untilMs: latest };
  if (requestedMs < sinceMs + HOUR_MS)
    return {
      code: 'RESUME_DATE',
      field: '/resumeAtMs',
      message: 'the resume date must be at least an hour ahead',
    };
  if (requestedMs > latest)
    return {
      code: 'RESUME_DATE',
      field: '/resumeAtMs',
      message: `a line may stay suspended ${maxDays} days at most: resume by ${new Date(latest).toISOString()}`,
    };
  return { untilMs: requestedMs };
}

/** When a recorded suspension ends by itself; records from before the maximum existed end at it. */
export function suspensionEndMs(
  s: { sinceMs: number; untilMs?: number | undefined },
  maxDays = DEFAULT_SUSPENSION_MAX_DAYS,
): number {
  return s.untilMs ?? s.sinceMs + maxDays * DAY_MS;
}
