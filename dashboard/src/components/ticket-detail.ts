import { LitElement, css, html } from 'lit';
import { api, ApiCallError, enc } from '../api-client.ts';
import { ActionState } from '../controllers/action-state.ts';
import { I18nController, localText, t, type MsgKey } from '../i18n.ts';
import { integer, yuan } from '../format.ts';
import { fenFromYuan } from '../money.ts';
import { dateTime } from '../time.ts';
import { base, forms } from '../styles.ts';
import type { Ticket } from '../types.ts';
import './state-panel.ts';

/** GET /api/v1/noc/tickets/:id/impact */
interface Impact {
  cells: string[];
  /** A site outage covers every cell of the site. */
  site?: string;
  count: number;
  subscribers: { msisdnMasked: string; cdrs: number; lastSeenMs: number }[];
}
/** GET (or POST) /api/v1/noc/tickets/:id/goodwill */
interface Goodwill {
  amountFen: number;
  subscribers: number;
  totalFen: number;
  atMs: number;
  by: string;
  alreadyApplied: boolean;
}

/** How many affected numbers the page lists; the CSV has them all. */
const SHOWN = 20;

/**
 * 工单详情: one trouble ticket with what the NOC and supervisors do with it. Where and what, who
 * works it and by which dispatch rule, the SLA, the status history and notes; for a network
 * ticket the subscribers it affected (masked, CSV for all) and the goodwill credit (发放补偿,
 * supervisors and admins, once per ticket, confirmed with the count and the total); closing
 * with a reason (NOC staff). Fires `changed` after an action so the board reads again.
 */
export class TicketDetail extends LitElement {
  static override properties = {
    ticketId: { attribute: 'ticket-id' },
    role: {},
    technicianName: { attribute: false },
    ticket: { state: true },
    impact: { state: true },
    goodwill: { state: true },
    error: { state: true },
  };
  static override styles = [
    base,
    forms,
    css`
      dl {
        display: grid;
        grid-template-columns: max-content 1fr;
        gap: 4px 14px;
        margin: 0 0 10px;
      }
      dt {
        color: #94a3b8;
      }
      dd {
        margin: 0;
      }
      ol {
        margin: 0;
        padding-left: 18px;
      }
      table {
        border-collapse: collapse;
      }
      td,
      th {
        padding: 2px 12px 2px 0;
        text-align: left;
      }
      .head {
        display: flex;
        justify-content: space-between;
        align-items: baseline;
        gap: 10px;
      }
      form {
        max-width: 420px;
      }
      a {
        color: #7dd3fc;
      }
    `,
  ];
  declare ticketId: string;
  declare role: string;
  declare technicianName: (id: string | undefined) => string;
  declare ticket: Ticket | null;
  declare impact: Impact | null | undefined;
  declare goodwill: Goodwill | null | undefined;
  declare error: string;
  private readonly grant = new ActionState(this);
  private readonly closing = new ActionState(this);

  constructor() {
    super();
    this.ticketId = '';
    this.role = '';
    this.technicianName = (id) => id ?? '—';
    this.ticket = null;
    this.impact = undefined;
    this.goodwill = undefined;
    this.error = '';
    new I18nController(this);
  }

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('ticketId') && this.ticketId) {
      this.ticket = null;
      this.impact = undefined;
      this.goodwill = undefined;
      void this.load();
    }
  }

  async load(): Promise<void> {
    const id = enc(this.ticketId);
    this.error = '';
    try {
      this.ticket = await api.get<Ticket>(`/api/v1/noc/tickets/${id}`);
    } catch {
      this.error = t('tk.loadError');
      return;
    }
    if (this.ticket.ticketType !== 'network') return;
    const [impact, goodwill] = await Promise.all([
      api.get<Impact>(`/api/v1/noc/tickets/${id}/impact`).catch(() => null),
      api
        .get<Goodwill>(`/api/v1/noc/tickets/${id}/goodwill`)
        .catch((err: unknown) => (err instanceof ApiCallError && err.status === 404 ? null : undefined)),
    ]);
    this.impact = impact;
    this.goodwill = goodwill;
  }

  private changed(): void {
    void this.load();
    this.dispatchEvent(new CustomEvent('changed', { bubbles: true, composed: true }));
  }

  private async grantGoodwill(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const amountFen = fenFromYuan(String(new FormData(form).get('amount') ?? ''));
    const n = this.impact?.count ?? 0;
    const ask = t('tk.goodwillConfirm', {
      n: integer(n),
      amount: yuan(amountFen),
      total: yuan(amountFen * n),
    });
    if (!Number.isSafeInteger(amountFen) || !confirm(ask)) return;
    const ok = await this.grant.run(async () => {
      this.goodwill = await api.post<Goodwill>(`/api/v1/noc/tickets/${enc(this.ticketId)}/goodwill`, {
        amountFen,
      });
      return '';
    });
    if (ok) this.changed();
  }

  private async close(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const reason = String(new FormData(e.target as HTMLFormElement).get('reason') ?? '').trim();
    const ok = await this.closing.run(async () => {
      await api.post(`/api/v1/noc/tickets/${enc(this.ticketId)}/close`, { reason });
      return t('tk.closed');
    });
    if (ok) this.changed();
  }

  private impactView(i: Impact | null | undefined) {
    if (i === undefined)
      return html`<sbss-state-panel kind="loading" .message=${t('app.loading')}></sbss-state-panel>`;
    if (i === null) return html`<p class="muted">${t('tk.loadError')}</p>`;
    if (!i.count) return html`<p class="muted">${t('tk.impactNone')}</p>`;
    return html`<p data-testid="impact-count">
        ${t('tk.impactCount', {
          n: integer(i.count),
          where: i.cells.length
            ? t('tk.cells', { cells: i.cells.join(', ') })
            : t('tk.siteCells', { site: i.site ?? '' }),
        })}
      </p>
      <table>
        <thead>
          <tr>
            <th>${t('tk.msisdn')}</th>
            <th>${t('tk.cdrs')}</th>
            <th>${t('tk.lastSeen')}</th>
          </tr>
        </thead>
        <tbody>
          ${i.subscribers.slice(0, SHOWN).map(
            (x) =>
              html`<tr>
                <td>${x.msisdnMasked}</td>
                <td>${integer(x.cdrs)}</td>
                <td>${dateTime(x.lastSeenMs)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
      ${i.count > SHOWN ? html`<p class="muted">${t('tk.impactMore', { n: String(SHOWN) })}</p>` : null}
      <p>
        <a href=${`/api/v1/noc/tickets/${enc(this.ticketId)}/impact.csv`} download>${t('tk.impactCsv')}</a>
      </p>`;
  }

  private goodwillView() {
    const g = this.goodwill;
    if (g === undefined && !this.impact) return null;
    if (g)
      return html`<p data-testid="goodwill-done">
        ${t('tk.goodwillDone', {
          n: integer(g.subscribers),
          amount: yuan(g.amountFen),
          total: yuan(g.totalFen),
          by: g.by,
          at: dateTime(g.atMs),
        })}
      </p>`;
    if (this.role !== 'supervisor' && this.role !== 'admin')
      return html`<p class="muted">${t('tk.goodwillOnly')}</p>`;
    if (!this.impact?.count) return null;
    return html`<form @submit=${this.grantGoodwill} aria-label=${t('tk.goodwill')}>
      <label
        >${t('tk.goodwillAmount')}<input
          name="amount"
          type="number"
          min="0.01"
          max="1000"
          step="0.01"
          value="5"
          required
      /></label>
      <button ?disabled=${this.grant.busy}>${t('tk.goodwillGrant')}</button>
      ${this.grant.lines()}
    </form>`;
  }

  override render() {
    if (this.error) return html`<sbss-state-panel kind="error" .message=${this.error}></sbss-state-panel>`;
    const k = this.ticket;
    if (!k) return html`<sbss-state-panel kind="loading" .message=${t('app.loading')}></sbss-state-panel>`;
    const canClose = ['noc', 'supervisor', 'admin'].includes(this.role) && k.status !== 'closed';
    return html`<div class="head">
        <h2>${k.id} · ${localText(k.name)}</h2>
        <button @click=${() => this.dispatchEvent(new CustomEvent('close-detail'))}>
          ${t('tk.closeView')}
        </button>
      </div>
      <dl data-testid="ticket-facts">
        <dt>${t('col.status')}</dt>
        <dd>${t(`status.${k.status}` as MsgKey)} · ${k.priority} · ${t(`sev.${k.severity}` as MsgKey)}</dd>
        <dt>${t('tk.where')}</dt>
        <dd>${[k.region, k.siteId, k.cellId].filter(Boolean).join(' / ')}</dd>
        ${
          k.customerMsisdn
            ? html`<dt>${t('tk.customer')}</dt>
                <dd>${k.customerMsisdn}</dd>`
            : null
        }
        <dt>${t('tk.technician')}</dt>
        <dd>${this.technicianName(k.technicianId)}</dd>
        ${
          k.dispatch
            ? html`<dt>${t('tk.dispatch')}</dt>
                <dd>${k.dispatch.rule}</dd>`
            : null
        }
        <dt>${t('tk.sla')}</dt>
        <dd>
          ${t('tk.slaValue', { state: t(`sla.${k.sla.state}` as MsgKey), due: dateTime(k.sla.dueAtMs) })}
        </dd>
        ${
          k.childCount
            ? html`<dt>${t('tk.children')}</dt>
                <dd>${integer(k.childCount)}</dd>`
            : null
        }
      </dl>
      <p>${localText(k.description)}</p>
      <h3>${t('tk.history')}</h3>
      <ol data-testid="ticket-history">
        ${k.statusChange.map(
          (c) =>
            html`<li>
              ${dateTime(c.atMs)} · ${t(`status.${c.status}` as MsgKey)} ·
              ${c.by}${c.reason ? ` · ${c.reason}` : ''}
            </li>`,
        )}
      </ol>
      ${
        k.note.length
          ? html`<h3>${t('tk.notes')}</h3>
              <ol>
                ${k.note.map((n) => html`<li>${dateTime(n.atMs)} · ${n.author} · ${localText(n.text)}</li>`)}
              </ol>`
          : null
      }
      ${
        k.ticketType === 'network'
          ? html`<h3>${t('tk.impact')}</h3>
              ${this.impactView(this.impact)}
              <h3>${t('tk.goodwill')}</h3>
              ${this.goodwillView()}`
          : null
      }
      ${
        canClose
          ? html`<form @submit=${this.close} aria-label=${t('tk.closeTicket')}>
              <label>${t('tk.closeReason')}<input name="reason" maxlength="500" required /></label>
              <button ?disabled=${this.closing.busy}>${t('tk.closeTicket')}</button>
              ${this.closing.lines()}
            </form>`
          : this.closing.result
            ? this.closing.lines()
            : null
      }`;
  }
}
customElements.define('sbss-ticket-detail', TicketDetail);
