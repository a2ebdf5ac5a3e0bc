import { LitElement, css, html } from 'lit';
import { api, enc, RequestKey } from '../api-client.ts';
import { ActionState } from '../controllers/action-state.ts';
import { awaitOutcome, pendingText, refusalText } from '../charging-outcome.ts';
import { bytes, yuan } from '../format.ts';
import { I18nController, lang, t } from '../i18n.ts';
import { lastDay } from '../time.ts';
import { base, forms } from '../styles.ts';
import './state-panel.ts';

type Named = { 'zh-CN': string; en: string };

/** One pack as `GET /api/v1/add-ons` lists it. */
interface Pack {
  id: string;
  name: Named;
  service: 'voice' | 'sms' | 'data';
  units: number;
  feeFen: number;
}

const local = (n: Named) => (lang() === 'en' ? n.en : n['zh-CN']);

/** "1.0 GB" / "100分钟" / "100 条": what a pack adds, in its service's unit. */
function amount(p: Pack): string {
  if (p.service === 'data') return bytes(p.units);
  if (p.service === 'voice') return t('ao.min', { n: String(Math.floor(p.units / 60)) });
  return t('ao.sms', { n: String(p.units) });
}

/**
 * 叠加包 / 流量加油包 at the counter or in the business hall: the packs on sale with what each adds
 * to this period and its price, bought with one confirmation (from the balance, or on the
 * postpaid bill). A retried purchase carries the same request key: charged once. Fires `changed`.
 */
export class AddOns extends LitElement {
  static override properties = {
    msisdn: {},
    channel: {},
    packs: { state: true },
    loadError: { state: true },
  };
  static override styles = [
    base,
    forms,
    css`
      ul {
        list-style: none;
        padding: 0;
        margin: 8px 0;
        display: grid;
        gap: 6px;
        max-width: 560px;
      }
      li {
        display: flex;
        gap: 10px;
        align-items: center;
        justify-content: space-between;
        border: 1px solid #334155;
        border-radius: 6px;
        padding: 6px 10px;
      }
      li button {
        white-space: nowrap;
        flex: none;
      }
      .ok {
        color: #bbf7d0;
      }
    `,
  ];
  declare msisdn: string;
  declare channel: 'counter' | 'web';
  declare packs: Pack[] | null;
  declare loadError: string;
  private readonly action = new ActionState(this);
  private readonly key = new RequestKey();

  constructor() {
    super();
    this.msisdn = '';
    this.channel = 'counter';
    this.packs = null;
    this.loadError = '';
    new I18nController(this);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    api.get<{ addOns: Pack[] }>('/api/v1/add-ons').then(
      (r) => (this.packs = r.addOns),
      (err: unknown) => (this.loadError = err instanceof Error ? err.message : String(err)),
    );
  }

  private buy(p: Pack): void {
    if (!confirm(t('ao.confirm', { name: local(p.name), fee: yuan(p.feeFen) }))) return;
    void this.action.run(
      async () => {
        const r = await this.key.attempt((requestId) =>
          api.post<{ purchaseId: string; periodEndMs: number }>(`/api/v1/lines/${enc(this.msisdn)}/add-ons`, {
            addOnId: p.id,
            channel: this.channel,
            requestId,
          }),
        );
        this.action.progress(t('outcome.waiting'));
        // accepted against charging's state of a moment ago: charging has the last word
        const o = await awaitOutcome(this.msisdn, 'add-on', r.purchaseId).finally(() =>
          this.dispatchEvent(new CustomEvent('changed', { bubbles: true, composed: true })),
        );
        if (o.state === 'pending') return pendingText(this.channel === 'web');
        return t('ao.done', { name: local(p.name), until: lastDay(r.periodEndMs) });
      },
      refusalText(this.channel === 'web'),
    );
  }

  override render() {
    if (this.loadError) return html`<p class="error" role="alert">${this.loadError}</p>`;
    if (!this.packs)
      return html`<sbss-state-panel kind="loading" .message=${t('app.loading')}></sbss-state-panel>`;
    if (this.packs.length === 0) return html`<p class="muted">${t('ao.none')}</p>`;
    return html`<p class="muted">${t('ao.rule')}</p>
      <ul data-testid="add-ons">
        ${this.packs.map(
          (p) =>
            html`<li data-pack=${p.id}>
              <span><strong>${local(p.name)}</strong> · ${amount(p)} · ¥${yuan(p.feeFen)}</span>
              <button
                type="button"
                class="primary"
                ?disabled=${this.action.busy}
                @click=${() => this.buy(p)}
                aria-label=${t('ao.buyNamed', { name: local(p.name) })}
              >
                ${t('ao.buy')}
              </button>
            </li>`,
        )}
      </ul>
      ${this.action.lines()}`;
  }
}
customElements.define('sbss-add-ons', AddOns);
