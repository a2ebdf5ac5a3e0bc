import { LitElement, css, html } from 'lit';
import { I18nController, t, type MsgKey } from '../i18n.ts';
import { base } from '../styles.ts';
import type { Priority, SlaState, Ticket } from '../types.ts';
import './state-panel.ts';

const priorities: Priority[] = ['P1', 'P2', 'P3', 'P4'];
const slas: SlaState[] = ['ok', 'at_risk', 'breached'];

/** Open tickets counted by priority (rows) and SLA state (columns). */
export class TicketGrid extends LitElement {
  static override properties = { tickets: { attribute: false } };
  static override styles = [
    base,
    css`
      table {
        border-collapse: collapse;
        width: 100%;
        font-variant-numeric: tabular-nums;
      }
      th,
      td {
        padding: 6px 10px;
        text-align: right;
        border-bottom: 1px solid #1e293b;
      }
      th:first-child {
        text-align: left;
      }
      td.hot {
        color: #fecaca;
        font-weight: 700;
      }
      td.warn {
        color: #fde68a;
        font-weight: 700;
      }
    `,
  ];
  declare tickets: Ticket[] | null;

  constructor() {
    super();
    this.tickets = null;
    new I18nController(this);
  }

  override render() {
    if (!this.tickets)
      return html`<sbss-state-panel kind="loading" .message=${t('app.loading')}></sbss-state-panel>`;
    const count = (p: Priority, s: SlaState) =>
      this.tickets?.filter((x) => x.priority === p && x.sla.state === s).length ?? 0;
    return html`<table data-testid="ticket-grid">
      <caption class="muted" style="text-align:left">
        ${t('noc.openTickets', { n: String(this.tickets.length) })}
      </caption>
      <thead>
        <tr>
          <th scope="col">${t('col.priority')}</th>
          ${slas.map((s) => html`<th scope="col">${t(`sla.${s}` as MsgKey)}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${priorities.map(
          (p) =>
            html`<tr>
              <th scope="row">${p}</th>
              ${slas.map((s) => {
                const n = count(p, s);
                return html`<td class=${n && s === 'breached' ? 'hot' : n && s === 'at_risk' ? 'warn' : ''}>
                  ${n}
                </td>`;
              })}
            </tr>`,
        )}
      </tbody>
    </table>`;
  }
}
customElements.define('sbss-ticket-grid', TicketGrid);
