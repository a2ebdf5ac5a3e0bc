import type { CompiledCatalog } from '../../../domain/catalog/index.ts';
import {
  planTermsAt,
  RatingError,
  type PlanTerms,
  type SubscriberState,
} from '../../../domain/rating/index.ts';
import type { LineRecord, PlanChangeRecord } from './records.ts';

/**
 * The plan a line is on at `nowMs` and the change still waiting, from its care record: a change
 * whose start has passed (or that charging already runs: `chargingPlanId`) is the line's plan.
 * Pure; the record itself is brought up to date the next time the line's plan is changed.
 */
export function linePlanAt(
  l: LineRecord,
  nowMs: number,
  chargingPlanId?: string,
): { planId: string; pending: PlanChangeRecord | null } {
  const c = l.planChange;
  if (!c || c.action === 'withdraw') return { planId: l.planId, pending: null };
  const started = (c.effectiveFromMs !== null && nowMs >= c.effectiveFromMs) || chargingPlanId === c.planId;
  return started ? { planId: c.planId, pending: null } : { planId: l.planId, pending: c };
}

/** How long after a request care's record speaks for it: charging saves line states every few seconds. */
export const STATE_GRACE_MS = 30_000;

/** The plan and the waiting change a line shows, with what care recorded of the request when it is that one. */
export interface PlanView {
  planId: string;
  pending: { planId: string; effectiveFromMs: number | null; request: PlanChangeRecord | null } | null;
}

/**
 * What the plan change screen shows: charging's terms (the truth: a change charging refused, for
 * example a renewal that bought periods ahead a moment before, is not waiting) once charging has
 * saved the line since the last request; until then, and when charging does not know the line,
 * care's record of the request.
 */
export function planView(
  l: LineRecord,
  nowMs: number,
  charging: { planId: string; nextPlanId: string | null; effectiveFromMs: number | null } | null,
): PlanView {
  const care = linePlanAt(l, nowMs, charging?.planId);
  const recent = l.planChange !== undefined && nowMs - l.planChange.requestedAtMs < STATE_GRACE_MS;
  if (!charging || recent)
    return {
      planId: care.planId,
      pending: care.pending
        ? {
            planId: care.pending.planId,
            effectiveFromMs: care.pending.effectiveFromMs,
            request: care.pending,
          }
        : null,
    };
  const request = care.pending?.planId === charging.nextPlanId ? care.pending : null;
  return {
    planId: charging.planId,
    pending: charging.nextPlanId
      ? { planId: charging.nextPlanId, effectiveFromMs: charging.effectiveFromMs, request }
      : null,
  };
}

/** The line's plan terms by the catalog care knows (as saved when it does not know the plan). */
export function chargingTermsOf(catalog: CompiledCatalog, state: SubscriberState, now: number): PlanTerms {
  try {
    return planTermsAt(catalog, state, now);
  } catch (err) {
    if (!(err instanceof RatingError)) throw err;
    return { planId: state.planId, nextPlanId: state.nextPlanId ?? null, effectiveFromMs: state.periodEndMs };
  }
}
