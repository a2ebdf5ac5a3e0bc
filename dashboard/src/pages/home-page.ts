import { LitElement, css, html } from 'lit';
import { I18nController, t, type MsgKey } from '../i18n.ts';
import { base } from '../styles.ts';
import type { Me } from '../api-client.ts';

/** Landing page: who you are and which pages your role may use. */
export class HomePage extends LitElement {
  static override properties = { me: { attribute: false }, links: { attribute: false } };
  static override styles = [
    base,
    css`
      a {
        color: #7dd3fc;
      }
    `,
  ];
  declare me: Me | null;
  declare links: { id: string; label: MsgKey }[];

  constructor() {
    super();
    this.me = null;
    this.links = [];
    new I18nController(this);
  }

  override render() {
    if (!this.me) return null;
    const role = t(`role.${this.me.role}` as MsgKey);
    return html`<div class="card">
      <h1>${t('home.welcome', { user: this.me.username, role })}</h1>
      ${
        this.links.length
          ? html`<p>${t('home.pages')}</p>
              <ul>
                ${this.links.map((l) => html`<li><a href="#/${l.id}">${t(l.label)}</a></li>`)}
              </ul>`
          : html`<p class="muted">${t('home.none')}</p>`
      }
    </div>`;
  }
}
customElements.define('sbss-home-page', HomePage);
