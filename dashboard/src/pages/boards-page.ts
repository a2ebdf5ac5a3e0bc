import { LitElement, css, html } from 'lit';
import { api } from '../api-client.ts';
import { SocketEventController } from '../controllers/socket-event.ts';
import { I18nController, lang, localText, t, type MsgKey } from '../i18n.ts';
import { dateTime, shortDateTime } from '../time.ts';
import { base, page } from '../styles.ts';
import type { Role } from '../api-client.ts';
import type { Technician, Ticket } from '../types.ts';
import { openerColumn, type Column } from '../components/data-table.ts';
import '../components/data-table.ts';
import '../components/complaints-board.ts';
import '../components/state-panel.ts';
import '../components/rerate-panel.ts';
import '../components/ticket-detail.ts';

type Tab = 'tickets' | 'complaints' | 'dlq' | 'rerate';

interface DeadLetter {
  seq: number;
  source: string;
  code: string;
  reason: string;
  atMs: number;
  preview: string;
}

/** 看板: trouble tickets and dispatch, complaints, dead-letter quarantine with reprocess, rerating (supervisor). */
export class BoardsPage extends LitElement {
  static override properties = {
    role: {},
    tab: { state: true },
    tickets: { state: true },
    dead: { state: true },
    message: { state: true },
    openTicket: { state: true },
  };
  static override styles = [
    base,
    page,
    css`
      [role='tablist'] {
        display: flex;
        gap: 6px;
      }
      [role='tab'][aria-selected='true'] {
        background: #0369a1;
      }
      sbss-ticket-detail {
        display: block;
        padding-bottom: 14px;
        margin-bottom: 14px;
        border-bottom: 1px solid #334155;
      }
    `,
  ];
  declare role: Role;
  declare tab: Tab;
  declare tickets: Ticket[] | null;
  declare dead: DeadLetter[] | null;
  declare message: string;
  /** The ticket whose page (工单详情) is open above the list, or ''. */
  declare openTicket: string;

  constructor() {
    super();
    this.role = 'supervisor';
    this.tab = 'tickets';
    this.tickets = null;
    this.dead = null;
    this.message = '';
    this.openTicket = '';
    new I18nController(this);
    // Ticket changes are pushed to NOC staff: reload once per burst of pushes.
    new SocketEventController(this, 'noc:tickets', () => {
      this.refresh ??= setTimeout(() => {
        this.refresh = null;
        void this.load();
      }, 300);
    });
  }

  private refresh: ReturnType<typeof setTimeout> | null = null;
  /** Agents get no ticket pushes, and a push can be missed while reconnecting: read again now and then. */
  private timer: ReturnType<typeof setInterval> | null = null;

  private tabs(): Tab[] {
    if (this.role === 'agent') return ['complaints', 'tickets'];
    if (this.role === 'noc') return ['tickets', 'complaints', 'dlq'];
    return ['tickets', 'complaints', 'dlq', 'rerate'];
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.tab = this.tabs()[0] ?? 'tickets';
    void this.load();
    this.timer = setInterval(() => void this.load(), 15_000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.timer) clearInterval(this.timer);
    if (this.refresh) clearTimeout(this.refresh);
    this.timer = this.refresh = null;
  }

  /** Technicians by id, to show a ticket's technician by name (the roster changes rarely: read once). */
  private technicians = new Map<string, Technician>();

  async load(): Promise<void> {
    const [tickets, roster] = await Promise.all([
      api.get<{ items: Ticket[] }>('/api/v1/noc/tickets?limit=500').catch(() => ({ items: [] })),
      this.technicians.size ? null : api.get<Technician[]>('/api/v1/noc/technicians').catch(() => null),
    ]);
    if (roster) this.technicians = new Map(roster.map((x) => [x.id, x]));
    this.tickets = tickets.items;
    if (this.role !== 'agent')
      this.dead = (
        await api
          .get<{ entries: DeadLetter[] }>('/api/v1/dead-letters?limit=1000')
          .catch(() => ({ entries: [] }))
      ).entries;
  }

  private async reprocess(seq: number): Promise<void> {
    try {
      const r = await api.post<{ republished: number }>('/api/v1/dead-letters/reprocess', { seq });
      this.message = t('board.reprocessed', { n: String(r.republished) });
    } catch {
      this.message = t('act.failed');
    }
    await this.load();
  }

  private ticketCols(): Column<Ticket>[] {
    return [
      openerColumn(
        t('col.id'),
        (r) => t('tk.open', { id: r.id }),
        (r) => (this.openTicket = r.id),
      ),
      { key: 'p', label: t('col.priority'), value: (r) => r.priority },
      { key: 'name', label: t('col.subject'), clip: '18em', value: (r) => localText(r.name) },
      { key: 'region', label: t('col.region'), value: (r) => r.region },
      { key: 'status', label: t('col.status'), value: (r) => t(`status.${r.status}` as MsgKey) },
      { key: 'tech', label: t('col.technician'), value: (r) => this.technicianName(r.technicianId) },
      { key: 'sla', label: t('col.sla'), value: (r) => t(`sla.${r.sla.state}` as MsgKey) },
      {
        key: 'due',
        label: t('col.due'),
        value: (r) => dateTime(r.sla.dueAtMs),
        render: (r) =>
          html`<time datetime=${new Date(r.sla.dueAtMs).toISOString()} title=${dateTime(r.sla.dueAtMs)}
            >${shortDateTime(r.sla.dueAtMs)}</time
          >`,
      },
    ];
  }

  private technicianName(id: string | undefined): string {
    if (!id) return '—';
    const x = this.technicians.get(id);
    return x ? (lang() === 'en' ? x.nameEn : x.nameZh) : id;
  }

  private deadCols(): Column<DeadLetter>[] {
    return [
      { key: 'seq', label: '#', num: true, value: (r) => r.seq },
      { key: 'source', label: t('col.source'), value: (r) => r.source },
      { key: 'code', label: t('col.reason'), value: (r) => `${r.code}: ${r.reason}` },
      { key: 'preview', label: t('col.preview'), value: (r) => r.preview.slice(0, 60) },
      {
        key: 'act',
        label: t('board.reprocess'),
        value: () => '',
        render: (r) => html`<button @click=${() => this.reprocess(r.seq)}>${t('board.reprocess')}</button>`,
      },
    ];
  }

  private body() {
    if (this.tab === 'complaints') return html`<sbss-complaints-board></sbss-complaints-board>`;
    if (this.tab === 'rerate') return html`<sbss-rerate-panel></sbss-rerate-panel>`;
    if (this.tab === 'tickets')
      return this.tickets
        ? this.tickets.length
          ? html`${
                this.openTicket
                  ? html`<sbss-ticket-detail
                      ticket-id=${this.openTicket}
                      .role=${this.role}
                      .technicianName=${(id: string | undefined) => this.technicianName(id)}
                      @changed=${() => void this.load()}
                      @close-detail=${() => (this.openTicket = '')}
                    ></sbss-ticket-detail>`
                  : null
              }<sbss-data-table
                .rows=${this.tickets}
                .columns=${this.ticketCols()}
                filename="tickets.csv"
              ></sbss-data-table>`
          : html`<sbss-state-panel kind="empty" .message=${t('board.noTickets')}></sbss-state-panel>`
        : html`<sbss-state-panel kind="loading" .message=${t('app.loading')}></sbss-state-panel>`;
    return this.dead
      ? this.dead.length
        ? html`<sbss-data-table
            virtual
            .rows=${this.dead}
            .columns=${this.deadCols()}
            filename="dead-letters.csv"
          ></sbss-data-table>`
        : html`<sbss-state-panel kind="empty" .message=${t('board.noDead')}></sbss-state-panel>`
      : html`<sbss-state-panel kind="loading" .message=${t('app.loading')}></sbss-state-panel>`;
  }

  override render() {
    return html`<h1>${t('board.title')}</h1>
      <div role="tablist" aria-label=${t('board.title')}>
        ${this.tabs().map(
          (x) =>
            html`<button
              role="tab"
              aria-selected=${this.tab === x ? 'true' : 'false'}
              @click=${() => (this.tab = x)}
            >
              ${t(x === 'rerate' ? 'rr.tab' : (`board.${x}` as MsgKey))}
            </button>`,
        )}
      </div>
      <div role="status">${this.message}</div>
      <section class="card" role="tabpanel">${this.body()}</section>`;
  }
}
customElements.define('sbss-boards-page', BoardsPage);
