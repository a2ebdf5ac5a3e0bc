import type { CompiledCatalog } from '../catalog/index.ts';
import { RatingError } from './errors.ts';
import { planOf, rollTo, versionOf, type Effects } from './period.ts';
import { checkBalance, notice } from './thresholds.ts';
import type { LedgerEntry, RatingNotification, Service, SubscriberState } from './types.ts';

/**
 * An add-on pack bought for a line (叠加包 / 加油包), priced when it was sold: the message
 * carries the units and the fee, so applying it never depends on the catalog of the day.
 */
export interface AddOnPurchase {
  purchaseId: string;
  msisdn: string;
  addOnId: string;
  name: { 'zh-CN': string; en: string };
  service: Service;
  units: number;
  feeFen: number;
  atMs: number;
}

export interface AddOnResult {
  newState: SubscriberState;
  ledger: LedgerEntry[];
  notifications: RatingNotification[];
}

/**
 * Adds a pack to the period in force: its units to the allowance of its service (used before
 * any overage, until the period ends), its fee debited at once (ledger `addon:<purchaseId>`,
 * kind `fee`) and on the period's bill line `add_on`. Refused, naming the field: no period in
 * force (an expired prepaid line renews first: `NO_PERIOD`), a prepaid balance that does not
 * cover the fee (`INSUFFICIENT_BALANCE`), a postpaid line the fee would take to its credit limit
 * (`CREDIT_LIMIT`).
 */
export function applyAddOn(catalog: CompiledCatalog, state: SubscriberState, p: AddOnPurchase): AddOnResult {
  if (p.msisdn !== state.msisdn)
    throw new RatingError(
      'WRONG_SUBSCRIBER',
      `add-on for ${p.msisdn} given to the state of ${state.msisdn}`,
      '/msisdn',
    );
  const fx: Effects = { state, ledger: [], notifications: [] };
  rollTo(catalog, state, p.atMs, fx);
  let s = fx.state;
  if (p.atMs < s.periodStartMs || p.atMs >= s.periodEndMs)
    throw new RatingError('NO_PERIOD', 'the line has no period in force (expired): renew it first', '/atMs');
  const before = s.balanceFen;
  const after = before - p.feeFen;
  if (s.payment === 'prepaid' && after < 0)
    throw new RatingError(
      'INSUFFICIENT_BALANCE',
      `the balance (${before} fen) does not cover the pack (${p.feeFen} fen): top up first`,
      '/feeFen',
    );
  if (s.payment === 'postpaid' && s.creditLimitFen > 0 && -after >= s.creditLimitFen)
    throw new RatingError(
      'CREDIT_LIMIT',
      `the pack (${p.feeFen} fen) would take the line to its credit limit (${s.creditLimitFen} fen owed)`,
      '/feeFen',
    );
  const bucket = s.allowances[p.service];
  s = {
    ...s,
    balanceFen: after,
    allowances: { ...s.allowances, [p.service]: { ...bucket, totalUnits: bucket.totalUnits + p.units } },
    charges: { ...s.charges, addOnFen: (s.charges.addOnFen ?? 0) + p.feeFen },
  };
  const key = `addon:${p.purchaseId}`;
  fx.ledger.push({
    key,
    msisdn: s.msisdn,
    kind: 'fee',
    direction: 'debit',
    amountFen: p.feeFen,
    balanceAfterFen: after,
    atMs: p.atMs,
    planId: s.planId,
    planVersion: s.periodPlanVersion,
    service: p.service,
  });
  fx.notifications.push(
    notice(
      key,
      'add_on_added',
      s.msisdn,
      p.atMs,
      {
        addOnId: p.addOnId,
        nameZh: p.name['zh-CN'],
        nameEn: p.name.en,
        units: p.units,
        feeFen: p.feeFen,
        periodEndMs: s.periodEndMs,
      },
      p.service,
    ),
  );
  const v = versionOf(planOf(catalog, s.planId), s.periodStartMs);
  s = checkBalance(s, before, p.atMs, key, fx.notifications, v, 'fee');
  return { newState: s, ledger: fx.ledger, notifications: fx.notifications };
}
