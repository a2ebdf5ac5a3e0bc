import { LitElement, css, html } from 'lit';
import { api } from '../api-client.ts';
import { I18nController, lookup, t } from '../i18n.ts';
import { dateTime } from '../time.ts';
import { base, pickList } from '../styles.ts';

/** One entry of GET /api/v1/identity-changes. */
interface QueuedChange {
  customerId: string;
  name: string;
  current: { idType: string; idNumber: string };
  requested: { idType: string; idNumber: string };
  requestedBy: string;
  atMs: number;
  reason: string;
}

/** How often the queue reads itself again (another supervisor may decide, an agent may ask). */
const REFRESH_MS = 10_000;

const idText = (x: { idType: string; idNumber: string }) =>
  `${lookup(`idType.${x.idType}`) ?? x.idType} ${x.idNumber}`;

/**
 * 待审批的证件变更: the supervisors' queue, oldest first. Choosing one fires `open-customer`
 * (detail = customer id) so the care page opens the 360, where the decision is taken. Read again
 * every 10 s, and whenever `refresh` changes (the page bumps it after a decision).
 */
export class IdentityQueue extends LitElement {
  static override properties = { refresh: { type: Number }, items: { state: true } };
  static override styles = [
    base,
    pickList,
    css`
      h2 {
        margin: 0 0 8px;
        font-size: 17px;
      }
    `,
  ];
  declare refresh: number;
  /** undefined while loading, null when it could not be read. */
  declare items: QueuedChange[] | null | undefined;

  constructor() {
    super();
    this.refresh = 0;
    this.items = undefined;
    new I18nController(this);
  }

  private timer: ReturnType<typeof setInterval> | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    this.timer = setInterval(() => void this.load(), REFRESH_MS);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.timer);
  }

  override updated(changed: Map<string, unknown>): void {
    if (changed.has('refresh')) void this.load();
  }

  async load(): Promise<void> {
    this.items = await api
      .get<{ items: QueuedChange[] }>('/api/v1/identity-changes')
      .then((r) => r.items)
      .catch(() => null);
  }

  override render() {
    const items = this.items;
    if (items === undefined) return null;
    if (items === null) return html`<p class="muted">${t('idc.error')}</p>`;
    return html`<h2>${t('idc.title', { n: String(items.length) })}</h2>
      ${
        items.length === 0
          ? html`<p class="muted">${t('idc.none')}</p>`
          : html`<ul class="pick" data-testid="identity-queue">
              ${items.map(
                (i) =>
                  html`<li>
                    <button
                      @click=${() =>
                        this.dispatchEvent(
                          new CustomEvent('open-customer', {
                            detail: i.customerId,
                            bubbles: true,
                            composed: true,
                          }),
                        )}
                    >
                      <strong>${i.name}</strong> ·
                      ${t('idc.change', { from: idText(i.current), to: idText(i.requested) })}<br />
                      <span class="muted"
                        >${t('idc.by', { by: i.requestedBy, at: dateTime(i.atMs) })} ·
                        ${t('idc.reason', { r: i.reason })}</span
                      >
                    </button>
                  </li>`,
              )}
            </ul>`
      }`;
  }
}
customElements.define('sbss-identity-queue', IdentityQueue);
