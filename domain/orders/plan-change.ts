/**
 * Plan change review (套餐变更受理). Which plans a line may move to, and why not the others, with
 * each reason in zh-CN and en for the counter and the business hall. A change takes effect at
 * the next period start (次月生效); the charging engine applies the same rules again when the
 * change reaches it (domain/rating/plan-change.ts), this review only answers before it is sent.
 */
import { shanghaiIso } from '../catalog/index.ts';
import type { PlanSummary } from './plan.ts';

export type PlanChangeRefusalCode =
  | 'LINE_NOT_ACTIVE'
  | 'CURRENT_PLAN'
  | 'ALREADY_PENDING'
  | 'ARREARS'
  | 'SUSPENDED'
  | 'PAID_AHEAD'
  | 'CONTRACT_DOWNGRADE';

export interface PlanChangeRefusal {
  code: PlanChangeRefusalCode;
  text: { 'zh-CN': string; en: string };
}

export interface PlanChangeInput {
  lineStatus: 'active' | 'pre_opened' | 'closed';
  currentPlanId: string;
  /** A change already waiting for the next period, if any. */
  pendingPlanId: string | null;
  /** Prepaid periods already bought on the current terms. */
  paidPeriodsAhead: number;
  contractEndMs: number | null;
  nowMs: number;
  /** The plans on sale (planSummaries). */
  plans: PlanSummary[];
  /** The line's money as charging holds it (negative: owed); null when charging does not know it. */
  balanceFen?: number | null;
  /** 停机保号: no change of how the line pays until it resumes. */
  suspended?: boolean;
}

export interface PlanChoice extends PlanSummary {
  /** The line's plan now, or the plan it moves to at the next period start. */
  role: 'current' | 'pending' | 'option';
  /** What asking for this plan does: change to it, or withdraw the pending change (the current plan). */
  action: 'change' | 'withdraw' | null;
  /** A prepaid line moving to a postpaid plan (预转后): its credit stays, bills follow each month. */
  conversion: boolean;
  /**
   * A postpaid line moving to a prepaid plan (后转预): this month is billed as usual, the first
   * prepaid period is bought from the balance when it starts.
   */
  toPrepaid: boolean;
  refusal: PlanChangeRefusal | null;
}

const refusal = (code: PlanChangeRefusalCode, zh: string, en: string): PlanChangeRefusal => ({
  code,
  text: { 'zh-CN': zh, en },
});

/** Every plan with what asking for it would do: cheapest first, the line's own plan included. */
export function planChangeChoices(i: PlanChangeInput): PlanChoice[] {
  const current = i.plans.find((p) => p.planId === i.currentPlanId);
  const inTerm = i.contractEndMs !== null && i.contractEndMs > i.nowMs;
  const lineRefusal =
    i.lineStatus !== 'active'
      ? refusal(
          'LINE_NOT_ACTIVE',
          i.lineStatus === 'closed' ? '号码已销户' : '号码尚未激活，激活后可变更套餐',
          i.lineStatus === 'closed' ? 'the line is closed' : 'the line is not activated yet',
        )
      : i.paidPeriodsAhead > 0
        ? refusal(
            'PAID_AHEAD',
            `已预缴 ${i.paidPeriodsAhead} 个周期，生效后方可变更`,
            `${i.paidPeriodsAhead} period(s) are paid ahead on the current plan; change it after they start`,
          )
        : null;
  return [...i.plans]
    .sort((a, b) => a.monthlyFeeFen - b.monthlyFeeFen || a.planId.localeCompare(b.planId))
    .map((p): PlanChoice => {
      const role =
        p.planId === i.currentPlanId ? 'current' : p.planId === i.pendingPlanId ? 'pending' : 'option';
      const action =
        role === 'current' ? (i.pendingPlanId ? 'withdraw' : null) : role === 'pending' ? null : 'change';
      let why: PlanChangeRefusal | null = lineRefusal;
      if (!why && role === 'current' && !i.pendingPlanId)
        why = refusal('CURRENT_PLAN', '当前已是该套餐', 'the line is on this plan');
      else if (!why && role === 'pending')
        why = refusal(
          'ALREADY_PENDING',
          '已申请变更为该套餐，下期生效',
          'already asked for: it starts next period',
        );
      else if (!why && role === 'option' && current && current.payment !== p.payment && i.suspended)
        why = refusal(
          'SUSPENDED',
          '停机保号中：复机后才能改变付费方式',
          'suspended (number kept): resume the line before changing how it pays',
        );
      else if (
        !why &&
        role === 'option' &&
        current?.payment === 'postpaid' &&
        p.payment === 'prepaid' &&
        (i.balanceFen ?? 0) < 0
      )
        why = refusal(
          'ARREARS',
          '后转预须先结清费用（含本月月费）',
          'settle the charges (this month’s fee included) before moving to prepaid',
        );
      else if (!why && role === 'option' && inTerm && current && p.monthlyFeeFen < current.monthlyFeeFen) {
        const day = shanghaiIso(i.contractEndMs ?? 0).slice(0, 10);
        why = refusal(
          'CONTRACT_DOWNGRADE',
          `合约期至 ${day}，合约期内不能降档`,
          `the contract runs until ${day}: no cheaper plan before then`,
        );
      }
      const conversion = role === 'option' && current?.payment === 'prepaid' && p.payment === 'postpaid';
      const toPrepaid = role === 'option' && current?.payment === 'postpaid' && p.payment === 'prepaid';
      return { ...p, role, action: why ? null : action, conversion, toPrepaid, refusal: why };
    });
}
