import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { api } from '../api-client.ts';
import { HistoryStore } from '../noc-pivot.ts';
import type { Alarm, Pipeline, Reconciliation, Technician, Ticket, HistoryRow } from '../types.ts';
import { NocChartsController, type Load } from './noc-charts.ts';
import { SocketEventController } from './socket-event.ts';

export type { Load };

/**
 * Everything the NOC page shows besides the live CDR push: the history charts (`charts`, columns
 * summed by the API), the last hour of per-minute rows for the KPIs and the revenue at risk (then
 * the last minutes merged in every 10 s), alarms, open tickets, technicians, pipeline health and
 * reconciliation. Ticket pushes over socket.io trigger a (debounced) refresh of tickets.
 */
export class NocDataController implements ReactiveController {
  /** Added to the host first, so its small first read leaves before the others. */
  readonly charts: NocChartsController;
  readonly history = new HistoryStore();
  historyState: Load = 'loading';
  alarms: Alarm[] | null = null;
  /** Bumped whenever a fresh alarm list arrives. */
  alarmsVersion = 0;
  tickets: Ticket[] | null = null;
  technicians: Technician[] | null = null;
  pipeline: Pipeline | null = null;
  recon: Reconciliation | null = null;
  errors = new Set<string>();
  firstPaintMs = 0;
  private timers: ReturnType<typeof setInterval>[] = [];
  private ticketRefresh: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly host: ReactiveControllerHost) {
    this.charts = new NocChartsController(host);
    host.addController(this);
    new SocketEventController(host, 'noc:tickets', () => {
      if (this.ticketRefresh) return;
      this.ticketRefresh = setTimeout(() => {
        this.ticketRefresh = null;
        void this.loadOps();
      }, 300);
    });
  }

  hostConnected(): void {
    // The charts read the last hour first, then the day at a coarse step (see NocChartsController).
    // The per-minute rows (KPIs, revenue at risk: the last 65 minutes) wait for the charts' hour,
    // and the reconciliation, the heaviest read and no part of the charts or tables, for the day.
    void this.loadOps();
    void this.charts.hour.then(() => this.loadHistory(65));
    void this.charts.day.then(() => this.loadRecon());
    this.timers.push(setInterval(() => void this.loadHistory(3), 10_000));
    this.timers.push(setInterval(() => void this.loadOps(), 5_000));
    this.timers.push(setInterval(() => void this.loadRecon(), 60_000));
  }

  hostDisconnected(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    if (this.ticketRefresh) clearTimeout(this.ticketRefresh);
    this.ticketRefresh = null;
  }

  private async guard<T>(name: string, p: Promise<T>): Promise<T | undefined> {
    try {
      const v = await p;
      this.errors.delete(name);
      return v;
    } catch {
      this.errors.add(name);
      return undefined;
    } finally {
      this.host.requestUpdate();
    }
  }

  async loadHistory(minutes: number): Promise<void> {
    const r = await this.guard(
      'history',
      api.get<{ rows: HistoryRow[] }>(`/api/v1/noc/history?minutes=${minutes}`),
    );
    if (r) {
      this.history.merge(r.rows);
      this.historyState = 'ready';
    } else if (this.historyState === 'loading') this.historyState = 'error';
  }

  async loadOps(): Promise<void> {
    const [alarms, tickets, techs, pipeline] = await Promise.all([
      this.guard('alarms', api.get<Alarm[]>('/api/v1/noc/alarms?active=true&limit=500')),
      this.guard('tickets', api.get<{ items: Ticket[] }>('/api/v1/noc/tickets?open=true&limit=500')),
      this.guard('technicians', api.get<Technician[]>('/api/v1/noc/technicians')),
      this.guard('pipeline', api.get<Pipeline>('/api/v1/noc/pipeline')),
    ]);
    if (alarms) {
      this.alarms = alarms;
      this.alarmsVersion++;
    }
    if (tickets) this.tickets = tickets.items;
    if (techs) this.technicians = techs;
    if (pipeline) this.pipeline = pipeline;
  }

  async loadRecon(): Promise<void> {
    const r = await this.guard('recon', api.get<Reconciliation>('/api/v1/charging/reconciliation'));
    if (r) this.recon = r;
  }
}
