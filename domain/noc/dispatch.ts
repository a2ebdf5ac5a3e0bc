import { distanceKm, onShift, type LatLon, type Technician } from './roster.ts';
import type { Candidate, DispatchWhy, FaultType } from './schemas.ts';

/** What the dispatcher knows about a technician right now. */
export interface TechnicianLoad {
  technician: Technician;
  /** Open tickets assigned to them. */
  workload: number;
  /** Manually marked off duty (leave, sick). */
  offDuty: boolean;
}

export interface DispatchRequest {
  faultType: FaultType;
  region: string;
  location: LatLon | null;
  atMs: number;
  /** Technicians who handed this ticket back are not asked again. */
  exclude?: readonly string[];
}

export const DISPATCH_RULE = 'skill+region+shift+load<max; rank by load, then distance, then id';
export const MAX_WORKLOAD = 3;

/**
 * Chooses the technician for a fault (the documented rule):
 * 1. eligible = has the skill for the fault type, works in the ticket's region (province), is on
 *    shift at the time of the fault (UTC+8), is not off duty, has fewer than MAX_WORKLOAD open
 *    tickets and has not handed this ticket back;
 * 2. among the eligible: the lowest workload, then the shortest distance to the site, then id.
 * No eligible technician → no choice (the ticket is queued and escalated). The result records
 * every technician considered and why each was or was not chosen.
 */
export function chooseTechnician(req: DispatchRequest, roster: readonly TechnicianLoad[]): DispatchWhy {
  const candidates: Candidate[] = [];
  const eligible: { c: Candidate; t: Technician }[] = [];
  for (const l of roster) {
    const t = l.technician;
    if (t.region !== req.region) continue; // other provinces are not even considered
    const d = req.location ? distanceKm(t.base, req.location) : 0;
    const c: Candidate = {
      technicianId: t.id,
      eligible: false,
      workload: l.workload,
      distanceKm: Math.round(d * 10) / 10,
    };
    if (!t.skills.includes(req.faultType)) c.rejectedBecause = `no ${req.faultType} skill`;
    else if (l.offDuty) c.rejectedBecause = 'off duty';
    else if (!onShift(t.shift, req.atMs)) c.rejectedBecause = 'not on shift';
    else if (l.workload >= MAX_WORKLOAD) c.rejectedBecause = `workload ${l.workload} at maximum`;
    else if (req.exclude?.includes(t.id)) c.rejectedBecause = 'handed this ticket back';
    else {
      c.eligible = true;
      eligible.push({ c, t });
    }
    candidates.push(c);
  }
  eligible.sort(
    (a, b) => a.c.workload - b.c.workload || a.c.distanceKm - b.c.distanceKm || a.t.id.localeCompare(b.t.id),
  );
  const best = eligible[0];
  const base = { rule: DISPATCH_RULE, atMs: req.atMs, candidates: candidates.slice(0, 50) };
  if (!best)
    return {
      ...base,
      reasonEn: `no ${req.faultType} technician available in ${req.region}; queued and escalated`,
      reasonZh: `${req.region} 暂无可派的${req.faultType}技术员，已排队并升级`,
    };
  const runnerUp = eligible[1];
  const why = !runnerUp
    ? 'only eligible technician'
    : runnerUp.c.workload > best.c.workload
      ? `lowest workload (${best.c.workload} vs ${runnerUp.c.workload})`
      : runnerUp.c.distanceKm > best.c.distanceKm
        ? `same workload, closest (${best.c.distanceKm} km vs ${runnerUp.c.distanceKm} km)`
        : 'tie on workload and distance, first by id';
  const whyZh = !runnerUp
    ? '唯一符合条件的技术员'
    : runnerUp.c.workload > best.c.workload
      ? `工单最少（${best.c.workload} 对 ${runnerUp.c.workload}）`
      : runnerUp.c.distanceKm > best.c.distanceKm
        ? `工单相同，距离最近（${best.c.distanceKm} 公里）`
        : '工单与距离相同，按编号';
  return {
    ...base,
    technicianId: best.t.id,
    reasonEn: `${best.t.id}: ${req.faultType} skill, on shift, ${why}`,
    reasonZh: `${best.t.nameZh}：具备${req.faultType}技能、在班，${whyZh}`,
  };
}
