import { formatYuan } from '../money/index.ts';
import type { CompiledPlanVersion } from '../catalog/index.ts';
import type { RatingNotification, Service, SubscriberState } from './types.ts';

/**
 * Threshold rules. Every notice fires on the crossing only (before < level ≤ after), so replaying
 * the same cause gives the same notices and later causes do not repeat them. Keys are deterministic.
 */

/** Allowance crossings of 80 % and 100 % of a bucket's total within one period. */
export function checkAllowance(
  s: SubscriberState,
  service: Service,
  usedBefore: number,
  usedAfter: number,
  atMs: number,
  out: RatingNotification[],
): void {
  const total = s.allowances[service].totalUnits;
  if (total <= 0 || usedAfter <= usedBefore) return;
  const params = { used: usedAfter, total, periodEndMs: s.periodEndMs };
  if (usedBefore * 100 < total * 80 && usedAfter * 100 >= total * 80)
    out.push(
      notice(
        `allowance_80:${s.msisdn}:${s.periodStartMs}:${service}`,
        'allowance_80',
        s.msisdn,
        atMs,
        params,
        service,
      ),
    );
  if (usedBefore < total && usedAfter >= total)
    out.push(
      notice(
        `allowance_100:${s.msisdn}:${s.periodStartMs}:${service}`,
        'allowance_100',
        s.msisdn,
        atMs,
        params,
        service,
      ),
    );
}

/**
 * Balance rules after a debit caused by `cause`. Prepaid: falling below the low-balance level
 * warns; usage bringing the balance to 0 or less notifies exhaustion and bars the line (a monthly
 * fee bars only if it leaves the balance below 0: a line that just paid its fee keeps its
 * allowances). Postpaid: owing the credit limit or more bars the line. Returns the new state.
 */
export function checkBalance(
  s: SubscriberState,
  before: number,
  atMs: number,
  cause: string,
  out: RatingNotification[],
  v: CompiledPlanVersion,
  debit: 'usage' | 'fee' = 'usage',
): SubscriberState {
  const after = s.balanceFen;
  if (after >= before) return s;
  if (s.payment === 'prepaid') {
    if (before >= v.lowBalanceFen && after < v.lowBalanceFen && after > 0)
      out.push(
        notice(`low_balance:${cause}`, 'low_balance', s.msisdn, atMs, {
          balanceYuan: formatYuan(after),
          balanceFen: after,
        }),
      );
    if (debit === 'usage' ? after <= 0 : after < 0) {
      if (before > 0)
        out.push(
          notice(`balance_exhausted:${cause}`, 'balance_exhausted', s.msisdn, atMs, { balanceFen: after }),
        );
      return bar(s, 'balance', atMs, cause, out);
    }
    return s;
  }
  const limit = s.creditLimitFen;
  if (limit > 0 && -before < limit && -after >= limit) {
    out.push(
      notice(`credit_limit_reached:${cause}`, 'credit_limit_reached', s.msisdn, atMs, {
        owedFen: -after,
        limitFen: limit,
      }),
    );
    return bar(s, 'credit_limit', atMs, cause, out);
  }
  return s;
}

function bar(
  s: SubscriberState,
  reason: 'balance' | 'credit_limit',
  atMs: number,
  cause: string,
  out: RatingNotification[],
): SubscriberState {
  if (s.barred) return s;
  out.push(notice(`line_barred:${cause}`, 'line_barred', s.msisdn, atMs, { reason }));
  return { ...s, barred: true, barReason: reason };
}

/** Lifts a balance or credit bar once the money situation allows it (after a payment). */
export function liftBarIfCleared(
  s: SubscriberState,
  atMs: number,
  cause: string,
  out: RatingNotification[],
): SubscriberState {
  // a line reported lost (or suspended) stays barred whatever is paid, until the customer
  // restores it (解挂, 复机); a closed line for good
  if (!s.barred || s.barReason === 'lost' || s.barReason === 'suspended' || s.barReason === 'closed')
    return s;
  const cleared = moneyAllows(s);
  if (!cleared) return s;
  out.push(
    notice(`line_unbarred:${cause}`, 'line_unbarred', s.msisdn, atMs, { reason: s.barReason ?? 'unknown' }),
  );
  return { ...s, barred: false, barReason: null };
}

export function notice(
  key: string,
  kind: RatingNotification['kind'],
  msisdn: string,
  atMs: number,
  params: Record<string, string | number>,
  service?: Service,
): RatingNotification {
  return service === undefined
    ? { key, kind, msisdn, atMs, params }
    : { key, kind, msisdn, atMs, service, params };
}

/** Whether the money situation lets the line be used (prepaid: credit left; postpaid: under the limit). */
export function moneyAllows(s: SubscriberState): boolean {
  return s.payment === 'prepaid' ? s.balanceFen > 0 : -s.balanceFen < s.creditLimitFen;
}
