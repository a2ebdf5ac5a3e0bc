import { css, html } from 'lit';
import { api } from '../api-client.ts';
import { failureText, refusalCode } from '../field-errors.ts';
import { yuan } from '../format.ts';
import { lookup, t } from '../i18n.ts';
import { date, dateTime, fromDateTimeInput } from '../time.ts';
import { base, forms } from '../styles.ts';
import { LineActionPanel } from './line-action-panel.ts';
import './state-panel.ts';

interface Suspension {
  suspensionId: string;
  sinceMs: number;
  by: string;
  /** 预约复机: when it resumes by itself. */
  untilMs?: number;
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
    maxDays: { state: true },
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
  /** The longest a suspension may last (same answer). */
  declare maxDays: number;

  constructor() {
    super();
    this.suspension = null;
    this.feeFen = null;
    this.maxDays = 365;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void api
      .get<{ keepNumberFeeFen: number; suspensionMaxDays?: number }>('/api/v1/plans')
      .then((r) => {
        this.feeFen = r.keepNumberFeeFen;
        this.maxDays = r.suspensionMaxDays ?? this.maxDays;
      })
      .catch(() => undefined);
  }

  protected took(line: { suspension?: Suspension } | null): void {
    this.suspension = line?.suspension ?? null;
  }

  private run(path: string, confirmText: string, done: string, body: Record<string, unknown> = {}): void {
    if (confirm(confirmText)) void this.send(path, body, done, word);
  }

  /** 停机保号 with the resume date chosen (a Beijing date; empty: the longest allowed). */
  private suspend(): void {
    const input = this.renderRoot.querySelector<HTMLInputElement>('input[name="resumeOn"]');
    const day = input?.value ?? '';
    const resumeAtMs = day ? fromDateTimeInput(`${day}T08:00`) : Number.NaN;
    this.run(
      '/suspension',
      day
        ? t('susp.confirmUntil', { msisdn: this.msisdn, date: day })
        : t('susp.confirm', { msisdn: this.msisdn, days: String(this.maxDays) }),
      t('susp.done'),
      Number.isNaN(resumeAtMs) ? {} : { resumeAtMs },
    );
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
                ${s.untilMs ? html`<br />${t('susp.until', { date: dateTime(s.untilMs) })}` : null}
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
              <label
                >${t('susp.resumeOn', { days: String(this.maxDays) })}<input
                  name="resumeOn"
                  type="date"
                  min=${date(Date.now() + 86_400_000)}
                  max=${date(Date.now() + this.maxDays * 86_400_000)}
              /></label>
              <button
                type="button"
                class="primary"
                ?disabled=${this.action.busy}
                @click=${() => this.suspend()}
              >
                ${t('susp.submit')}
              </button>`
      }
      ${this.action.lines()}
    </section>`;
  }
}
customElements.define('sbss-line-suspension', LineSuspension);
