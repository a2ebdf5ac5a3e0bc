/**
 * 停机保号 (voluntary suspension, the number kept): a customer going abroad or not using the line
 * for a while stops it and pays a small monthly fee instead of the plan's until 复机 (resume).
 * Offered on postpaid lines whose charges are settled. Pure: why it cannot be done.
 */
import { formatYuan } from '../money/index.ts';

export type SuspensionRefusalCode = 'LINE_NOT_ACTIVE' | 'LINE_LOST' | 'PREPAID' | 'ARREARS';

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
  if (i.balanceFen !== null && i.balanceFen < 0)
    return {
      code: 'ARREARS',
      field: '/msisdn',
      message: `the line has ${formatYuan(-i.balanceFen)} yuan unsettled; it must be paid first`,
    };
  return null;
}
