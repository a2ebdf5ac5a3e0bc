import { mulDivRoundHalfUp } from '../money/index.ts';
import {
  DAY_MS,
  nextLocalMonthStartMs,
  versionAt,
  type CompiledCatalog,
  type CompiledPlan,
  type CompiledPlanVersion,
  type Validity,
} from '../catalog/index.ts';
import { RatingError } from './errors.ts';
import { checkBalance, liftBarIfCleared, notice } from './thresholds.ts';
import type { LedgerEntry, PeriodCharges, RatingNotification, SubscriberState } from './types.ts';

/** End (exclusive) of a period starting at `startMs`: next local month start, or start + N days. */
export function periodEndMs(validity: Validity, startMs: number): number {
  return validity.kind === 'calendar_month'
    ? nextLocalMonthStartMs(startMs)
    : startMs + validity.days * DAY_MS;
}

/** Monthly fee of a period and its first-period discount (percent of the fee, rounded half up). */
export function feeFor(v: CompiledPlanVersion, periodIndex: number): { feeFen: number; discountFen: number } {
  const discountFen =
    periodIndex === 0 && v.firstPeriodPercentOff > 0
      ? mulDivRoundHalfUp(v.monthlyFeeFen, v.firstPeriodPercentOff, 100)
      : 0;
  return { feeFen: v.monthlyFeeFen, discountFen };
}

export function planOf(catalog: CompiledCatalog, planId: string): CompiledPlan {
  const plan = catalog.plans.get(planId);
  if (!plan)
    throw new RatingError(
      'UNKNOWN_PLAN',
      `plan "${planId}" is not in catalog ${catalog.catalogVersion}`,
      '/planId',
    );
  return plan;
}

export function versionOf(plan: CompiledPlan, atMs: number): CompiledPlanVersion {
  const v = versionAt(plan, atMs);
  if (!v)
    throw new RatingError(
      'NO_PLAN_VERSION',
      `plan "${plan.id}" has no version in force at ${atMs}`,
      '/startMs',
    );
  return v;
}

export const zeroCharges = (): PeriodCharges => ({
  feeFen: 0,
  discountFen: 0,
  voiceFen: 0,
  smsFen: 0,
  dataFen: 0,
});

/** The state with a fresh period: allowances from the version in force at its start, charges = fee. */
export function withNewPeriod(
  s: SubscriberState,
  v: CompiledPlanVersion,
  index: number,
  startMs: number,
): SubscriberState {
  const fee = feeFor(v, index);
  const bonus = v.bonusDataEveryBytes + (index === 0 ? v.bonusDataFirstBytes : 0);
  return {
    ...s,
    periodIndex: index,
    periodStartMs: startMs,
    periodEndMs: periodEndMs(v.validity, startMs),
    periodPlanVersion: v.version,
    creditLimitFen: v.payment === 'postpaid' ? v.creditLimitFen : 0,
    allowances: {
      voice: { totalUnits: v.allowances.voiceSec, usedUnits: 0 },
      sms: { totalUnits: v.allowances.smsCount, usedUnits: 0 },
      data: { totalUnits: v.allowances.dataBytes + bonus, usedUnits: 0 },
    },
    charges: { ...zeroCharges(), feeFen: fee.feeFen, discountFen: fee.discountFen },
  };
}

export function feeEntry(
  s: SubscriberState,
  v: CompiledPlanVersion,
  periodStartMs: number,
  amountFen: number,
  atMs: number,
): LedgerEntry {
  return {
    key: `fee:${s.msisdn}:${periodStartMs}`,
    msisdn: s.msisdn,
    kind: 'fee',
    direction: 'debit',
    amountFen,
    balanceAfterFen: s.balanceFen,
    atMs,
    planId: v.planId,
    planVersion: v.version,
  };
}

export interface Effects {
  state: SubscriberState;
  ledger: LedgerEntry[];
  notifications: RatingNotification[];
}

/**
 * The state on its pending plan from `atMs` (a plan change reaching its period start), with the
 * notice that tells the customer. The plan it leaves is kept, so usage from before `atMs` that
 * arrives late is still rated on it.
 */
export function switchPlan(
  s: SubscriberState,
  to: CompiledPlan,
  atMs: number,
  out: RatingNotification[],
): SubscriberState {
  const { nextPlanId: _pending, ...rest } = s;
  out.push(
    notice(`plan_changed:${s.msisdn}:${atMs}`, 'plan_changed', s.msisdn, atMs, {
      fromPlanId: s.planId,
      planId: to.id,
      planNameZh: to.name['zh-CN'],
      planNameEn: to.name.en,
    }),
  );
  // 预转后: a prepaid line whose pending plan is postpaid becomes a postpaid line here
  return { ...rest, planId: to.id, payment: to.payment, previousPlan: { planId: s.planId, untilMs: atMs } };
}

/** The plan a period starting at the next boundary runs on: the pending one when a change waits. */
export function nextPlanOf(catalog: CompiledCatalog, s: SubscriberState): CompiledPlan {
  return planOf(catalog, s.nextPlanId ?? s.planId);
}

/**
 * Brings the state's period up to `atMs`. Postpaid: every period that has ended is closed (kept for
 * its bill) and the next starts at its end, taking the fee into the balance. Prepaid: a period paid
 * ahead starts at the end of the current one; otherwise the line stays expired (no allowances).
 * A pending plan change takes effect with the first period that starts.
 */
export function rollTo(catalog: CompiledCatalog, state: SubscriberState, atMs: number, fx: Effects): void {
  let s = state;
  // a closed line (销户, 携出) starts no more periods and takes no more fees
  while (atMs >= s.periodEndMs && s.closedAtMs === undefined) {
    const startMs = s.periodEndMs;
    const current = planOf(catalog, s.planId);
    // an expired prepaid line waits for its renewal, unless it is converting to postpaid (预转后)
    const converting = s.nextPlanId !== undefined && catalog.plans.get(s.nextPlanId)?.payment === 'postpaid';
    if (current.payment === 'prepaid' && s.paidPeriodsAhead <= 0 && !converting) break;
    // 后转预 waits while the line is suspended (停机保号): it converts at the first boundary after 复机
    const pending = nextPlanOf(catalog, s);
    const waits =
      current.payment === 'postpaid' && pending.payment === 'prepaid' && s.barReason === 'suspended';
    const plan = waits ? current : pending;
    const v = versionAt(plan, startMs) ?? plan.versions[0];
    if (!v) break;
    const closing = s;
    if (current.payment === 'postpaid' && plan.payment === 'prepaid') {
      s = toPrepaid(s, plan, v, startMs, fx);
      continue;
    }
    if (plan.id !== s.planId) s = switchPlan(s, plan, startMs, fx.notifications);
    if (plan.payment === 'postpaid') {
      const closed = {
        index: closing.periodIndex,
        startMs: closing.periodStartMs,
        endMs: closing.periodEndMs,
        planVersion: closing.periodPlanVersion,
        planId: closing.planId,
        charges: closing.charges,
      };
      // a prepaid period (the last before 预转后) was paid in advance: it is not billed
      const billable = current.payment === 'postpaid';
      s = withNewPeriod(
        { ...s, closedPeriods: billable ? [...s.closedPeriods, closed].slice(-24) : s.closedPeriods },
        v,
        s.periodIndex + 1,
        startMs,
      );
      if (s.barReason === 'suspended') s = keepNumberPeriod(s, catalog.keepNumberFeeFen);
      const net = s.charges.feeFen - s.charges.discountFen;
      const before = s.balanceFen;
      s = { ...s, balanceFen: before - net };
      fx.ledger.push(feeEntry(s, v, startMs, net, startMs));
      s = checkBalance(s, before, startMs, `fee:${s.msisdn}:${startMs}`, fx.notifications, v, 'fee');
      // a prepaid line barred for its balance is, as a postpaid one, barred only at its credit limit
      if (!billable) s = liftBarIfCleared(s, startMs, `conversion:${s.msisdn}:${startMs}`, fx.notifications);
    } else
      s = withNewPeriod({ ...s, paidPeriodsAhead: s.paidPeriodsAhead - 1 }, v, s.periodIndex + 1, startMs);
  }
  fx.state = s;
}

/**
 * 后转预 at the boundary `startMs`: the postpaid month ends and is kept for its bill; the line is
 * prepaid from here, with no credit limit. The first prepaid period is bought from the balance
 * when it covers the fee; otherwise the line waits expired for a renewal (told `renewal_failed`),
 * and usage meanwhile is charged from the balance. A credit-limit bar is judged again as a
 * prepaid line's: barred while the balance is not above zero.
 */
function toPrepaid(
  s: SubscriberState,
  plan: CompiledPlan,
  v: CompiledPlanVersion,
  startMs: number,
  fx: Effects,
): SubscriberState {
  const closed = {
    index: s.periodIndex,
    startMs: s.periodStartMs,
    endMs: s.periodEndMs,
    planVersion: s.periodPlanVersion,
    planId: s.planId,
    charges: s.charges,
  };
  let next: SubscriberState = {
    ...switchPlan(
      { ...s, closedPeriods: [...s.closedPeriods, closed].slice(-24) },
      plan,
      startMs,
      fx.notifications,
    ),
    creditLimitFen: 0,
  };
  const fee = feeFor(v, next.periodIndex + 1);
  const net = fee.feeFen - fee.discountFen;
  const cause = `conversion:${s.msisdn}:${startMs}`;
  const bought = next.balanceFen >= net;
  if (bought) {
    next = withNewPeriod(next, v, next.periodIndex + 1, startMs);
    next = { ...next, balanceFen: next.balanceFen - net };
    fx.ledger.push(feeEntry(next, v, startMs, net, startMs));
  } else {
    // expired from the boundary: no period, no allowance, until a renewal buys one
    const empty = { totalUnits: 0, usedUnits: 0 };
    next = {
      ...next,
      periodStartMs: startMs,
      periodEndMs: startMs,
      periodPlanVersion: v.version,
      allowances: { voice: empty, sms: empty, data: empty },
      charges: zeroCharges(),
    };
    fx.notifications.push(
      notice(`renewal_failed:${cause}`, 'renewal_failed', next.msisdn, startMs, {
        balanceFen: next.balanceFen,
        feeFen: net,
      }),
    );
  }
  if (next.barReason === 'credit_limit') next = { ...next, barReason: 'balance' };
  if (next.barred) return liftBarIfCleared(next, startMs, cause, fx.notifications);
  // a period bought leaves the balance at zero or above, as a renewal does: not barred for it
  if (bought || next.balanceFen > 0) return next;
  fx.notifications.push(
    notice(`line_barred:${cause}`, 'line_barred', next.msisdn, startMs, { reason: 'balance' }),
  );
  return { ...next, barred: true, barReason: 'balance' };
}

/**
 * A period that starts while the line is suspended (停机保号): the keep-number fee instead of the
 * plan's, no allowances (the line is barred anyway). 复机 turns it into a plan period.
 */
function keepNumberPeriod(s: SubscriberState, feeFen: number): SubscriberState {
  return {
    ...s,
    allowances: {
      voice: { totalUnits: 0, usedUnits: 0 },
      sms: { totalUnits: 0, usedUnits: 0 },
      data: { totalUnits: 0, usedUnits: 0 },
    },
    charges: { ...s.charges, feeFen, discountFen: 0, keepNumber: true },
  };
}

export interface Provisioning {
  msisdn: string;
  planId: string;
  activatedAtMs: number;
  /** Money credited before the first fee (prepaid credit or postpaid deposit). */
  openingBalanceFen?: number;
}

/**
 * A new line: period 0 starts at activation, the first fee (less any first-period discount) is
 * debited at once. A prepaid line whose credit does not cover it starts barred.
 */
export function newSubscriber(catalog: CompiledCatalog, p: Provisioning): Effects {
  const plan = planOf(catalog, p.planId);
  const v = versionOf(plan, p.activatedAtMs);
  const opening = p.openingBalanceFen ?? 0;
  const base: SubscriberState = {
    msisdn: p.msisdn,
    planId: plan.id,
    payment: plan.payment,
    activatedAtMs: p.activatedAtMs,
    periodIndex: 0,
    periodStartMs: p.activatedAtMs,
    periodEndMs: p.activatedAtMs,
    periodPlanVersion: v.version,
    paidPeriodsAhead: 0,
    balanceFen: opening,
    creditLimitFen: 0,
    allowances: {
      voice: { totalUnits: 0, usedUnits: 0 },
      sms: { totalUnits: 0, usedUnits: 0 },
      data: { totalUnits: 0, usedUnits: 0 },
    },
    charges: zeroCharges(),
    closedPeriods: [],
    barred: false,
    barReason: null,
  };
  const fx: Effects = { state: base, ledger: [], notifications: [] };
  if (opening !== 0)
    fx.ledger.push({
      key: `opening:${p.msisdn}`,
      msisdn: p.msisdn,
      kind: 'opening',
      direction: opening > 0 ? 'credit' : 'debit',
      amountFen: Math.abs(opening),
      balanceAfterFen: opening,
      atMs: p.activatedAtMs,
      planId: plan.id,
      planVersion: v.version,
    });
  let s = withNewPeriod(base, v, 0, p.activatedAtMs);
  const net = s.charges.feeFen - s.charges.discountFen;
  s = { ...s, balanceFen: opening - net };
  fx.ledger.push(feeEntry(s, v, p.activatedAtMs, net, p.activatedAtMs));
  fx.state = checkBalance(
    s,
    opening,
    p.activatedAtMs,
    `fee:${p.msisdn}:${p.activatedAtMs}`,
    fx.notifications,
    v,
    'fee',
  );
  return fx;
}

/**
 * The state a provisioned line is in at `atMs` before charging has rated anything on it: what
 * charging will start from when its first usage arrives (the opening balance less the first
 * fee, full allowances; postpaid periods that ended since activation closed with their fees).
 */
export function openingStateAt(catalog: CompiledCatalog, p: Provisioning, atMs: number): SubscriberState {
  const fx = newSubscriber(catalog, p);
  rollTo(catalog, fx.state, atMs, fx);
  return fx.state;
}
