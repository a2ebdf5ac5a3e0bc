import type { Escalation, Priority, Sla, SlaState } from './schemas.ts';

const HOUR = 3_600_000;

/** Time to resolve per priority; at risk once AT_RISK_FRACTION of it has elapsed. */
export const SLA_RESOLVE_MS: Record<Priority, number> = {
  P1: 4 * HOUR,
  P2: 8 * HOUR,
  P3: 24 * HOUR,
  P4: 72 * HOUR,
};
export const COMPLAINT_SLA_MS = 48 * HOUR;
export const AT_RISK_FRACTION = 0.75;
export const SUPERVISOR = 'supervisor';

export function newSla(startMs: number, resolveMs: number): Sla {
  return {
    startMs,
    atRiskAtMs: startMs + Math.round(resolveMs * AT_RISK_FRACTION),
    dueAtMs: startMs + resolveMs,
    state: 'ok',
  };
}

export const slaFor = (priority: Priority, startMs: number): Sla => newSla(startMs, SLA_RESOLVE_MS[priority]);

/**
 * Where an open item stands against its SLA at `nowMs`, and the escalation owed (to the
 * supervisor) when it has just become at risk or breached. Each escalation happens once:
 * an item already at risk is not escalated at risk again.
 */
export function evaluateSla(sla: Sla, nowMs: number): { sla: Sla; escalation?: Escalation } {
  const state: SlaState = nowMs >= sla.dueAtMs ? 'breached' : nowMs >= sla.atRiskAtMs ? 'at_risk' : 'ok';
  const rank = { ok: 0, at_risk: 1, breached: 2 } as const;
  if (rank[state] <= rank[sla.state]) return { sla };
  return {
    sla: { ...sla, state },
    escalation: { atMs: nowMs, kind: state === 'breached' ? 'sla_breached' : 'sla_at_risk', to: SUPERVISOR },
  };
}
