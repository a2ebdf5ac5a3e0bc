import { LitElement, css, html } from 'lit';
import { keyed } from 'lit/directives/keyed.js';
import { api, ApiCallError, enc } from '../api-client.ts';
import { I18nController, t } from '../i18n.ts';
import type { OrderChanged, OrderView } from '../order-types.ts';
import { base, forms, page } from '../styles.ts';
import { shortDateTime } from '../time.ts';
import '../components/order-steps.ts';
import '../components/order-customer.ts';
import '../components/order-plan.ts';
import '../components/order-contract.ts';
import '../components/order-reservation.ts';
import '../components/order-install.ts';
import '../components/order-activation.ts';
import '../components/state-panel.ts';
import '../components/order-cancel.ts';

const POLL_MS = 2000;
/** `#/order/ord-123` → 'ord-123'. */
const orderIdInHash = () => location.hash.replace(/^#\/?/, '').split('/')[1] ?? '';

/**
 * 业务受理 the order wizard: customer → plan → contract → reservation → installation → activation,
 * each step's state shown. The order id sits in the address (`#/order/<id>`), so an order is
 * resumed by opening it — here or by link — at its first unfinished step. While it waits on the
 * outside world (technician on site, device events) the page reads the order every 2 s.
 */
export class OrderPage extends LitElement {
  static override properties = {
    agent: {},
    order: { state: true },
    loading: { state: true },
    message: { state: true },
  };
  static override styles = [
    base,
    forms,
    page,
    css`
      form.open {
        display: flex;
        gap: 8px;
        align-items: end;
        max-width: none;
        flex-wrap: wrap;
      }
      h2 {
        margin: 0 0 10px;
        font-size: 17px;
      }
    `,
  ];
  declare agent: string;
  declare order: OrderView | null;
  declare loading: boolean;
  declare message: string;
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly onHash = () => void this.follow();

  constructor() {
    super();
    this.agent = '';
    this.order = null;
    this.loading = false;
    this.message = '';
    new I18nController(this);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('hashchange', this.onHash);
    this.timer = setInterval(() => {
      if (this.waiting()) void this.reload();
    }, POLL_MS);
    void this.follow();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('hashchange', this.onHash);
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Waiting on the technician or the device events. */
  private waiting(): boolean {
    const o = this.order;
    if (!o || o.status !== 'open') return false;
    return (
      (o.nextStep === 'installation' && o.workOrder?.status === 'assigned') ||
      (o.nextStep === 'activation' && o.steps.activation.status !== 'failed')
    );
  }

  /** Shows the order named in the address (or a new one when none is). */
  private async follow(): Promise<void> {
    if (!location.hash.startsWith('#/order')) return;
    const id = orderIdInHash();
    if (!id) {
      this.order = null;
      return;
    }
    if (this.order?.orderId === id) return;
    this.loading = true;
    this.message = '';
    await this.reload(id);
    this.loading = false;
  }

  private async reload(id = this.order?.orderId ?? ''): Promise<void> {
    if (!id) return;
    try {
      const o = await api.get<OrderView>(`/api/v1/orders/${enc(id)}`);
      // A poll still in flight when the agent opened another (or a new) order must not bring
      // the old one back.
      if (orderIdInHash() !== id) return;
      this.order = o;
    } catch (err) {
      if (orderIdInHash() !== id) return;
      this.order = null;
      this.message =
        err instanceof ApiCallError && (err.status === 404 || err.status === 400)
          ? t('ord.notFound', { id })
          : t('ord.loadError');
    }
  }

  private changed(o: OrderView): void {
    this.order = o;
    this.message = '';
    if (orderIdInHash() !== o.orderId) location.hash = `#/order/${o.orderId}`;
  }

  private open(e: SubmitEvent): void {
    e.preventDefault();
    const id = String(new FormData(e.target as HTMLFormElement).get('orderId') ?? '').trim();
    if (id) location.hash = `#/order/${id}`;
  }

  private step() {
    const o = this.order;
    if (this.loading)
      return html`<sbss-state-panel kind="loading" .message=${t('app.loading')}></sbss-state-panel>`;
    if (!o) return html`<sbss-order-customer></sbss-order-customer>`;
    if (o.status === 'cancelled')
      return html`<sbss-state-panel kind="empty" .message=${t('ocancel.cancelled')}></sbss-state-panel>`;
    // a fresh step component per order and step: each starts from the order it is given
    const step = o.status === 'completed' ? 'activation' : o.nextStep;
    return keyed(`${o.orderId}/${step}`, this.stepOf(o, step));
  }

  private stepOf(o: OrderView, step: OrderView['nextStep']) {
    switch (step) {
      case 'plan_selection':
        return html`<sbss-order-plan .order=${o}></sbss-order-plan>`;
      case 'contract':
        return html`<sbss-order-contract .order=${o} .agent=${this.agent}></sbss-order-contract>`;
      case 'reservation':
        return html`<sbss-order-reservation .order=${o}></sbss-order-reservation>`;
      case 'installation':
        return html`<sbss-order-install .order=${o}></sbss-order-install>`;
      default:
        return html`<sbss-order-activation .order=${o}></sbss-order-activation>`;
    }
  }

  override render() {
    const o = this.order;
    const current = o
      ? o.status === 'completed'
        ? 'activation'
        : (o.nextStep ?? 'activation')
      : 'customer_info';
    return html`<h1>${t('ord.title')}</h1>
      <form class="open" @submit=${this.open} aria-label=${t('ord.open')}>
        <label>${t('ord.orderId')}<input name="orderId" maxlength="44" placeholder="ord-…" /></label>
        <button type="submit">${t('ord.openBtn')}</button>
        <button type="button" @click=${() => (location.hash = '#/order')}>${t('ord.new')}</button>
      </form>
      <div role="status" class="error">${this.message}</div>
      <sbss-order-steps .order=${o}></sbss-order-steps>
      ${
        o
          ? html`<p class="muted" data-testid="order-header">
              ${t('ord.header', { id: o.orderId, msisdn: o.msisdn, rev: String(o.revision) })}
              ${
                o.autoWithdrawAtMs
                  ? html`<br /><span data-testid="auto-withdraw"
                        >${t('ord.autoWithdraw', { at: shortDateTime(o.autoWithdrawAtMs) })}</span
                      >`
                  : null
              }
            </p>`
          : null
      }
      <sbss-order-cancel
        .order=${o}
        @order-changed=${(e: OrderChanged) => this.changed(e.detail)}
      ></sbss-order-cancel>
      <section
        class="card"
        aria-label=${t('ord.current')}
        data-testid="current-step"
        data-step=${current}
        @order-changed=${(e: OrderChanged) => this.changed(e.detail)}
        @order-reload=${() => void this.reload()}
      >
        <h2>${t(`step.${current}`)}</h2>
        ${this.step()}
      </section>`;
  }
}
customElements.define('sbss-order-page', OrderPage);
