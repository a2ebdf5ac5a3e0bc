import { LitElement, css, html } from 'lit';
import { I18nController, lang, t, type MsgKey } from '../i18n.ts';
import { date } from '../time.ts';
import { base, pickList } from '../styles.ts';
import { wholeNumber } from '../line-numbers.ts';

/** One of a customer's lines as GET /api/v1/customers/:id/lines (or the reveal) answers it. */
export interface CustomerLine {
  msisdn: string;
  status: 'pre_opened' | 'active' | 'closed';
  planId: string;
  planName?: { 'zh-CN': string; en: string };
  /** A plan change waiting for the next period (null start: at the next renewal). */
  nextPlanId?: string;
  nextPlanName?: { 'zh-CN': string; en: string };
  nextPlanFromMs?: number | null;
  openedAtMs: number;
  closedAtMs?: number;
  devicesOutstanding: number;
  /** Reported lost (挂失) since then: barred until restored or the card replaced. */
  lostSinceMs?: number;
  /** Suspended since then (停机保号): barred, the number kept, until resumed. */
  suspendedSinceMs?: number;
  /** The operator the number ported out to (携号转网), for a closed line. */
  portedTo?: string;
  /** The last four digits of the card in service, when the line records it. */
  simLast4?: string;
}

/** A line the customer transferred away (过户), as the lines answer lists it under `former`. */
export interface FormerLine {
  msisdn: string;
  status: 'transferred';
  openedAtMs: number;
  transferredAtMs: number;
}

/**
 * 名下号码: a customer's lines, the one the 360 shows marked. A line whose number is known can
 * be chosen (`line-select`, detail = the number); a masked one waits for the audited reveal.
 */
export class LineList extends LitElement {
  static override properties = {
    lines: { attribute: false },
    former: { attribute: false },
    selected: {},
    known: { attribute: false },
  };
  static override styles = [
    base,
    pickList,
    css`
      ul.pick {
        margin-bottom: 10px;
      }
      button {
        display: flex;
        flex-wrap: wrap;
        gap: 2px 10px;
        align-items: baseline;
      }
      button[aria-pressed='true'] {
        border-color: #38bdf8;
        background: #0c4a6e;
      }
      .closed {
        opacity: 0.6;
      }
      .lost {
        color: #fecaca;
      }
      .num {
        font-variant-numeric: tabular-nums;
        font-weight: 600;
      }
      .masked {
        display: flex;
        flex-wrap: wrap;
        gap: 2px 10px;
        padding: 6px 10px;
        border: 1px dashed #334155;
        border-radius: 6px;
      }
    `,
  ];
  /** undefined while loading, null when it could not be read. */
  declare lines: CustomerLine[] | null | undefined;
  /** Lines given away (过户): listed, never chosen (they are someone else's now). */
  declare former: FormerLine[];
  declare selected: string;
  declare known: string[];

  constructor() {
    super();
    this.lines = undefined;
    this.former = [];
    this.selected = '';
    this.known = [];
    new I18nController(this);
  }

  private choose(msisdn: string): void {
    this.dispatchEvent(new CustomEvent('line-select', { detail: msisdn, bubbles: true, composed: true }));
  }

  private facts(l: CustomerLine) {
    const named = (n: { 'zh-CN': string; en: string } | undefined, id: string) =>
      n ? (lang() === 'en' ? n.en : n['zh-CN']) : id;
    const plan = named(l.planName, l.planId);
    return html`<span>${t(`lines.${l.status}` as MsgKey)}</span>
      <span>${plan}</span>
      ${
        l.nextPlanId
          ? html`<span data-testid="line-next-plan"
              >${t('lines.nextPlan', {
                plan: named(l.nextPlanName, l.nextPlanId),
                when: l.nextPlanFromMs ? t('pc.from', { date: date(l.nextPlanFromMs) }) : t('pc.atRenewal'),
              })}</span
            >`
          : null
      }
      <span class="muted"
        >${
          l.closedAtMs !== undefined
            ? l.portedTo
              ? t('lines.portedAt', { date: date(l.closedAtMs), to: l.portedTo })
              : t('lines.closedAt', { date: date(l.closedAtMs) })
            : t('lines.opened', { date: date(l.openedAtMs) })
        }</span
      >
      ${l.devicesOutstanding ? html`<span>${t('lines.devices', { n: String(l.devicesOutstanding) })}</span>` : null}
      ${
        l.lostSinceMs !== undefined
          ? html`<span class="lost" data-testid="line-lost"
              >${t('lines.lost', { date: date(l.lostSinceMs) })}</span
            >`
          : null
      }
      ${
        l.suspendedSinceMs !== undefined
          ? html`<span class="lost" data-testid="line-suspended"
              >${t('lines.suspended', { date: date(l.suspendedSinceMs) })}</span
            >`
          : null
      }
      ${l.simLast4 ? html`<span class="muted">${t('lines.sim', { last4: l.simLast4 })}</span>` : null}`;
  }

  private formerList() {
    if (!this.former.length) return null;
    return html`<ul class="pick" data-testid="former-lines">
      ${this.former.map(
        (f) =>
          html`<li class="masked closed">
            <span class="num">${f.msisdn}</span>
            <span>${t('lines.transferred', { date: date(f.transferredAtMs) })}</span>
          </li>`,
      )}
    </ul>`;
  }

  override render() {
    if (this.lines === undefined) return null;
    if (this.lines === null) return html`<p class="muted">${t('lines.error')}</p>`;
    if (this.lines.length === 0)
      return html`<p class="muted">${t('lines.none')}</p>
        ${this.formerList()}`;
    const rows = this.lines.map((l) => ({ l, whole: wholeNumber(l.msisdn, this.known) }));
    return html`<h3>${t('lines.title', { n: String(this.lines.length) })}</h3>
      <ul class="pick" data-testid="lines">
        ${rows.map(({ l, whole }) =>
          whole
            ? html`<li class=${l.status === 'closed' ? 'closed' : ''}>
                <button
                  aria-pressed=${whole === this.selected ? 'true' : 'false'}
                  @click=${() => this.choose(whole)}
                >
                  <span class="num">${whole}</span>${this.facts(l)}
                </button>
              </li>`
            : html`<li class="masked ${l.status === 'closed' ? 'closed' : ''}">
                <span class="num">${l.msisdn}</span>${this.facts(l)}
              </li>`,
        )}
      </ul>
      ${this.selected && rows.some((r) => !r.whole) ? html`<p class="muted">${t('lines.masked')}</p>` : null}
      ${this.formerList()}`;
  }
}
customElements.define('sbss-line-list', LineList);
