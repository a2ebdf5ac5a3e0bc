import { html } from 'lit';
import { api, enc } from '../api-client.ts';
import { errId, fieldError, fieldErrorStyles, generalError, invalid } from '../field-errors.ts';
import { t, type MsgKey } from '../i18n.ts';
import { orderChanged, type OrderView } from '../order-types.ts';
import { base, forms } from '../styles.ts';
import { OrderStep } from './order-step.ts';

/**
 * Step 6 (设备到场安装): dispatches the installation work order to a technician at an address; while
 * it is open, shows that it waits for the technician's on-site result (the page keeps reading the
 * order); a failed visit shows its reason and can be dispatched again.
 */
export class OrderInstall extends OrderStep {
  static override styles = [base, forms, fieldErrorStyles];

  private async submit(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    await this.act(['technicianId', 'location'], async () => {
      const o = await api.post<OrderView>(`/api/v1/orders/${enc(this.order.orderId)}/installation`, {
        revision: this.order.revision,
        technicianId: String(f.get('technicianId') ?? '').trim(),
        location: String(f.get('location') ?? '').trim(),
      });
      this.dispatchEvent(orderChanged(o));
    });
  }

  private field(name: string, label: MsgKey, value: string, max: number) {
    return html`<label
      >${t(label)}<input
        name=${name}
        maxlength=${max}
        required
        .value=${value}
        aria-invalid=${invalid(this.errors, name)}
        aria-describedby=${errId(name)}
      />${fieldError(this.errors, name)}</label
    >`;
  }

  override render() {
    const o = this.order;
    const wo = o.workOrder;
    if (wo?.status === 'assigned')
      return html`<sbss-state-panel
        kind="loading"
        data-testid="install-wait"
        .message=${t('ord.waitInstall', { id: wo.workOrderId, tech: wo.technicianId })}
      ></sbss-state-panel>`;
    const failed = o.steps.installation.status === 'failed';
    return html`${
        failed
          ? html`<p role="alert" class="error">
              ${t('ord.installFailed', { r: o.steps.installation.reason ?? '' })}
            </p>`
          : null
      }
      <form @submit=${this.submit} aria-label=${t('step.installation')} novalidate>
        ${this.field('technicianId', 'ord.technician', wo?.technicianId ?? 'technician', 64)}
        ${this.field('location', 'ord.location', wo?.location ?? '', 200)} ${generalError(this.errors)}
        <button type="submit" class="primary" ?disabled=${this.busy}>${t('ord.dispatch')}</button>
      </form>`;
  }
}
customElements.define('sbss-order-install', OrderInstall);
