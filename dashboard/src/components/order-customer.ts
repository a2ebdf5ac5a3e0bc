import { html } from 'lit';
import { api, RequestKey } from '../api-client.ts';
import {
  errId,
  fieldError,
  fieldErrorStyles,
  formErrors,
  generalError,
  invalid,
  noErrors,
} from '../field-errors.ts';
import { t, type MsgKey } from '../i18n.ts';
import { orderChanged, type OrderView } from '../order-types.ts';
import { base, forms } from '../styles.ts';
import { OrderStep } from './order-step.ts';

const customerFields = [
  'name',
  'idType',
  'idNumber',
  'mobile',
  'address.province',
  'address.city',
  'address.district',
  'address.street',
  'address.number',
  'serviceType',
];
const orderFields = ['customerId', 'msisdn', 'channel'];

/** 11-digit mainland numbers as typed at the counter → E.164. */
const e164 = (s: string) => (/^1\d{10}$/.test(s) ? `+86${s}` : s);

/**
 * Step 1 (客户信息录入): registers the customer (or takes an existing customer id) and opens the
 * order for the new line. The API's field errors land under the inputs they name.
 */
export class OrderCustomer extends OrderStep {
  static override properties = {
    existing: { state: true },
  };
  static override styles = [base, forms, fieldErrorStyles];
  declare existing: boolean;
  /** Kept across unanswered retries of one order so the API opens it once. */
  private readonly orderKey = new RequestKey();

  constructor() {
    super();
    this.existing = false;
  }

  private async submit(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    const s = (k: string) => String(f.get(k) ?? '').trim();
    this.busy = true;
    this.errors = noErrors;
    let stage: 'customer' | 'order' = 'customer';
    try {
      let customerId = s('customerId');
      if (!this.existing) {
        const r = await api.post<{ customer: { customerId: string } }>('/api/v1/customers', {
          name: s('name'),
          idType: s('idType'),
          idNumber: s('idNumber'),
          mobile: e164(s('mobile')),
          address: {
            province: s('address.province'),
            city: s('address.city'),
            district: s('address.district'),
            street: s('address.street'),
            number: s('address.number'),
          },
          serviceType: s('serviceType'),
          channel: s('channel'),
        });
        customerId = r.customer.customerId;
      }
      stage = 'order';
      const o = await api.post<OrderView>('/api/v1/orders', {
        customerId,
        msisdn: e164(s('msisdn')),
        channel: s('channel'),
        requestId: this.orderKey.current,
      });
      this.orderKey.settle();
      this.dispatchEvent(orderChanged(o));
    } catch (err) {
      if (stage === 'order') this.orderKey.settle(err);
      this.errors = formErrors(err, stage === 'customer' ? customerFields : orderFields);
    } finally {
      this.busy = false;
    }
  }

  private input(
    name: string,
    label: MsgKey,
    attrs: { type?: string; max?: number; min?: number; value?: string; auto?: string } = {},
  ) {
    return html`<label
      >${t(label)}<input
        name=${name}
        type=${attrs.type ?? 'text'}
        maxlength=${attrs.max ?? 100}
        minlength=${attrs.min ?? 1}
        .value=${attrs.value ?? ''}
        autocomplete=${attrs.auto ?? 'off'}
        required
        aria-invalid=${invalid(this.errors, name)}
        aria-describedby=${errId(name)}
      />${fieldError(this.errors, name)}</label
    >`;
  }

  private select(name: string, label: MsgKey, options: [string, MsgKey][]) {
    return html`<label
      >${t(label)}<select
        name=${name}
        aria-invalid=${invalid(this.errors, name)}
        aria-describedby=${errId(name)}
      >
        ${options.map(([v, k]) => html`<option value=${v}>${t(k)}</option>`)}</select
      >${fieldError(this.errors, name)}</label
    >`;
  }

  private customerInputs() {
    if (this.existing) return this.input('customerId', 'ord.customerId', { max: 44 });
    return html`${this.input('name', 'ord.name', { auto: 'name' })}
      <div class="row">
        ${this.select('idType', 'ord.idType', [
          ['resident_id', 'idType.resident_id'],
          ['passport', 'idType.passport'],
          ['hk_macau_permit', 'idType.hk_macau_permit'],
          ['taiwan_permit', 'idType.taiwan_permit'],
        ])}
        ${this.input('idNumber', 'care.idNumber', { max: 32, min: 4 })}
      </div>
      ${this.input('mobile', 'care.mobile', { type: 'tel', max: 16, auto: 'tel' })}
      <div class="row">
        ${this.input('address.province', 'ord.province', { max: 32 })}
        ${this.input('address.city', 'ord.city', { max: 32 })}
        ${this.input('address.district', 'ord.district', { max: 32 })}
      </div>
      <div class="row">
        ${this.input('address.street', 'ord.street')}
        ${this.input('address.number', 'ord.number', { max: 32 })}
      </div>
      ${this.select('serviceType', 'care.service', [
        ['mobile', 'svc.mobile'],
        ['broadband', 'svc.broadband'],
        ['fixed', 'svc.fixed'],
        ['bundle', 'svc.bundle'],
      ])}`;
  }

  override render() {
    return html`<div role="radiogroup" aria-label=${t('step.customer_info')} class="row">
        <label
          ><input
            type="radio"
            name="mode"
            .checked=${!this.existing}
            @change=${() => (this.existing = false)}
          />${t('ord.newCustomer')}</label
        >
        <label
          ><input
            type="radio"
            name="mode"
            .checked=${this.existing}
            @change=${() => (this.existing = true)}
          />${t('ord.existingCustomer')}</label
        >
      </div>
      <form @submit=${this.submit} aria-label=${t('step.customer_info')} novalidate>
        ${this.customerInputs()} ${this.input('msisdn', 'ord.msisdn', { type: 'tel', max: 16 })}
        ${this.select('channel', 'ord.channel', [
          ['counter', 'chan.counter'],
          ['phone', 'chan.phone'],
          ['web', 'chan.web'],
          ['app', 'chan.app'],
        ])}
        ${generalError(this.errors)}
        <button type="submit" class="primary" ?disabled=${this.busy}>${t('ord.start')}</button>
      </form>`;
  }
}
customElements.define('sbss-order-customer', OrderCustomer);
