import { DAY_MS, type CompiledCatalog } from '../catalog/index.ts';
import { RatingError } from './errors.ts';
import { settlementEntry } from './closure.ts';
import {
  feeEntry,
  feeFor,
  nextPlanOf,
  periodEndMs,
  planOf,
  rollTo,
  switchPlan,
  versionOf,
  withNewPeriod,
  type Effects,
} from './period.ts';
import { liftBarIfCleared, notice } from './thresholds.ts';
import type { LedgerEntry, RatingNotification, SubscriberState } from './types.ts';

/** The part of a `payment.succeeded` event the charging rules need. */
export interface Payment {
  paymentId: string;
  msisdn: string;
  amountFen: number;
  /** top_up: credit only. renewal: credit, then buy the next period. bill/order: credit (postpaid: pays what is owed). */
  purpose: 'top_up' | 'renewal' | 'bill' | 'order';
  atMs: number;
}

export interface PaymentResult {
  newState: SubscriberState;
  ledger: LedgerEntry[];
  notifications: RatingNotification[];
  /** A renewal bought a period (starting now if expired, else at the end of the last paid one). */
  renewed: boolean;
}

/**
 * Applies a successful payment (续费/充值). The amount is credited (`payment:<id>`). A prepaid
 * renewal then takes the monthly fee of the next period if the balance covers it: an expired line
 * starts a new period at the payment time (allowances reset, fee debited), a line still in validity
 * gets one more period queued after the current one. A bar is lifted when the balance allows.
 */
export function applyPayment(
  catalog: CompiledCatalog,
  state: SubscriberState,
  payment: Payment,
): PaymentResult {
  if (payment.msisdn !== state.msisdn)
    throw new RatingError(
      'WRONG_SUBSCRIBER',
      `payment for ${payment.msisdn} given to the state of ${state.msisdn}`,
      '/msisdn',
    );
  if (!Number.isSafeInteger(payment.amountFen) || payment.amountFen <= 0)
    throw new RatingError(
      'BAD_PAYMENT',
      `payment amount must be a positive integer of fen, got ${payment.amountFen}`,
      '/amountFen',
    );
  const fx: Effects = { state, ledger: [], notifications: [] };
  rollTo(catalog, state, payment.atMs, fx);
  let s = fx.state;
  const plan = planOf(catalog, s.planId);
  const cause = `payment:${payment.paymentId}`;
  s = { ...s, balanceFen: s.balanceFen + payment.amountFen };
  const v0 = versionOf(plan, payment.atMs);
  fx.ledger.push({
    key: cause,
    msisdn: s.msisdn,
    kind: 'payment',
    direction: 'credit',
    amountFen: payment.amountFen,
    balanceAfterFen: s.balanceFen,
    atMs: payment.atMs,
    planId: plan.id,
    planVersion: v0.version,
  });
  let renewed = false;
  // a line converting to postpaid (预转后) buys no prepaid period: the payment stays as credit
  const converting = s.nextPlanId !== undefined && catalog.plans.get(s.nextPlanId)?.payment === 'postpaid';
  // a closed line takes money (a final bill paid) but buys nothing
  const closed = s.closedAtMs !== undefined;
  if (payment.purpose === 'renewal' && plan.payment === 'prepaid' && !converting && !closed) {
    const expired = payment.atMs >= s.periodEndMs;
    // Start of the period being bought: now, or after the current and already-queued periods.
    // A pending plan change: the period bought runs on the new plan (and so do those queued
    // before it, as no change is taken while periods are paid ahead).
    const buying = nextPlanOf(catalog, s);
    let startMs = payment.atMs;
    if (!expired) {
      startMs = s.periodEndMs;
      for (let i = 0; i < s.paidPeriodsAhead; i++)
        startMs = periodEndMs(versionOf(buying, startMs).validity, startMs);
    }
    const v = versionOf(buying, startMs);
    const index = s.periodIndex + 1 + (expired ? 0 : s.paidPeriodsAhead);
    const fee = feeFor(v, index);
    const net = fee.feeFen - fee.discountFen;
    if (s.balanceFen >= net) {
      renewed = true;
      if (expired && buying.id !== s.planId) s = switchPlan(s, buying, startMs, fx.notifications);
      s = expired ? withNewPeriod(s, v, index, startMs) : { ...s, paidPeriodsAhead: s.paidPeriodsAhead + 1 };
      s = { ...s, balanceFen: s.balanceFen - net };
      fx.ledger.push(feeEntry(s, v, startMs, net, payment.atMs));
      fx.notifications.push(
        notice(`period_renewed:${cause}`, 'period_renewed', s.msisdn, payment.atMs, {
          periodStartMs: startMs,
          periodEndMs: periodEndMs(v.validity, startMs),
          feeFen: net,
        }),
      );
    } else
      fx.notifications.push(
        notice(`renewal_failed:${cause}`, 'renewal_failed', s.msisdn, payment.atMs, {
          balanceFen: s.balanceFen,
          feeFen: net,
        }),
      );
  }
  s = liftBarIfCleared(s, payment.atMs, cause, fx.notifications);
  if (closed && s.balanceFen > 0) {
    // a closed line keeps no money: what the payment leaves over (after the final bill) goes back
    const refundFen = s.balanceFen;
    s = { ...s, balanceFen: 0 };
    fx.ledger.push(settlementEntry(s, `closure_settlement:${cause}`, refundFen, payment.atMs));
  }
  return { newState: s, ledger: fx.ledger, notifications: fx.notifications, renewed };
}

/** Days after the period end when a postpaid bill falls due. */
export function dueAtMs(periodEnd: number, dueDays: number): number {
  return periodEnd + dueDays * DAY_MS;
}
