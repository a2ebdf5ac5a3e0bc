import { LitElement, css, html } from 'lit';
import { api, enc } from '../api-client.ts';
import { ActionState } from '../controllers/action-state.ts';
import { I18nController, lookup, t } from '../i18n.ts';
import { dateTime } from '../time.ts';
import { base, forms } from '../styles.ts';
import type { Customer } from '../types.ts';

const idTypeText = (v: string) => lookup(`idType.${v}`) ?? v;

/**
 * A pending identity change (证件信息变更) on the customer's profile: what is asked for, by whom
 * and when. A supervisor or admin decides here (批准 / 驳回 with an optional note); whoever asked
 * for it may only withdraw it, as the API also insists. Fires `changed` after a decision.
 */
export class IdentityReview extends LitElement {
  static override properties = { customer: { attribute: false }, role: {}, username: {} };
  static override styles = [
    base,
    forms,
    css`
      .box {
        margin-top: 10px;
        padding: 8px 10px;
        border: 1px solid #a16207;
        border-radius: 6px;
      }
      h3 {
        margin: 0 0 4px;
        color: #fde68a;
      }
      .buttons {
        display: flex;
        gap: 8px;
      }
    `,
  ];
  declare customer: Customer | null;
  declare role: string;
  declare username: string;
  private readonly action = new ActionState(this);

  constructor() {
    super();
    this.customer = null;
    this.role = '';
    this.username = '';
    new I18nController(this);
  }

  private async decide(approve: boolean): Promise<void> {
    const c = this.customer;
    if (!c) return;
    const note = this.renderRoot.querySelector<HTMLInputElement>('input[name=note]')?.value.trim() ?? '';
    const ok = await this.action.run(async () => {
      await api.post(`/api/v1/customers/${enc(c.customerId)}/identity-change/decision`, {
        approve,
        revision: c.revision,
        ...(note ? { note } : {}),
      });
      return t(approve ? 'idc.approved' : 'idc.rejected');
    });
    if (ok) this.dispatchEvent(new CustomEvent('changed', { bubbles: true, composed: true }));
  }

  override render() {
    const p = this.customer?.pendingIdentityChange;
    // after a decision the record has no pending change, but the outcome stays in view
    if (!p) return this.action.result ? this.action.lines() : null;
    const c = this.customer!;
    const decides = this.role === 'supervisor' || this.role === 'admin';
    const own = p.requestedBy === this.username;
    return html`<div class="box">
      <h3>${t('idc.pending')}</h3>
      <p data-testid="identity-change">
        ${t('idc.change', {
          from: `${idTypeText(c.idType)} ${c.idNumber}`,
          to: `${idTypeText(p.idType)} ${p.idNumber}`,
        })}
        <br /><span class="muted"
          >${t('idc.by', { by: p.requestedBy, at: dateTime(p.atMs) })} ·
          ${t('idc.reason', { r: p.reason })}</span
        >
      </p>
      ${
        decides
          ? html`${own ? html`<p class="muted">${t('idc.own')}</p>` : null}
              <label>${t('idc.note')}<input name="note" maxlength="500" /></label>
              <div class="buttons">
                ${
                  own
                    ? null
                    : html`<button ?disabled=${this.action.busy} @click=${() => this.decide(true)}>
                        ${t('idc.approve')}
                      </button>`
                }
                <button ?disabled=${this.action.busy} @click=${() => this.decide(false)}>
                  ${t(own ? 'idc.withdraw' : 'idc.reject')}
                </button>
              </div>
              ${this.action.lines()}`
          : html`<p class="muted">${t('idc.waiting')}</p>`
      }
    </div>`;
  }
}
customElements.define('sbss-identity-review', IdentityReview);
