import { css, html } from 'lit';
import { api, enc } from '../api-client.ts';
import { generalError } from '../field-errors.ts';
import { t } from '../i18n.ts';
import { orderChanged, type ActivationPart, type OrderView } from '../order-types.ts';
import { base } from '../styles.ts';
import { OrderStep } from './order-step.ts';

const parts: ActivationPart[] = ['sim_activation', 'network_attach', 'device_verification'];

/**
 * Step 7 (设备激活): SIM activation, network attach and device verification as the device events
 * report them (the page keeps reading the order); a failure shows its reason and can be retried.
 */
export class OrderActivation extends OrderStep {
  static override styles = [
    base,
    css`
      ul {
        list-style: none;
        padding: 0;
        display: grid;
        gap: 6px;
      }
      .ok {
        color: #86efac;
      }
      .failed {
        color: #fca5a5;
      }
      .error {
        color: #fecaca;
      }
    `,
  ];

  private async retry(): Promise<void> {
    await this.act([], async () => {
      const o = await api.post<OrderView>(`/api/v1/orders/${enc(this.order.orderId)}/activation/retry`, {
        revision: this.order.revision,
      });
      this.dispatchEvent(orderChanged(o));
    });
  }

  override render() {
    const o = this.order;
    const step = o.steps.activation;
    return html`<ul aria-label=${t('step.activation')}>
        ${parts.map((p) => {
          const a = o.activation[p];
          return html`<li data-part=${p} class=${a.status}>
            ${t(`act.${p}`)}：<strong>${t(`sstate.${a.status}`)}</strong>${a.reason ? ` (${a.reason})` : ''}
          </li>`;
        })}
      </ul>
      ${
        o.status === 'completed'
          ? html`<p role="status" class="ok" data-testid="order-complete">
              ${t('ord.complete', { msisdn: o.msisdn })}
            </p>`
          : step.status === 'failed'
            ? html`<p role="alert" class="failed">${t('ord.activationFailed', { r: step.reason ?? '' })}</p>
                <button ?disabled=${this.busy} @click=${() => this.retry()}>${t('ord.retry')}</button>`
            : html`<sbss-state-panel kind="loading" .message=${t('ord.waitActivation')}></sbss-state-panel>`
      }
      ${generalError(this.errors)}`;
  }
}
customElements.define('sbss-order-activation', OrderActivation);
