import { RatingError } from './errors.ts';
import { moneyAllows, notice } from './thresholds.ts';
import type { LedgerEntry, RatingNotification, SubscriberState } from './types.ts';

/** A SIM reported lost (挂失, `lost: true`) or the line restored by its owner (解挂, `lost: false`). */
export interface LineLoss {
  lossId: string;
  msisdn: string;
  lost: boolean;
  atMs: number;
}

export const lineLossKey = (lossId: string) => `line_loss:${lossId}`;

/**
 * 挂失 bars the line at once (`barReason: 'lost'`): the network stops it, whatever the balance,
 * and no payment lifts it. 解挂 lifts it if the money allows, otherwise the line stays barred for
 * its balance or credit limit, as it would have been. Reporting a line already lost, or restoring
 * one that is not, changes nothing and tells nobody. Usage that still arrives is rated as usual.
 */
export function applyLineLoss(
  state: SubscriberState,
  x: LineLoss,
): { newState: SubscriberState; ledger: LedgerEntry[]; notifications: RatingNotification[] } {
  if (x.msisdn !== state.msisdn)
    throw new RatingError(
      'WRONG_SUBSCRIBER',
      `loss report of ${x.msisdn} given to ${state.msisdn}`,
      '/msisdn',
    );
  const key = lineLossKey(x.lossId);
  const lost = state.barReason === 'lost';
  if (x.lost === lost) return { newState: state, ledger: [], notifications: [] };
  if (x.lost)
    return {
      newState: { ...state, barred: true, barReason: 'lost' },
      ledger: [],
      notifications: [notice(key, 'line_barred', state.msisdn, x.atMs, { reason: 'lost' })],
    };
  if (moneyAllows(state))
    return {
      newState: { ...state, barred: false, barReason: null },
      ledger: [],
      notifications: [notice(key, 'line_unbarred', state.msisdn, x.atMs, { reason: 'lost' })],
    };
  const reason = state.payment === 'prepaid' ? 'balance' : 'credit_limit';
  return {
    newState: { ...state, barred: true, barReason: reason },
    ledger: [],
    notifications: [notice(key, 'line_barred', state.msisdn, x.atMs, { reason })],
  };
}
