/**
 * Unsubscribe eligibility review (退订资格审核). A line may be closed only when nothing is owed,
 * the contract term is over, and every rented device is back. Each blocking reason is returned
 * with its text in zh-CN and en so the agent can tell the customer what to do.
 */
import { shanghaiIso } from '../catalog/index.ts';

export type IneligibleCode =
  'OUTSTANDING_BALANCE' | 'CONTRACT_TERM' | 'DEVICES_NOT_RETURNED' | 'LINE_NOT_ACTIVE';

export interface ReviewInput {
  lineStatus: 'active' | 'suspended' | 'closed' | 'pre_opened';
  /** Balance in fen; negative means the customer owes money. */
  balanceFen: number;
  contractEndMs: number | null;
  devicesOutstanding: string[];
  nowMs: number;
}

export interface ReviewReason {
  code: IneligibleCode;
  text: { 'zh-CN': string; en: string };
}

export interface Review {
  eligible: boolean;
  reasons: ReviewReason[];
}

const yuan = (fen: number) => `${Math.trunc(fen / 100)}.${String(Math.abs(fen) % 100).padStart(2, '0')}`;

export function reviewUnsubscribe(i: ReviewInput): Review {
  const reasons: ReviewReason[] = [];
  if (i.lineStatus === 'closed')
    reasons.push({
      code: 'LINE_NOT_ACTIVE',
      text: { 'zh-CN': '号码已销户', en: 'the line is already closed' },
    });
  if (i.balanceFen < 0)
    reasons.push({
      code: 'OUTSTANDING_BALANCE',
      text: {
        'zh-CN': `尚欠费 ${yuan(-i.balanceFen)} 元，请先缴清`,
        en: `${yuan(-i.balanceFen)} yuan is owed; please pay it first`,
      },
    });
  if (i.contractEndMs !== null && i.contractEndMs > i.nowMs) {
    // the day in Beijing time, as the contract and every screen write it (not the UTC day)
    const day = shanghaiIso(i.contractEndMs).slice(0, 10);
    reasons.push({
      code: 'CONTRACT_TERM',
      text: { 'zh-CN': `合约期至 ${day}，未到期`, en: `the contract term runs until ${day}` },
    });
  }
  if (i.devicesOutstanding.length > 0)
    reasons.push({
      code: 'DEVICES_NOT_RETURNED',
      text: {
        'zh-CN': `需归还设备：${i.devicesOutstanding.join('、')}`,
        en: `devices to return: ${i.devicesOutstanding.join(', ')}`,
      },
    });
  return { eligible: reasons.length === 0, reasons };
}
