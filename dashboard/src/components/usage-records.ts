import { LitElement, css, html } from 'lit';
import { api, enc } from '../api-client.ts';
import { I18nController, lang, t, type MsgKey } from '../i18n.ts';
import { bytes, duration, yuan } from '../format.ts';
import { dateTime, shortDateTime } from '../time.ts';
import { base } from '../styles.ts';
import type { Explanation, UsageRow } from '../types.ts';
import type { Column } from './data-table.ts';
import './charge-breakdown.ts';
import './dispute-form.ts';
import './data-table.ts';
import './state-panel.ts';

/**
 * A line's CDRs (virtualised) with "explain this charge": the sentence and the breakdown, and a
 * billing complaint about that record (费用异议; also when it drew only on an allowance).
 */
export class UsageRecords extends LitElement {
  static override properties = {
    rows: { attribute: false },
    msisdn: {},
    channel: {},
    explained: { state: true },
    explainError: { state: true },
  };
  static override styles = [
    base,
    css`
      .explain {
        margin-top: 10px;
      }
      .sentence {
        font-size: 16px;
      }
    `,
  ];
  declare rows: UsageRow[] | null;
  /** The line, and where a complaint about a charge comes from (the hall: web; 客户360: counter). */
  declare msisdn: string;
  declare channel: 'web' | 'counter';
  declare explained: Explanation | null;
  declare explainError: string;

  constructor() {
    super();
    this.rows = null;
    this.msisdn = '';
    this.channel = 'web';
    this.explained = null;
    this.explainError = '';
    new I18nController(this);
  }

  private async explain(id: string): Promise<void> {
    this.explainError = '';
    try {
      this.explained = await api.get<Explanation>(`/api/v1/cdrs/${enc(id)}/explanation`);
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('.explain')?.focus();
    } catch {
      this.explained = null;
      this.explainError = t('usage.explainError');
    }
  }

  private columns(): Column<UsageRow>[] {
    return [
      {
        key: 'time',
        label: t('col.time'),
        value: (r) => dateTime(r.startMs),
        // on a phone "11-28 04:51" (the year and seconds would push the charge off the screen)
        render: (r) =>
          html`<span class="wide-only">${dateTime(r.startMs)}</span
            ><span class="narrow-only">${shortDateTime(r.startMs)}</span>`,
      },
      { key: 'type', label: t('col.type'), wideOnly: true, value: (r) => t(`type.${r.type}` as MsgKey) },
      {
        key: 'usage',
        label: t('col.usage'),
        num: true,
        value: (r) => (r.type === 'data' ? r.bytesUp + r.bytesDown : r.durationSec),
        // on a phone the type column is left off and named here instead: "语音 38秒"
        render: (r) =>
          html`<span class="narrow-only">${t(`type.${r.type}` as MsgKey)} </span>${
              r.type === 'data'
                ? bytes(r.bytesUp + r.bytesDown)
                : r.type === 'voice'
                  ? duration(r.durationSec)
                  : '1'
            }`,
      },
      { key: 'cell', label: t('col.cell'), wideOnly: true, value: (r) => r.cellId },
      {
        key: 'charge',
        label: t('col.charge'),
        num: true,
        value: (r) => r.chargeFen,
        // on a phone the explain column is left off: the charge itself is the button
        render: (r) =>
          html`<span class="wide-only">${yuan(r.chargeFen)}</span
            ><button
              class="narrow-only"
              aria-label=${t('usage.explainCharge', { v: yuan(r.chargeFen) })}
              @click=${() => this.explain(r.cdrId)}
            >
              ${yuan(r.chargeFen)} ›
            </button>`,
      },
      {
        key: 'explain',
        label: t('usage.explainBtn'),
        wideOnly: true,
        value: (r) => r.explanation,
        render: (r) =>
          html`<button data-explain=${r.cdrId} @click=${() => this.explain(r.cdrId)}>
            ${t('usage.explainBtn')}
          </button>`,
      },
    ];
  }

  override render() {
    if (!this.rows)
      return html`<sbss-state-panel kind="loading" .message=${t('app.loading')}></sbss-state-panel>`;
    if (!this.rows.length)
      return html`<sbss-state-panel kind="empty" .message=${t('usage.none')}></sbss-state-panel>`;
    const e = this.explained;
    return html`<sbss-data-table
        virtual
        .rows=${this.rows}
        .columns=${this.columns()}
        .rowKey=${(r: UsageRow) => r.cdrId}
        filename="usage.csv"
      ></sbss-data-table>
      ${this.explainError ? html`<sbss-state-panel kind="error" .message=${this.explainError}></sbss-state-panel>` : null}
      ${
        e
          ? html`<div
              class="card explain"
              tabindex="-1"
              role="region"
              aria-label=${t('usage.explain')}
              data-testid="explanation"
            >
              <div class="sentence">${e.sentence[lang()]}</div>
              <div class="muted">
                ${t('usage.planVersion', { plan: e.breakdown.planName[lang()], v: String(e.planVersion) })} ·
                ¥${yuan(e.chargeFen)}
              </div>
              <details>
                <summary>${t('usage.breakdown')}</summary>
                <sbss-charge-breakdown .explanation=${e}></sbss-charge-breakdown>
              </details>
              <sbss-dispute-form
                .cdrId=${e.cdrId}
                .msisdn=${this.msisdn}
                .channel=${this.channel}
              ></sbss-dispute-form>
            </div>`
          : null
      }`;
  }
}
customElements.define('sbss-usage-records', UsageRecords);
