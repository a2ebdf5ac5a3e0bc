import { css, html } from 'lit';
import { ApiCallError } from './api-client.ts';
import { lang, t } from './i18n.ts';
import { passwordRuleText, type PasswordRule } from '../../domain/customer/password.ts';

/** An API refusal split for a form: messages under the fields it names, the rest above the button. */
export interface FormErrors {
  fields: Record<string, string>;
  general: string;
}

export const noErrors: FormErrors = { fields: {}, general: '' };

/** `/address/street` → `address.street`: the name of the input that holds it. */
export const fieldName = (pointer: string) => pointer.replace(/^\//, '').split('/').join('.');

/** One line for a failed request: "办理失败: <the API's message> (<field>)". */
export function failureText(err: unknown): string {
  return err instanceof ApiCallError
    ? `${t('act.failed')}: ${err.message}${err.field ? ` (${err.field})` : ''}`
    : t('act.failed');
}

/** The rule code an API refusal names in its message's last parentheses ("… (ICCID_IN_USE)"). */
export function refusalCode(err: unknown): string | undefined {
  return err instanceof ApiCallError ? /\(([A-Z_]+)\)$/.exec(err.message)?.[1] : undefined;
}

/**
 * The password rule an API refusal names ("LENGTH: <en> / <zh>", from domain/customer/password.ts)
 * in the screen's language alone; any other message as it is.
 */
export function passwordRefusal(message: string): string {
  const code = message.split(':')[0] ?? '';
  return code in passwordRuleText ? passwordRuleText[code as PasswordRule][lang()] : message;
}

/**
 * Maps the API's one error shape `{ code, message, field? }` onto a form: when `field` names one of
 * the form's inputs (`known`), the message goes under that input; otherwise it is the general error.
 */
export function formErrors(err: unknown, known: readonly string[]): FormErrors {
  if (!(err instanceof ApiCallError)) return { fields: {}, general: t('act.failed') };
  const name = err.field ? fieldName(err.field) : '';
  if (name && known.includes(name)) return { fields: { [name]: err.message }, general: t('ord.fix') };
  return { fields: {}, general: failureText(err) };
}

/** Attributes of an input: invalid when the API named it, described by its message. */
export const invalid = (e: FormErrors, name: string) => (e.fields[name] ? 'true' : 'false');
export const errId = (name: string) => `err-${name.replace(/\./g, '-')}`;

/** The message under a field (an id the input's aria-describedby points at). */
export function fieldError(e: FormErrors, name: string) {
  const m = e.fields[name];
  return m ? html`<span class="field-error" id=${errId(name)} data-field=${name}>${m}</span>` : null;
}

/** The general error line of a form (announced). */
export function generalError(e: FormErrors) {
  return html`<div role="alert" class="error" data-testid="form-error">${e.general}</div>`;
}

export const fieldErrorStyles = css`
  .field-error {
    color: #fecaca;
    font-size: 13px;
  }
  [aria-invalid='true'] {
    border-color: #f87171;
  }
  .row {
    display: flex;
    gap: 10px;
    flex-wrap: wrap;
  }
  .row > label {
    flex: 1 1 140px;
  }
`;

/**
 * Like formErrors for a wizard step: when the order changed since it was read (409
 * REVISION_CONFLICT), asks the page to read it again and says so.
 */
export function stepErrors(host: HTMLElement, err: unknown, known: readonly string[]): FormErrors {
  if (err instanceof ApiCallError && err.code === 'REVISION_CONFLICT') {
    host.dispatchEvent(new CustomEvent('order-reload', { bubbles: true, composed: true }));
    return { fields: {}, general: t('ord.conflict') };
  }
  return formErrors(err, known);
}
