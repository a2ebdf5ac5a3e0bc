import { LitElement, css, html } from 'lit';
import { api, enc } from '../api-client.ts';
import { I18nController, t } from '../i18n.ts';
import { base, forms, pickList } from '../styles.ts';
import type { Customer } from '../types.ts';
import '../components/customer-360.ts';
import '../components/identity-queue.ts';
import '../components/state-panel.ts';

/** What a query looks like: an ID number, a phone number, a customer id or a name. */
export function classify(q: string): { path: string } | null {
  const s = q.trim();
  if (!s) return null;
  if (/^\d{17}[\dXx]$/.test(s)) return { path: `/api/v1/customers?idNumber=${enc(s.toUpperCase())}` };
  if (/^1\d{10}$/.test(s)) return { path: `/api/v1/customers?phone=${enc('+86' + s)}` };
  if (/^\+\d{6,15}$/.test(s)) return { path: `/api/v1/customers?phone=${enc(s)}` };
  if (/^cus[-_]/i.test(s)) return { path: `/api/v1/customers/${enc(s)}` };
  if (/^\d+$/.test(s)) return null; // a number still being typed
  return { path: `/api/v1/customers?name=${enc(s)}` };
}

/** 客户360: search as you type (phone, name, ID number, customer id), then the 360 view. */
export class CarePage extends LitElement {
  static override properties = {
    results: { state: true },
    selected: { state: true },
    searching: { state: true },
    phone: { state: true },
    failed: { state: true },
    role: {},
    username: {},
    queueRefresh: { state: true },
  };
  static override styles = [
    base,
    forms,
    pickList,
    css`
      :host {
        display: grid;
        gap: 14px;
      }
      h1 {
        margin: 0;
        font-size: 22px;
      }
      form {
        max-width: none;
      }
    `,
  ];
  declare results: Customer[] | null;
  declare selected: string;
  declare searching: boolean;
  declare failed: boolean;
  declare phone: string;
  /** The signed-in user's role and name: supervisors see the ID-change queue and decide. */
  declare role: string;
  declare username: string;
  declare queueRefresh: number;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private seq = 0;
  /** Milliseconds from the last keystroke's search start to its results on screen. */
  lastSearchMs = 0;

  constructor() {
    super();
    this.results = null;
    this.selected = '';
    this.searching = false;
    this.failed = false;
    this.phone = '';
    this.role = '';
    this.username = '';
    this.queueRefresh = 0;
    new I18nController(this);
  }

  private onInput(e: InputEvent): void {
    const q = (e.target as HTMLInputElement).value;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.search(q), 120);
  }

  async search(q: string): Promise<void> {
    const c = classify(q);
    const mine = ++this.seq;
    if (!c) {
      this.results = null;
      return;
    }
    const digits = q.trim();
    this.phone = /^1\d{10}$/.test(digits) ? `+86${digits}` : /^\+\d{6,15}$/.test(digits) ? digits : '';
    const t0 = performance.now();
    this.searching = true;
    try {
      const r = await api.get<{ customers: Customer[] } | Customer>(c.path);
      if (mine !== this.seq) return;
      this.results = 'customers' in r ? r.customers : [r];
      this.failed = false;
    } catch {
      if (mine !== this.seq) return;
      this.results = [];
      this.failed = !/^cus[-_]/i.test(q.trim());
    } finally {
      if (mine === this.seq) this.searching = false;
    }
    await this.updateComplete;
    this.lastSearchMs = performance.now() - t0;
    performance.mark('care-search-done');
  }

  override render() {
    return html`<h1>${t('care.title')}</h1>
      <form role="search" @submit=${(e: Event) => e.preventDefault()}>
        <label
          >${t('care.search')}
          <input
            name="q"
            type="search"
            autocomplete="off"
            maxlength="64"
            placeholder=${t('care.searchHint')}
            @input=${this.onInput}
          />
        </label>
      </form>
      <div aria-live="polite">
        ${
          this.searching
            ? html`<sbss-state-panel kind="loading" .message=${t('care.searching')}></sbss-state-panel>`
            : this.failed
              ? html`<sbss-state-panel kind="error" .message=${t('care.searchError')}></sbss-state-panel>`
              : this.results === null
                ? null
                : this.results.length
                  ? html`<ul class="pick" aria-label=${t('care.results')} data-testid="results">
                      ${this.results.map(
                        (c) =>
                          html`<li>
                            <button @click=${() => (this.selected = c.customerId)}>
                              <strong>${c.name}</strong> · ${c.mobile} · ${c.idNumber} ·
                              <span class="muted">${c.customerId}</span>
                            </button>
                          </li>`,
                      )}
                    </ul>`
                  : html`<sbss-state-panel kind="empty" .message=${t('care.noResults')}></sbss-state-panel>`
        }
      </div>
      ${
        this.role === 'supervisor' || this.role === 'admin'
          ? html`<section class="card">
              <sbss-identity-queue
                .refresh=${this.queueRefresh}
                @open-customer=${(e: CustomEvent<string>) => {
                  // found by the queue, not by a number: the 360 names the line after a reveal
                  this.phone = '';
                  this.selected = e.detail;
                }}
              ></sbss-identity-queue>
            </section>`
          : null
      }
      ${
        this.selected
          ? html`<sbss-customer-360
              customer-id=${this.selected}
              .line=${this.phone}
              .role=${this.role}
              .username=${this.username}
              @changed=${() => this.queueRefresh++}
            ></sbss-customer-360>`
          : null
      }`;
  }
}
customElements.define('sbss-care-page', CarePage);
