import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { api } from '../api-client.ts';
import { HistoryStore } from '../noc-pivot.ts';
import type { Alarm, Pipeline, Reconciliation, Technician, Ticket, HistoryRow } from '../types.ts';
import { SocketEventController } from './socket-event.ts';

export type Load = 'loading' | 'ready' | 'error';

/**
 * Everything the NOC page shows besides the live CDR push: usage history (the last hour, then one
 * day, then the last minutes merged in every 10 s), alarms, open tickets, technicians, pipeline health and
 * reconciliation. Ticket pushes over socket.io trigger a (debounced) refresh of tickets.
 */
export class NocDataController implements ReactiveController {
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
    // A day of history is tens of thousands of rows (megabytes of JSON, seconds on a busy
    // server): the last hour comes first, small, and is drawn at once; the day fills in when it
    // arrives. The reconciliation, the heaviest read and no part of the charts or tables, waits
    // for the day so it does not compete with it.
    void this.loadHistory(60);
    void this.loadHistory(1440).finally(() => void this.loadRecon());
    void this.loadOps();
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
