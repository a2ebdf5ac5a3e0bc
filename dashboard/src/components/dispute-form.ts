import { LitElement, css, html } from 'lit';
import { api, RequestKey } from '../api-client.ts';
import { ActionState } from '../controllers/action-state.ts';
import { I18nController, t } from '../i18n.ts';
import { base, forms } from '../styles.ts';

/**
 * 费用异议: a billing complaint about one charge, from the charge's explanation. It names the CDR
 * (`disputedCdrIds`), so whoever handles it sees the charge and how it was rated. A retry of an
 * unanswered request registers one complaint (`requestId`). Fires `changed` once it is filed.
 */
export class DisputeForm extends LitElement {
  static override properties = { cdrId: {}, msisdn: {}, channel: {} };
  static override styles = [
    base,
    forms,
    css`
      :host {
        display: block;
        margin-top: 8px;
      }
    `,
  ];
  declare cdrId: string;
  /** The line the charge is on (staff must name it; a customer's own is taken from the login). */
  declare msisdn: string;
  declare channel: 'web' | 'app' | 'counter' | 'phone';
  private readonly action = new ActionState(this);
  private key = new RequestKey();

  constructor() {
    super();
    this.cdrId = '';
    this.msisdn = '';
    this.channel = 'web';
    new I18nController(this);
  }

  override willUpdate(changed: Map<string, unknown>): void {
    // another charge: another complaint
    if (changed.has('cdrId')) this.key = new RequestKey();
  }

  private async submit(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const text = String(new FormData(form).get('text') ?? '').trim();
    const key = this.key;
    const ok = await this.action.run(async () => {
      try {
        const c = await api.post<{ id: string }>('/api/v1/noc/complaints', {
          ...(this.msisdn ? { msisdn: this.msisdn } : {}),
          channel: this.channel,
          text,
          category: 'billing',
          disputedCdrIds: [this.cdrId],
          requestId: key.current,
        });
        key.settle();
        return t('dispute.filed', { id: c.id });
      } catch (err) {
        key.settle(err);
        throw err;
      }
    });
    if (!ok) return;
    form.reset();
    this.dispatchEvent(new CustomEvent('changed', { bubbles: true, composed: true }));
  }

  override render() {
    return html`<details>
      <summary>${t('dispute.open')}</summary>
      <form @submit=${this.submit} aria-label=${t('dispute.open')}>
        <label
          >${t('dispute.text')}<textarea
            name="text"
            rows="2"
            minlength="2"
            maxlength="2000"
            required
          ></textarea>
        </label>
        <button class="primary" ?disabled=${this.action.busy}>${t('dispute.submit')}</button>
        ${this.action.lines()}
      </form>
    </details>`;
  }
}
customElements.define('sbss-dispute-form', DisputeForm);
