import { html, nothing } from 'lit';
import { api, enc, RequestKey } from '../api-client.ts';
import {
  errId,
  fieldError,
  fieldErrorStyles,
  generalError,
  invalid,
  noErrors,
  stepErrors,
} from '../field-errors.ts';
import { t, type MsgKey } from '../i18n.ts';
import { orderChanged, type OrderView } from '../order-types.ts';
import { base, forms } from '../styles.ts';
import { SHANGHAI_OFFSET_MS as CN_MS } from '../../../domain/catalog/time.ts';
import { dateTime } from '../time.ts';
import { OrderStep } from './order-step.ts';

/** Visit slots the API accepts: even hours 08:00–18:00 Beijing time, at least an hour ahead, next week. */
export function visitSlots(nowMs: number, days = 7): number[] {
  const out: number[] = [];
  const today = new Date(nowMs + CN_MS);
  for (let d = 0; d <= days; d++)
    for (const h of [8, 10, 12, 14, 16, 18]) {
      const ms = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + d, h) - CN_MS;
      if (ms >= nowMs + 3_600_000 + 60_000) out.push(ms);
    }
  return out;
}

const slotText = (ms: number) => dateTime(ms).slice(5, 16);

/**
 * Step 5 (设备预约): reserves the order's device in a region's stock for a visit slot, then attaches
 * the reservation to the order. A reservation that was made but not attached is attached on retry
 * rather than reserved twice.
 */
export class OrderReservation extends OrderStep {
  static override properties = {
    held: { state: true },
    stock: { state: true },
  };
  static override styles = [base, forms, fieldErrorStyles];
  /** A reservation made for this order but not yet attached to it. */
  declare held: string;
  /** The region's stock (what can be reserved); null while it loads. */
  declare stock: { model: string; kind: string; available: number }[] | null;
  private region = 'bj';
  /** Kept while a reservation's answer is unknown (timeout, 5xx), so a retry reserves once. */
  private readonly reserveKey = new RequestKey();

  constructor() {
    super();
    this.held = '';
    this.stock = null;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.loadStock();
  }

  /** The models in stock in the region typed, shown beside the device field and offered in it. */
  private async loadStock(): Promise<void> {
    const region = this.region;
    const r = await api
      .get<{ items: { model: string; kind: string; available: number }[] }>(
        `/api/v1/inventory?region=${enc(region)}`,
      )
      .catch(() => ({ items: [] }));
    if (region === this.region) this.stock = r.items;
  }

  private async submit(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    const s = (k: string) => String(f.get(k) ?? '').trim();
    const o = this.order;
    this.busy = true;
    this.errors = noErrors;
    let stage: 'reserve' | 'attach' = 'reserve';
    try {
      if (!this.held) {
        const r = await api.post<{ reservationId: string }>('/api/v1/reservations', {
          customerId: o.customerId,
          region: s('region'),
          model: s('model'),
          quantity: Number(s('quantity')),
          planId: o.planId ?? '',
          slotStartMs: Number(s('slotStartMs')),
          channel: o.channel,
          requestId: this.reserveKey.current,
        });
        this.reserveKey.settle();
        this.held = r.reservationId;
      }
      stage = 'attach';
      const next = await api.post<OrderView>(`/api/v1/orders/${enc(o.orderId)}/reservation`, {
        revision: o.revision,
        reservationId: this.held,
      });
      this.held = '';
      this.dispatchEvent(orderChanged(next));
    } catch (err) {
      if (stage === 'reserve') this.reserveKey.settle(err);
      this.errors = stepErrors(
        this,
        err,
        stage === 'reserve' ? ['region', 'model', 'quantity', 'slotStartMs'] : [],
      );
    } finally {
      this.busy = false;
    }
  }

  private field(name: string, label: MsgKey, value: string, type = 'text') {
    return html`<label
      >${t(label)}<input
        name=${name}
        type=${type}
        list=${name === 'model' ? 'stock-models' : nothing}
        @change=${
          name === 'region'
            ? (e: Event) => {
                this.region = (e.target as HTMLInputElement).value.trim();
                void this.loadStock();
              }
            : nothing
        }
        maxlength="64"
        min="1"
        max="10"
        required
        .value=${value}
        ?readonly=${!!this.held}
        aria-invalid=${invalid(this.errors, name)}
        aria-describedby=${errId(name)}
      />${fieldError(this.errors, name)}</label
    >`;
  }

  override render() {
    const d = this.order.device;
    return html`<form @submit=${this.submit} aria-label=${t('step.reservation')} novalidate>
      <div class="row">
        ${this.field('region', 'ord.region', 'bj')} ${this.field('model', 'ord.device', d?.model ?? '')}
        ${this.field('quantity', 'ord.quantity', String(d?.quantity ?? 1), 'number')}
      </div>
      <datalist id="stock-models">
        ${(this.stock ?? []).map((x) => html`<option value=${x.model}>${t('ord.stockLeft', { n: String(x.available) })}</option>`)}
      </datalist>
      <p class="muted" data-testid="stock">
        ${
          this.stock === null
            ? t('app.loading')
            : this.stock.length
              ? t('ord.stock', {
                  region: this.region,
                  items: this.stock.map((x) => `${x.model} ${x.available}`).join(' · '),
                })
              : t('ord.noStock', { region: this.region })
        }
      </p>
      <label
        >${t('ord.slot')}<select
          name="slotStartMs"
          aria-invalid=${invalid(this.errors, 'slotStartMs')}
          aria-describedby=${errId('slotStartMs')}
        >
          ${visitSlots(Date.now()).map((ms) => html`<option value=${ms}>${slotText(ms)}</option>`)}</select
        >${fieldError(this.errors, 'slotStartMs')}</label
      >
      ${this.held ? html`<p role="status">${t('ord.reserved', { id: this.held })}</p>` : null}
      ${generalError(this.errors)}
      <button type="submit" class="primary" ?disabled=${this.busy}>${t('ord.reserve')}</button>
    </form>`;
  }
}
customElements.define('sbss-order-reservation', OrderReservation);
