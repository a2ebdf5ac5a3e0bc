import type { CompiledCatalog } from '../catalog/index.ts';
import { RatingError } from './errors.ts';
import { planOf, rollTo, versionOf, type Effects } from './period.ts';
import { notice } from './thresholds.ts';
import type { LedgerEntry, RatingNotification, SubscriberState } from './types.ts';

/**
 * A plan change (套餐变更) as charging takes it: the line moves to `planId` at its next period
 * start (次月生效). Asking for the plan the line is on withdraws a change still waiting.
 */
export interface PlanChange {
  changeId: string;
  msisdn: string;
  planId: string;
  atMs: number;
}

export interface PlanChangeResult {
  newState: SubscriberState;
  /** Fee entries of periods started while bringing the state up to the change (usually none). */
  ledger: LedgerEntry[];
  notifications: RatingNotification[];
  outcome: 'scheduled' | 'withdrawn';
}

/** The key of the notice a plan change yields: the same change twice is recognised by it. */
export const planChangeKey = (changeId: string) => `plan_change:${changeId}`;

/** When a plan change asked for at `atMs` takes effect: the end of the period, or null for an expired prepaid line (its next renewal). `s` is rolled up to `atMs`. */
function startOfNextPlan(s: SubscriberState, payment: 'prepaid' | 'postpaid', atMs: number): number | null {
  return payment === 'prepaid' && atMs >= s.periodEndMs ? null : s.periodEndMs;
}

/** A line's plan terms at an instant, as charging holds them. */
export interface PlanTerms {
  planId: string;
  /** The change waiting for the next period start, if any. */
  nextPlanId: string | null;
  /** When a change (the waiting one, or one asked for now) starts; null: with the next renewal. */
  effectiveFromMs: number | null;
}

/**
 * A line's plan terms at `nowMs` from its state as saved (possibly periods behind: it is rolled
 * forward first, so a change whose period has started reads as the plan in force).
 */
export function planTermsAt(catalog: CompiledCatalog, state: SubscriberState, nowMs: number): PlanTerms {
  const fx: Effects = { state, ledger: [], notifications: [] };
  rollTo(catalog, state, nowMs, fx);
  const s = fx.state;
  return {
    planId: s.planId,
    nextPlanId: s.nextPlanId ?? null,
    effectiveFromMs: startOfNextPlan(s, s.payment, nowMs),
  };
}

/**
 * Schedules or withdraws a plan change. Rules (docs/charging.md §7):
 * - the new plan starts with the next period, with that period's fee and allowances; the current
 *   period keeps its plan, allowances and prices;
 * - a prepaid line may move to a postpaid plan (预转后): at its period end, or at once when it has
 *   expired; its credit stays as credit on the postpaid account, its last prepaid period is not
 *   billed;
 * - a postpaid line may move to a prepaid plan (后转预): at its period end the postpaid month is
 *   closed for its bill and the first prepaid period is bought from the balance (see rollTo); not
 *   while suspended (停机保号), nor any change of payment then: `PAYMENT_TYPE_CHANGE`;
 * - no change (and no withdrawal) while prepaid periods are paid ahead, because those periods
 *   were bought at a plan's price: `PAID_AHEAD`;
 * - asking for the plan the line is on with nothing pending: `SAME_PLAN`.
 * An expired prepaid line takes the new plan with its next renewal.
 */
export function applyPlanChange(
  catalog: CompiledCatalog,
  state: SubscriberState,
  change: PlanChange,
): PlanChangeResult {
  if (change.msisdn !== state.msisdn)
    throw new RatingError(
      'WRONG_SUBSCRIBER',
      `plan change for ${change.msisdn} given to the state of ${state.msisdn}`,
      '/msisdn',
    );
  const fx: Effects = { state, ledger: [], notifications: [] };
  rollTo(catalog, state, change.atMs, fx);
  const s = fx.state;
  const current = planOf(catalog, s.planId);
  const target = planOf(catalog, change.planId);
  // 预转后: the prepaid credit stays as credit on the postpaid account. 后转预: the last postpaid
  // month is billed as usual, and the first prepaid period is bought from the balance at the boundary
  const converting = current.payment === 'prepaid' && target.payment === 'postpaid';
  if (target.payment !== current.payment && s.barReason === 'suspended')
    throw new RatingError(
      'PAYMENT_TYPE_CHANGE',
      `${target.id} is ${target.payment}: a suspended line (停机保号) resumes before it changes how it pays`,
      '/planId',
    );
  if (s.paidPeriodsAhead > 0)
    throw new RatingError(
      'PAID_AHEAD',
      `${s.paidPeriodsAhead} period(s) are paid ahead on the current terms; change the plan after they start`,
      '/planId',
    );
  const key = planChangeKey(change.changeId);
  const names = { planId: target.id, planNameZh: target.name['zh-CN'], planNameEn: target.name.en };
  if (target.id === s.planId) {
    if (s.nextPlanId === undefined)
      throw new RatingError('SAME_PLAN', `the line is already on ${target.id}`, '/planId');
    const { nextPlanId: withdrawn, ...rest } = s;
    fx.notifications.push(
      notice(key, 'plan_change_withdrawn', s.msisdn, change.atMs, { ...names, withdrawnPlanId: withdrawn }),
    );
    return { newState: rest, ledger: fx.ledger, notifications: fx.notifications, outcome: 'withdrawn' };
  }
  const startsMs = startOfNextPlan(s, current.payment, change.atMs);
  // The plan must be priceable when it starts: at the period end, or at the renewal of an expired line.
  versionOf(target, startsMs ?? change.atMs);
  if (converting && startsMs === null) {
    // an expired prepaid line has no period to wait for: its postpaid terms start now, told in
    // one notice (the switch's own plan_changed would say it twice)
    const now: Effects = { state: s, ledger: [], notifications: [] };
    rollTo(catalog, { ...s, nextPlanId: target.id, periodEndMs: change.atMs }, change.atMs, now);
    const told = notice(key, 'plan_change_scheduled', s.msisdn, change.atMs, {
      ...names,
      fromPlanId: s.planId,
      effectiveFromMs: change.atMs,
      converted: 1,
    });
    return {
      newState: now.state,
      ledger: [...fx.ledger, ...now.ledger],
      notifications: [
        ...fx.notifications,
        told,
        ...now.notifications.filter((n) => n.kind !== 'plan_changed'),
      ],
      outcome: 'scheduled',
    };
  }
  fx.notifications.push(
    notice(key, 'plan_change_scheduled', s.msisdn, change.atMs, {
      ...names,
      fromPlanId: s.planId,
      // 0: with the next renewal (the line is expired)
      effectiveFromMs: startsMs ?? 0,
    }),
  );
  return {
    newState: { ...s, nextPlanId: target.id },
    ledger: fx.ledger,
    notifications: fx.notifications,
    outcome: 'scheduled',
  };
}
