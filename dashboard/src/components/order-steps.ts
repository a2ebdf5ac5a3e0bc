import { LitElement, css, html } from 'lit';
import { I18nController, t } from '../i18n.ts';
import { orderSteps, type OrderView } from '../order-types.ts';
import { base } from '../styles.ts';

/** The chain of steps with each one's state; the step being worked on is marked current. */
export class OrderSteps extends LitElement {
  static override properties = { order: { attribute: false } };
  static override styles = [
    base,
    css`
      ol {
        display: flex;
        flex-wrap: wrap;
        gap: 6px;
        list-style: none;
        padding: 0;
        margin: 0;
      }
      li {
        border: 1px solid #334155;
        border-radius: 8px;
        padding: 6px 10px;
        min-width: 110px;
      }
      li[aria-current='step'] {
        border-color: #38bdf8;
        background: #0c2a44;
      }
      .done .state {
        color: #86efac;
      }
      .failed .state {
        color: #fca5a5;
      }
      .state {
        display: block;
        font-size: 13px;
        color: #94a3b8;
      }
    `,
  ];
  declare order: OrderView | null;

  constructor() {
    super();
    this.order = null;
    new I18nController(this);
  }

  override render() {
    const o = this.order;
    const current = o ? o.nextStep : 'customer_info';
    return html`<ol aria-label=${t('ord.steps')}>
      ${orderSteps.map((s, i) => {
        const st = o?.steps[s].status ?? 'pending';
        return html`<li class=${st} data-step=${s} aria-current=${s === current ? 'step' : 'false'}>
          ${i + 1}. ${t(`step.${s}`)}
          <span class="state" data-testid="state-${s}">${t(`sstate.${st}`)}</span>
        </li>`;
      })}
    </ol>`;
  }
}
customElements.define('sbss-order-steps', OrderSteps);
