import { LitElement, css, html } from 'lit';
import { I18nController, lang, lookup, t } from '../i18n.ts';
import { causeName } from '../../../domain/noc/causes.ts';
import { integer } from '../format.ts';
import { clockTime } from '../time.ts';
import { base } from '../styles.ts';
import type { Alarm } from '../types.ts';
import './state-panel.ts';

/** Open alarms as roots with their children (topology correlation), each root a disclosure. */
export class AlarmTree extends LitElement {
  static override properties = { alarms: { attribute: false } };
  static override styles = [
    base,
    css`
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
        max-height: 320px;
        overflow: auto;
      }
      li {
        border-bottom: 1px solid #1e293b;
        padding: 6px 0;
      }
      summary {
        cursor: pointer;
        display: flex;
        gap: 8px;
        align-items: baseline;
        flex-wrap: wrap;
      }
      .sev {
        padding: 0 8px;
        border-radius: 999px;
        font-size: 13px;
        background: #7f1d1d;
        color: #fee2e2;
      }
      .sev.major {
        background: #7c2d12;
        color: #ffedd5;
      }
      .sev.minor {
        background: #713f12;
        color: #fef9c3;
      }
      .children {
        padding-left: 20px;
        font-size: 13px;
        color: #cbd5e1;
      }
    `,
  ];
  declare alarms: Alarm[] | null;

  constructor() {
    super();
    this.alarms = null;
    new I18nController(this);
  }

  override render() {
    if (!this.alarms)
      return html`<sbss-state-panel kind="loading" .message=${t('app.loading')}></sbss-state-panel>`;
    const roots = this.alarms.filter((a) => !a.rootKey);
    if (!roots.length)
      return html`<sbss-state-panel kind="empty" .message=${t('noc.noAlarms')}></sbss-state-panel>`;
    return html`<ul aria-label=${t('noc.alarms')}>
      ${roots.map((r) => {
        const kids = this.alarms?.filter((a) => a.rootKey === r.key) ?? [];
        return html`<li data-alarm=${r.key}>
          <details>
            <summary>
              <span class="sev ${r.severity}">${lookup(`sev.${r.severity}`) ?? r.severity}</span>
              <strong>${r.siteId}</strong>
              <span>${cause(r.probableCause)}</span>
              <span class="muted">${r.region} · ${clockTime(r.firstSeenMs)} · ×${integer(r.count)}</span>
              <span>${t('noc.children', { n: String(Math.max(r.children, kids.length)) })}</span>
              ${r.ticketId ? html`<span class="muted">${t('noc.ticketOf', { id: r.ticketId })}</span>` : null}
            </summary>
            <div class="children">
              ${
                kids.length
                  ? kids
                      .slice(0, 50)
                      .map((k) => html`<div>${k.cellId ?? k.neId} — ${cause(k.probableCause)}</div>`)
                  : html`<div>${t('noc.childrenFolded', { n: String(r.children) })}</div>`
              }
            </div>
          </details>
        </li>`;
      })}
    </ul>`;
  }
}
customElements.define('sbss-alarm-tree', AlarmTree);

const cause = (code: string) => causeName(code, lang() === 'en' ? 'en' : 'zh');
