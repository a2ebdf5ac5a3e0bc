import type { NeAlarm } from '../events/index.ts';
import { placeOfCell } from '../geo/index.ts';
import { stableId } from '../ids/index.ts';
import type { FaultType, Priority } from './schemas.ts';

/** One reduced alarm: every raise/clear with the same key (NE + probable cause + object) folds into it. */
export interface ReducedAlarm {
  key: string;
  lastAlarmId: string;
  neId: string;
  siteId: string;
  cellId?: string;
  region: string;
  probableCause: string;
  severity: NeAlarm['severity'];
  active: boolean;
  flapping: boolean;
  count: number;
  firstSeenMs: number;
  lastSeenMs: number;
  /** Time of the last raise or clear that changed `active`. */
  lastChangeMs: number;
  clearedAtMs?: number;
  /** Recent raise times inside the flapping window. */
  raises: number[];
  /** Key of the site-level root alarm this one is explained by (topology correlation). */
  rootKey?: string;
  /** Latest alarm ids, as evidence. */
  evidence: string[];
}

export interface TicketRef {
  ticketId: string;
  open: boolean;
  openedAtMs: number;
  closedAtMs?: number;
}

/** Everything the NOC processor knows about one site: reduced alarms and the tickets of its roots. */
export interface SiteState {
  siteId: string;
  region: string;
  alarms: Record<string, ReducedAlarm>;
  tickets: Record<string, TicketRef>;
}

export interface AlarmRules {
  /** This many raises of one key within flapWindowMs make it flapping (one suppressed alarm). */
  flapThreshold: number;
  flapWindowMs: number;
  /** A root raised again within this long after its ticket closed reopens that ticket. */
  reopenWindowMs: number;
  /** Cleared alarms older than this are forgotten (history stays in ClickHouse). */
  retainClearedMs: number;
}

export const DEFAULT_ALARM_RULES: AlarmRules = {
  flapThreshold: 3,
  flapWindowMs: 120_000,
  reopenWindowMs: 24 * 3_600_000,
  retainClearedMs: 7 * 86_400_000,
};

export interface OpenInfo {
  ticketId: string;
  rootKey: string;
  alarm: ReducedAlarm;
  priority: Priority;
  faultType: FaultType;
  /** Keys of alarms the root explains, and tickets of former roots now merged into this one. */
  childKeys: string[];
  mergedTicketIds: string[];
}

export type AlarmEffect =
  | ({ kind: 'open' } & OpenInfo)
  | { kind: 'reopen'; ticketId: string; rootKey: string; alarm: ReducedAlarm }
  | { kind: 'close'; ticketId: string; rootKey: string; alarm: ReducedAlarm }
  | { kind: 'flapping'; ticketId: string; rootKey: string; alarm: ReducedAlarm }
  | { kind: 'child'; ticketId: string; rootKey: string; alarm: ReducedAlarm }
  | { kind: 'flag'; code: 'clear_without_raise' | 'out_of_order' | 'duplicate_clear'; alarmId: string };

export const POWER_CAUSES = ['power_failure', 'mains_failure', 'battery_low', 'rectifier_failure'];
export const TRANSMISSION_CAUSES = ['link_down', 'transmission_failure', 'loss_of_signal', 'link_flap'];

export function faultTypeOf(probableCause: string): FaultType {
  if (POWER_CAUSES.includes(probableCause)) return 'power';
  if (TRANSMISSION_CAUSES.includes(probableCause)) return 'transmission';
  return 'radio';
}

/** The reduction key: NE + probable cause + object (cell, else site). Safe as an Id. */
export function reductionKey(a: Pick<NeAlarm, 'neId' | 'probableCause' | 'siteId' | 'cellId'>): string {
  const raw = `${a.neId}:${a.probableCause}:${a.cellId ?? a.siteId}`.replace(/[^A-Za-z0-9._:-]/g, '_');
  return raw.length <= 64 ? raw : stableId('AK', raw);
}

const ticketable = (s: NeAlarm['severity']) => s === 'critical' || s === 'major';

/** Priority of a root: a site-level critical fault is P1; site major or cell critical P2; else P3. */
export function priorityOf(a: { cellId?: string; severity: NeAlarm['severity'] }): Priority {
  if (!a.cellId) return a.severity === 'critical' ? 'P1' : 'P2';
  return a.severity === 'critical' ? 'P2' : 'P3';
}

/** Documented bad-input rule: an alarm whose site does not follow the plan, names an unknown place or another region is dead-lettered. */
export function checkAlarmPlace(a: NeAlarm): { code: string; reason: string } | null {
  const place = placeOfCell(`${a.siteId}-1`);
  if (!place) return { code: 'unknown_ne', reason: `site ${a.siteId} is not in the network inventory` };
  if (place.region !== a.region)
    return { code: 'region_mismatch', reason: `site ${a.siteId} is in ${place.region}, not ${a.region}` };
  if (a.cellId && !a.cellId.startsWith(`${a.siteId}-`))
    return { code: 'unknown_ne', reason: `cell ${a.cellId} is not on site ${a.siteId}` };
  return null;
}

export const emptySite = (siteId: string, region: string): SiteState => ({
  siteId,
  region,
  alarms: {},
  tickets: {},
});

function activeRoot(site: SiteState, exceptKey: string): ReducedAlarm | undefined {
  return Object.values(site.alarms).find(
    (a) => a.key !== exceptKey && a.active && !a.cellId && !a.rootKey && ticketable(a.severity),
  );
}

/**
 * Folds one alarm into its site (pure; the caller guarantees the alarm passed checkAlarmPlace).
 * Rules:
 * - same key again while active: count it, nothing else (deduplication);
 * - older than the key's last change: counted and flagged out_of_order, state unchanged;
 * - clear without a raise (or a second clear): flagged, state unchanged;
 * - a site-level alarm (no cell) of major/critical severity is a root: it explains every active
 *   alarm of its site (children); cell tickets opened before it are merged into its ticket;
 * - an alarm raised while its site has an active root is a child: no ticket of its own;
 * - a major/critical root opens a ticket; clearing it closes the ticket, unless it is flapping;
 *   raising it again within reopenWindowMs reopens that ticket;
 * - flapThreshold raises within flapWindowMs make it flapping: one ticket, clears no longer close it.
 */
export function reduceAlarm(
  prev: SiteState,
  a: NeAlarm,
  rules: AlarmRules = DEFAULT_ALARM_RULES,
): { site: SiteState; effects: AlarmEffect[] } {
  const site: SiteState = { ...prev, alarms: { ...prev.alarms }, tickets: { ...prev.tickets } };
  const key = reductionKey(a);
  const old = site.alarms[key];
  const effects: AlarmEffect[] = [];
  const evidence = (e: string[]) => [...e.filter((x) => x !== a.alarmId), a.alarmId].slice(-10);

  if (a.state === 'clear') {
    if (!old)
      return { site: prev, effects: [{ kind: 'flag', code: 'clear_without_raise', alarmId: a.alarmId }] };
    if (a.atMs < old.lastChangeMs)
      return { site: prev, effects: [{ kind: 'flag', code: 'out_of_order', alarmId: a.alarmId }] };
    if (!old.active)
      return { site: prev, effects: [{ kind: 'flag', code: 'duplicate_clear', alarmId: a.alarmId }] };
    const cleared: ReducedAlarm = {
      ...old,
      active: false,
      lastAlarmId: a.alarmId,
      lastSeenMs: Math.max(old.lastSeenMs, a.atMs),
      lastChangeMs: a.atMs,
      clearedAtMs: a.atMs,
      evidence: evidence(old.evidence),
    };
    site.alarms[key] = cleared;
    const ref = site.tickets[key];
    if (!cleared.rootKey && ref?.open && !cleared.flapping) {
      site.tickets[key] = { ...ref, open: false, closedAtMs: a.atMs };
      effects.push({ kind: 'close', ticketId: ref.ticketId, rootKey: key, alarm: cleared });
    }
    prune(site, a.atMs, rules);
    return { site, effects };
  }

  // raise
  if (old && a.atMs < old.lastChangeMs) {
    site.alarms[key] = { ...old, count: old.count + 1, firstSeenMs: Math.min(old.firstSeenMs, a.atMs) };
    return { site, effects: [{ kind: 'flag', code: 'out_of_order', alarmId: a.alarmId }] };
  }
  if (old?.active) {
    site.alarms[key] = {
      ...old,
      count: old.count + 1,
      lastSeenMs: Math.max(old.lastSeenMs, a.atMs),
      lastAlarmId: a.alarmId,
      evidence: evidence(old.evidence),
    };
    return { site, effects };
  }
  const raises = [...(old?.raises ?? []).filter((t) => a.atMs - t < rules.flapWindowMs), a.atMs].slice(
    -rules.flapThreshold,
  );
  const flapping = raises.length >= rules.flapThreshold;
  const alarm: ReducedAlarm = {
    key,
    lastAlarmId: a.alarmId,
    neId: a.neId,
    siteId: a.siteId,
    ...(a.cellId ? { cellId: a.cellId } : {}),
    region: a.region,
    probableCause: a.probableCause,
    severity: a.severity,
    active: true,
    flapping,
    count: (old?.count ?? 0) + 1,
    firstSeenMs: old?.firstSeenMs ?? a.atMs,
    lastSeenMs: Math.max(old?.lastSeenMs ?? a.atMs, a.atMs),
    lastChangeMs: a.atMs,
    raises,
    evidence: evidence(old?.evidence ?? []),
  };
  const root = activeRoot(site, key);
  if (root) {
    alarm.rootKey = root.key;
    site.alarms[key] = alarm;
    const ref = site.tickets[root.key];
    if (ref?.open) effects.push({ kind: 'child', ticketId: ref.ticketId, rootKey: root.key, alarm });
    return { site, effects };
  }
  site.alarms[key] = alarm;
  if (!ticketable(a.severity)) return { site, effects };

  const childKeys: string[] = [];
  const mergedTicketIds: string[] = [];
  if (!a.cellId) {
    for (const other of Object.values(site.alarms)) {
      if (other.key === key || !other.active) continue;
      site.alarms[other.key] = { ...other, rootKey: key };
      childKeys.push(other.key);
      const r = site.tickets[other.key];
      if (r?.open) {
        mergedTicketIds.push(r.ticketId);
        site.tickets[other.key] = { ...r, open: false, closedAtMs: a.atMs };
      }
    }
  }
  const ref = site.tickets[key];
  if (ref?.open) {
    if (flapping && !old?.flapping)
      effects.push({ kind: 'flapping', ticketId: ref.ticketId, rootKey: key, alarm });
    return { site, effects };
  }
  if (ref && ref.closedAtMs !== undefined && a.atMs - ref.closedAtMs <= rules.reopenWindowMs) {
    site.tickets[key] = { ...ref, open: true };
    delete site.tickets[key]?.closedAtMs;
    effects.push({ kind: 'reopen', ticketId: ref.ticketId, rootKey: key, alarm });
    if (flapping && !old?.flapping)
      effects.push({ kind: 'flapping', ticketId: ref.ticketId, rootKey: key, alarm });
    return { site, effects };
  }
  const ticketId = stableId('TT', a.siteId, key, a.atMs);
  site.tickets[key] = { ticketId, open: true, openedAtMs: a.atMs };
  effects.push({
    kind: 'open',
    ticketId,
    rootKey: key,
    alarm,
    priority: flapping ? 'P3' : priorityOf(a),
    faultType: faultTypeOf(a.probableCause),
    childKeys,
    mergedTicketIds,
  });
  prune(site, a.atMs, rules);
  return { site, effects };
}

/** Marks a root's ticket closed in the site (a technician closed it), so a new raise reopens it. */
export function noteTicketClosed(site: SiteState, ticketId: string, atMs: number): SiteState {
  const tickets = { ...site.tickets };
  for (const [k, r] of Object.entries(tickets))
    if (r.ticketId === ticketId && r.open) tickets[k] = { ...r, open: false, closedAtMs: atMs };
  return { ...site, tickets };
}

function prune(site: SiteState, nowMs: number, rules: AlarmRules): void {
  for (const [k, a] of Object.entries(site.alarms))
    if (!a.active && a.clearedAtMs !== undefined && nowMs - a.clearedAtMs > rules.retainClearedMs) {
      delete site.alarms[k];
      const r = site.tickets[k];
      if (r && !r.open) delete site.tickets[k];
    }
}
