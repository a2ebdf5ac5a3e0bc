import type { LedgerEntry, SubscriberState } from './types.ts';
import { RatingError } from './errors.ts';

/** A signed correction of a balance (rerating compensation, manual correction). */
export interface BalanceAdjustment {
  adjustmentId: string;
  msisdn: string;
  /** Positive: the subscriber owes more (debit). Negative: money back (credit). Never 0. */
  amountFen: number;
  atMs: number;
}

/**
 * Applies an adjustment as one ledger entry keyed `adjustment:<id>`. Only the balance moves:
 * allowances, validity and barring are left as they are (a rerate corrects money, not usage).
 */
export function applyAdjustment(
  state: SubscriberState,
  a: BalanceAdjustment,
): { newState: SubscriberState; ledger: LedgerEntry[] } {
  if (a.msisdn !== state.msisdn)
    throw new RatingError(
      'WRONG_SUBSCRIBER',
      `adjustment of ${a.msisdn} given to ${state.msisdn}`,
      '/msisdn',
    );
  if (!Number.isSafeInteger(a.amountFen) || a.amountFen === 0)
    throw new RatingError('BAD_PAYMENT', 'an adjustment is a non-zero integer number of fen', '/amountFen');
  const balanceFen = state.balanceFen - a.amountFen;
  return {
    newState: { ...state, balanceFen },
    ledger: [
      {
        key: `adjustment:${a.adjustmentId}`,
        msisdn: state.msisdn,
        kind: 'adjustment',
        direction: a.amountFen > 0 ? 'debit' : 'credit',
        amountFen: Math.abs(a.amountFen),
        balanceAfterFen: balanceFen,
        atMs: a.atMs,
        planId: state.planId,
        planVersion: state.periodPlanVersion,
      },
    ],
  };
}
