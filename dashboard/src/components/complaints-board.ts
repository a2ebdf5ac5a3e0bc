import { LitElement, css, html } from 'lit';
import { api } from '../api-client.ts';
import { I18nController, t, type MsgKey } from '../i18n.ts';
import { base, forms } from '../styles.ts';
import type { Complaint } from '../types.ts';
import type { Column } from './data-table.ts';
import './data-table.ts';
import './state-panel.ts';
import './complaint-detail.ts';

/** Complaints by state and category; pick one to handle it (sbss-complaint-detail). */
export class ComplaintsBoard extends LitElement {
  static override properties = { items: { state: true }, picked: { state: true }, message: { state: true } };
  static override styles = [
    base,
    forms,
    css`
      form {
        margin-top: 10px;
      }
    `,
  ];
  declare items: Complaint[] | null;
  declare picked: Complaint | null;
  declare message: string;

  constructor() {
    super();
    this.items = null;
    this.picked = null;
    this.message = '';
    new I18nController(this);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  async load(): Promise<void> {
    try {
      this.items = (await api.get<{ items: Complaint[] }>('/api/v1/noc/complaints?limit=500')).items;
    } catch {
      this.items = [];
      this.message = t('board.error');
    }
  }

  private cols(): Column<Complaint>[] {
    return [
      {
        key: 'id',
        label: t('col.id'),
        value: (r) => r.id,
        render: (r) => html`<button @click=${() => (this.picked = r)}>${r.id}</button>`,
      },
      { key: 'msisdn', label: t('col.msisdn'), value: (r) => r.customerMsisdn },
      { key: 'cat', label: t('col.category'), value: (r) => t(`cat.${r.category}` as MsgKey) },
      { key: 'status', label: t('col.status'), value: (r) => t(`cstatus.${r.status}` as MsgKey) },
      { key: 'sla', label: t('col.sla'), value: (r) => t(`sla.${r.sla.state}` as MsgKey) },
      { key: 'text', label: t('act.text'), value: (r) => r.text.slice(0, 60) },
    ];
  }

  override render() {
    if (!this.items)
      return html`<sbss-state-panel kind="loading" .message=${t('app.loading')}></sbss-state-panel>`;
    const p = this.picked;
    return html`${
        this.items.length
          ? html`<sbss-data-table
              .rows=${this.items}
              .columns=${this.cols()}
              filename="complaints.csv"
            ></sbss-data-table>`
          : html`<sbss-state-panel kind="empty" .message=${t('board.noComplaints')}></sbss-state-panel>`
      }
      <div role="status">${this.message}</div>
      ${
        p
          ? html`<sbss-complaint-detail
              .complaint=${p}
              @changed=${(e: CustomEvent<Complaint>) => {
                this.picked = e.detail;
                void this.load();
              }}
            ></sbss-complaint-detail>`
          : null
      }`;
  }
}
customElements.define('sbss-complaints-board', ComplaintsBoard);
