import { LitElement, css, html } from 'lit';
import { api, ApiCallError, enc } from '../api-client.ts';
import { I18nController, t, type MsgKey } from '../i18n.ts';
import { shortDateTime } from '../time.ts';
import { base, forms } from '../styles.ts';
import './state-panel.ts';

export interface InstallWorkOrder {
  workOrderId: string;
  orderId: string;
  status: 'assigned' | 'done' | 'failed' | 'cancelled';
  location: string;
  device: { model: string; quantity: number } | null;
  /** Who to call before the visit. */
  customer: { name: string; phone: string } | null;
  /** The booked appointment (the reservation's slot), when there is one. */
  slotStartMs: number | null;
}

/**
 * 安装工单 (the technician's side of 设备到场安装): the installation work orders assigned to me,
 * and for an open one the on-site result — model and quantity checked, connection test recorded.
 * The order wizard at the counter moves on when the result is in.
 */
export class InstallOrders extends LitElement {
  static override properties = {
    items: { state: true },
    failed: { state: true },
    message: { state: true },
    busy: { state: true },
  };
  static override styles = [
    base,
    forms,
    css`
      .grid {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(160px, 1fr));
        gap: 8px;
      }
      form {
        max-width: none;
      }
      a {
        color: #7dd3fc;
      }
    `,
  ];
  declare items: InstallWorkOrder[] | null;
  declare failed: boolean;
  declare message: string;
  declare busy: boolean;

  constructor() {
    super();
    this.items = null;
    this.failed = false;
    this.message = '';
    this.busy = false;
    new I18nController(this);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  async load(): Promise<void> {
    try {
      this.items = (await api.get<{ workOrders: InstallWorkOrder[] }>('/api/v1/work-orders')).workOrders;
      this.failed = false;
    } catch {
      this.failed = true;
    }
  }

  private async report(e: SubmitEvent, w: InstallWorkOrder): Promise<void> {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    const s = (k: string) => String(f.get(k) ?? '').trim();
    this.busy = true;
    try {
      await api.post(`/api/v1/work-orders/${enc(w.workOrderId)}/result`, {
        model: s('model'),
        quantity: Number(s('quantity')),
        connectionTest: {
          passed: f.get('passed') === 'on',
          downMbps: Number(s('downMbps')),
          latencyMs: Number(s('latencyMs')),
        },
        ...(s('note') ? { note: s('note') } : {}),
      });
      await this.load();
      const now = this.items?.find((x) => x.workOrderId === w.workOrderId)?.status ?? 'done';
      this.message = t('inst.sent', { id: w.workOrderId, status: t(`inst.st.${now}` as MsgKey) });
    } catch (err) {
      this.message = `${t('act.failed')}: ${err instanceof ApiCallError ? err.message : ''}`;
    } finally {
      this.busy = false;
    }
  }

  private card(w: InstallWorkOrder) {
    const id = w.workOrderId;
    return html`<article class="card" data-work-order=${id} aria-labelledby="wo-${id}">
      <h3 id="wo-${id}">${t('inst.order', { id: w.orderId })} · ${w.location}</h3>
      <p>
        <span>${id}</span> ·
        <span data-testid="install-status">${t(`inst.st.${w.status}` as MsgKey)}</span>
        ${w.device ? html` · ${w.device.model} × ${w.device.quantity}` : null}
      </p>
      ${
        w.customer || w.slotStartMs
          ? html`<p data-testid="install-visit">
              ${w.slotStartMs ? html`${t('inst.slot', { at: shortDateTime(w.slotStartMs) })}` : null}
              ${
                w.customer
                  ? html`${w.slotStartMs ? ' · ' : ''}${t('inst.customer', { name: w.customer.name })}
                      <a href=${`tel:${w.customer.phone}`}>${w.customer.phone}</a>`
                  : null
              }
            </p>`
          : null
      }
      ${
        w.status === 'assigned'
          ? html`<form @submit=${(e: SubmitEvent) => this.report(e, w)}>
              <div class="grid">
                <label
                  >${t('inst.model')}<input
                    name="model"
                    required
                    maxlength="64"
                    .value=${w.device?.model ?? ''}
                /></label>
                <label
                  >${t('inst.quantity')}<input
                    name="quantity"
                    type="number"
                    min="1"
                    max="10"
                    required
                    .value=${String(w.device?.quantity ?? 1)}
                /></label>
                <label
                  >${t('inst.down')}<input name="downMbps" type="number" min="0" step="any" required
                /></label>
                <label
                  >${t('inst.latency')}<input name="latencyMs" type="number" min="0" step="any" required
                /></label>
              </div>
              <label><input name="passed" type="checkbox" checked /> ${t('inst.passed')}</label>
              <label>${t('inst.note')}<textarea name="note" rows="2" maxlength="500"></textarea></label>
              <button class="primary" type="submit" ?disabled=${this.busy}>${t('inst.submit')}</button>
            </form>`
          : null
      }
    </article>`;
  }

  override render() {
    return html`<h2>${t('inst.title')}</h2>
      <div role="status" data-testid="install-message">${this.message}</div>
      ${
        this.failed
          ? html`<sbss-state-panel kind="error" .message=${t('inst.error')}></sbss-state-panel>`
          : !this.items
            ? html`<sbss-state-panel kind="loading" .message=${t('app.loading')}></sbss-state-panel>`
            : this.items.length
              ? this.items.map((w) => this.card(w))
              : html`<sbss-state-panel kind="empty" .message=${t('inst.none')}></sbss-state-panel>`
      }`;
  }
}
customElements.define('sbss-install-orders', InstallOrders);
