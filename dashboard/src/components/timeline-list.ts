import { LitElement, css, html } from 'lit';
import { I18nController, t } from '../i18n.ts';
import { dateTime } from '../time.ts';
import { base } from '../styles.ts';
import './state-panel.ts';

export interface TimelineItem {
  atMs: number;
  kind: 'order' | 'audit' | 'notification' | 'complaint' | 'ticket' | 'payment';
  /** A function when the text is translated: it is called at each render, so it follows the language switch. */
  text: string | (() => string);
  /** Something to do about the entry (e.g. send a failed notice again), offered beside it. */
  action?: { label: () => string; run: () => Promise<unknown> };
}

/** One timeline joining orders, audit (profile changes, payments, reveals), notices, complaints and tickets. */
export class TimelineList extends LitElement {
  static override properties = { items: { attribute: false } };
  static override styles = [
    base,
    css`
      ol {
        list-style: none;
        padding: 0;
        margin: 0;
        max-height: 360px;
        overflow: auto;
      }
      li {
        display: grid;
        grid-template-columns: 150px 90px 1fr;
        gap: 8px;
        padding: 5px 0;
        border-bottom: 1px solid #1e293b;
        font-size: 14px;
      }
      .kind {
        color: #7dd3fc;
      }
    `,
  ];
  declare items: TimelineItem[] | null;

  constructor() {
    super();
    this.items = null;
    new I18nController(this);
  }

  override render() {
    if (!this.items)
      return html`<sbss-state-panel kind="loading" .message=${t('app.loading')}></sbss-state-panel>`;
    if (!this.items.length)
      return html`<sbss-state-panel kind="empty" .message=${t('timeline.none')}></sbss-state-panel>`;
    const sorted = [...this.items].sort((a, b) => b.atMs - a.atMs).slice(0, 300);
    return html`<ol aria-label=${t('care.timeline')}>
      ${sorted.map(
        (i) =>
          html`<li>
            <span class="muted">${dateTime(i.atMs)}</span>
            <span class="kind">${t(`timeline.${i.kind}`)}</span>
            <span
              >${typeof i.text === 'function' ? i.text() : i.text}
              ${i.action ? html`<button class="link" @click=${() => void i.action!.run()}>${i.action.label()}</button>` : null}</span
            >
          </li>`,
      )}
    </ol>`;
  }
}
customElements.define('sbss-timeline-list', TimelineList);
