import { LitElement, css, html } from 'lit';
import { api, enc } from '../api-client.ts';
import { I18nController, localText, lookup, t, type MsgKey } from '../i18n.ts';
import { auditActionText, orderText } from '../care-labels.ts';
import { base } from '../styles.ts';
import { shortDateTime } from '../time.ts';
import type { Balance, Complaint, Customer, Ticket, UsageList, UsageSummary } from '../types.ts';
import type { TimelineItem } from './timeline-list.ts';
import './balance-card.ts';
import './usage-days-chart.ts';
import './usage-records.ts';
import './timeline-list.ts';
import './bill-list.ts';
import './customer-level.ts';
import './line-list.ts';
import './identity-review.ts';
import type { CustomerLine, FormerLine } from './line-list.ts';
import './care-actions.ts';
import './state-panel.ts';

interface Order {
  orderId: string;
  kind: string;
  state: string;
  openedAtMs: number;
  updatedAtMs: number;
}

/** How long after an action the timeline is read again (the sink flushes every 0.5 s). */
const HISTORY_LAG_MS = 2500;
/** ... and the balance once more: charging saves line states every 5 s (a plan change shows then). */
const STATE_LAG_MS = 6000;

/** Customer 360 for an agent: masked profile with audited reveal, line, usage, CDRs, timeline, actions. */
export class Customer360 extends LitElement {
  static override properties = {
    customerId: { attribute: 'customer-id' },
    line: {},
    customer: { state: true },
    error: { state: true },
    balance: { state: true },
    summary: { state: true },
    usage: { state: true },
    timeline: { state: true },
    revealedLine: { state: true },
    lines: { state: true },
    former: { state: true },
    chosenLine: { state: true },
    role: {},
    username: {},
  };
  static override styles = [
    base,
    css`
      :host {
        display: grid;
        gap: 14px;
      }
      .grid2 {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(380px, 1fr));
        gap: 14px;
      }
      h2 {
        margin: 0 0 8px;
        font-size: 16px;
        color: #cbd5e1;
      }
      dl {
        display: grid;
        grid-template-columns: max-content 1fr;
        gap: 4px 14px;
        margin: 0;
      }
      dt {
        color: #94a3b8;
      }
      dd {
        margin: 0;
      }
    `,
  ];
  declare customerId: string;
  /** The number the agent searched by, when that is how the customer was found. */
  declare line: string;
  declare customer: Customer | null;
  declare error: string;
  declare balance: Balance | null | undefined;
  declare summary: UsageSummary | null;
  declare usage: UsageList | null;
  declare timeline: TimelineItem[] | null;
  /** The mobile shown by the audited reveal: the line, when the customer was found another way. */
  declare revealedLine: string;
  /** 名下号码: undefined while loading, null when they could not be read. */
  declare lines: CustomerLine[] | null | undefined;
  /** Lines the customer transferred away (过户): shown in their history, never acted on. */
  declare former: FormerLine[];
  /** The line the agent picked from the list. */
  declare chosenLine: string;
  /** Who is signed in: a supervisor decides a pending identity change here. */
  declare role: string;
  declare username: string;
  /** The numbers the audited reveal showed (they unmask the list while the page is open). */
  private knownNumbers: string[] = [];
  private again: ReturnType<typeof setTimeout> | undefined;
  /** The record as the audited reveal showed it. */
  private revealed: Customer | null = null;

  constructor() {
    super();
    this.customerId = '';
    this.line = '';
    this.customer = null;
    this.error = '';
    this.balance = undefined;
    this.summary = null;
    this.usage = null;
    this.timeline = null;
    this.revealedLine = '';
    this.lines = undefined;
    this.former = [];
    this.chosenLine = '';
    this.role = '';
    this.username = '';
    new I18nController(this);
  }

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('customerId') && this.customerId) {
      this.revealedLine = '';
      this.revealed = null;
      this.chosenLine = '';
      this.knownNumbers = [];
      this.lines = undefined;
      void this.load();
    }
  }

  /**
   * The line: the one picked from the list, else the number searched by, else the line the
   * reveal showed (or the mobile, when never masked).
   */
  get msisdn(): string {
    const m = this.customer?.mobile ?? '';
    return this.chosenLine || this.line || this.revealedLine || (m.includes('*') ? '' : m);
  }

  async load(): Promise<void> {
    this.error = '';
    try {
      const c = await api.get<Customer>(`/api/v1/customers/${enc(this.customerId)}`);
      // the audited reveal holds while the record is the one revealed; a changed record is
      // shown masked again (its new values were never revealed)
      this.customer = this.revealed?.revision === c.revision ? this.revealed : c;
    } catch {
      this.error = t('care.loadError');
      return;
    }
    const id = enc(this.customerId);
    const m = enc(this.msisdn);
    // a masked number names no line: ask for nothing rather than for "+86138****0042"
    const ofLine = <T>(get: () => Promise<T>, none: T): Promise<T> =>
      m ? get().catch(() => none) : Promise.resolve(none);
    const [lines, bal, sum, usage, orders, audit, notes, complaints, tickets] = await Promise.all([
      api
        .get<{ lines: CustomerLine[]; former?: FormerLine[] }>(`/api/v1/customers/${id}/lines`)
        .catch(() => null),
      ofLine(() => api.get<Balance>(`/api/v1/subscribers/${m}/balance`), null),
      ofLine(() => api.get<UsageSummary>(`/api/v1/subscribers/${m}/usage/summary`), null),
      ofLine(() => api.get<UsageList>(`/api/v1/subscribers/${m}/usage?limit=1000`), null),
      api.get<{ orders: Order[] }>(`/api/v1/customers/${id}/orders`).catch(() => ({ orders: [] })),
      api
        .get<{ entries: { atMs: number; action: string; actor: string; reason: string }[] }>(
          `/api/v1/customers/${id}/audit`,
        )
        .catch(() => ({ entries: [] })),
      api
        .get<{
          notifications: {
            notificationId: string;
            createdAtMs: number;
            text: string;
            state: string;
            channel: string;
            reason?: string;
            nextAttemptAtMs?: number;
          }[];
        }>(`/api/v1/customers/${id}/notifications`)
        .catch(() => ({ notifications: [] })),
      ofLine(() => api.get<{ items: Complaint[] }>(`/api/v1/noc/complaints?msisdn=${m}`), { items: [] }),
      ofLine(() => api.get<{ items: Ticket[] }>(`/api/v1/noc/tickets?q=${m}`), { items: [] }),
    ]);
    this.lines = lines?.lines ?? null;
    this.former = lines?.former ?? [];
    this.balance = bal;
    this.summary = sum ?? { fromMs: 0, toMs: 0, chargeFen: 0, days: [] };
    this.usage = usage ?? { totals: { count: 0, chargeFen: 0 }, rows: [] };
    this.timeline = [
      ...orders.orders.map((o) => ({
        atMs: o.updatedAtMs,
        kind: 'order' as const,
        text: () => orderText(o, lookup),
      })),
      ...audit.entries.map((a) => ({
        atMs: a.atMs,
        kind: 'audit' as const,
        text: () => `${auditActionText(a.action, lookup)} · ${a.actor}${a.reason ? ` · ${a.reason}` : ''}`,
      })),
      ...notes.notifications.map((n) => ({
        atMs: n.createdAtMs,
        kind: 'notification' as const,
        // A notice goes by SMS and, when the customer has one, by e-mail: say which this is.
        text: () =>
          `${t(`notice.${n.channel}` as MsgKey)} · ${n.text} (${t(`notice.${n.state}` as MsgKey)}${
            n.state === 'failed' && n.reason ? `：${lookup(`notice.why.${n.reason}`) ?? n.reason}` : ''
          })${n.nextAttemptAtMs ? ` · ${t('notice.autoRetry', { time: shortDateTime(n.nextAttemptAtMs) })}` : ''}`,
        // a failed notice can be sent again (the outbox gives up after five attempts)
        ...(n.state === 'failed'
          ? {
              action: {
                label: () => t('notice.retry'),
                run: () =>
                  api
                    .post(`/api/v1/customers/${id}/notifications/${enc(n.notificationId)}/retry`)
                    .catch(() => undefined)
                    .then(() => this.afterAction()),
              },
            }
          : {}),
      })),
      ...complaints.items.map((c) => ({
        atMs: c.lastUpdateMs,
        kind: 'complaint' as const,
        text: () => `${c.id} · ${t(`cat.${c.category}` as MsgKey)} · ${t(`cstatus.${c.status}` as MsgKey)}`,
      })),
      ...tickets.items.map((k) => ({
        atMs: k.lastUpdateMs,
        kind: 'ticket' as const,
        text: () => `${k.id} · ${localText(k.name)} · ${t(`status.${k.status}` as MsgKey)}`,
      })),
    ];
  }

  /**
   * After an action: reload now, once more when the history (projected into ClickHouse by the
   * sink, about a second behind) has the entries the action wrote, so the timeline shows it, and
   * a last time when charging has saved the line's state (a plan change on the balance card).
   */
  private afterAction(): void {
    void this.load();
    clearTimeout(this.again);
    this.again = setTimeout(() => {
      void this.load();
      this.again = setTimeout(() => void this.load(), STATE_LAG_MS - HISTORY_LAG_MS);
    }, HISTORY_LAG_MS);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.again);
  }

  /** Shows and acts on another of the customer's lines. */
  private choose(msisdn: string): void {
    if (msisdn === this.msisdn) return;
    this.chosenLine = msisdn;
    this.balance = undefined;
    void this.load();
  }

  private async reveal(): Promise<void> {
    const reason = prompt(t('care.revealReason'));
    if (!reason) return;
    let revealed: Customer & { lines?: CustomerLine[] };
    try {
      revealed = await api.post<Customer>(`/api/v1/customers/${enc(this.customerId)}/reveal`, { reason });
    } catch {
      this.error = t('care.revealError');
      return;
    }
    // the 360 shows and acts on the mobile when it is one of the customer's open lines, else on
    // their first open line (a broadband customer's contact mobile may be another carrier's)
    const lines = revealed.lines ?? [];
    this.knownNumbers = lines.map((l) => l.msisdn);
    const open = lines.filter((l) => l.status !== 'closed').map((l) => l.msisdn);
    this.revealedLine = open.includes(revealed.mobile)
      ? revealed.mobile
      : (open[0] ?? (revealed.mobile.includes('*') ? '' : revealed.mobile));
    this.revealed = revealed;
    await this.load();
  }

  override render() {
    if (this.error) return html`<sbss-state-panel kind="error" .message=${this.error}></sbss-state-panel>`;
    const c = this.customer;
    if (!c) return html`<sbss-state-panel kind="loading" .message=${t('app.loading')}></sbss-state-panel>`;
    const a = c.address;
    return html`<section class="grid2">
        <div class="card" data-testid="profile">
          <h2>${c.name} <span class="muted">${c.customerId}</span></h2>
          <dl>
            <dt>${t('care.idNumber')}</dt>
            <dd data-testid="id-number">${c.idNumber}</dd>
            <dt>${t('care.mobile')}</dt>
            <dd>${c.mobile}</dd>
            <dt>${t('care.email')}</dt>
            <dd>${c.email ?? '—'}</dd>
            <dt>${t('care.address')}</dt>
            <dd>${a.province} ${a.city} ${a.district} ${a.street} ${a.number}</dd>
            <dt>${t('care.service')}</dt>
            <dd>${lookup(`svc.${c.serviceType}`) ?? c.serviceType}</dd>
            <dt>${t('care.level')}</dt>
            <dd><sbss-customer-level customer-id=${c.customerId}></sbss-customer-level></dd>
          </dl>
          <sbss-identity-review
            .customer=${c}
            .role=${this.role}
            .username=${this.username}
            @changed=${() => this.afterAction()}
          ></sbss-identity-review>
          ${c.masked ? html`<p><button @click=${() => this.reveal()}>${t('care.reveal')}</button></p>` : html`<p class="muted">${t('care.revealed')}</p>`}
        </div>
        <div class="card">
          <h2>${t('care.line')}</h2>
          <sbss-line-list
            .lines=${this.lines}
            .former=${this.former}
            .selected=${this.msisdn}
            .known=${[this.line, ...this.knownNumbers]}
            @line-select=${(e: CustomEvent<string>) => this.choose(e.detail)}
          ></sbss-line-list>
          ${
            !this.msisdn
              ? html`<sbss-state-panel kind="empty" .message=${t('care.lineHidden')}></sbss-state-panel>`
              : this.balance === undefined
                ? html`<sbss-state-panel kind="loading" .message=${t('app.loading')}></sbss-state-panel>`
                : this.balance
                  ? html`<sbss-balance-card .balance=${this.balance}></sbss-balance-card>`
                  : html`<sbss-state-panel kind="empty" .message=${t('care.noLine')}></sbss-state-panel>`
          }
        </div>
      </section>
      <section class="card">
        <h2>${t('care.actions')}</h2>
        <sbss-care-actions
          .customer=${c}
          .msisdn=${this.msisdn}
          @changed=${() => this.afterAction()}
        ></sbss-care-actions>
      </section>
      <section class="grid2">
        <div class="card">
          <h2>${t('usage.chart')}</h2>
          <sbss-usage-days-chart .summary=${this.summary}></sbss-usage-days-chart>
        </div>
        <div class="card">
          <h2>${t('care.timeline')}</h2>
          <sbss-timeline-list .items=${this.timeline}></sbss-timeline-list>
        </div>
      </section>
      ${
        this.msisdn && this.balance?.payment === 'postpaid'
          ? html`<section class="card">
              <h2>${t('bill.staffTitle')}</h2>
              <sbss-bill-list .msisdn=${this.msisdn} .payment=${this.balance.payment}></sbss-bill-list>
            </section>`
          : null
      }
      <section class="card">
        <h2>${t('care.cdrs')}</h2>
        <sbss-usage-records
          .rows=${this.usage?.rows ?? null}
          .msisdn=${this.msisdn}
          channel="counter"
          @changed=${() => this.afterAction()}
        ></sbss-usage-records>
      </section>`;
  }
}
customElements.define('sbss-customer-360', Customer360);
