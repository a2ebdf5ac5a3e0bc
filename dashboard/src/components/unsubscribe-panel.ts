import { LitElement, css, html } from 'lit';
import { api, enc } from '../api-client.ts';
import { I18nController, lang, lookup, t } from '../i18n.ts';
import { yuan } from '../format.ts';
import { shortDateTime } from '../time.ts';
import { ActionState } from '../controllers/action-state.ts';
import { base, forms } from '../styles.ts';

/** An unsubscribe application as the API answers it. */
interface Application {
  orderId: string;
  msisdn: string;
  state: 'applied' | 'approved' | 'rejected' | 'completed';
  review?: { code: string; text: { 'zh-CN': string; en: string } }[];
  finalBalanceFen?: number;
}

/** The line's care record. */
interface Line {
  status: 'pre_opened' | 'active' | 'closed';
  devicesOutstanding: string[];
  closedAtMs?: number;
}

/** How many of the customer's open unsubscribe orders are looked at for this line. */
const OPEN_LOOKED_AT = 5;

/**
 * 退订 at the counter, start to end: the application (or the one already open for this line),
 * the eligibility review with its reasons, rented devices handed back, and the execution that
 * closes the line and reports the settlement (credit paid back, or what is still owed). Fires
 * `changed` after each step.
 */
export class UnsubscribePanel extends LitElement {
  static override properties = {
    customerId: {},
    msisdn: {},
    channel: {},
    app: { state: true },
    line: { state: true },
    loaded: { state: true },
  };
  static override styles = [
    base,
    forms,
    css`
      ul {
        margin: 6px 0;
        padding-left: 20px;
      }
      .row {
        display: flex;
        gap: 8px;
        flex-wrap: wrap;
        align-items: center;
        margin: 8px 0;
      }
      .ok {
        color: #bbf7d0;
      }
    `,
  ];
  declare customerId: string;
  declare msisdn: string;
  declare channel: 'counter' | 'web';
  declare app: Application | null;
  declare line: Line | null;
  declare loaded: boolean;
  private readonly action = new ActionState(this);

  constructor() {
    super();
    this.customerId = '';
    this.msisdn = '';
    this.channel = 'counter';
    this.app = null;
    this.line = null;
    this.loaded = false;
    new I18nController(this);
  }

  override willUpdate(changed: Map<string, unknown>): void {
    if ((changed.has('msisdn') || changed.has('customerId')) && this.msisdn && this.customerId)
      void this.load();
  }

  /** The line's record and the application still open for it, if any. */
  private async load(): Promise<void> {
    this.loaded = false;
    this.app = null;
    const [line, orders] = await Promise.all([
      api.get<Line>(`/api/v1/lines/${enc(this.msisdn)}`).catch(() => null),
      api
        .get<{ orders: { orderId: string; kind: string; state: string }[] }>(
          `/api/v1/customers/${enc(this.customerId)}/orders`,
        )
        .catch(() => ({ orders: [] })),
    ]);
    this.line = line;
    const open = orders.orders.filter((o) => o.kind === 'unsubscribe' && o.state !== 'completed');
    for (const o of open.slice(0, OPEN_LOOKED_AT)) {
      const a = await api.get<Application>(`/api/v1/unsubscribe/${enc(o.orderId)}`).catch(() => null);
      if (a && a.msisdn === this.msisdn && a.state !== 'completed') {
        this.app = a;
        break;
      }
    }
    this.loaded = true;
  }

  /** Runs one step (its answer becomes the application shown), then tells the page. */
  private async step(run: () => Promise<string>): Promise<void> {
    if (await this.action.run(run))
      this.dispatchEvent(new CustomEvent('changed', { bubbles: true, composed: true }));
  }

  private apply(e: SubmitEvent): void {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const reason = String(new FormData(form).get('reason') ?? '').trim();
    void this.step(async () => {
      this.app = await api.post<Application>('/api/v1/unsubscribe', {
        msisdn: this.msisdn,
        channel: this.channel,
        reason,
      });
      form.reset();
      return t('act.unsubApplied', { id: this.app.orderId });
    });
  }

  private review(): void {
    const id = this.app?.orderId;
    if (!id) return;
    void this.step(async () => {
      this.app = await api.post<Application>(`/api/v1/unsubscribe/${enc(id)}/review`);
      return this.app.state === 'approved' ? t('unsub.eligible') : t('unsub.notEligible');
    });
  }

  private returned(model: string): void {
    void this.step(async () => {
      this.line = await api.post<Line>(`/api/v1/lines/${enc(this.msisdn)}/devices/return`, { model });
      return t('unsub.deviceReturned', { model });
    });
  }

  private execute(): void {
    const id = this.app?.orderId;
    if (!id || !confirm(t('unsub.confirm', { msisdn: this.msisdn }))) return;
    void this.step(async () => {
      this.app = await api.post<Application>(`/api/v1/unsubscribe/${enc(id)}/execute`);
      this.line = await api.get<Line>(`/api/v1/lines/${enc(this.msisdn)}`).catch(() => this.line);
      // charging settles the account at the closure: credit goes back, what is owed stays for the bill
      const left = this.app.finalBalanceFen ?? 0;
      if (left > 0) return t('unsub.closed', { balance: yuan(left) });
      if (left < 0) return t('unsub.closedOwing', { owed: yuan(-left) });
      return t('unsub.closedSquare');
    });
  }

  private application(a: Application) {
    const devices = this.line?.devicesOutstanding ?? [];
    return html`<p data-testid="unsub-state">
        ${t('unsub.application', { id: a.orderId })} · ${lookup(`ostate.${a.state}`) ?? a.state}
      </p>
      ${
        a.review?.length
          ? html`<ul aria-label=${t('unsub.reasons')}>
              ${a.review.map((r) => html`<li>${r.text[lang()]}</li>`)}
            </ul>`
          : null
      }
      ${
        devices.length && a.state !== 'completed'
          ? html`<div class="row">
              <span class="muted">${t('unsub.devices')}</span>
              ${devices.map(
                (m) =>
                  html`<button ?disabled=${this.action.busy} @click=${() => this.returned(m)}>
                    ${t('unsub.markReturned', { model: m })}
                  </button>`,
              )}
            </div>`
          : null
      }
      <div class="row">
        ${
          a.state === 'applied' || a.state === 'rejected'
            ? html`<button class="primary" ?disabled=${this.action.busy} @click=${() => this.review()}>
                ${t('unsub.review')}
              </button>`
            : null
        }
        ${
          a.state === 'approved'
            ? html`<button class="primary" ?disabled=${this.action.busy} @click=${() => this.execute()}>
                ${t('unsub.execute')}
              </button>`
            : null
        }
      </div>`;
  }

  private body() {
    if (!this.loaded) return html`<p class="muted">${t('app.loading')}</p>`;
    if (!this.line) return html`<p class="muted">${t('unsub.noRecord')}</p>`;
    if (this.app) return this.application(this.app);
    if (this.line.status === 'closed')
      return html`<p class="muted">
        ${t('unsub.alreadyClosed', { at: this.line.closedAtMs ? shortDateTime(this.line.closedAtMs) : '—' })}
      </p>`;
    return html`<form @submit=${(e: SubmitEvent) => this.apply(e)} aria-label=${t('act.unsubscribe')}>
      <label>${t('act.reason')}<input name="reason" minlength="2" maxlength="500" required /></label>
      <button type="submit" class="primary" ?disabled=${this.action.busy}>${t('act.submit')}</button>
    </form>`;
  }

  override render() {
    return html`${this.body()} ${this.action.lines()}`;
  }
}
customElements.define('sbss-unsubscribe-panel', UnsubscribePanel);
