import { LitElement, css, html } from 'lit';
import { api, ApiCallError, type Me } from '../api-client.ts';
import { I18nController, t } from '../i18n.ts';
import { base } from '../styles.ts';

/** Login for staff and customers. Fires `logged-in` with the session's identity. */
export class LoginPage extends LitElement {
  static override properties = { busy: { state: true }, error: { state: true } };
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
        width: min(340px, 90vw);
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
    `,
  ];
  declare busy: boolean;
  declare error: string;

  constructor() {
    super();
    this.busy = false;
    this.error = '';
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
    return html`<form class="card" @submit=${this.submit} aria-labelledby="login-title">
      <h1 id="login-title">${t('login.title')}</h1>
      <label
        >${t('login.username')}<input name="username" autocomplete="username" required maxlength="64"
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
      <button type="submit" ?disabled=${this.busy}>${this.busy ? t('login.busy') : t('login.submit')}</button>
    </form>`;
  }
}
customElements.define('sbss-login-page', LoginPage);
