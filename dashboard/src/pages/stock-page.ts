import { LitElement, html } from 'lit';
import { I18nController, t } from '../i18n.ts';
import { base, page } from '../styles.ts';
import '../components/stock-admin.ts';

/** 库存管理 (supervisor, admin): device stock by warehouse, and intake. */
export class StockPage extends LitElement {
  static override styles = [base, page];

  constructor() {
    super();
    new I18nController(this);
  }

  override render() {
    return html`<h1>${t('nav.stock')}</h1>
      <section class="card">
        <p class="muted">${t('stock.hint')}</p>
        <sbss-stock-admin></sbss-stock-admin>
      </section>`;
  }
}
customElements.define('sbss-stock-page', StockPage);
