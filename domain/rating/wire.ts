import type { RatedCdr } from '../events/cdr.ts';
import type { RatedUsage } from './types.ts';

/** Today's `RatedCdr` wire contract from the richer record (drops catalogVersion, breakdown, sentence). */
export function toRatedCdr(r: RatedUsage): RatedCdr {
  const out: RatedCdr = {
    cdr: r.cdr,
    planId: r.planId,
    planVersion: r.planVersion,
    chargeFen: r.chargeFen,
    billableUnits: r.billableUnits,
    unit: r.unit,
    allowanceUsed: r.allowanceUsed,
    ratedAtMs: r.ratedAtMs,
    explanation: r.explanation,
  };
  if (r.balanceAfterFen !== undefined) out.balanceAfterFen = r.balanceAfterFen;
  return out;
}
