import { LitElement, css, html } from 'lit';
import { api, enc } from '../api-client.ts';
import { I18nController, t, type MsgKey } from '../i18n.ts';
import { ActionState } from '../controllers/action-state.ts';
import { base, forms } from '../styles.ts';

interface StockRow {
  region: string;
  model: string;
  kind: string;
  available: number;
}

const KINDS = ['ont', 'cpe', 'mifi', 'sim', 'phone'] as const;

/**
 * 库存管理 (supervisor, admin): every warehouse's stock by model, and the intake form that sets a
 * model's available count in a region (the audited PUT). Reservations take from what is shown.
 */
export class StockAdmin extends LitElement {
  static override properties = { rows: { state: true } };
  static override styles = [
    base,
    forms,
    css`
      table {
        border-collapse: collapse;
        width: 100%;
        max-width: 640px;
      }
      th,
      td {
        text-align: left;
        padding: 4px 8px;
        border-bottom: 1px solid #1e3a5f;
      }
      td.n {
        text-align: right;
        font-variant-numeric: tabular-nums;
      }
      .row {
        display: flex;
        gap: 10px;
        flex-wrap: wrap;
        align-items: end;
      }
      .ok {
        color: #bbf7d0;
      }
    `,
  ];
  declare rows: StockRow[] | null;
  private readonly action = new ActionState(this);

  constructor() {
    super();
    this.rows = null;
    new I18nController(this);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  async load(): Promise<void> {
    const r = await api.get<{ items: StockRow[] }>('/api/v1/inventory').catch(() => null);
    this.rows = r?.items ?? [];
  }

  private set(e: SubmitEvent): void {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const f = new FormData(form);
    const s = (k: string) => String(f.get(k) ?? '').trim();
    void this.action.run(async () => {
      const row = await api.put<StockRow>(`/api/v1/inventory/${enc(s('region'))}/${enc(s('model'))}`, {
        kind: s('kind'),
        available: Number(s('available')),
      });
      form.reset();
      await this.load();
      return t('stock.saved', { region: row.region, model: row.model, n: String(row.available) });
    });
  }

  override render() {
    return html`${
        this.rows === null
          ? html`<p class="muted">${t('app.loading')}</p>`
          : this.rows.length
            ? html`<table data-testid="stock-table">
                <thead>
                  <tr>
                    <th>${t('ord.region')}</th>
                    <th>${t('stock.model')}</th>
                    <th>${t('stock.kind')}</th>
                    <th>${t('stock.available')}</th>
                  </tr>
                </thead>
                <tbody>
                  ${this.rows.map(
                    (r) =>
                      html`<tr>
                        <td>${r.region}</td>
                        <td>${r.model}</td>
                        <td>${t(`kind.${r.kind}` as MsgKey)}</td>
                        <td class="n">${r.available}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>`
            : html`<p class="muted">${t('stock.none')}</p>`
      }
      <form @submit=${(e: SubmitEvent) => this.set(e)} aria-label=${t('stock.intake')}>
        <div class="row">
          <label
            >${t('ord.region')}<input
              name="region"
              required
              maxlength="32"
              pattern="[a-z0-9_\\-]+"
              value="bj"
          /></label>
          <label
            >${t('stock.model')}<input name="model" required maxlength="64" pattern="[A-Za-z0-9_\\-]+"
          /></label>
          <label
            >${t('stock.kind')}<select name="kind">
              ${KINDS.map((k) => html`<option value=${k}>${t(`kind.${k}`)}</option>`)}
            </select></label
          >
          <label
            >${t('stock.available')}<input name="available" type="number" min="0" max="1000000" required
          /></label>
        </div>
        <button type="submit" class="primary" ?disabled=${this.action.busy}>${t('stock.set')}</button>
      </form>
      ${this.action.lines()}`;
  }
}
customElements.define('sbss-stock-admin', StockAdmin);
