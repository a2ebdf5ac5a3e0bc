import type { CompiledCatalog } from '../catalog/index.ts';
import { RatingError } from './errors.ts';
import { feeFor, nextPlanOf, periodEndMs, rollTo, versionOf, zeroCharges, type Effects } from './period.ts';
import { notice } from './thresholds.ts';
import type { LedgerEntry, RatingNotification, SubscriberState } from './types.ts';

/** A line closed for good: 销户 (an unsubscribe order) or 携号转网 (the number ported out). */
export interface LineClosure {
  closureId: string;
  msisdn: string;
  reason: 'unsubscribe' | 'port_out';
  atMs: number;
}

/** A line closes once: the key is the number's (a second closure, whatever its id, changes nothing). */
export const lineClosureKey = (msisdn: string) => `line_closure:${msisdn}`;

/**
 * Closes a line in charging at `atMs`, after rolling its periods up to then:
 *  - the period under way ends at the closure. Postpaid: it is closed for its bill as it stands
 *    (its fee was taken when it started; no refund of the rest of the month), so the month's
 *    billing run issues the final bill;
 *  - prepaid periods paid ahead that never started are refunded (ledger
 *    `closure_refund:<msisdn>:<periodStart>`, kind `fee`, credit): the money stays on the balance;
 *  - no allowance is left, the line is barred for good (`barReason: 'closed'`, notice
 *    `line_closed`, which the simulators obey as a bar), and no later period starts.
 * Then the account is settled: credit left on it (prepaid money, a postpaid deposit or
 * overpayment, the refunds above) is paid back to the customer, ledger
 * `closure_settlement:<msisdn>` (kind `adjustment`, debit) down to 0; what is owed stays on the
 * balance for the final bill. The notice carries both (`refundFen`, `owedFen`). Closing a line
 * already closed changes nothing.
 */
export function applyLineClosure(
  catalog: CompiledCatalog,
  state: SubscriberState,
  x: LineClosure,
): { newState: SubscriberState; ledger: LedgerEntry[]; notifications: RatingNotification[] } {
  if (x.msisdn !== state.msisdn)
    throw new RatingError('WRONG_SUBSCRIBER', `closure of ${x.msisdn} given to ${state.msisdn}`, '/msisdn');
  if (state.closedAtMs !== undefined) return { newState: state, ledger: [], notifications: [] };
  const fx: Effects = { state, ledger: [], notifications: [] };
  // up to the instant before: a closure at a period boundary starts (and pays for) no new period
  rollTo(catalog, state, x.atMs - 1, fx);
  let s = fx.state;
  const cutMs = Math.max(s.periodStartMs, Math.min(x.atMs, s.periodEndMs));
  if (s.payment === 'postpaid')
    s = {
      ...s,
      closedPeriods: [
        ...s.closedPeriods,
        {
          index: s.periodIndex,
          startMs: s.periodStartMs,
          endMs: cutMs,
          planVersion: s.periodPlanVersion,
          planId: s.planId,
          charges: s.charges,
        },
      ].slice(-24),
    };
  else {
    // periods bought ahead start one after the other at the end of the current one
    let startMs = s.periodEndMs;
    for (let i = 0; i < s.paidPeriodsAhead; i++) {
      const v = versionOf(nextPlanOf(catalog, s), startMs);
      const fee = feeFor(v, s.periodIndex + 1 + i);
      const net = fee.feeFen - fee.discountFen;
      s = { ...s, balanceFen: s.balanceFen + net };
      fx.ledger.push({
        key: `closure_refund:${s.msisdn}:${startMs}`,
        msisdn: s.msisdn,
        kind: 'fee',
        direction: 'credit',
        amountFen: net,
        balanceAfterFen: s.balanceFen,
        atMs: x.atMs,
        planId: v.planId,
        planVersion: v.version,
      });
      startMs = periodEndMs(v.validity, startMs);
    }
  }
  // settlement: credit left on the account goes back to the customer; what is owed stays
  const refundFen = Math.max(0, s.balanceFen);
  if (refundFen > 0) {
    s = { ...s, balanceFen: 0 };
    fx.ledger.push(settlementEntry(s, `closure_settlement:${s.msisdn}`, refundFen, x.atMs));
  }
  const { nextPlanId: _pending, ...rest } = s;
  const empty = { totalUnits: 0, usedUnits: 0 };
  s = {
    ...rest,
    periodIndex: s.periodIndex + (s.payment === 'postpaid' ? 1 : 0),
    periodStartMs: cutMs,
    periodEndMs: cutMs,
    paidPeriodsAhead: 0,
    allowances: { voice: empty, sms: empty, data: empty },
    charges: s.payment === 'postpaid' ? zeroCharges() : s.charges,
    barred: true,
    barReason: 'closed',
    closedAtMs: x.atMs,
  };
  fx.notifications.push(
    notice(lineClosureKey(s.msisdn), 'line_closed', s.msisdn, x.atMs, {
      reason: x.reason,
      closureId: x.closureId,
      refundFen,
      owedFen: Math.max(0, -s.balanceFen),
    }),
  );
  return { newState: s, ledger: fx.ledger, notifications: fx.notifications };
}

/** Refuses anything but money on a closed line: usage, plan changes, packs, loss, suspension. */
export function assertLineOpen(s: SubscriberState, what: string): void {
  if (s.closedAtMs !== undefined)
    throw new RatingError(
      'LINE_CLOSED',
      `${what} on a line closed at ${new Date(s.closedAtMs).toISOString()}: not charged`,
      '/msisdn',
    );
}

/** Money paid back to the customer of a closed line: a debit that takes the balance to 0. */
export function settlementEntry(
  s: SubscriberState,
  key: string,
  amountFen: number,
  atMs: number,
): LedgerEntry {
  return {
    key,
    msisdn: s.msisdn,
    kind: 'adjustment',
    direction: 'debit',
    amountFen,
    balanceAfterFen: s.balanceFen,
    atMs,
    planId: s.planId,
    planVersion: s.periodPlanVersion,
  };
}
