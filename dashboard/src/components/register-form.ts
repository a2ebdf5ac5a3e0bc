import { LitElement, css, html } from 'lit';
import { api, ApiCallError } from '../api-client.ts';
import { I18nController, lang, t } from '../i18n.ts';
import { checkPassword, passwordRuleText } from '../../../domain/customer/password.ts';
import {
  errId,
  failureText,
  fieldError,
  fieldErrorStyles,
  invalid,
  noErrors,
  passwordRefusal,
  type FormErrors,
} from '../field-errors.ts';
import { base, forms } from '../styles.ts';

const FIELDS = ['username', 'name', 'phone', 'email', 'password', 'passwordConfirm'] as const;

/**
 * 网上营业厅账号注册: a customer registered at a business hall opens their own login with their
 * name and phone as on record. The password rule is checked as the API checks it (the same code)
 * before anything is sent, and each refusal is shown under its field in the screen's language.
 * Fires `registered` with the username.
 */
export class RegisterForm extends LitElement {
  static override properties = { busy: { state: true }, errors: { state: true } };
  static override styles = [
    base,
    forms,
    fieldErrorStyles,
    css`
      form {
        box-sizing: border-box;
        width: 100%;
        max-width: none;
      }
      h1 {
        margin: 0;
        font-size: 22px;
      }
    `,
  ];
  declare busy: boolean;
  declare errors: FormErrors;

  constructor() {
    super();
    this.busy = false;
    this.errors = noErrors;
    new I18nController(this);
  }

  private async submit(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    const v = Object.fromEntries(FIELDS.map((k) => [k, String(f.get(k) ?? '').trim()])) as Record<
      (typeof FIELDS)[number],
      string
    >;
    const phone = v.phone.startsWith('+') ? v.phone : `+86${v.phone}`;
    const broken = checkPassword(v.password, { phone, username: v.username })[0];
    if (broken) {
      this.errors = { fields: { password: passwordRuleText[broken][lang()] }, general: t('ord.fix') };
      return;
    }
    if (v.password !== v.passwordConfirm) {
      this.errors = { fields: { passwordConfirm: t('reg.mismatch') }, general: t('ord.fix') };
      return;
    }
    this.busy = true;
    this.errors = noErrors;
    try {
      await api.post('/api/v1/accounts', { ...v, phone });
      this.dispatchEvent(
        new CustomEvent<string>('registered', { detail: v.username, bubbles: true, composed: true }),
      );
    } catch (err) {
      this.errors = refusal(err);
    } finally {
      this.busy = false;
    }
  }

  private field(name: (typeof FIELDS)[number], label: string, attrs: { type?: string; auto?: string }) {
    return html`<label
        >${label}<input
          name=${name}
          type=${attrs.type ?? 'text'}
          autocomplete=${attrs.auto ?? 'off'}
          required
          maxlength=${name === 'email' ? 254 : name.startsWith('password') ? 64 : 100}
          aria-invalid=${invalid(this.errors, name)}
          aria-describedby=${errId(name)}
      /></label>
      ${fieldError(this.errors, name)}`;
  }

  override render() {
    return html`<form
      class="card"
      @submit=${(e: SubmitEvent) => void this.submit(e)}
      aria-labelledby="reg-title"
    >
      <h1 id="reg-title">${t('reg.title')}</h1>
      <p class="muted">${t('reg.hint')}</p>
      ${this.field('username', t('login.username'), { auto: 'username' })}
      ${this.field('name', t('reg.name'), { auto: 'name' })}
      ${this.field('phone', t('reg.phone'), { type: 'tel', auto: 'tel' })}
      ${this.field('email', t('care.email'), { type: 'email', auto: 'email' })}
      ${this.field('password', t('login.password'), { type: 'password', auto: 'new-password' })}
      <span class="muted">${t('reg.rule')}</span>
      ${this.field('passwordConfirm', t('reg.confirm'), { type: 'password', auto: 'new-password' })}
      <div role="alert" class="error" data-testid="form-error">${this.errors.general}</div>
      <button type="submit" class="primary" ?disabled=${this.busy}>${t('reg.submit')}</button>
    </form>`;
  }
}

/** The API's refusal, under the field it names, in the screen's language where the code says it. */
function refusal(err: unknown): FormErrors {
  if (!(err instanceof ApiCallError)) return { fields: {}, general: t('act.failed') };
  if (err.code === 'DUPLICATE') return { fields: { username: t('reg.taken') }, general: t('ord.fix') };
  if (err.code === 'NOT_FOUND') return { fields: {}, general: t('reg.noCustomer') };
  if (err.code === 'RATE_LIMITED') return { fields: {}, general: t('login.limited') };
  if (err.field === '/password')
    return { fields: { password: passwordRefusal(err.message) }, general: t('ord.fix') };
  const name = err.field?.replace(/^\//, '') ?? '';
  if ((FIELDS as readonly string[]).includes(name))
    return { fields: { [name]: err.message }, general: t('ord.fix') };
  return { fields: {}, general: failureText(err) };
}
customElements.define('sbss-register-form', RegisterForm);
