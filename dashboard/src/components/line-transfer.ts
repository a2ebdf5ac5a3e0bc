import { LitElement, css, html } from 'lit';
import { api, ApiCallError, enc, qs, RequestKey } from '../api-client.ts';
import { I18nController, lookup, t } from '../i18n.ts';
import { base, forms } from '../styles.ts';
import {
  errId,
  fieldError,
  fieldErrorStyles,
  formErrors,
  generalError,
  invalid,
  noErrors,
  refusalCode,
} from '../field-errors.ts';

interface Found {
  customerId: string;
  name: string;
}

/**
 * 过户 at the counter: the new owner is found by the ID document they hand over (they must be a
 * registered customer), the agent confirms both parties' IDs, and the line moves with its number,
 * plan and balance. Refusals (contract term, devices out, unsettled charges, a lost SIM) are worded
 * in the screen's language. Fires `changed`: the line leaves this customer's list.
 */
export class LineTransfer extends LitElement {
  static override properties = {
    msisdn: {},
    customerId: {},
    found: { state: true },
    searching: { state: true },
    notFound: { state: true },
    idsChecked: { state: true },
    busy: { state: true },
    result: { state: true },
    errors: { state: true },
  };
  static override styles = [
    base,
    forms,
    fieldErrorStyles,
    css`
      .ok {
        color: #bbf7d0;
      }
      .row {
        display: flex;
        gap: 8px;
        align-items: end;
      }
    `,
  ];
  declare msisdn: string;
  declare customerId: string;
  declare found: Found | null;
  declare searching: boolean;
  declare notFound: boolean;
  declare idsChecked: boolean;
  declare busy: boolean;
  declare result: string;
  declare errors: typeof noErrors;
  private readonly key = new RequestKey();

  constructor() {
    super();
    this.msisdn = '';
    this.customerId = '';
    this.found = null;
    this.searching = false;
    this.notFound = false;
    this.idsChecked = false;
    this.busy = false;
    this.result = '';
    this.errors = noErrors;
    new I18nController(this);
  }

  private idInput(): string {
    return this.renderRoot.querySelector<HTMLInputElement>('input[name=idNumber]')?.value.trim() ?? '';
  }

  private async find(idNumber: string): Promise<void> {
    this.found = null;
    this.notFound = false;
    this.errors = noErrors;
    if (!idNumber) return;
    this.searching = true;
    try {
      const r = await api.get<{ customers: Found[] }>(`/api/v1/customers${qs({ idNumber })}`);
      this.found = r.customers[0] ?? null;
      this.notFound = !this.found;
    } catch (err) {
      this.errors = formErrors(err, ['idNumber']);
    } finally {
      this.searching = false;
    }
  }

  private async submit(ev: SubmitEvent): Promise<void> {
    ev.preventDefault();
    const to = this.found;
    if (!to) return;
    // taken now: after an await the event's target is null (the form is in a shadow root)
    const typed = String(new FormData(ev.target as HTMLFormElement).get('ownerNewMobile') ?? '').trim();
    const ownerNewMobile = /^1\d{10}$/.test(typed) ? `+86${typed}` : typed;
    if (!confirm(t('xfer.confirm', { msisdn: this.msisdn, name: to.name }))) return;
    this.busy = true;
    this.result = '';
    this.errors = noErrors;
    try {
      const r = await this.key.attempt((requestId) =>
        api.post<{ accountsRevoked?: number }>(`/api/v1/lines/${enc(this.msisdn)}/transfer`, {
          toCustomerId: to.customerId,
          channel: 'counter',
          requestId,
          idsChecked: true,
          ...(ownerNewMobile ? { ownerNewMobile } : {}),
        }),
      );
      // the old owner's business-hall logins on this number end with it: say so
      const revoked = r.accountsRevoked ?? 0;
      this.result =
        t('xfer.done', { msisdn: this.msisdn, name: to.name }) +
        (revoked ? t('xfer.revoked', { n: String(revoked) }) : '');
      this.idsChecked = false;
      this.dispatchEvent(new CustomEvent('changed', { bubbles: true, composed: true }));
    } catch (err) {
      const e = formErrors(err, ['toCustomerId', 'ownerNewMobile']);
      const code = refusalCode(err);
      const text = code ? lookup(`xfer.err.${code}`) : undefined;
      if (text) this.errors = { fields: {}, general: text };
      else if (e.fields.ownerNewMobile && err instanceof ApiCallError)
        // the owner's contact number: in the screen's words
        this.errors = {
          ...e,
          fields: { ownerNewMobile: t(err.code === 'DUPLICATE' ? 'xfer.mobileTaken' : 'xfer.needNewMobile') },
        };
      else this.errors = e;
    } finally {
      this.busy = false;
    }
  }

  override render() {
    const e = this.errors;
    const to = this.found;
    return html`<section aria-label=${t('act.transfer')}>
      <p class="muted">${t('xfer.rule')}</p>
      <form @submit=${(ev: SubmitEvent) => void this.submit(ev)}>
        <div class="row">
          <label
            >${t('xfer.idNumber')}
            <input
              name="idNumber"
              autocomplete="off"
              maxlength="18"
              @change=${(ev: Event) => void this.find((ev.target as HTMLInputElement).value.trim())}
          /></label>
          <button type="button" ?disabled=${this.searching} @click=${() => void this.find(this.idInput())}>
            ${t('xfer.find')}
          </button>
        </div>
        ${fieldError(e, 'idNumber')}
        ${
          to
            ? html`<p data-testid="xfer-found">
                ${
                  to.customerId === this.customerId
                    ? t('xfer.sameOwner')
                    : t('xfer.found', { name: to.name, id: to.customerId })
                }
              </p>`
            : this.notFound
              ? html`<p class="error">${t('xfer.notFound')}</p>`
              : null
        }
        <label
          >${t('xfer.ownerNewMobile')}
          <input
            name="ownerNewMobile"
            type="tel"
            inputmode="tel"
            autocomplete="off"
            maxlength="16"
            aria-invalid=${invalid(e, 'ownerNewMobile')}
            aria-describedby=${errId('ownerNewMobile')}
          />
          <span class="muted">${t('xfer.ownerNewMobileHint')}</span>
          ${fieldError(e, 'ownerNewMobile')}</label
        >
        <label
          ><input
            type="checkbox"
            .checked=${this.idsChecked}
            @change=${(ev: Event) => (this.idsChecked = (ev.target as HTMLInputElement).checked)}
          />${t('xfer.idsChecked')}</label
        >
        <button
          type="submit"
          class="primary"
          ?disabled=${this.busy || !this.idsChecked || !to || to.customerId === this.customerId}
        >
          ${t('xfer.submit')}
        </button>
        <div role="status" class="ok">${this.result}</div>
        ${generalError(e)}
      </form>
    </section>`;
  }
}
customElements.define('sbss-line-transfer', LineTransfer);
