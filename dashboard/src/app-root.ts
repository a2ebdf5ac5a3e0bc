import { LitElement, css, html } from 'lit';
import { api, ApiCallError, type Me } from './api-client.ts';
import { I18nController, lang, setLang, t } from './i18n.ts';
import { loadPage, navigate, pagesFor, preloadCurrentPage, resolvePage } from './router.ts';
import { base } from './styles.ts';
import './pages/login-page.ts';
import './components/state-panel.ts';

type AppState = { kind: 'loading' } | { kind: 'anonymous' } | { kind: 'error' } | { kind: 'ready'; me: Me };

/** The shell: finds out who is logged in, shows login or the role's navigation and current page. */
export class AppRoot extends LitElement {
  static override properties = { state: { state: true } };
  static override styles = [
    base,
    css`
      :host {
        display: block;
        min-height: 100vh;
      }
      header {
        display: flex;
        align-items: center;
        gap: 16px;
        padding: 10px 20px;
        background: #0b1222;
        border-bottom: 1px solid #1e293b;
        flex-wrap: wrap;
      }
      .brand {
        font-weight: 700;
        margin-right: 12px;
      }
      /* the links take the room left beside the brand and the session controls, and wrap inside
         it when a role has many pages (the log-out button once wrapped alone onto a second line) */
      nav {
        display: flex;
        flex-wrap: wrap;
        gap: 4px;
        flex: 1 1 0;
        min-width: 0;
      }
      nav a {
        color: #cbd5e1;
        text-decoration: none;
        padding: 6px 12px;
        border-radius: 6px;
        white-space: nowrap;
      }
      /* A phone: the brand takes its own line, and the page links get the next one whole. */
      @media (max-width: 600px) {
        header {
          gap: 8px 12px;
          padding: 8px 12px;
        }
        .brand {
          flex-basis: 100%;
        }
        nav {
          flex-basis: 100%;
          flex-wrap: wrap;
        }
        nav a {
          padding: 6px 10px;
        }
      }
      nav a[aria-current='page'] {
        background: #1e3a5f;
        color: #f8fafc;
      }
      main {
        padding: 20px;
        max-width: 1400px;
        margin: 0 auto;
      }
      main.kiosk {
        max-width: none;
        padding: 12px;
      }
      .user,
      .zone {
        color: #94a3b8;
      }
    `,
  ];
  declare state: AppState;
  private readonly onHash = () => this.requestUpdate();

  constructor() {
    super();
    this.state = { kind: 'loading' };
    new I18nController(this);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('hashchange', this.onHash);
    preloadCurrentPage();
    void this.load();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('hashchange', this.onHash);
  }

  private async load(): Promise<void> {
    this.state = { kind: 'loading' };
    try {
      this.state = { kind: 'ready', me: await api.me() };
    } catch (err) {
      this.state =
        err instanceof ApiCallError && err.status === 401 ? { kind: 'anonymous' } : { kind: 'error' };
    }
  }

  private async logout(): Promise<void> {
    await api.logout().catch(() => undefined);
    this.state = { kind: 'anonymous' };
    navigate('login');
  }

  private langButton() {
    return html`<button @click=${() => setLang(lang() === 'en' ? 'zh-CN' : 'en')}>
      ${t('lang.switch')}
    </button>`;
  }

  override render() {
    const s = this.state;
    if (s.kind === 'loading')
      return html`<main>
        <sbss-state-panel kind="loading" .message=${t('app.loading')}></sbss-state-panel>
      </main>`;
    if (s.kind === 'error')
      return html`<main>
        <sbss-state-panel kind="error" .message=${t('app.unreachable')}>
          <button @click=${() => this.load()}>${t('app.retry')}</button>
        </sbss-state-panel>
      </main>`;
    if (s.kind === 'anonymous')
      return html`<header>
          <span class="brand">${t('app.title')}</span><span style="flex:1"></span>${this.langButton()}
        </header>
        <main>
          <sbss-login-page
            @logged-in=${(e: CustomEvent<Me>) => {
              this.state = { kind: 'ready', me: e.detail };
              navigate(resolvePage(e.detail.role)?.id ?? 'home');
            }}
          ></sbss-login-page>
        </main>`;
    const allowed = pagesFor(s.me.role);
    const page = resolvePage(s.me.role);
    if (page) loadPage(page);
    if (page?.id === 'noc' && location.hash.includes('/kiosk'))
      return html`<main class="kiosk">${page.render(s.me, allowed)}</main>`;
    return html`<header>
        <span class="brand">${t('app.title')}</span>
        <nav aria-label="main">
          ${allowed.map(
            (p) =>
              html`<a href="#/${p.id}" aria-current=${p.id === page?.id ? 'page' : 'false'}
                >${t(p.label)}</a
              >`,
          )}
        </nav>
        <span class="user">${s.me.username}</span>
        <span class="zone" title=${t('app.zoneHint')}>${t('app.zone')}</span>
        ${this.langButton()}
        <button @click=${() => this.logout()}>${t('nav.logout')}</button>
      </header>
      <main>${page?.render(s.me, allowed)}</main>`;
  }
}
customElements.define('sbss-app', AppRoot);
