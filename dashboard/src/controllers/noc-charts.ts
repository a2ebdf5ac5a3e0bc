import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { api, qs } from '../api-client.ts';
import { isColumnAnswer, SeriesStore, type ColumnAnswer } from './history-series.ts';

export type Load = 'loading' | 'ready' | 'error';
export type ChartId = 'service' | 'revenue' | 'volume';

const specs: Record<ChartId, { metric: 'cdrs' | 'chargeFen' | 'bytes'; by: 'type' | 'region' }> = {
  service: { metric: 'cdrs', by: 'type' },
  revenue: { metric: 'chargeFen', by: 'region' },
  volume: { metric: 'bytes', by: 'region' },
};
const ids = Object.keys(specs) as ChartId[];

/** Full resolution: the table holds one row per minute. */
export const FINE_STEP_SEC = 60;
/** The day beyond the last hour: 5-minute buckets (288 points). */
export const COARSE_STEP_SEC = 300;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/**
 * The three NOC history charts, read as columns already summed by the API: the last hour at full
 * resolution first (small, drawn at once), then the rest of the day at a coarse step, then the
 * last minutes every 10 s. A zoom into a range still drawn coarse fetches that range at full
 * resolution and lays it over the day.
 */
export class NocChartsController implements ReactiveController {
  readonly charts: Record<ChartId, SeriesStore> = {
    service: new SeriesStore(),
    revenue: new SeriesStore(),
    volume: new SeriesStore(),
  };
  state: Load = 'loading';
  error = false;
  /** Settles when the last hour has been answered (or failed), then when the day has. */
  readonly hour: Promise<void>;
  readonly day: Promise<void>;
  private settleHour: () => void = () => undefined;
  private settleDay: () => void = () => undefined;
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly zooms = new Map<ChartId, string>();
  private dayMissing = false;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
    this.hour = new Promise((r) => (this.settleHour = r));
    this.day = new Promise((r) => (this.settleDay = r));
  }

  hostConnected(): void {
    const now = Date.now();
    // the hour starts on a coarse bucket boundary, so the day before it ends on one
    const hourFrom = Math.floor((now - HOUR_MS) / (COARSE_STEP_SEC * 1000)) * COARSE_STEP_SEC * 1000;
    void this.loadAll(hourFrom, undefined, FINE_STEP_SEC)
      .then((ok) => (this.state = ok ? 'ready' : 'error'))
      .finally(() => {
        this.host.requestUpdate();
        this.settleHour();
        void this.loadDay(now, hourFrom).finally(() => this.settleDay());
      });
    this.timer = setInterval(() => {
      if (this.state === 'ready') {
        void this.loadAll(Date.now() - 3 * 60_000, undefined, FINE_STEP_SEC);
        if (this.dayMissing) void this.loadDay(now, hourFrom);
      } else
        void this.loadAll(hourFrom, undefined, FINE_STEP_SEC).then((ok) => {
          if (ok) this.state = 'ready';
        });
    }, 10_000);
  }

  hostDisconnected(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /**
   * The user zoomed one chart to [fromSec, toSec] (null: back to the whole day). Any part of that
   * range still drawn coarser than full resolution is fetched at full resolution.
   */
  async zoom(id: ChartId, range: { fromSec: number; toSec: number } | null): Promise<void> {
    if (!range) return;
    const step = COARSE_STEP_SEC;
    const fromSec = Math.floor(range.fromSec / step) * step;
    const toSec = Math.ceil(range.toSec / step) * step;
    if (toSec <= fromSec || !this.charts[id].coarserThan(fromSec, toSec, FINE_STEP_SEC)) return;
    const key = `${fromSec}-${toSec}`;
    if (this.zooms.get(id) === key) return;
    this.zooms.set(id, key);
    const oldest = Math.ceil((Date.now() - DAY_MS) / 1000 / step) * step;
    const from = Math.max(fromSec, oldest) * 1000;
    await this.load(id, from, Math.min(toSec * 1000, from + DAY_MS), FINE_STEP_SEC);
    this.zooms.delete(id);
    this.host.requestUpdate();
  }

  /** The day before the first hour, at the coarse step (again on a later tick if it failed). */
  private async loadDay(now: number, hourFrom: number): Promise<void> {
    this.dayMissing = false;
    this.dayMissing = !(await this.loadAll(now - DAY_MS, hourFrom, COARSE_STEP_SEC));
  }

  private async loadAll(fromMs: number, toMs: number | undefined, stepSec: number): Promise<boolean> {
    const ok = await Promise.all(ids.map((id) => this.load(id, fromMs, toMs, stepSec)));
    this.host.requestUpdate();
    return ok.every(Boolean);
  }

  private async load(
    id: ChartId,
    fromMs: number,
    toMs: number | undefined,
    stepSec: number,
  ): Promise<boolean> {
    const { metric, by } = specs[id];
    const q = qs({
      from: Math.floor(fromMs),
      to: toMs === undefined ? undefined : Math.ceil(toMs),
      step: stepSec,
      by,
      metric,
    });
    let a: ColumnAnswer;
    try {
      const body: unknown = await api.get<unknown>(`/api/v1/noc/history${q}`);
      if (!isColumnAnswer(body)) throw new Error('history: unexpected answer');
      a = body;
    } catch {
      this.error = true;
      return false;
    }
    this.error = false;
    this.charts[id].merge(a);
    this.host.requestUpdate();
    return true;
  }
}
