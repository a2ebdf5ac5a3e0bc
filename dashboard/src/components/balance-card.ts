import { LitElement, css, html } from 'lit';
import { I18nController, lang, lookup, t } from '../i18n.ts';
import { bytes, duration, yuan } from '../format.ts';
import { lastDay } from '../time.ts';
import { base } from '../styles.ts';
import type { Balance } from '../types.ts';
import './gauge-meter.ts';

/** Why the line is barred, and what lifts it: paying lifts a money bar, not 挂失 or 停机保号. */
const barredText = (reason: string | null | undefined) =>
  (reason && lookup(`bal.barred.${reason}`)) || t('bal.barred');

/** Plan, validity, money balance and the allowances left as gauges. */
export class BalanceCard extends LitElement {
  static override properties = { balance: { attribute: false } };
  static override styles = [
    base,
    css`
      .row {
        display: flex;
        gap: 18px;
        flex-wrap: wrap;
        align-items: center;
      }
      .money {
        font-size: 32px;
        font-weight: 700;
      }
      .barred {
        color: #fecaca;
      }
    `,
  ];
  declare balance: Balance | null;

  constructor() {
    super();
    this.balance = null;
    new I18nController(this);
  }

  override render() {
    const b = this.balance;
    if (!b) return null;
    const a = b.allowances;
    return html`<div class="row">
      <div>
        <div class="muted">${t('bal.balance')}</div>
        <div class="money" data-testid="balance">¥${yuan(b.balanceFen)}</div>
        <div class="muted">
          ${t('bal.plan')}<strong data-testid="plan-name" title=${b.planId}
            >${b.planName ? b.planName[lang() === 'en' ? 'en' : 'zh-CN'] : b.planId}</strong
          >
          · ${t(b.payment === 'prepaid' ? 'bal.prepaid' : 'bal.postpaid')}
        </div>
        <div class="muted" data-testid="valid-until">${t('bal.validUntil')}${lastDay(b.periodEndMs)}</div>
        ${
          b.nextPlanId
            ? html`<div class="muted" data-testid="next-plan">
                ${t('bal.nextPlan', {
                  plan: b.nextPlanName ? b.nextPlanName[lang() === 'en' ? 'en' : 'zh-CN'] : b.nextPlanId,
                })}
              </div>`
            : null
        }
        ${b.barred ? html`<div class="barred" role="alert">${barredText(b.barReason)}</div>` : null}
      </div>
      ${
        a.dataBytes
          ? html`<sbss-gauge-meter
              .label=${t('type.data')}
              .left=${a.dataBytes.leftUnits}
              .total=${a.dataBytes.totalUnits}
              .text=${t('bal.left', { v: bytes(a.dataBytes.leftUnits) })}
            ></sbss-gauge-meter>`
          : null
      }
      ${
        a.voiceSec
          ? html`<sbss-gauge-meter
              .label=${t('type.voice')}
              .left=${a.voiceSec.leftUnits}
              .total=${a.voiceSec.totalUnits}
              .text=${t('bal.left', { v: duration(a.voiceSec.leftUnits) })}
            ></sbss-gauge-meter>`
          : null
      }
      ${
        a.sms
          ? html`<sbss-gauge-meter
              .label=${t('type.sms')}
              .left=${a.sms.leftUnits}
              .total=${a.sms.totalUnits}
              .text=${t('bal.left', { v: String(a.sms.leftUnits) })}
            ></sbss-gauge-meter>`
          : null
      }
    </div>`;
  }
}
customElements.define('sbss-balance-card', BalanceCard);
