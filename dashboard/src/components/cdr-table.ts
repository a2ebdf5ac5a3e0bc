import { LitElement, css, html } from 'lit';
import type { LiveCdr } from '../../../api/index.ts';
import { I18nController, t, type MsgKey } from '../i18n.ts';
import { bytes, duration, yuan } from '../format.ts';
import { clockTime } from '../time.ts';
import { base } from '../styles.ts';

/** The latest CDRs, newest first. Numbers arrive already masked from the server. */
export class CdrTable extends LitElement {
  static override properties = { rows: { attribute: false } };
  static override styles = [
    base,
    css`
      table {
        width: 100%;
        border-collapse: collapse;
        font-variant-numeric: tabular-nums;
      }
      th,
      td {
        text-align: left;
        padding: 6px 10px;
        border-bottom: 1px solid #1e293b;
        white-space: nowrap;
      }
      th {
        color: #94a3b8;
        font-weight: 600;
      }
      td.num,
      th.num {
        text-align: right;
      }
      .type {
        padding: 1px 8px;
        border-radius: 999px;
        font-size: 13px;
      }
      .voice {
        background: #1e3a8a;
      }
      .sms {
        background: #14532d;
      }
      .data {
        background: #713f12;
      }
      .wrap {
        overflow-x: auto;
      }
    `,
  ];
  declare rows: LiveCdr[];

  constructor() {
    super();
    this.rows = [];
    new I18nController(this);
  }

  private usage(r: LiveCdr): string {
    if (r.type === 'data') return bytes(r.bytes);
    if (r.type === 'voice') return duration(r.durationSec);
    return '1';
  }

  override render() {
    return html`<div class="wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">${t('col.time')}</th>
            <th scope="col">${t('col.msisdn')}</th>
            <th scope="col">${t('col.type')}</th>
            <th scope="col" class="num">${t('col.usage')}</th>
            <th scope="col">${t('col.region')}</th>
            <th scope="col" class="num">${t('col.charge')}</th>
          </tr>
        </thead>
        <tbody>
          ${this.rows.map(
            (r) =>
              html`<tr data-cdr-id=${r.cdrId}>
                <td>${clockTime(r.startMs)}</td>
                <td>${r.msisdnMasked}</td>
                <td><span class="type ${r.type}">${t(`type.${r.type}` as MsgKey)}</span></td>
                <td class="num">${this.usage(r)}</td>
                <td>${r.region}</td>
                <td class="num">${yuan(r.chargeFen)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
  }
}
customElements.define('sbss-cdr-table', CdrTable);
