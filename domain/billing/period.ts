import { SHANGHAI_OFFSET_MS, versionAt, type CompiledCatalog } from '../catalog/index.ts';
import { closeBill, periodEndMs, RatingError, type Bill, type SubscriberState } from '../rating/index.ts';

/**
 * Which bills a billing run issues for a month (账期, `YYYY-MM`, Asia/Shanghai): every postpaid
 * period that *starts* in that month and has ended by the run time. Pure: the subscriber state is
 * the one charging last saved; `closeBill` brings it up to the run time itself.
 */

export const MONTH_PATTERN = '^[0-9]{4}-(0[1-9]|1[0-2])$';
const monthRe = new RegExp(MONTH_PATTERN);

/** `YYYY-MM` → [start, end) epoch ms of that local month; null when malformed. */
export function monthRange(month: string): { startMs: number; endMs: number } | null {
  if (!monthRe.test(month)) return null;
  const y = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  return {
    startMs: Date.UTC(y, m - 1, 1) - SHANGHAI_OFFSET_MS,
    endMs: Date.UTC(y, m, 1) - SHANGHAI_OFFSET_MS,
  };
}

/** The local month (`YYYY-MM`) an instant falls in. */
export function monthOf(ms: number): string {
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 7);
}

export interface NotBilled {
  periodStartMs: number;
  code: string;
  message: string;
}

const MAX_PERIODS = 400;

/** Starts of the periods that have ended by `atMs`: those the state kept, then those it would roll through. */
export function endedPeriodStarts(catalog: CompiledCatalog, s: SubscriberState, atMs: number): number[] {
  const starts = new Set(s.closedPeriods.map((p) => p.startMs));
  // a closed line's last period is among those it kept: none follows it; a prepaid line (after
  // 后转预) has only the postpaid months it kept
  if (s.closedAtMs !== undefined || s.payment !== 'postpaid') return [...starts].sort((a, b) => a - b);
  const plan = catalog.plans.get(s.planId);
  let start = s.periodStartMs;
  let end = s.periodEndMs;
  for (let i = 0; plan && end <= atMs && i < MAX_PERIODS; i++) {
    starts.add(start);
    start = end;
    const v = versionAt(plan, start);
    if (!v) break;
    end = periodEndMs(v.validity, start);
  }
  return [...starts].sort((a, b) => a - b);
}

/** The bills of one postpaid line for `month` as of `atMs`, and the periods that could not be billed. */
export function billsForMonth(
  catalog: CompiledCatalog,
  s: SubscriberState,
  month: string,
  atMs: number,
): { bills: Bill[]; notBilled: NotBilled[] } {
  const range = monthRange(month);
  const out = { bills: [] as Bill[], notBilled: [] as NotBilled[] };
  // a prepaid line has bills only for the postpaid months it had before 后转预
  if (!range || (s.payment !== 'postpaid' && s.closedPeriods.length === 0)) return out;
  for (const start of endedPeriodStarts(catalog, s, atMs)) {
    if (start < range.startMs || start >= range.endMs) continue;
    try {
      out.bills.push(closeBill(catalog, s, start, atMs).bill);
    } catch (err) {
      if (!(err instanceof RatingError)) throw err;
      out.notBilled.push({ periodStartMs: start, code: err.code, message: err.message });
    }
  }
  return out;
}
