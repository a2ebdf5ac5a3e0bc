import type { KpiMetric, KpiSample } from '../events/index.ts';
import { placeOfCell } from '../geo/index.ts';
import { stableId } from '../ids/index.ts';
import type { TicketRef } from './alarms.ts';

/**
 * A threshold with hysteresis: a cell enters breach after `consecutive` samples past `enter`
 * and leaves it only with a sample past `exit` (on the healthy side), so a value hovering at
 * the threshold neither opens nor closes anything. `max` bounds a plausible value.
 */
export interface KpiRule {
  direction: 'above' | 'below';
  enter: number;
  exit: number;
  consecutive: number;
  max: number;
}

export type KpiMetricName = 'call_drop_rate' | 'attach_success_rate' | 'throughput_mbps' | 'congestion_rate';

export const KPI_RULES: Record<KpiMetricName, KpiRule> = {
  call_drop_rate: { direction: 'above', enter: 0.03, exit: 0.02, consecutive: 2, max: 1 },
  attach_success_rate: { direction: 'below', enter: 0.9, exit: 0.95, consecutive: 2, max: 1 },
  throughput_mbps: { direction: 'below', enter: 5, exit: 10, consecutive: 2, max: 10_000 },
  congestion_rate: { direction: 'above', enter: 0.3, exit: 0.2, consecutive: 2, max: 1 },
};
/**
 * Trend rule: a cell whose metric worsens on this many consecutive samples while still on the
 * healthy side of the threshold raises one early-warning detection (no ticket); it fires again
 * only after the run is broken.
 */
export const TREND_SAMPLES = 4;
/** This many congested cells in one region at once make one region congestion ticket. */
export const REGION_CONGESTION_CELLS = 3;

export interface CellKpi {
  breached: boolean;
  streak: number;
  lastAtMs: number;
  lastValue: number;
  /** Consecutive samples, each worse than the one before. */
  worsening?: number;
}

export interface RegionKpiState {
  region: string;
  /** Keyed `<cellId>/<metric>`. */
  cells: Record<string, CellKpi>;
  /** Open cell-level KPI tickets keyed like cells; the region congestion ticket under 'congestion'. */
  tickets: Record<string, TicketRef>;
}

export type KpiEffect =
  | { kind: 'breach'; cellId: string; metric: KpiMetric; value: number; atMs: number; ticketId?: string }
  | { kind: 'recover'; cellId: string; metric: KpiMetric; value: number; atMs: number; ticketId?: string }
  | { kind: 'region_congestion'; ticketId: string; cellIds: string[]; atMs: number }
  | { kind: 'region_congestion_cleared'; ticketId: string; atMs: number }
  | { kind: 'trend'; cellId: string; metric: KpiMetric; value: number; atMs: number }
  | { kind: 'flag'; code: 'out_of_order'; cellId: string };

export const emptyRegionKpi = (region: string): RegionKpiState => ({ region, cells: {}, tickets: {} });

/** Documented bad-input rule: values outside the metric's range and unknown cells are dead-lettered. */
export function checkKpiSample(s: KpiSample): { code: string; reason: string } | null {
  const rule = ruleOf(s.metric);
  if (!rule) return { code: 'schema', reason: `unknown metric ${s.metric}` };
  if (s.value < 0 || s.value > rule.max)
    return { code: 'kpi_out_of_range', reason: `${s.metric} ${s.value} outside 0..${rule.max}` };
  const place = placeOfCell(s.cellId);
  if (!place) return { code: 'unknown_ne', reason: `cell ${s.cellId} is not in the network inventory` };
  if (place.region !== s.region)
    return { code: 'region_mismatch', reason: `cell ${s.cellId} is in ${place.region}, not ${s.region}` };
  return null;
}

export const ruleOf = (metric: string): KpiRule | undefined =>
  Object.hasOwn(KPI_RULES, metric) ? KPI_RULES[metric as KpiMetricName] : undefined;

const past = (r: KpiRule, v: number, t: number) => (r.direction === 'above' ? v > t : v < t);

/**
 * Folds one (valid) sample into its region. Cell breaches of drop rate, attach success and
 * throughput open a cell ticket; congestion is judged per region: REGION_CONGESTION_CELLS
 * congested cells open one region ticket, which closes when fewer remain. Samples older than
 * the cell's last one are flagged and ignored.
 */
export function reduceKpi(
  prev: RegionKpiState,
  s: KpiSample,
): { state: RegionKpiState; effects: KpiEffect[] } {
  const rule = ruleOf(s.metric);
  if (!rule) return { state: prev, effects: [] };
  const k = `${s.cellId}/${s.metric}`;
  const old = prev.cells[k];
  if (old && s.atMs < old.lastAtMs)
    return { state: prev, effects: [{ kind: 'flag', code: 'out_of_order', cellId: s.cellId }] };
  const state: RegionKpiState = { ...prev, cells: { ...prev.cells }, tickets: { ...prev.tickets } };
  const effects: KpiEffect[] = [];
  const wasBreached = old?.breached ?? false;
  let streak = past(rule, s.value, rule.enter) ? (old?.streak ?? 0) + 1 : 0;
  let breached = wasBreached;
  if (!wasBreached && streak >= rule.consecutive) breached = true;
  const healthy = rule.direction === 'above' ? s.value < rule.exit : s.value > rule.exit;
  if (wasBreached && healthy) {
    breached = false;
    streak = 0;
  }
  const worse =
    old !== undefined && (rule.direction === 'above' ? s.value > old.lastValue : s.value < old.lastValue);
  const worsening = worse ? (old?.worsening ?? 0) + 1 : 0;
  state.cells[k] = { breached, streak, lastAtMs: s.atMs, lastValue: s.value, worsening };
  if (!breached && worsening === TREND_SAMPLES)
    effects.push({
      kind: 'trend',
      cellId: s.cellId,
      metric: s.metric,
      value: s.value,
      atMs: s.atMs,
    });
  const congestion = s.metric === 'congestion_rate';
  if (breached && !wasBreached) {
    let ticketId: string | undefined;
    if (!congestion) {
      ticketId = stableId('TT', s.cellId, s.metric, s.atMs);
      state.tickets[k] = { ticketId, open: true, openedAtMs: s.atMs };
    }
    effects.push({
      kind: 'breach',
      cellId: s.cellId,
      metric: s.metric,
      value: s.value,
      atMs: s.atMs,
      ...(ticketId ? { ticketId } : {}),
    });
  } else if (!breached && wasBreached) {
    const ref = state.tickets[k];
    if (ref) delete state.tickets[k];
    effects.push({
      kind: 'recover',
      cellId: s.cellId,
      metric: s.metric,
      value: s.value,
      atMs: s.atMs,
      ...(ref ? { ticketId: ref.ticketId } : {}),
    });
  }
  if (congestion && breached !== wasBreached) {
    const congested = Object.entries(state.cells)
      .filter(([key, c]) => key.endsWith('/congestion_rate') && c.breached)
      .map(([key]) => key.slice(0, -'/congestion_rate'.length));
    const ref = state.tickets.congestion;
    if (!ref && congested.length >= REGION_CONGESTION_CELLS) {
      const ticketId = stableId('TT', s.region, 'congestion', s.atMs);
      state.tickets.congestion = { ticketId, open: true, openedAtMs: s.atMs };
      effects.push({ kind: 'region_congestion', ticketId, cellIds: congested.slice(0, 50), atMs: s.atMs });
    } else if (ref && congested.length < REGION_CONGESTION_CELLS) {
      delete state.tickets.congestion;
      effects.push({ kind: 'region_congestion_cleared', ticketId: ref.ticketId, atMs: s.atMs });
    }
  }
  return { state, effects };
}
