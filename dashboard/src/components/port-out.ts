import { css, html } from 'lit';
import { lang, t } from '../i18n.ts';
import { dateTime } from '../time.ts';
import { base, forms } from '../styles.ts';
import { LineActionPanel } from './line-action-panel.ts';
import './state-panel.ts';

type Named = { 'zh-CN': string; en: string };
/** GET /api/v1/lines/:msisdn/port-out */
interface Review {
  eligible: boolean;
  blocks: { code: string; text: Named }[];
  authorization: { issuedAtMs: number; expiresAtMs: number } | null;
  ported?: { atMs: number; recipient: string };
}

/**
 * 携号转网: what stands in the way of porting the number out (every reason at once), then the
 * authorization code, sent by SMS to the line itself (the panel never shows it: the person who
 * holds the phone is the owner). The operator the customer moves to asks for the port with it.
 */
export class PortOut extends LineActionPanel<Review> {
  static override properties = { ...LineActionPanel.properties, review: { state: true } };
  static override styles = [
    base,
    forms,
    css`
      ul {
        margin: 0 0 8px;
        padding-left: 18px;
      }
      .ok {
        color: #bbf7d0;
      }
    `,
  ];
  declare review: Review | null;
  protected override readonly readPath = '/port-out';

  constructor() {
    super();
    this.review = null;
  }

  protected took(r: Review | null): void {
    this.review = r;
  }

  private ask(): void {
    if (!confirm(t('port.confirm', { msisdn: this.msisdn }))) return;
    void this.send('/port-out/authorization', {}, t('port.sent', { msisdn: this.msisdn }));
  }

  override render() {
    if (!this.loaded)
      return html`<sbss-state-panel kind="loading" .message=${t('app.loading')}></sbss-state-panel>`;
    const r = this.review;
    if (!r) return html`<p class="error" role="alert">${t('port.error')}</p>`;
    if (r.ported)
      return html`<p data-testid="port-state">
        ${t('port.ported', { at: dateTime(r.ported.atMs), to: r.ported.recipient })}
      </p>`;
    const a = r.authorization;
    return html`<section aria-label=${t('act.port')}>
      <p class="muted">${t('port.rule')}</p>
      ${
        r.eligible
          ? html`<p class="ok" data-testid="port-eligible">${t('port.eligible')}</p>`
          : html`<p>${t('port.blocked')}</p>
              <ul data-testid="port-blocks">
                ${r.blocks.map((b) => html`<li>${lang() === 'en' ? b.text.en : b.text['zh-CN']}</li>`)}
              </ul>`
      }
      ${a ? html`<p data-testid="port-code">${t('port.inForce', { until: dateTime(a.expiresAtMs) })}</p>` : null}
      <button
        type="button"
        class="primary"
        ?disabled=${this.action.busy || !r.eligible}
        @click=${() => this.ask()}
      >
        ${a ? t('port.askAgain') : t(this.channel === 'counter' ? 'port.askCounter' : 'port.ask')}
      </button>
      ${this.action.lines()}
    </section>`;
  }
}
customElements.define('sbss-port-out', PortOut);
