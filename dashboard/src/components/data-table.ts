import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { I18nController, t } from '../i18n.ts';
import { base } from '../styles.ts';

export interface Column<R> {
  key: string;
  label: string;
  num?: boolean;
  /** Sort key and CSV cell. */
  value: (row: R) => string | number;
  /** Cell content; defaults to value. */
  render?: (row: R) => TemplateResult | string;
  /**
   * Widest the column may get (CSS length) for long free text: a longer value is cut with an
   * ellipsis and shown whole on hover, so the columns after it stay on screen (rows keep one
   * line: the virtual list needs fixed row heights).
   */
  clip?: string;
  /** Left off screens narrower than 600 px (phones); still in the CSV. */
  wideOnly?: boolean;
}

/**
 * The id column of a list whose rows open something (a ticket's page, a case's progress): the id
 * as a link-styled button named `name(row)` for screen readers, calling `open(row)`.
 */
export function openerColumn<R extends { id: string }>(
  label: string,
  name: (row: R) => string,
  open: (row: R) => void,
): Column<R> {
  return {
    key: 'id',
    label,
    value: (r) => r.id,
    render: (r) => html`<button class="link" aria-label=${name(r)} @click=${() => open(r)}>${r.id}</button>`,
  };
}

/** The classes of a column's cells. */
function cellClass<R>(c: Column<R>): string {
  return [c.num ? 'num' : c.clip ? 'clip' : '', c.wideOnly ? 'wide-only' : ''].join(' ').trim();
}

const ROW_PX = 36;

/**
 * A table that sorts (header buttons, aria-sort), pages, and exports CSV of every row (not just
 * the page). With `virtual`, all rows scroll in a fixed-height window and only the visible ones
 * are in the DOM — for long lists.
 */
export class DataTable<R = unknown> extends LitElement {
  static override properties = {
    rows: { attribute: false },
    columns: { attribute: false },
    pageSize: { type: Number, attribute: 'page-size' },
    virtual: { type: Boolean },
    caption: {},
    filename: {},
    rowKey: { attribute: false },
    sortKey: { state: true },
    sortDir: { state: true },
    page: { state: true },
    scrollTop: { state: true },
  };
  static override styles = [
    base,
    css`
      :host {
        display: block;
      }
      .bar {
        display: flex;
        align-items: center;
        gap: 8px;
        justify-content: space-between;
        margin-bottom: 6px;
        flex-wrap: wrap;
      }
      .scroll {
        overflow: auto;
      }
      .scroll.virtual {
        max-height: 420px;
      }
      table {
        width: 100%;
        border-collapse: collapse;
        font-variant-numeric: tabular-nums;
      }
      th,
      td {
        text-align: left;
        padding: 0 10px;
        height: ${ROW_PX - 1}px;
        border-bottom: 1px solid #1e293b;
        white-space: nowrap;
      }
      thead th {
        position: sticky;
        top: 0;
        background: #111c33;
      }
      th button {
        background: none;
        border: none;
        padding: 4px 0;
        color: #cbd5e1;
        font-weight: 600;
      }
      .num {
        text-align: right;
      }
      .clip {
        overflow: hidden;
        text-overflow: ellipsis;
      }
      /* Phones: columns marked wideOnly are left off; a cell may give a shorter form of itself. */
      .narrow-only {
        display: none;
      }
      @media (max-width: 600px) {
        th,
        td {
          padding: 0 6px;
        }
        .wide-only {
          display: none;
        }
        .narrow-only {
          display: inline;
        }
      }
      .pager {
        display: flex;
        gap: 8px;
        align-items: center;
        margin-top: 6px;
      }
      caption {
        text-align: left;
        color: #cbd5e1;
        padding-bottom: 4px;
      }
    `,
  ];
  declare rows: R[];
  declare columns: Column<R>[];
  declare pageSize: number;
  declare virtual: boolean;
  declare caption: string;
  declare filename: string;
  declare rowKey: ((r: R) => string) | null;
  declare sortKey: string;
  declare sortDir: 1 | -1;
  declare page: number;
  declare scrollTop: number;

  constructor() {
    super();
    this.rows = [];
    this.columns = [];
    this.pageSize = 20;
    this.virtual = false;
    this.caption = '';
    this.filename = 'export.csv';
    this.rowKey = null;
    this.sortKey = '';
    this.sortDir = 1;
    this.page = 0;
    this.scrollTop = 0;
    new I18nController(this);
  }

  private sorted(): R[] {
    const col = this.columns.find((c) => c.key === this.sortKey);
    if (!col) return this.rows;
    const dir = this.sortDir;
    return [...this.rows].sort((a, b) => {
      const x = col.value(a);
      const y = col.value(b);
      return (x < y ? -1 : x > y ? 1 : 0) * dir;
    });
  }

  private sortBy(key: string): void {
    this.sortDir = this.sortKey === key ? (-this.sortDir as 1 | -1) : 1;
    this.sortKey = key;
    this.page = 0;
  }

  /** CSV of all rows in the current order (UTF-8 with BOM so spreadsheets read Chinese). */
  csv(): string {
    const cell = (v: string | number) => {
      const s = String(v);
      return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    };
    const lines = [this.columns.map((c) => cell(c.label)).join(',')];
    for (const r of this.sorted()) lines.push(this.columns.map((c) => cell(c.value(r))).join(','));
    return '\ufeff' + lines.join('\n') + '\n';
  }

  private exportCsv(): void {
    const url = URL.createObjectURL(new Blob([this.csv()], { type: 'text/csv;charset=utf-8' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = this.filename;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  /**
   * Rows keyed by `rowKey` when given: a row's DOM (its buttons) stays with its record when the
   * rows are re-sorted or re-read, so a click lands on the record it was aimed at.
   */
  private rows$(rows: R[]) {
    const key = this.rowKey;
    return key ? repeat(rows, key, (r) => this.row(r)) : rows.map((r) => this.row(r));
  }

  private row(r: R) {
    return html`<tr data-key=${this.rowKey ? this.rowKey(r) : ''}>
      ${this.columns.map(
        (c) =>
          html`<td
            class=${cellClass(c)}
            style=${c.clip ? `max-width:${c.clip}` : ''}
            title=${c.clip ? String(c.value(r)) : nothing}
          >
            ${c.render ? c.render(r) : c.value(r)}
          </td>`,
      )}
    </tr>`;
  }

  override render() {
    const all = this.sorted();
    const pages = Math.max(1, Math.ceil(all.length / this.pageSize));
    const page = Math.min(this.page, pages - 1);
    let body;
    if (this.virtual) {
      const first = Math.max(0, Math.floor(this.scrollTop / ROW_PX) - 5);
      const visible = all.slice(first, first + 24);
      const after = Math.max(0, all.length - first - visible.length);
      body = html`${first ? html`<tr style="height:${first * ROW_PX}px" aria-hidden="true"></tr>` : null}
      ${this.rows$(visible)}
      ${after ? html`<tr style="height:${after * ROW_PX}px" aria-hidden="true"></tr>` : null}`;
    } else body = this.rows$(all.slice(page * this.pageSize, (page + 1) * this.pageSize));
    return html`<div class="bar">
        <span class="muted">${t('table.rows', { n: String(all.length) })}</span>
        <button @click=${() => this.exportCsv()}>${t('table.csv')}</button>
      </div>
      <div
        class="scroll ${this.virtual ? 'virtual' : ''}"
        @scroll=${(e: Event) => {
          if (this.virtual) this.scrollTop = (e.target as HTMLElement).scrollTop;
        }}
      >
        <table>
          ${
            this.caption
              ? html`<caption>
                  ${this.caption}
                </caption>`
              : null
          }
          <thead>
            <tr>
              ${this.columns.map(
                (c) =>
                  html`<th
                    scope="col"
                    class=${cellClass(c)}
                    aria-sort=${this.sortKey === c.key ? (this.sortDir === 1 ? 'ascending' : 'descending') : 'none'}
                  >
                    <button @click=${() => this.sortBy(c.key)}>
                      ${c.label}${this.sortKey === c.key ? (this.sortDir === 1 ? ' ▲' : ' ▼') : ''}
                    </button>
                  </th>`,
              )}
            </tr>
          </thead>
          <tbody>
            ${body}
          </tbody>
        </table>
      </div>
      ${
        !this.virtual && pages > 1
          ? html`<div class="pager">
              <button ?disabled=${page === 0} @click=${() => (this.page = page - 1)}>
                ${t('table.prev')}
              </button>
              <span>${t('table.page', { p: String(page + 1), n: String(pages) })}</span>
              <button ?disabled=${page >= pages - 1} @click=${() => (this.page = page + 1)}>
                ${t('table.next')}
              </button>
            </div>`
          : null
      }`;
  }
}
customElements.define('sbss-data-table', DataTable);
