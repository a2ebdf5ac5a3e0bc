import { css, html } from 'lit';
import { api, enc } from '../api-client.ts';
import { errId, fieldError, fieldErrorStyles, generalError, invalid, stepErrors } from '../field-errors.ts';
import { t } from '../i18n.ts';
import { orderChanged, orderReload, type Contract, type OrderView } from '../order-types.ts';
import { base, forms } from '../styles.ts';
import { OrderStep } from './order-step.ts';

type Party = 'customer' | 'carrier';

/**
 * Step 4 (合同签订): the contract generated from the order, reviewed on screen, signed by the
 * customer and by the carrier's agent; when both have signed the API archives the PDF and the
 * order moves on.
 */
export class OrderContract extends OrderStep {
  static override properties = {
    agent: {},
    contract: { state: true },
  };
  static override styles = [
    base,
    forms,
    fieldErrorStyles,
    css`
      ol {
        margin: 6px 0 12px;
        padding-left: 20px;
      }
      .signed {
        color: #86efac;
      }
      code {
        word-break: break-all;
      }
    `,
  ];
  declare agent: string;
  declare contract: Contract | null;

  constructor() {
    super();
    this.agent = '';
    this.contract = null;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.order.contractId)
      void api
        .get<Contract>(`/api/v1/contracts/${enc(this.order.contractId)}`)
        .then((c) => (this.contract = c))
        .catch((err: unknown) => (this.errors = stepErrors(this, err, [])));
  }

  private async generate(): Promise<void> {
    await this.act([], async () => {
      this.contract = await api.post<Contract>(`/api/v1/orders/${enc(this.order.orderId)}/contract`);
      // generating writes the contract id onto the order: read its new revision
      this.dispatchEvent(orderReload());
    });
  }

  private async sign(e: SubmitEvent, party: Party): Promise<void> {
    e.preventDefault();
    const contract = this.contract;
    if (!contract) return;
    const signer = String(new FormData(e.target as HTMLFormElement).get('signer') ?? '').trim();
    await this.act(['signer', 'party'], async () => {
      const r = await api.post<{ contract: Contract; order?: OrderView }>(
        `/api/v1/contracts/${enc(contract.contractId)}/sign`,
        { party, signer },
      );
      this.contract = r.contract;
      if (r.order) this.dispatchEvent(orderChanged(r.order));
    });
  }

  private signForm(party: Party) {
    const done = this.contract?.signatures.find((s) => s.party === party);
    if (done)
      return html`<p class="signed" data-testid="signed-${party}">
        ${t('ord.signed', { party: t(`party.${party}`), signer: done.signer })}
      </p>`;
    return html`<form
      @submit=${(e: SubmitEvent) => this.sign(e, party)}
      aria-label=${t(party === 'customer' ? 'ord.signCustomer' : 'ord.signCarrier')}
      novalidate
    >
      <label
        >${t(party === 'customer' ? 'ord.customerSigner' : 'ord.carrierSigner')}<input
          name="signer"
          maxlength="100"
          required
          .value=${party === 'carrier' ? this.agent : ''}
          aria-invalid=${invalid(this.errors, 'signer')}
          aria-describedby=${errId('signer')}
        />${fieldError(this.errors, 'signer')}</label
      >
      <button type="submit" class="primary" ?disabled=${this.busy}>
        ${t(party === 'customer' ? 'ord.signCustomer' : 'ord.signCarrier')}
      </button>
    </form>`;
  }

  override render() {
    const c = this.contract;
    if (!c)
      return html`<button class="primary" ?disabled=${this.busy} @click=${() => this.generate()}>
          ${t('ord.genContract')}</button
        >${generalError(this.errors)}`;
    return html`<article aria-label=${t('ord.contract', { id: c.contractId })} data-testid="contract">
      <h3>${t('ord.contract', { id: c.contractId })}</h3>
      <p>
        ${t('ord.plan')}: ${c.planId} · ${t('ord.term', { n: String(c.termMonths) })}
        ${c.devices.map((d) => html` · ${d.model} × ${d.quantity}`)}
      </p>
      <ol>
        ${c.terms.map((x) => html`<li>${x}</li>`)}
      </ol>
      ${
        c.status === 'archived'
          ? html`<p role="status" class="signed">${t('ord.archived', { h: '' })}<code>${c.sha256}</code></p>
              <a href="/api/v1/contracts/${enc(c.contractId)}/pdf" target="_blank" rel="noopener"
                >${t('ord.pdf')}</a
              >`
          : html`${this.signForm('customer')}
            ${c.signatures.some((x) => x.party === 'customer') ? this.signForm('carrier') : null}`
      }
      ${generalError(this.errors)}
    </article>`;
  }
}
customElements.define('sbss-order-contract', OrderContract);
