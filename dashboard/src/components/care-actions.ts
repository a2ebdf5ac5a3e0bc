import { LitElement, css, html } from 'lit';
import { api, ApiCallError, enc, RequestKey } from '../api-client.ts';
import { I18nController, lang, t } from '../i18n.ts';
import { failureText, passwordRefusal } from '../field-errors.ts';
import { fenFromYuan } from '../money.ts';
import { yuan } from '../format.ts';
import { checkPassword, passwordRuleText } from '../../../domain/customer/password.ts';
import { base, forms } from '../styles.ts';
import type { Customer } from '../types.ts';
import './unsubscribe-panel.ts';
import { COUNTER_ACTIONS, LINE_PANELS, transferPanel, type CareAction } from './line-panels.ts';
import './preopen-form.ts';
import './state-panel.ts';

export type { CareAction } from './line-panels.ts';

const ID_TYPES = ['resident_id', 'passport', 'hk_macau_permit', 'taiwan_permit'] as const;

/**
 * The counter's (or the business hall's) actions on a line: renew / top up, change the plan from
 * the next period (套餐变更), buy an add-on pack (叠加包), report the SIM lost or restore it
 * (挂失/解挂), each in its own panel, change contact data,
 * open a complaint or a fault report, unsubscribe (application to closing, in its own panel),
 * pre-open a new line for the customer (上网预开户).
 * Fires `changed` after each success.
 */
export class CareActions extends LitElement {
  static override properties = {
    customer: { attribute: false },
    msisdn: {},
    channel: {},
    actions: { attribute: false },
    owedFen: { type: Number },
    open: { state: true },
    busy: { state: true },
    result: { state: true },
    failure: { state: true },
  };
  static override styles = [
    base,
    forms,
    css`
      .tabs {
        display: flex;
        gap: 6px;
        flex-wrap: wrap;
        margin-bottom: 10px;
      }
      .tabs button[aria-pressed='true'] {
        background: #0369a1;
        border-color: #0284c7;
      }
      .ok {
        color: #bbf7d0;
      }
    `,
  ];
  declare customer: Customer | null;
  declare msisdn: string;
  declare channel: 'counter' | 'web';
  declare actions: CareAction[];
  /** A closed line that still owes: 续费 becomes paying off the debt, the amount capped at it. */
  declare owedFen: number;
  declare open: CareAction | null;
  declare busy: boolean;
  declare result: string;
  declare failure: string;
  /** Idempotency keys of the actions that must happen once however often they are retried. */
  private readonly keys = { renew: new RequestKey(), complaint: new RequestKey() };

  constructor() {
    super();
    this.customer = null;
    this.msisdn = '';
    this.channel = 'counter';
    this.actions = [...COUNTER_ACTIONS];
    this.owedFen = 0;
    this.open = null;
    this.busy = false;
    this.result = '';
    this.failure = '';
    new I18nController(this);
  }

  /** The line acted on: the one given, else the customer's mobile unless it is masked. */
  private get line(): string {
    const mobile = this.customer?.mobile ?? '';
    return this.msisdn || (mobile.includes('*') ? '' : mobile);
  }

  private async run(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    // Taken now: once the event has been dispatched its target is null (the form is in a shadow
    // root), so reading it after an await threw and a request that had succeeded said "failed".
    const form = e.target as HTMLFormElement;
    const f = new FormData(form);
    const s = (k: string) => String(f.get(k) ?? '').trim();
    const m = this.line;
    this.failure = '';
    this.result = '';
    if (!m && this.open !== 'profile') {
      // a masked number would only come back as a validation error naming /msisdn
      this.failure = t('care.lineHidden');
      return;
    }
    this.busy = true;
    try {
      switch (this.open) {
        case 'renew': {
          const amountFen = fenFromYuan(s('amount'));
          const method = s('method');
          const r = await api.post<{ status: string; paymentId: string }>(
            `/api/v1/subscribers/${enc(m)}/renewals`,
            {
              requestId: this.keys.renew.current,
              amountFen,
              method,
              channel: this.channel,
              ...(method === 'cash' ? {} : { payerAccount: s('payer') }),
            },
          );
          this.keys.renew.settle();
          if (r.status !== 'succeeded')
            throw new ApiCallError(402, 'PAYMENT', t('act.payStatus', { s: r.status }));
          this.result = t(this.owedFen > 0 ? 'act.paidOwed' : 'act.renewed');
          break;
        }
        case 'profile': {
          if (!this.customer) return;
          // Only what the agent filled in changes; the rest of the record stays as it is.
          const changes: Record<string, string> = {};
          if (s('mobile')) changes.mobile = s('mobile').startsWith('+') ? s('mobile') : `+86${s('mobile')}`;
          if (s('email')) changes.email = s('email');
          if (s('locale')) changes.locale = s('locale');
          // an identity change waits for a supervisor, who reads why it was asked for
          if (s('idType')) changes.idType = s('idType');
          if (s('idNumber')) changes.idNumber = s('idNumber');
          const identity = Boolean(changes.idType ?? changes.idNumber);
          if (!Object.keys(changes).length) {
            this.failure = t('act.nothingToChange');
            return;
          }
          if (identity && !s('reason')) {
            this.failure = t('idc.needReason');
            return;
          }
          await api.patch(`/api/v1/customers/${enc(this.customer.customerId)}`, {
            revision: this.customer.revision,
            changes,
            reason: s('reason') || 'customer request',
          });
          this.result = t(identity ? 'idc.submitted' : 'act.profileSaved');
          break;
        }
        case 'complaint': {
          const c = await api.post<{ id: string; category: string }>('/api/v1/noc/complaints', {
            msisdn: m,
            channel: this.channel,
            text: s('text'),
            requestId: this.keys.complaint.current,
          });
          this.keys.complaint.settle();
          this.result = t('act.complaintFiled', { id: c.id, category: c.category });
          break;
        }
        case 'fault': {
          const r = await api.post<{ linked: boolean; ticket: { id: string } }>('/api/v1/noc/tickets', {
            msisdn: m,
            channel: this.channel,
            description: s('text'),
          });
          this.result = t(r.linked ? 'act.faultLinked' : 'act.faultFiled', { id: r.ticket.id });
          break;
        }
        case 'password': {
          // the rule the API applies, checked first (the API also refuses the username in it)
          const broken = checkPassword(s('newPassword'), { phone: m })[0];
          if (broken || s('newPassword') !== s('newPasswordConfirm')) {
            this.failure = broken ? passwordRuleText[broken][lang()] : t('reg.mismatch');
            return;
          }
          await api.post('/api/v1/accounts/password', {
            currentPassword: s('currentPassword'),
            newPassword: s('newPassword'),
            newPasswordConfirm: s('newPasswordConfirm'),
          });
          this.result = t('act.passwordChanged');
          break;
        }
        default:
          return;
      }
      form.reset();
      this.dispatchEvent(new CustomEvent('changed', { bubbles: true, composed: true }));
    } catch (err) {
      if (this.open === 'renew' || this.open === 'complaint') this.keys[this.open].settle(err);
      this.failure =
        err instanceof ApiCallError && err.field === '/newPassword'
          ? passwordRefusal(err.message)
          : failureText(err);
    } finally {
      this.busy = false;
    }
  }

  private form() {
    const submit = html`<button type="submit" class="primary" ?disabled=${this.busy}>
      ${t('act.submit')}
    </button>`;
    switch (this.open) {
      case 'renew': {
        const owed = this.owedFen > 0 ? yuan(this.owedFen) : null;
        return html`<form @submit=${this.run} aria-label=${t(owed ? 'act.payOwed' : 'act.renew')}>
          ${owed ? html`<p class="muted" data-testid="owed">${t('act.owedHint', { v: `¥${owed}` })}</p>` : null}
          <label
            >${t('act.amount')}<input
              name="amount"
              type="number"
              min=${owed ? '0.01' : '1'}
              max=${owed ?? '10000'}
              step="0.01"
              .value=${owed ?? '50'}
              required
          /></label>
          <label
            >${t('act.method')}<select name="method">
              <option value="alipay">${t('pay.alipay')}</option>
              <option value="wechat_pay">${t('pay.wechat_pay')}</option>
              <option value="bank_card">${t('pay.bank_card')}</option>
              ${this.channel === 'counter' ? html`<option value="cash">${t('pay.cash')}</option>` : null}
            </select></label
          >
          <label
            >${t('act.payer')}<input
              name="payer"
              maxlength="64"
              autocomplete="email"
              placeholder="name@example.com"
          /></label>
          ${submit}
        </form>`;
      }
      case 'profile': {
        // at the counter the agent sees the ID; online, the login's own number and the ID stay
        // as they are (the mobile is how the hall knows the customer; an ID change needs the
        // counter)
        // the record is read after the page (the hall's own): say so rather than offer a form
        if (!this.customer)
          return html`<sbss-state-panel kind="loading" .message=${t('app.loading')}></sbss-state-panel>`;
        const counter = this.channel === 'counter';
        return html`<form @submit=${this.run} aria-label=${t('act.profile')}>
          <p class="muted">${t('act.profileHint')}</p>
          ${
            counter
              ? html`<label
                  >${t('care.mobile')}<input
                    name="mobile"
                    type="tel"
                    inputmode="numeric"
                    pattern="(\\+86)?1[3-9][0-9]{9}"
                    maxlength="14"
                    autocomplete="off"
                /></label>`
              : null
          }
          <label>${t('care.email')}<input name="email" type="email" maxlength="200" /></label>
          ${
            counter
              ? html`<label
                    >${t('ord.idType')}<select name="idType">
                      <option value="">${t('act.unchanged')}</option>
                      ${ID_TYPES.map((v) => html`<option value=${v}>${t(`idType.${v}`)}</option>`)}
                    </select></label
                  >
                  <label
                    >${t('care.idNumber')}<input
                      name="idNumber"
                      maxlength="32"
                      minlength="4"
                      pattern="[0-9A-Za-z-]+"
                      autocomplete="off"
                  /></label>
                  <p class="muted">${t('idc.hint')}</p>`
              : html`<p class="muted">${t('idc.counterOnly')}</p>`
          }
          <label
            >${t('act.locale')}<select name="locale">
              <option value="">${t('act.unchanged')}</option>
              <option value="zh-CN">中文</option>
              <option value="en">English</option>
            </select></label
          >
          ${counter ? html`<label>${t('act.reason')}<input name="reason" maxlength="200" /></label>` : null}${submit}
        </form>`;
      }
      case 'complaint':
      case 'fault':
        return html`<form
          @submit=${this.run}
          aria-label=${t(this.open === 'fault' ? 'act.fault' : 'act.complaint')}
        >
          <label
            >${t('act.text')}<textarea
              name="text"
              minlength="2"
              maxlength="2000"
              required
              rows="3"
            ></textarea></label
          >${submit}
        </form>`;
      case 'password':
        return html`<form @submit=${this.run} aria-label=${t('act.password')}>
          <label
            >${t('act.currentPassword')}<input
              name="currentPassword"
              type="password"
              autocomplete="current-password"
              required
              maxlength="256"
          /></label>
          <label
            >${t('act.newPassword')}<input
              name="newPassword"
              type="password"
              autocomplete="new-password"
              required
              maxlength="64"
          /></label>
          <span class="muted">${t('reg.rule')}</span>
          <label
            >${t('reg.confirm')}<input
              name="newPasswordConfirm"
              type="password"
              autocomplete="new-password"
              required
              maxlength="64"
          /></label>
          ${submit}
        </form>`;
      case 'preopen':
        // a new line for this customer: no existing number needed
        return html`<sbss-preopen-form
          .customerId=${this.customer?.customerId ?? ''}
          .channel=${this.channel}
        ></sbss-preopen-form>`;
      case 'plan':
      case 'addon':
      case 'loss':
      case 'suspend':
      case 'port':
      case 'sim':
        return this.line
          ? LINE_PANELS[this.open](this.line, this.channel)
          : html`<p class="error">${t('care.lineHidden')}</p>`;
      case 'transfer':
        return this.line
          ? transferPanel(this.line, this.customer?.customerId ?? '')
          : html`<p class="error">${t('care.lineHidden')}</p>`;
      case 'unsubscribe':
        // a masked number names no line: say so rather than show steps that cannot work
        return this.line
          ? html`<sbss-unsubscribe-panel
              .customerId=${this.customer?.customerId ?? ''}
              .msisdn=${this.line}
              .channel=${this.channel}
            ></sbss-unsubscribe-panel>`
          : html`<p class="error">${t('care.lineHidden')}</p>`;
      default:
        return null;
    }
  }

  override render() {
    return html`<div class="tabs" role="toolbar" aria-label=${t('care.actions')}>
        ${this.actions.map(
          (a) =>
            html`<button
              aria-pressed=${this.open === a ? 'true' : 'false'}
              @click=${() => {
                this.open = this.open === a ? null : a;
                this.result = '';
                this.failure = '';
              }}
            >
              ${t(a === 'renew' && this.owedFen > 0 ? 'act.payOwed' : `act.${a}`)}
            </button>`,
        )}
      </div>
      ${this.form()}
      <div role="status" class="ok">${this.result}</div>
      <div role="alert" class="error">${this.failure}</div>`;
  }
}
customElements.define('sbss-care-actions', CareActions);
