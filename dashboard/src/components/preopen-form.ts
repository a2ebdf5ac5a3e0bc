import { LitElement, css, html } from 'lit';
import { api, ApiCallError } from '../api-client.ts';
import { I18nController, lang, t } from '../i18n.ts';
import { yuan } from '../format.ts';
import { fenFromYuan } from '../money.ts';
import { failureText } from '../field-errors.ts';
import { ActionState } from '../controllers/action-state.ts';
import { base, forms } from '../styles.ts';

/** A plan on sale, as GET /api/v1/plans lists it. */
interface PlanOnSale {
  planId: string;
  name: { 'zh-CN': string; en: string };
  payment: string;
  monthlyFeeFen: number;
}

/**
 * 上网预开户 at the counter: a new line for the customer on a plan, paid online, usable for data
 * before any installation. A declined payment can be tried again with another account (the next
 * attempt is a new payment); a gateway timeout is retried as the same payment, never charged twice.
 * Fires `changed` once the line is pre-opened.
 */
export class PreopenForm extends LitElement {
  static override properties = {
    customerId: {},
    channel: {},
    plans: { state: true },
    planId: { state: true },
  };
  static override styles = [
    base,
    forms,
    css`
      .ok {
        color: #bbf7d0;
      }
    `,
  ];
  declare customerId: string;
  declare channel: 'counter' | 'web';
  declare plans: PlanOnSale[] | null;
  declare planId: string;
  private readonly action = new ActionState(this);
  /** Raised after a declined payment, kept after a timeout (see the class comment). */
  private attempt = 1;

  constructor() {
    super();
    this.customerId = '';
    this.channel = 'counter';
    this.plans = null;
    this.planId = '';
    new I18nController(this);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void api
      .get<{ plans: PlanOnSale[] }>('/api/v1/plans')
      .then((r) => {
        this.plans = r.plans;
        this.planId ||= r.plans[0]?.planId ?? '';
      })
      .catch(() => this.action.fail(t('preopen.noPlans')));
  }

  private get plan(): PlanOnSale | undefined {
    return this.plans?.find((p) => p.planId === this.planId);
  }

  private submit(e: SubmitEvent): void {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const f = new FormData(form);
    const s = (k: string) => String(f.get(k) ?? '').trim();
    const digits = s('msisdn');
    void this.action.run(
      async () => {
        const r = await api.post<{ orderId: string; line: { msisdn: string } }>('/api/v1/preopen', {
          customerId: this.customerId,
          msisdn: digits.startsWith('+') ? digits : `+86${digits}`,
          planId: this.planId,
          method: s('method'),
          payerAccount: s('payer'),
          amountFen: fenFromYuan(s('amount')),
          customerDataConfirmed: f.get('confirmed') === 'on',
          attempt: this.attempt,
          channel: this.channel,
        });
        this.attempt = 1;
        form.reset();
        this.dispatchEvent(new CustomEvent('changed', { bubbles: true, composed: true }));
        return t('preopen.done', { msisdn: r.line.msisdn, id: r.orderId });
      },
      (err) => {
        if (err instanceof ApiCallError && err.code === 'PAYMENT_FAILED') this.attempt += 1;
        return failureText(err);
      },
    );
  }

  override render() {
    const plan = this.plan;
    return html`<form @submit=${(e: SubmitEvent) => this.submit(e)} aria-label=${t('act.preopen')}>
        <label
          >${t('preopen.msisdn')}<input
            name="msisdn"
            type="tel"
            inputmode="numeric"
            pattern="(\\+86)?1[3-9][0-9]{9}"
            maxlength="14"
            autocomplete="off"
            required
        /></label>
        <label
          >${t('preopen.plan')}<select
            name="plan"
            .value=${this.planId}
            @change=${(e: Event) => (this.planId = (e.target as HTMLSelectElement).value)}
          >
            ${(this.plans ?? []).map(
              (p) =>
                html`<option value=${p.planId} ?selected=${p.planId === this.planId}>
                  ${t('preopen.planOption', { name: p.name[lang()], fee: yuan(p.monthlyFeeFen) })}
                </option>`,
            )}
          </select></label
        >
        <label
          >${t('act.amount')}<input
            name="amount"
            type="number"
            min="0.01"
            max="100000"
            step="0.01"
            .value=${plan ? yuan(plan.monthlyFeeFen) : ''}
            required
        /></label>
        <label
          >${t('act.method')}<select name="method">
            <option value="alipay">${t('pay.alipay')}</option>
            <option value="wechat_pay">${t('pay.wechat_pay')}</option>
            <option value="bank_card">${t('pay.bank_card')}</option>
          </select></label
        >
        <label
          >${t('preopen.payer')}<input
            name="payer"
            pattern="[A-Za-z0-9@._\\-]{4,64}"
            maxlength="64"
            autocomplete="off"
            required
        /></label>
        <label><input name="confirmed" type="checkbox" required /> ${t('preopen.confirmed')}</label>
        <button type="submit" class="primary" ?disabled=${this.action.busy || !this.plans}>
          ${t('act.submit')}
        </button>
      </form>
      ${this.action.lines()}`;
  }
}
customElements.define('sbss-preopen-form', PreopenForm);
