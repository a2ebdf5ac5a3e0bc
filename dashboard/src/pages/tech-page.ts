import { LitElement, css, html } from 'lit';
import { api, ApiCallError, enc } from '../api-client.ts';
import { SocketEventController } from '../controllers/socket-event.ts';
import { I18nController, lang, localText, t, type MsgKey } from '../i18n.ts';
import { dateTime } from '../time.ts';
import { base, forms, page } from '../styles.ts';
import type { Technician, Ticket, TicketStatus } from '../types.ts';
import '../components/state-panel.ts';
import '../components/install-orders.ts';

type Action = 'accept' | 'on_the_way' | 'on_site' | 'resolve' | 'hand_back';

/** The next steps a technician may take from a status. */
export const nextActions: Record<TicketStatus, Action[]> = {
  acknowledged: [],
  queued: [],
  assigned: ['accept', 'hand_back'],
  accepted: ['on_the_way', 'on_site', 'hand_back'],
  on_the_way: ['on_site', 'hand_back'],
  on_site: ['resolve', 'hand_back'],
  resolved: [],
  closed: [],
};

/** 我的工单: the technician's tickets, updated live; accept, on the way, on site, resolve with notes. */
export class TechPage extends LitElement {
  static override properties = {
    me: { state: true },
    tickets: { state: true },
    failed: { state: true },
    message: { state: true },
  };
  static override styles = [
    base,
    forms,
    page,
    css`
      .ticket h2 {
        margin: 0 0 6px;
        font-size: 17px;
      }
      .meta {
        display: flex;
        gap: 12px;
        flex-wrap: wrap;
        color: #cbd5e1;
        font-size: 14px;
      }
      .buttons {
        display: flex;
        gap: 8px;
        flex-wrap: wrap;
      }
      .breached {
        color: #fecaca;
      }
      .at_risk {
        color: #fde68a;
      }
      form {
        max-width: none;
        margin-top: 8px;
      }
    `,
  ];
  declare me: Technician | null;
  declare tickets: Ticket[] | null;
  declare failed: boolean;
  declare message: string;

  constructor() {
    super();
    this.me = null;
    this.tickets = null;
    this.failed = false;
    this.message = '';
    new I18nController(this);
    new SocketEventController(this, 'noc:tickets', () => void this.load());
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  async load(): Promise<void> {
    try {
      const [me, list] = await Promise.all([
        api.get<Technician>('/api/v1/noc/technicians/me'),
        api.get<{ items: Ticket[] }>('/api/v1/noc/tickets?limit=200'),
      ]);
      this.me = me;
      this.tickets = list.items;
      this.failed = false;
    } catch {
      this.failed = true;
    }
  }

  private async act(ticket: Ticket, action: Action, form: HTMLFormElement): Promise<void> {
    const note = String(new FormData(form).get('note') ?? '').trim();
    try {
      await api.post(`/api/v1/noc/tickets/${enc(ticket.id)}/actions`, { action, ...(note ? { note } : {}) });
      this.message = t('tech.done', { id: ticket.id, action: t(`tech.${action}` as MsgKey) });
      form.reset();
      await this.load();
    } catch (err) {
      this.message = `${t('act.failed')}: ${err instanceof ApiCallError ? err.message : ''}`;
    }
  }

  private card(k: Ticket) {
    const actions = nextActions[k.status];
    const formId = `f-${k.id}`;
    return html`<article class="card ticket" data-ticket=${k.id} aria-labelledby="h-${k.id}">
      <h2 id="h-${k.id}">${k.priority} · ${localText(k.name)}</h2>
      <div class="meta">
        <span>${k.id}</span>
        <span data-testid="status">${t(`status.${k.status}` as MsgKey)}</span>
        <span>${k.region} ${k.siteId ?? ''} ${k.cellId ?? ''}</span>
        ${k.childCount ? html`<span data-testid="children">${t('noc.children', { n: String(k.childCount) })}</span>` : null}
        <span class=${k.sla.state}
          >${t('tech.due', { at: dateTime(k.sla.dueAtMs) })} · ${t(`sla.${k.sla.state}` as MsgKey)}</span
        >
      </div>
      <p>${localText(k.description)}</p>
      ${
        actions.length
          ? html`<form id=${formId} @submit=${(e: Event) => e.preventDefault()}>
              <label>${t('tech.note')}<textarea name="note" rows="2" maxlength="2000"></textarea></label>
              <div class="buttons">
                ${actions.map(
                  (a) =>
                    html`<button
                      type="button"
                      class=${a === 'resolve' || a === 'accept' ? 'primary' : ''}
                      @click=${(e: Event) =>
                        this.act(k, a, (e.target as HTMLElement).closest('form') as HTMLFormElement)}
                    >
                      ${t(`tech.${a}` as MsgKey)}
                    </button>`,
                )}
              </div>
            </form>`
          : null
      }
    </article>`;
  }

  override render() {
    const mine = this.tickets?.filter((k) => k.status !== 'closed') ?? null;
    return html`<h1>${t('tech.title')}</h1>
      ${
        this.me
          ? html`<p class="muted">
              ${lang() === 'en' ? this.me.nameEn : this.me.nameZh} · ${this.me.region} ·
              ${t('tech.load', { n: String(this.me.workload) })}
            </p>`
          : null
      }
      <div role="status">${this.message}</div>
      ${
        this.failed
          ? html`<sbss-state-panel kind="error" .message=${t('tech.error')}></sbss-state-panel>`
          : !mine
            ? html`<sbss-state-panel kind="loading" .message=${t('app.loading')}></sbss-state-panel>`
            : mine.length
              ? mine.map((k) => this.card(k))
              : html`<sbss-state-panel kind="empty" .message=${t('tech.none')}></sbss-state-panel>`
      }
      <sbss-install-orders></sbss-install-orders>`;
  }
}
customElements.define('sbss-tech-page', TechPage);
