/**
 * 过户 (transfer of ownership): a line moves from one customer to another at the counter, both
 * present with their ID documents. The number, plan, balance and history stay with the line;
 * what the old owner still owes or holds must be settled first. Pure: why it cannot be done.
 */
import { formatYuan } from '../money/index.ts';

export type TransferRefusalCode =
  'LINE_NOT_ACTIVE' | 'SAME_CUSTOMER' | 'CONTRACT_TERM' | 'DEVICES_OUTSTANDING' | 'ARREARS' | 'LINE_LOST';

export interface TransferRefusal {
  code: TransferRefusalCode;
  /** The request field at fault (JSON pointer). */
  field: string;
  message: string;
}

export interface TransferInput {
  lineStatus: 'active' | 'pre_opened' | 'closed';
  fromCustomerId: string;
  toCustomerId: string;
  contractEndMs: number | null;
  devicesOutstanding: number;
  /** The line's money as charging holds it: negative is owed. Null when charging does not know it. */
  balanceFen: number | null;
  lost: boolean;
  nowMs: number;
}

/** Why the line cannot change hands now, or null. Checked in this order: the first reason is given. */
export function transferRefusal(i: TransferInput): TransferRefusal | null {
  if (i.lineStatus !== 'active')
    return { code: 'LINE_NOT_ACTIVE', field: '/msisdn', message: `the line is ${i.lineStatus}` };
  if (i.toCustomerId === i.fromCustomerId)
    return {
      code: 'SAME_CUSTOMER',
      field: '/toCustomerId',
      message: 'the line already belongs to this customer',
    };
  if (i.lost)
    return {
      code: 'LINE_LOST',
      field: '/msisdn',
      message: 'the SIM is reported lost: restore the line or replace the card first',
    };
  if (i.contractEndMs !== null && i.contractEndMs > i.nowMs)
    return {
      code: 'CONTRACT_TERM',
      field: '/msisdn',
      message: 'the line is inside its contract term; it can change hands when the term ends',
    };
  if (i.devicesOutstanding > 0)
    return {
      code: 'DEVICES_OUTSTANDING',
      field: '/msisdn',
      message: `${i.devicesOutstanding} rented device(s) must be returned first`,
    };
  if (i.balanceFen !== null && i.balanceFen < 0)
    return {
      code: 'ARREARS',
      field: '/msisdn',
      message: `the line has ${formatYuan(-i.balanceFen)} yuan unsettled; it must be paid first`,
    };
  return null;
}
