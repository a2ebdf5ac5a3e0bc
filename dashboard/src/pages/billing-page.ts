import { LitElement, css, html } from 'lit';
import { I18nController, t } from '../i18n.ts';
import { base, page } from '../styles.ts';
import type { Role } from '../api-client.ts';
import '../components/bill-run.ts';
import '../components/catalog-editor.ts';

/** 计费管理 (supervisor, admin): the month-end bill run and the tariff catalog (资费配置). */
export class BillingPage extends LitElement {
  static override properties = { role: {} };
  static override styles = [
    base,
    page,
    css`
      h2 {
        margin: 0 0 8px;
        font-size: 16px;
        color: #cbd5e1;
      }
    `,
  ];
  declare role: Role | '';

  constructor() {
    super();
    this.role = '';
    new I18nController(this);
  }

  override render() {
    return html`<h1>${t('nav.billing')}</h1>
      <section class="card">
        <h2>${t('billrun.title')}</h2>
        <sbss-bill-run></sbss-bill-run>
      </section>
      <section class="card">
        <h2>${t('cat.title')}</h2>
        <sbss-catalog-editor ?can-save=${this.role === 'admin'}></sbss-catalog-editor>
      </section>`;
  }
}
customElements.define('sbss-billing-page', BillingPage);
