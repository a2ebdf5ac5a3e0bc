import { css, html } from 'lit';
import { api } from '../api-client.ts';
import { failureText, refusalCode } from '../field-errors.ts';
import { yuan } from '../format.ts';
import { lookup, t } from '../i18n.ts';
import { dateTime } from '../time.ts';
import { base, forms } from '../styles.ts';
import { LineActionPanel } from './line-action-panel.ts';
import './state-panel.ts';

interface Suspension {
  suspensionId: string;
  sinceMs: number;
  by: string;
}

/** A refusal of 停机保号 in the screen's words (arrears, prepaid, lost), else the API's. */
const word = (err: unknown) => {
  const code = refusalCode(err);
  return (code && lookup(`susp.err.${code}`)) || failureText(err);
};

/**
 * 停机保号 / 复机: the owner (in the hall, or through an agent at the counter) stops a postpaid
 * line and keeps the number for a small monthly fee, and resumes it when they like. Charging
 * bars the line at once and tells the customer by SMS both ways. Fires `changed`.
 */
export class LineSuspension extends LineActionPanel<{ suspension?: Suspension }> {
  static override properties = {
    ...LineActionPanel.properties,
    suspension: { state: true },
    feeFen: { state: true },
  };
  static override styles = [
    base,
    forms,
    css`
      .stopped {
        color: #fde68a;
      }
    `,
  ];
  declare suspension: Suspension | null;
  /** The catalog's monthly fee of a suspended line (GET /api/v1/plans), null until read. */
  declare feeFen: number | null;

  constructor() {
    super();
    this.suspension = null;
    this.feeFen = null;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void api
      .get<{ keepNumberFeeFen: number }>('/api/v1/plans')
      .then((r) => (this.feeFen = r.keepNumberFeeFen))
      .catch(() => undefined);
  }

  protected took(line: { suspension?: Suspension } | null): void {
    this.suspension = line?.suspension ?? null;
  }

  private run(path: string, confirmText: string, done: string): void {
    if (confirm(confirmText)) void this.send(path, {}, done, word);
  }

  override render() {
    if (!this.loaded)
      return html`<sbss-state-panel kind="loading" .message=${t('app.loading')}></sbss-state-panel>`;
    const s = this.suspension;
    const fee = this.feeFen === null ? '…' : yuan(this.feeFen);
    return html`<section aria-label=${t('act.suspend')}>
      ${
        s
          ? html`<p class="stopped" data-testid="suspension-state">
                ${t('susp.state', { at: dateTime(s.sinceMs), by: s.by, fee })}
              </p>
              <button
                type="button"
                class="primary"
                ?disabled=${this.action.busy}
                @click=${() =>
                  this.run(
                    '/suspension/resume',
                    t('susp.resumeConfirm', { msisdn: this.msisdn }),
                    t('susp.resumed'),
                  )}
              >
                ${t('susp.resume')}
              </button>`
          : html`<p class="muted">${t('susp.rule', { fee })}</p>
              <button
                type="button"
                class="primary"
                ?disabled=${this.action.busy}
                @click=${() =>
                  this.run('/suspension', t('susp.confirm', { msisdn: this.msisdn }), t('susp.done'))}
              >
                ${t('susp.submit')}
              </button>`
      }
      ${this.action.lines()}
    </section>`;
  }
}
customElements.define('sbss-line-suspension', LineSuspension);
