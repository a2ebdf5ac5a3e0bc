import type { CompiledCatalog } from '../catalog/index.ts';
import { RatingError } from './errors.ts';
import { feeEntry, planOf, rollTo, versionOf, type Effects } from './period.ts';
import { checkBalance, moneyAllows, notice } from './thresholds.ts';
import type { LedgerEntry, RatingNotification, SubscriberState } from './types.ts';

/** 停机保号 (`suspended: true`: the number is kept while the line is stopped) or 复机 (`false`). */
export interface LineSuspension {
  suspensionId: string;
  msisdn: string;
  suspended: boolean;
  atMs: number;
}

export const lineSuspensionKey = (id: string) => `line_suspension:${id}`;

/**
 * 停机保号 on a postpaid line: barred at once (`barReason: 'suspended'`); the period under way is
 * left as it is (its fee was taken at its start). Every period that starts while the line is
 * suspended takes the keep-number fee instead of the plan's, with no allowances (`rollTo`).
 * 复机 lifts the bar if the money allows (otherwise the line stays barred for its credit limit);
 * resumed during a keep-number period, that period becomes a plan period at once: the plan's
 * allowances, and its fee less the keep-number fee already taken (ledger
 * `fee:<msisdn>:<periodStart>:resumed`). Suspending a line already suspended, or resuming one
 * that is not, changes nothing. A lost line (挂失) or a prepaid line is refused (dead letter:
 * care refuses both first).
 */
export function applyLineSuspension(
  catalog: CompiledCatalog,
  state: SubscriberState,
  x: LineSuspension,
): { newState: SubscriberState; ledger: LedgerEntry[]; notifications: RatingNotification[] } {
  if (x.msisdn !== state.msisdn)
    throw new RatingError(
      'WRONG_SUBSCRIBER',
      `suspension of ${x.msisdn} given to ${state.msisdn}`,
      '/msisdn',
    );
  if (state.payment !== 'postpaid')
    throw new RatingError('NOT_POSTPAID', '停机保号 is for postpaid lines', '/msisdn');
  const fx: Effects = { state, ledger: [], notifications: [] };
  rollTo(catalog, state, x.atMs, fx);
  let s = fx.state;
  const key = lineSuspensionKey(x.suspensionId);
  if (x.suspended === (s.barReason === 'suspended')) return { newState: s, ...rest(fx) };
  if (s.barReason === 'lost')
    throw new RatingError('LINE_LOST', 'the line is reported lost: restore it first', '/msisdn');
  if (x.suspended) {
    fx.notifications.push(
      notice(key, 'line_barred', s.msisdn, x.atMs, { reason: 'suspended', feeFen: catalog.keepNumberFeeFen }),
    );
    return { newState: { ...s, barred: true, barReason: 'suspended' }, ...rest(fx) };
  }
  if (s.charges.keepNumber && x.atMs >= s.periodStartMs && x.atMs < s.periodEndMs) {
    const v = versionOf(planOf(catalog, s.planId), s.periodStartMs);
    const due = Math.max(0, v.monthlyFeeFen - s.charges.feeFen);
    const before = s.balanceFen;
    const { keepNumber: _kept, ...charges } = s.charges;
    s = {
      ...s,
      balanceFen: before - due,
      allowances: {
        voice: { totalUnits: v.allowances.voiceSec, usedUnits: 0 },
        sms: { totalUnits: v.allowances.smsCount, usedUnits: 0 },
        data: { totalUnits: v.allowances.dataBytes + v.bonusDataEveryBytes, usedUnits: 0 },
      },
      charges: { ...charges, feeFen: charges.feeFen + due },
    };
    fx.ledger.push({
      ...feeEntry(s, v, s.periodStartMs, due, x.atMs),
      key: `fee:${s.msisdn}:${s.periodStartMs}:resumed`,
    });
    s = checkBalance(s, before, x.atMs, key, fx.notifications, v, 'fee');
  }
  if (moneyAllows(s)) {
    fx.notifications.push(notice(key, 'line_unbarred', s.msisdn, x.atMs, { reason: 'suspended' }));
    return { newState: { ...s, barred: false, barReason: null }, ...rest(fx) };
  }
  fx.notifications.push(notice(key, 'line_barred', s.msisdn, x.atMs, { reason: 'credit_limit' }));
  return { newState: { ...s, barred: true, barReason: 'credit_limit' }, ...rest(fx) };
}

const rest = (fx: Effects) => ({ ledger: fx.ledger, notifications: fx.notifications });
