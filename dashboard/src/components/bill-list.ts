import { LitElement, css, html, type PropertyValues } from 'lit';
import { api, enc } from '../api-client.ts';
import { I18nController, lang, t } from '../i18n.ts';
import { yuan } from '../format.ts';
import { date, lastDay } from '../time.ts';
import { base } from '../styles.ts';
import './state-panel.ts';

/** A postpaid bill as the API answers it. */
export interface BillView {
  billId: string;
  period: string;
  periodStartMs: number;
  periodEndMs: number;
  issuedAtMs: number;
  dueAtMs: number;
  lines: { code: string; name: { 'zh-CN': string; en: string }; amountFen: number }[];
  totalFen: number;
  amountDueFen: number;
  /** 补收账单: the bill of the same period this one adds late charges to. */
  supplements?: string;
}

/**
 * 我的账单: a postpaid line's monthly bills, newest first, each opening to its line items
 * (monthly fee, discounts, overage by service), total, amount due and due date. A prepaid line
 * has no monthly bill, and the list says so instead of looking empty.
 */
export class BillList extends LitElement {
  static override properties = {
    msisdn: {},
    payment: {},
    bills: { state: true },
    failed: { state: true },
  };
  static override styles = [
    base,
    css`
      details {
        border-top: 1px solid #1e3a5f;
        padding: 8px 0;
      }
      summary {
        cursor: pointer;
        display: flex;
        flex-wrap: wrap;
        gap: 4px 14px;
      }
      summary::before {
        content: '▸';
        color: #94a3b8;
      }
      details[open] > summary::before {
        content: '▾';
      }
      caption {
        text-align: left;
      }
      summary:focus-visible {
        outline: 2px solid #38bdf8;
      }
      .amount {
        font-weight: 600;
      }
      table {
        width: 100%;
        border-collapse: collapse;
        margin-top: 6px;
      }
      td {
        padding: 3px 0;
      }
      td.fen {
        text-align: right;
        font-variant-numeric: tabular-nums;
      }
      tr.total td {
        border-top: 1px solid #334155;
        font-weight: 600;
      }
    `,
  ];
  declare msisdn: string;
  declare payment: 'prepaid' | 'postpaid' | '';
  declare bills: BillView[] | null;
  declare failed: boolean;

  constructor() {
    super();
    this.msisdn = '';
    this.payment = '';
    this.bills = null;
    this.failed = false;
    new I18nController(this);
  }

  override updated(changed: PropertyValues<this>): void {
    // a prepaid line too: it may have bills of the months before it moved to prepaid (后转预)
    if ((changed.has('msisdn') || changed.has('payment')) && this.msisdn && this.payment) void this.load();
  }

  async load(): Promise<void> {
    try {
      this.bills = (
        await api.get<{ bills: BillView[] }>(`/api/v1/subscribers/${enc(this.msisdn)}/bills`)
      ).bills;
      this.failed = false;
    } catch {
      this.failed = true;
    }
  }

  /** Due and period-end instants are exclusive midnights: a bill due 11-16 00:00 is paid by 11-15. */
  private bill(b: BillView, open: boolean) {
    const l = lang();
    return html`<details ?open=${open} data-testid="bill">
      <summary>
        <span>${t(b.supplements ? 'bill.periodLate' : 'bill.period', { period: b.period })}</span>
        <span class="amount">${t('bill.due', { v: yuan(b.amountDueFen) })}</span>
        <span class="muted">${t('bill.dueBy', { date: lastDay(b.dueAtMs) })}</span>
      </summary>
      <table>
        <caption class="muted">
          ${t('bill.range', { from: date(b.periodStartMs), to: lastDay(b.periodEndMs) })}
          ${b.supplements ? html`<br /><span data-testid="bill-late">${t('bill.lateHint')}</span>` : null}
        </caption>
        <tbody>
          ${b.lines.map(
            (x) =>
              html`<tr>
                <td>${x.name[l]}</td>
                <td class="fen">${yuan(x.amountFen)}</td>
              </tr>`,
          )}
          <tr class="total">
            <td>${t('bill.total')}</td>
            <td class="fen">${yuan(b.totalFen)}</td>
          </tr>
        </tbody>
      </table>
    </details>`;
  }

  override render() {
    if (!this.payment) return null;
    const prepaid = this.payment === 'prepaid';
    if (prepaid && !this.bills?.length)
      return html`<p class="muted" data-testid="bill-prepaid">${t('bill.prepaid')}</p>`;
    if (this.failed)
      return html`<sbss-state-panel kind="error" .message=${t('bill.error')}></sbss-state-panel>`;
    if (!this.bills)
      return html`<sbss-state-panel kind="loading" .message=${t('app.loading')}></sbss-state-panel>`;
    if (!this.bills.length)
      return html`<sbss-state-panel kind="empty" .message=${t('bill.none')}></sbss-state-panel>`;
    // after 后转预: the bills of the months the line was postpaid
    const former = prepaid
      ? html`<p class="muted" data-testid="bill-prepaid">${t('bill.prepaidFormer')}</p>`
      : null;
    return html`${former}${this.bills.map((b, i) => this.bill(b, i === 0))}`;
  }
}
customElements.define('sbss-bill-list', BillList);
