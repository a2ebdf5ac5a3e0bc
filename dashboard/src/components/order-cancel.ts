import { LitElement, css, html } from 'lit';
import { api, enc } from '../api-client.ts';
import { ActionState } from '../controllers/action-state.ts';
import { I18nController, t } from '../i18n.ts';
import { yuan } from '../format.ts';
import { orderChanged, type OrderView } from '../order-types.ts';
import { base, forms } from '../styles.ts';

/**
 * 撤单: withdraw the open order with a reason, after a confirmation. The reserved device goes
 * back to stock and the installation visit is withdrawn (the API does both); the result names the
 * reservation's cancellation fee. Fires `order-changed` with the cancelled order.
 */
export class OrderCancel extends LitElement {
  static override properties = { order: { attribute: false } };
  static override styles = [
    base,
    forms,
    css`
      summary {
        cursor: pointer;
        color: #fca5a5;
      }
    `,
  ];
  declare order: OrderView | null;
  private readonly action = new ActionState(this);

  constructor() {
    super();
    this.order = null;
    new I18nController(this);
  }

  private async submit(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const o = this.order;
    if (!o) return;
    const reason = String(new FormData(e.target as HTMLFormElement).get('reason') ?? '').trim();
    if (!confirm(t('ocancel.confirm', { id: o.orderId }))) return;
    await this.action.run(async () => {
      const next = await api.post<OrderView & { cancelFeeFen?: number }>(
        `/api/v1/orders/${enc(o.orderId)}/cancel`,
        { revision: o.revision, reason },
      );
      this.dispatchEvent(orderChanged(next));
      return next.cancelFeeFen === undefined
        ? t('ocancel.done')
        : t('ocancel.doneFee', { fee: yuan(next.cancelFeeFen) });
    });
  }

  override render() {
    const o = this.order;
    if (!o) return null;
    if (o.status !== 'open') return this.action.result ? this.action.lines() : null;
    return html`<details>
      <summary>${t('ocancel.open')}</summary>
      <form @submit=${this.submit} aria-label=${t('ocancel.open')}>
        <p class="muted">${t('ocancel.hint')}</p>
        <label>${t('ocancel.reason')}<input name="reason" minlength="2" maxlength="500" required /></label>
        <button ?disabled=${this.action.busy}>${t('ocancel.submit')}</button>
        ${this.action.lines()}
      </form>
    </details>`;
  }
}
customElements.define('sbss-order-cancel', OrderCancel);
