import { LitElement, css, html } from 'lit';
import { api, ApiCallError, enc, RequestKey } from '../api-client.ts';
import { I18nController, lookup, t } from '../i18n.ts';
import { dateTime } from '../time.ts';
import { base, forms } from '../styles.ts';
import {
  fieldError,
  fieldErrorStyles,
  formErrors,
  generalError,
  invalid,
  errId,
  noErrors,
  refusalCode,
} from '../field-errors.ts';
import './state-panel.ts';

interface Card {
  iccid: string;
  sinceMs: number;
  cause?: string;
}
interface Line {
  status: string;
  sim?: Card;
  previousSims?: { iccid: string; untilMs: number }[];
  loss?: { reportedAtMs: number };
}
interface StockItem {
  region: string;
  model: string;
  kind: string;
  available: number;
}

const CAUSES = ['lost', 'damaged', 'upgrade'] as const;
const FIELDS = ['iccid', 'model'] as const;

/**
 * 补换卡 at the counter: the line's card now and before, and the form that moves the number to a
 * blank card from the shop's stock once the agent has checked the owner's ID (scan or type the
 * new card's ICCID). A lost line works again on the new card. A retry after a lost answer carries
 * the same request key, so it never takes a second card. Fires `changed`.
 */
export class SimSwap extends LitElement {
  static override properties = {
    msisdn: {},
    line: { state: true },
    stock: { state: true },
    loadError: { state: true },
    idChecked: { state: true },
    busy: { state: true },
    result: { state: true },
    errors: { state: true },
  };
  static override styles = [
    base,
    forms,
    fieldErrorStyles,
    css`
      .ok {
        color: #bbf7d0;
      }
      .lost {
        color: #fecaca;
      }
      ul {
        margin: 4px 0 10px;
        padding-left: 18px;
        color: #94a3b8;
      }
      code {
        font-size: 13px;
      }
    `,
  ];
  declare msisdn: string;
  declare line: Line | null;
  declare stock: StockItem[];
  declare loadError: string;
  declare idChecked: boolean;
  declare busy: boolean;
  declare result: string;
  declare errors: typeof noErrors;
  private readonly key = new RequestKey();

  constructor() {
    super();
    this.msisdn = '';
    this.line = null;
    this.stock = [];
    this.loadError = '';
    this.idChecked = false;
    this.busy = false;
    this.result = '';
    this.errors = noErrors;
    new I18nController(this);
  }

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('msisdn') && this.msisdn) void this.load();
  }

  private async load(): Promise<void> {
    try {
      const [line, inv] = await Promise.all([
        api.get<Line>(`/api/v1/lines/${enc(this.msisdn)}`),
        api.get<{ items: StockItem[] }>('/api/v1/inventory'),
      ]);
      this.line = line;
      this.stock = inv.items.filter((i) => i.kind === 'sim');
      this.loadError = '';
    } catch (err) {
      this.loadError = err instanceof ApiCallError ? err.message : t('act.failed');
    }
  }

  /** The API's refusal in the screen's words when it names a known code ("… (ICCID_IN_USE)"). */
  private worded(err: unknown): typeof noErrors {
    const e = formErrors(err, FIELDS);
    const code = refusalCode(err);
    const text = code ? lookup(`sim.err.${code}`) : undefined;
    if (!text) return e;
    const [name] = Object.keys(e.fields);
    return name ? { ...e, fields: { [name]: text } } : { ...e, general: text };
  }

  private async submit(ev: SubmitEvent): Promise<void> {
    ev.preventDefault();
    // taken now: after an await the event's target is null (the form is in a shadow root)
    const form = ev.target as HTMLFormElement;
    const f = new FormData(form);
    const iccid = String(f.get('iccid') ?? '').trim();
    const [region, model] = String(f.get('stock') ?? '').split('|');
    if (!confirm(t('sim.confirm', { msisdn: this.msisdn, last4: iccid.slice(-4) }))) return;
    this.busy = true;
    this.result = '';
    this.errors = noErrors;
    try {
      const r = await this.key.attempt((requestId) =>
        api.post<{ sim: Card; restored: boolean }>(`/api/v1/lines/${enc(this.msisdn)}/sim-swap`, {
          iccid,
          region,
          model,
          cause: String(f.get('cause')),
          channel: 'counter',
          requestId,
          idChecked: true,
        }),
      );
      this.idChecked = false;
      form.reset();
      // the card shown is the new one by the time the result line says so
      await this.load();
      this.result = t('sim.done', { last4: r.sim.iccid.slice(-4) }) + (r.restored ? t('sim.restored') : '');
      this.dispatchEvent(new CustomEvent('changed', { bubbles: true, composed: true }));
    } catch (err) {
      this.errors = this.worded(err);
    } finally {
      this.busy = false;
    }
  }

  private current(l: Line) {
    const c = l.sim;
    return html`<p data-testid="sim-current">
        ${
          c
            ? t('sim.current', { iccid: c.iccid, since: dateTime(c.sinceMs) })
            : html`<span class="muted">${t('sim.unknown')}</span>`
        }
      </p>
      ${l.loss ? html`<p class="lost">${t('sim.lostNote')}</p>` : null}
      ${
        l.previousSims?.length
          ? html`<div class="muted">${t('sim.previous')}</div>
              <ul>
                ${l.previousSims.map(
                  (p) =>
                    html`<li><code>${p.iccid}</code> · ${t('sim.until', { at: dateTime(p.untilMs) })}</li>`,
                )}
              </ul>`
          : null
      }`;
  }

  override render() {
    if (this.loadError) return html`<p class="error">${this.loadError}</p>`;
    const l = this.line;
    if (!l) return html`<sbss-state-panel kind="loading" .message=${t('app.loading')}></sbss-state-panel>`;
    if (l.status !== 'active') return html`<p class="muted">${t('sim.notActive')}</p>`;
    const usable = this.stock.filter((s) => s.available > 0);
    const e = this.errors;
    return html`<section aria-label=${t('act.sim')}>
      ${this.current(l)}
      <form @submit=${(ev: SubmitEvent) => void this.submit(ev)}>
        <label
          >${t('sim.cause')}
          <select name="cause">
            ${CAUSES.map(
              (c) =>
                html`<option value=${c} ?selected=${(l.loss ? 'lost' : 'damaged') === c}>
                  ${t(`sim.cause.${c}`)}
                </option>`,
            )}
          </select></label
        >
        <label
          >${t('sim.stock')}
          <select
            name="stock"
            required
            aria-invalid=${invalid(e, 'model')}
            aria-describedby=${errId('model')}
          >
            ${usable.map(
              (s) =>
                html`<option value=${`${s.region}|${s.model}`}>
                  ${t('sim.stockItem', { region: s.region, model: s.model, n: String(s.available) })}
                </option>`,
            )}
          </select>
          ${usable.length ? null : html`<span class="error">${t('sim.noStock')}</span>`}
          ${fieldError(e, 'model')}</label
        >
        <label
          >${t('sim.iccid')}
          <input
            name="iccid"
            required
            inputmode="numeric"
            autocomplete="off"
            pattern="8986[0-9]{15,16}"
            maxlength="20"
            title=${t('sim.err.ICCID_FORMAT')}
            aria-invalid=${invalid(e, 'iccid')}
            aria-describedby=${errId('iccid')}
          />
          ${fieldError(e, 'iccid')}</label
        >
        <label
          ><input
            type="checkbox"
            .checked=${this.idChecked}
            @change=${(ev: Event) => (this.idChecked = (ev.target as HTMLInputElement).checked)}
          />${t('loss.idChecked')}</label
        >
        <button type="submit" class="primary" ?disabled=${this.busy || !this.idChecked || !usable.length}>
          ${t('sim.submit')}
        </button>
        <div role="status" class="ok">${this.result}</div>
        ${generalError(e)}
      </form>
    </section>`;
  }
}
customElements.define('sbss-sim-swap', SimSwap);
