import { LitElement, css, html } from 'lit';
import { api, ApiCallError } from '../api-client.ts';
import { I18nController, t } from '../i18n.ts';
import { yuan } from '../format.ts';
import { previousMonth } from '../time.ts';
import { ActionState } from '../controllers/action-state.ts';
import { failureText } from '../field-errors.ts';
import { base, forms } from '../styles.ts';

interface CloseReport {
  period: string;
  lines: number;
  issued: number;
  existing: number;
  totalFen: number;
  notBilled: number;
}

/**
 * 月末出账: closes a month for every postpaid line (one bill per period started in it). Closing
 * again returns the same bills and moves no money, so the report says how many were new.
 */
export class BillRun extends LitElement {
  static override styles = [
    base,
    forms,
    css`
      .ok {
        color: #bbf7d0;
      }
    `,
  ];
  private readonly action = new ActionState(this);

  constructor() {
    super();
    new I18nController(this);
  }

  private run(e: SubmitEvent): void {
    e.preventDefault();
    const period = String(new FormData(e.target as HTMLFormElement).get('period') ?? '');
    void this.action.run(
      async () => {
        const r = await api.post<CloseReport>('/api/v1/bills/close', { period });
        return t('billrun.done', {
          period: r.period,
          lines: String(r.lines),
          issued: String(r.issued),
          existing: String(r.existing),
          total: yuan(r.totalFen),
          notBilled: String(r.notBilled),
        });
      },
      (err) =>
        err instanceof ApiCallError && err.code === 'INVALID_STATE'
          ? t('billrun.notEnded', { period })
          : failureText(err),
    );
  }

  override render() {
    return html`<form @submit=${(e: SubmitEvent) => this.run(e)} aria-label=${t('billrun.title')}>
        <p class="muted">${t('billrun.hint')}</p>
        <label
          >${t('billrun.month')}<input
            name="period"
            type="month"
            required
            .value=${previousMonth(Date.now())}
        /></label>
        <button type="submit" class="primary" ?disabled=${this.action.busy}>${t('billrun.run')}</button>
      </form>
      ${this.action.lines()}`;
  }
}
customElements.define('sbss-bill-run', BillRun);
