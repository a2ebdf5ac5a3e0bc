import { css, html } from 'lit';
import { api, enc } from '../api-client.ts';
import {
  errId,
  fieldError,
  fieldErrorStyles,
  generalError,
  invalid,
  noErrors,
  stepErrors,
} from '../field-errors.ts';
import { yuan } from '../format.ts';
import { lang, t } from '../i18n.ts';
import { planFactCells, planHeadCells } from '../plan-cells.ts';
import { orderChanged, type OrderView, type PlanComparison } from '../order-types.ts';
import { base, forms } from '../styles.ts';
import { OrderStep } from './order-step.ts';

/**
 * Step 3 (资费方案选择): expected monthly usage → every plan compared against it, the cheapest one
 * that covers it suggested and preselected; the agent confirms a plan (and the device with it).
 */
export class OrderPlan extends OrderStep {
  static override properties = {
    plans: { state: true },
    suggestion: { state: true },
    chosen: { state: true },
  };
  static override styles = [
    base,
    forms,
    fieldErrorStyles,
    css`
      form {
        max-width: none;
      }
      table {
        border-collapse: collapse;
        width: 100%;
        font-variant-numeric: tabular-nums;
      }
      th,
      td {
        text-align: left;
        padding: 6px 8px;
        border-bottom: 1px solid #1e293b;
      }
      tr.suggested {
        background: #12304d;
      }
      form > button {
        justify-self: start;
      }
      label.plan {
        display: flex;
        gap: 8px;
        align-items: center;
      }
      .badge {
        color: #86efac;
        font-size: 13px;
      }
    `,
  ];
  declare plans: PlanComparison[] | null;
  declare suggestion: PlanComparison | null;
  declare chosen: string;

  constructor() {
    super();
    this.plans = null;
    this.suggestion = null;
    this.chosen = '';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.compare({ voiceMin: 300, dataMb: 20_000, sms: 50 });
  }

  private async compare(usage: { voiceMin: number; dataMb: number; sms: number }): Promise<void> {
    this.errors = noErrors;
    try {
      const r = await api.post<{ suggestion: PlanComparison | null; plans: PlanComparison[] }>(
        '/api/v1/plans/compare',
        usage,
      );
      this.plans = r.plans;
      this.suggestion = r.suggestion;
      this.chosen = r.suggestion?.planId ?? r.plans[0]?.planId ?? '';
    } catch (err) {
      this.errors = stepErrors(this, err, ['voiceMin', 'dataMb', 'sms']);
    }
  }

  private onCompare(e: SubmitEvent): void {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    const n = (k: string) => Math.round(Number(f.get(k) ?? 0));
    void this.compare({ voiceMin: n('voiceMin'), dataMb: n('dataMb'), sms: n('sms') });
  }

  private async choose(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    const model = String(f.get('device.model') ?? '').trim();
    await this.act(['planId', 'device.model', 'device.quantity'], async () => {
      const o = await api.post<OrderView>(`/api/v1/orders/${enc(this.order.orderId)}/plan`, {
        revision: this.order.revision,
        planId: this.chosen,
        ...(model ? { device: { model, quantity: Number(f.get('device.quantity') ?? 1) } } : {}),
      });
      this.dispatchEvent(orderChanged(o));
    });
  }

  private num(name: string, label: Parameters<typeof t>[0], value: number, max: number) {
    return html`<label
      >${t(label)}<input
        name=${name}
        type="number"
        min="0"
        max=${max}
        .value=${String(value)}
        aria-invalid=${invalid(this.errors, name)}
        aria-describedby=${errId(name)}
      />${fieldError(this.errors, name)}</label
    >`;
  }

  private table() {
    if (!this.plans)
      return html`<sbss-state-panel kind="loading" .message=${t('app.loading')}></sbss-state-panel>`;
    const name = (p: PlanComparison) => (lang() === 'en' ? p.name.en : p.name['zh-CN']);
    return html`<table data-testid="plan-table">
      <caption class="muted">
        ${t('ord.plans')}
      </caption>
      <thead>
        <tr>
          ${planHeadCells(t('ord.fits'))}
        </tr>
      </thead>
      <tbody>
        ${this.plans.map(
          (p) =>
            html`<tr class=${p.planId === this.suggestion?.planId ? 'suggested' : ''} data-plan=${p.planId}>
              <td>
                <label class="plan"
                  ><input
                    type="radio"
                    name="planId"
                    value=${p.planId}
                    .checked=${p.planId === this.chosen}
                    @change=${() => (this.chosen = p.planId)}
                  />${name(p)}
                  ${p.planId === this.suggestion?.planId ? html`<span class="badge">${t('ord.recommended')}</span>` : null}</label
                >
              </td>
              ${planFactCells(p)}
              <td>
                ${
                  p.fits
                    ? t('ord.yes')
                    : t('ord.shortBy', {
                        what: [
                          p.shortfall.voiceMin
                            ? t('ord.shortVoice', { n: String(p.shortfall.voiceMin) })
                            : '',
                          p.shortfall.dataMb ? t('ord.shortData', { n: String(p.shortfall.dataMb) }) : '',
                          p.shortfall.sms ? t('ord.shortSms', { n: String(p.shortfall.sms) }) : '',
                        ]
                          .filter(Boolean)
                          .join(t('ord.listSep')),
                      })
                }
              </td>
            </tr>`,
        )}
      </tbody>
    </table>`;
  }

  override render() {
    const s = this.suggestion;
    return html`<form @submit=${this.onCompare} aria-label=${t('ord.usage')} novalidate>
        <div class="row">
          ${this.num('voiceMin', 'ord.voiceMin', 300, 100_000)}
          ${this.num('dataMb', 'ord.dataMb', 20_000, 10_000_000)} ${this.num('sms', 'ord.sms', 50, 100_000)}
        </div>
        <button type="submit">${t('ord.compare')}</button>
      </form>
      <p role="status" data-testid="suggestion">
        ${
          s
            ? html`${t('ord.suggested', { name: lang() === 'en' ? s.name.en : s.name['zh-CN'], fee: yuan(s.monthlyFeeFen) })}
              ${s.fits ? null : html`<span class="muted">${t('ord.noFit')}</span>`}`
            : null
        }
      </p>
      <form @submit=${this.choose} aria-label=${t('step.plan_selection')} novalidate>
        ${this.table()}
        <div class="row">
          <label
            >${t('ord.device')}<input
              name="device.model"
              maxlength="64"
              .value=${this.order.device?.model ?? ''}
              aria-invalid=${invalid(this.errors, 'device.model')}
              aria-describedby=${errId('device.model')}
            />${fieldError(this.errors, 'device.model')}</label
          >
          <label
            >${t('ord.quantity')}<input
              name="device.quantity"
              type="number"
              min="1"
              max="10"
              .value=${String(this.order.device?.quantity ?? 1)}
              aria-invalid=${invalid(this.errors, 'device.quantity')}
              aria-describedby=${errId('device.quantity')}
            />${fieldError(this.errors, 'device.quantity')}</label
          >
        </div>
        ${generalError(this.errors)}
        <button type="submit" class="primary" ?disabled=${this.busy || !this.chosen}>
          ${t('ord.choosePlan')}
        </button>
      </form>`;
  }
}
customElements.define('sbss-order-plan', OrderPlan);
