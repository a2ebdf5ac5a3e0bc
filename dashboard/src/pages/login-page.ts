import { LitElement, css, html } from 'lit';
import { api, ApiCallError, type Me } from '../api-client.ts';
import { I18nController, t } from '../i18n.ts';
import { base } from '../styles.ts';
import '../components/register-form.ts';

/** Login for staff and customers. Fires `logged-in` with the session's identity. */
export class LoginPage extends LitElement {
  static override properties = {
    busy: { state: true },
    error: { state: true },
    registering: { state: true },
    notice: { state: true },
    username: { state: true },
  };
  static override styles = [
    base,
    css`
      :host {
        display: grid;
        place-items: center;
        min-height: 70vh;
      }
      form {
        display: grid;
        gap: 14px;
        box-sizing: border-box;
        width: 100%;
      }
      label {
        display: grid;
        gap: 6px;
        color: #cbd5e1;
      }
      input {
        font: inherit;
        padding: 8px 10px;
        border-radius: 6px;
        border: 1px solid #475569;
        background: #0b1222;
        color: #f1f5f9;
      }
      button[type='submit'] {
        background: #0369a1;
        border-color: #0284c7;
        padding: 9px;
      }
      .error {
        color: #fecaca;
        min-height: 1.4em;
      }
      h1 {
        margin: 0;
        font-size: 22px;
      }
      /* the form and the link under it, as wide as the phone allows (padding and border included) */
      .stack {
        display: grid;
        gap: 10px;
        justify-items: center;
        width: min(380px, 100%);
      }
      sbss-register-form {
        width: 100%;
      }
      button.link {
        background: none;
        border: none;
        color: #7dd3fc;
        text-decoration: underline;
      }
      .ok {
        color: #bbf7d0;
      }
    `,
  ];
  declare busy: boolean;
  declare error: string;
  /** Showing the business-hall registration instead of the login. */
  declare registering: boolean;
  declare notice: string;
  /** Filled in after a registration. */
  declare username: string;

  constructor() {
    super();
    this.busy = false;
    this.error = '';
    this.registering = false;
    this.notice = '';
    this.username = '';
    new I18nController(this);
  }

  private async submit(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const data = new FormData(e.target as HTMLFormElement);
    this.busy = true;
    this.error = '';
    try {
      const me = await api.login(String(data.get('username') ?? ''), String(data.get('password') ?? ''));
      this.dispatchEvent(new CustomEvent<Me>('logged-in', { detail: me, bubbles: true, composed: true }));
    } catch (err) {
      const code = err instanceof ApiCallError ? err.code : '';
      this.error =
        code === 'UNAUTHENTICATED' || code === 'VALIDATION_FAILED'
          ? t('login.failed')
          : code === 'RATE_LIMITED'
            ? t('login.limited')
            : t('login.error');
    } finally {
      this.busy = false;
    }
  }

  override render() {
    if (this.registering)
      return html`<div class="stack">
        <sbss-register-form
          @registered=${(e: CustomEvent<string>) => {
            this.username = e.detail;
            this.notice = t('reg.done');
            this.registering = false;
          }}
        ></sbss-register-form>
        <button class="link" @click=${() => (this.registering = false)}>${t('reg.back')}</button>
      </div>`;
    return html`<div class="stack">
      <form class="card" @submit=${this.submit} aria-labelledby="login-title">
        <h1 id="login-title">${t('login.title')}</h1>
        ${this.notice ? html`<div role="status" class="ok">${this.notice}</div>` : null}
        <label
          >${t('login.username')}<input
            name="username"
            autocomplete="username"
            required
            maxlength="64"
            .value=${this.username}
        /></label>
        <label
          >${t('login.password')}<input
            name="password"
            type="password"
            autocomplete="current-password"
            required
            maxlength="256"
        /></label>
        <div class="error" role="alert">${this.error}</div>
        <button type="submit" ?disabled=${this.busy}>
          ${this.busy ? t('login.busy') : t('login.submit')}
        </button>
      </form>
      <button
        class="link"
        @click=${() => {
          this.notice = '';
          this.registering = true;
        }}
      >
        ${t('reg.open')}
      </button>
    </div>`;
  }
}
customElements.define('sbss-login-page', LoginPage);
