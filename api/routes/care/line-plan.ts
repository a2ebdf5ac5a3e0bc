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
