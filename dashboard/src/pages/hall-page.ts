import { LitElement, css, html, type PropertyValues } from 'lit';
import { api, enc } from '../api-client.ts';
import { SocketEventController } from '../controllers/socket-event.ts';
import { I18nController, localText, t, type MsgKey } from '../i18n.ts';
import { yuan } from '../format.ts';
import { date, dateTime } from '../time.ts';
import { base, page } from '../styles.ts';
import type { Balance, Complaint, Customer, Ticket, UsageList, UsageSummary } from '../types.ts';
import { openerColumn, type Column } from '../components/data-table.ts';
import '../components/balance-card.ts';
import '../components/usage-days-chart.ts';
import '../components/usage-records.ts';
import '../components/care-actions.ts';
import '../components/my-case.ts';
import type { MyCase } from '../components/my-case.ts';
import type { CareAction } from '../components/care-actions.ts';
import '../components/data-table.ts';
import '../components/state-panel.ts';
import '../components/bill-list.ts';
import '../components/customer-level.ts';

/**
 * 网上营业厅 for a customer (phone-friendly): balance and allowances, usage (refreshed every 5 s
 * while open), renew / top up, report a fault, complain, and track both (ticket pushes live), and
 * a postpaid line's monthly bills.
 */
/**
 * What the hall offers; one list for the page's life, so that no button moves under a finger
 * while the customer's own record (for 修改资料) is still being read.
 */
const HALL_ACTIONS: CareAction[] = [
  'renew',
  'addon',
  'plan',
  'fault',
  'complaint',
  'loss',
  'suspend',
  'port',
  'password',
  'profile',
];
/** A closed number (销户, 携出) renews nothing and changes nothing: what is left is the customer's own. */
const CLOSED_ACTIONS: CareAction[] = ['complaint', 'password', 'profile'];

export class HallPage extends LitElement {
  static override properties = {
    msisdn: {},
    balance: { state: true },
    summary: { state: true },
    usage: { state: true },
    complaints: { state: true },
    tickets: { state: true },
    failed: { state: true },
    me: { state: true },
    picked: { state: true },
  };
  static override styles = [
    base,
    page,
    css`
      h2 {
        margin: 0 0 8px;
        font-size: 16px;
        color: #cbd5e1;
      }
      .grid2 {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(min(100%, 380px), 1fr));
        gap: 12px;
      }
      .grid2 > * {
        min-width: 0;
      }
      .closed {
        margin: 0 0 8px;
        padding: 8px 10px;
        border-left: 3px solid #f87171;
        color: #fecaca;
      }
    `,
  ];
  declare msisdn: string;
  declare balance: Balance | null;
  declare summary: UsageSummary | null;
  declare usage: UsageList | null;
  declare complaints: Complaint[] | null;
  declare tickets: Ticket[] | null;
  declare failed: boolean;
  /** The customer's own record (我的资料); null until read, or when none is registered. */
  declare me: Customer | null;
  /** The fault report or complaint whose progress is open (进度查询). */
  declare picked: MyCase | null;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor() {
    super();
    this.msisdn = '';
    this.balance = null;
    this.summary = null;
    this.usage = null;
    this.complaints = null;
    this.tickets = null;
    this.failed = false;
    this.me = null;
    this.picked = null;
    new I18nController(this);
    new SocketEventController(this, 'noc:tickets', () => void this.loadTracking());
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.timer = setInterval(() => void this.load(), 5000);
  }

  // The first load waits for the line's number. Right after logging in, the page's chunk arrives
  // after its element was rendered; the element upgraded and connected with msisdn '' and asked
  // for line '' (three 400s and "could not load" until the next 5 s refresh).
  override updated(changed: PropertyValues<this>): void {
    if (changed.has('msisdn')) {
      void this.load();
      void this.loadMe();
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.timer) clearInterval(this.timer);
  }

  async load(): Promise<void> {
    if (!this.msisdn) return;
    const m = enc(this.msisdn);
    try {
      const [b, s, u] = await Promise.all([
        api.get<Balance>(`/api/v1/subscribers/${m}/balance`),
        api.get<UsageSummary>(`/api/v1/subscribers/${m}/usage/summary`),
        api.get<UsageList>(`/api/v1/subscribers/${m}/usage?limit=500`),
      ]);
      this.balance = b;
      this.summary = s;
      if (!this.usage || u.rows[0]?.cdrId !== this.usage.rows[0]?.cdrId) this.usage = u;
      this.failed = false;
    } catch {
      this.failed = true;
    }
    await this.loadTracking();
  }

  /** 我的资料: read when the page opens and after a change (not with the 5 s refresh). */
  async loadMe(): Promise<void> {
    this.me = await api.get<Customer>('/api/v1/customers/me').catch(() => this.me);
  }

  async loadTracking(): Promise<void> {
    const [c, k] = await Promise.all([
      api.get<{ items: Complaint[] }>('/api/v1/noc/complaints').catch(() => null),
      api.get<{ items: Ticket[] }>('/api/v1/noc/tickets').catch(() => null),
    ]);
    if (c) this.complaints = c.items;
    if (k) this.tickets = k.items;
    // the open case follows its newest version
    const p = this.picked;
    if (p?.kind === 'ticket')
      this.picked = { kind: 'ticket', item: k?.items.find((x) => x.id === p.item.id) ?? p.item };
    if (p?.kind === 'complaint')
      this.picked = { kind: 'complaint', item: c?.items.find((x) => x.id === p.item.id) ?? p.item };
  }

  private complaintCols(): Column<Complaint>[] {
    return [
      openerColumn(
        t('col.id'),
        (r) => t('case.open', { id: r.id }),
        (r) => (this.picked = { kind: 'complaint', item: r }),
      ),
      { key: 'cat', label: t('col.category'), value: (r) => t(`cat.${r.category}` as MsgKey) },
      { key: 'status', label: t('col.status'), value: (r) => t(`cstatus.${r.status}` as MsgKey) },
      { key: 'at', label: t('col.updated'), value: (r) => dateTime(r.lastUpdateMs) },
    ];
  }

  private ticketCols(): Column<Ticket>[] {
    return [
      openerColumn(
        t('col.id'),
        (r) => t('case.open', { id: r.id }),
        (r) => (this.picked = { kind: 'ticket', item: r }),
      ),
      { key: 'name', label: t('col.subject'), value: (r) => localText(r.name) },
      { key: 'status', label: t('col.status'), value: (r) => t(`status.${r.status}` as MsgKey) },
      { key: 'at', label: t('col.updated'), value: (r) => dateTime(r.lastUpdateMs) },
    ];
  }

  /** A closed number takes only a complaint, password and profile, and its debt if it owes one. */
  private actionsOffered(): CareAction[] {
    if (this.balance?.barReason !== 'closed') return HALL_ACTIONS;
    return this.closedOwedFen() > 0 ? ['renew', ...CLOSED_ACTIONS] : CLOSED_ACTIONS;
  }

  private closedOwedFen(): number {
    const b = this.balance;
    return b?.barReason === 'closed' && b.balanceFen < 0 ? -b.balanceFen : 0;
  }

  override render() {
    return html`<h1>${t('hall.title')} <span class="muted">${this.msisdn}</span></h1>
      ${this.failed ? html`<sbss-state-panel kind="error" .message=${t('hall.error')}></sbss-state-panel>` : null}
      <section class="card">
        <h2>${t('hall.account')}</h2>
        <p class="muted">${t('hall.level')}<sbss-customer-level></sbss-customer-level></p>
        ${
          this.balance?.closedAtMs
            ? html`<p class="closed" data-testid="line-closed">
                ${t('hall.closed', { date: date(this.balance.closedAtMs) })}
              </p>`
            : null
        }
        ${
          this.balance
            ? html`<sbss-balance-card .balance=${this.balance}></sbss-balance-card>`
            : html`<sbss-state-panel kind="loading" .message=${t('app.loading')}></sbss-state-panel>`
        }
      </section>
      <section class="card">
        <h2>${t('hall.services')}</h2>
        ${
          this.me
            ? html`<p class="muted" data-testid="my-profile">
                ${t('hall.profile', {
                  name: this.me.name,
                  email: this.me.email ?? '—',
                  lang: this.me.locale === 'en' ? 'English' : '中文',
                })}
              </p>`
            : null
        }
        ${
          // offered once the line's state is known, so no tab appears and then goes away
          this.balance || this.failed
            ? html`<sbss-care-actions
                .msisdn=${this.msisdn}
                .customer=${this.me}
                channel="web"
                .actions=${this.actionsOffered()}
                .owedFen=${this.closedOwedFen()}
                @changed=${() => {
                  void this.load();
                  void this.loadMe();
                }}
              ></sbss-care-actions>`
            : null
        }
      </section>
      <section class="grid2">
        <div class="card">
          <h2>${t('usage.chart')}</h2>
          <sbss-usage-days-chart .summary=${this.summary}></sbss-usage-days-chart>
          ${this.summary ? html`<p class="muted">${t('hall.monthCharge', { v: yuan(this.summary.chargeFen) })}</p>` : null}
        </div>
        <div class="card">
          <h2>${t('hall.track')}</h2>
          ${
            this.complaints?.length || this.tickets?.length
              ? html`${
                    this.complaints?.length
                      ? html`<sbss-data-table
                          .rows=${this.complaints}
                          .columns=${this.complaintCols()}
                          page-size="5"
                          filename="complaints.csv"
                          data-testid="my-complaints"
                        ></sbss-data-table>`
                      : null
                  }
                  ${
                    this.tickets?.length
                      ? html`<sbss-data-table
                          .rows=${this.tickets}
                          .columns=${this.ticketCols()}
                          page-size="5"
                          filename="tickets.csv"
                          data-testid="my-tickets"
                        ></sbss-data-table>`
                      : null
                  }
                  <sbss-my-case
                    .case=${this.picked}
                    @changed=${() => void this.loadTracking()}
                  ></sbss-my-case>`
              : html`<sbss-state-panel kind="empty" .message=${t('hall.nothingOpen')}></sbss-state-panel>`
          }
        </div>
      </section>
      <section class="card">
        <h2>${t('bill.title')}</h2>
        <sbss-bill-list .msisdn=${this.msisdn} .payment=${this.balance?.payment ?? ''}></sbss-bill-list>
      </section>
      <section class="card">
        <h2>${t('hall.usage')}</h2>
        <sbss-usage-records
          .rows=${this.usage?.rows ?? null}
          .msisdn=${this.msisdn}
          channel="web"
          @changed=${() => void this.loadTracking()}
        ></sbss-usage-records>
      </section>`;
  }
}
customElements.define('sbss-hall-page', HallPage);
