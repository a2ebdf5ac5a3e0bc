import type { Validator } from '../../domain/index.ts';
import type { CompiledCatalog } from '../../domain/catalog/index.ts';
import {
  applyAddOn,
  applyAdjustment,
  applyLineLoss,
  applyLineClosure,
  applyLineSuspension,
  applyPayment,
  assertLineOpen,
  applyPlanChange,
  notice,
  lineLossKey,
  lineClosureKey,
  lineSuspensionKey,
  planChangeKey,
  type LedgerEntry,
  type RatingError,
  type RatingErrorCode,
  type RatingNotification,
  type SubscriberState,
} from '../../domain/rating/index.ts';
import {
  validateAddOn,
  validateAdjustment,
  validateLineLoss,
  validateLineClosure,
  validateLineSuspension,
  validatePayment,
  validatePlanChange,
} from './contracts.ts';

/**
 * The inputs on a charging partition other than CDR batches, one spec per subject suffix:
 * payments (`.pay`), adjustments (`.adj`), plan changes (`.plan`), add-on packs (`.addon`) and
 * loss reports (`.loss`, 挂失/解挂), suspensions (`.suspend`, 停机保号/复机) and closures (`.close`,
 * 销户/携出). A closed line takes only money (payments, adjustments): anything else is refused.
 * Each is validated, keyed (the same key twice changes nothing), fingerprinted (the same key with
 * other content is a conflict) and applied to the line's state in stream order.
 */
export interface AccountSpec<T extends { msisdn: string }> {
  validate: Validator<T>;
  key: (x: T) => string;
  fingerprint: (x: T) => string;
  apply: (
    catalog: CompiledCatalog,
    state: SubscriberState,
    x: T,
  ) => { newState: SubscriberState; ledger: LedgerEntry[]; notifications: RatingNotification[] };
  /**
   * A refusal that is the customer's situation (a balance too low, periods paid ahead), not bad
   * input: told to them as this notice instead of a dead letter. Null: dead-letter it.
   */
  refused?: (x: T, err: RatingError) => RatingNotification | null;
}

export type AnyAccountSpec = AccountSpec<{ msisdn: string }>;
// each spec's validator produces exactly what its own functions take
const erase = <T extends { msisdn: string }>(s: AccountSpec<T>) => s as unknown as AnyAccountSpec;

const PLAN_CHANGE_REFUSALS = new Set<RatingErrorCode>(['PAYMENT_TYPE_CHANGE', 'PAID_AHEAD', 'SAME_PLAN']);
const ADD_ON_REFUSALS = new Set<RatingErrorCode>(['NO_PERIOD', 'INSUFFICIENT_BALANCE', 'CREDIT_LIMIT']);

/** The apply of an input a closed line refuses (dead letter `line_closed`). */
const openOnly =
  <T extends { msisdn: string }>(what: string, apply: AccountSpec<T>['apply']): AccountSpec<T>['apply'] =>
  (catalog, state, x) => {
    assertLineOpen(state, what);
    return apply(catalog, state, x);
  };

const specs: Record<string, AnyAccountSpec> = {
  pay: erase({
    validate: validatePayment,
    key: (p) => `payment:${p.paymentId}`,
    fingerprint: (p) => `${p.amountFen}|${p.purpose}`,
    apply: (catalog, state, p) => applyPayment(catalog, state, p),
  }),
  adj: erase({
    validate: validateAdjustment,
    key: (a) => `adjustment:${a.adjustmentId}`,
    fingerprint: (a) => String(a.amountFen),
    apply: (_catalog, state, a) => ({ ...applyAdjustment(state, a), notifications: [] }),
  }),
  plan: erase({
    validate: validatePlanChange,
    key: (c) => planChangeKey(c.changeId),
    fingerprint: (c) => c.planId,
    apply: openOnly('a plan change', (catalog, state, c) => applyPlanChange(catalog, state, c)),
    refused: (c, err) =>
      PLAN_CHANGE_REFUSALS.has(err.code)
        ? notice(planChangeKey(c.changeId), 'plan_change_refused', c.msisdn, c.atMs, {
            planId: c.planId,
            code: err.code,
          })
        : null,
  }),
  addon: erase({
    validate: validateAddOn,
    key: (a) => `addon:${a.purchaseId}`,
    fingerprint: (a) => `${a.addOnId}|${a.feeFen}`,
    apply: openOnly('an add-on pack', (catalog, state, a) => applyAddOn(catalog, state, a)),
    refused: (a, err) =>
      ADD_ON_REFUSALS.has(err.code)
        ? notice(`addon:${a.purchaseId}`, 'add_on_refused', a.msisdn, a.atMs, {
            addOnId: a.addOnId,
            nameZh: a.name['zh-CN'],
            nameEn: a.name.en,
            code: err.code,
          })
        : null,
  }),
  loss: erase({
    validate: validateLineLoss,
    key: (x) => lineLossKey(x.lossId),
    fingerprint: (x) => String(x.lost),
    apply: openOnly('a loss report', (_catalog, state, x) => applyLineLoss(state, x)),
  }),
  suspend: erase({
    validate: validateLineSuspension,
    key: (x) => lineSuspensionKey(x.suspensionId),
    fingerprint: (x) => String(x.suspended),
    apply: openOnly('a suspension', (catalog, state, x) => applyLineSuspension(catalog, state, x)),
  }),
  close: erase({
    validate: validateLineClosure,
    key: (x) => lineClosureKey(x.msisdn),
    fingerprint: (x) => `${x.reason}|${x.closureId}`,
    apply: (catalog, state, x) => applyLineClosure(catalog, state, x),
  }),
};

/** The spec of an input on `subject` (`chg.<n>.<suffix>`), or undefined for CDR batches. */
export function accountSpecOf(subject: string): AnyAccountSpec | undefined {
  return specs[subject.slice(subject.lastIndexOf('.') + 1)];
}
