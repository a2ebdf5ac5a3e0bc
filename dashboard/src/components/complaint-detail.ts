import { LitElement, css, html } from 'lit';
import { api, enc } from '../api-client.ts';
import { ActionState } from '../controllers/action-state.ts';
import { I18nController, lang, t, type MsgKey } from '../i18n.ts';
import { yuan } from '../format.ts';
import { dateTime } from '../time.ts';
import { base, forms } from '../styles.ts';
import type { Complaint } from '../types.ts';

/** GET /api/v1/noc/complaints/:id/charges */
interface DisputedCharge {
  cdrId: string;
  type: string;
  startMs: number;
  chargeFen: number;
  /** "<zh-CN sentence> | <en sentence>" */
  explanation: string;
}

const CATEGORIES = ['billing', 'network_quality', 'service_attitude', 'device', 'other'] as const;

/** The half of "<zh> | <en>" in the screen's language (the whole text when it is not such a pair). */
function sentence(text: string): string {
  const at = text.indexOf(' | ');
  if (at < 0) return text;
  return lang() === 'en' ? text.slice(at + 3) : text.slice(0, at);
}

/**
 * 投诉处理: one complaint for whoever handles it: the customer's words, its history, the charges
 * it disputes with how each was rated, the category (corrected when the keywords guessed wrong),
 * then a solution and the closing with the customer's satisfaction. Fires `changed` with the
 * updated complaint after each step.
 */
export class ComplaintDetail extends LitElement {
  static override properties = {
    complaint: { attribute: false },
    charges: { state: true },
    revealed: { state: true },
  };
  static override styles = [
    base,
    forms,
    css`
      :host {
        display: block;
        margin-top: 10px;
      }
      ol,
      ul {
        margin: 0 0 8px;
        padding-left: 18px;
      }
      .row {
        display: flex;
        gap: 8px;
        align-items: end;
        flex-wrap: wrap;
      }
    `,
  ];
  declare complaint: Complaint | null;
  /** undefined while loading, null when they could not be read. */
  declare charges: DisputedCharge[] | null | undefined;
  /** The complainant's number as the audited reveal gave it, for this complaint only. */
  declare revealed: { id: string; msisdn: string } | null;
  private readonly action = new ActionState(this);

  constructor() {
    super();
    this.complaint = null;
    this.charges = undefined;
    this.revealed = null;
    new I18nController(this);
  }

  override willUpdate(changed: Map<string, unknown>): void {
    const before = changed.get('complaint') as Complaint | null | undefined;
    if (changed.has('complaint') && this.complaint && before?.id !== this.complaint.id) {
      this.charges = undefined;
      this.revealed = null;
      void this.loadCharges(this.complaint.id);
    }
  }

  private async loadCharges(id: string): Promise<void> {
    const r = await api.get<DisputedCharge[]>(`/api/v1/noc/complaints/${enc(id)}/charges`).catch(() => null);
    if (this.complaint?.id === id) this.charges = r;
  }

  private async step(body: Record<string, unknown>): Promise<void> {
    const c = this.complaint;
    if (!c) return;
    await this.action.run(async () => {
      const next = await api.post<Complaint>(`/api/v1/noc/complaints/${enc(c.id)}/actions`, body);
      this.dispatchEvent(new CustomEvent('changed', { detail: next, bubbles: true, composed: true }));
      return t('board.saved', { id: c.id });
    });
  }

  private submit(e: SubmitEvent): void {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    const solution = String(f.get('solution') ?? '').trim();
    const action = (e.submitter as HTMLButtonElement | null)?.value ?? 'propose_solution';
    void this.step(
      action === 'close'
        ? {
            action,
            customerConfirmed: true,
            satisfaction: Number(f.get('satisfaction') ?? 5),
            ...(solution ? { note: solution } : {}),
          }
        : { action, solution },
    );
  }

  /** Staff see the number masked; calling the customer back asks for it, with a reason on record. */
  private reveal(e: SubmitEvent): void {
    e.preventDefault();
    const c = this.complaint;
    const reason = String(new FormData(e.target as HTMLFormElement).get('reason') ?? '').trim();
    if (!c) return;
    void this.action.run(async () => {
      const r = await api.post<{ id: string; msisdn: string }>(`/api/v1/noc/complaints/${enc(c.id)}/reveal`, {
        reason,
      });
      this.revealed = r;
      return t('cp.revealed', { id: c.id });
    });
  }

  private numberView(p: Complaint) {
    const whole = this.revealed?.id === p.id ? this.revealed.msisdn : null;
    const masked = !whole && p.customerMsisdn.includes('*');
    return html`<div class="row">
      <span
        >${t('cp.number')}
        ${
          whole
            ? html`<a href="tel:${whole}" data-testid="complaint-number">${whole}</a>`
            : html`<span data-testid="complaint-number">${p.customerMsisdn}</span>`
        }</span
      >
      ${
        masked
          ? html`<form class="row" @submit=${this.reveal} aria-label=${t('cp.reveal')}>
              <label
                >${t('cp.revealReason')}<input
                  name="reason"
                  required
                  minlength="5"
                  maxlength="500"
                  autocomplete="off"
              /></label>
              <button type="submit" ?disabled=${this.action.busy}>${t('cp.reveal')}</button>
            </form>`
          : null
      }
    </div>`;
  }

  private recategorise(): void {
    const category = this.renderRoot.querySelector<HTMLSelectElement>('select[name=category]')?.value;
    if (category && category !== this.complaint?.category)
      void this.step({ action: 'correct_category', category });
  }

  private chargesView() {
    const list = this.charges;
    if (list === undefined || (list && list.length === 0)) return null;
    if (list === null) return html`<p class="muted">${t('cp.chargesError')}</p>`;
    return html`<h4>${t('cp.charges', { n: String(list.length) })}</h4>
      <ul data-testid="disputed-charges">
        ${list.map(
          (x) => html`<li>${dateTime(x.startMs)} · ¥${yuan(x.chargeFen)} · ${sentence(x.explanation)}</li>`,
        )}
      </ul>`;
  }

  override render() {
    const p = this.complaint;
    if (!p) return null;
    const open = p.status !== 'closed';
    return html`<h3>${p.id} · ${t(`cstatus.${p.status}` as MsgKey)}</h3>
      ${this.numberView(p)}
      <p data-testid="complaint-text">${p.text}</p>
      ${this.chargesView()}
      <div class="row">
        <label
          >${t('col.category')}<select name="category" ?disabled=${!open}>
            ${CATEGORIES.map(
              (c) =>
                html`<option value=${c} ?selected=${c === p.category}>${t(`cat.${c}` as MsgKey)}</option>`,
            )}
          </select></label
        >
        ${open ? html`<button @click=${() => this.recategorise()}>${t('cp.recategorise')}</button>` : null}
      </div>
      <h4>${t('cp.history')}</h4>
      <ol>
        ${p.history.map(
          (h) =>
            html`<li>
              ${dateTime(h.atMs)} · ${t(`cstatus.${h.status}` as MsgKey)} ·
              ${h.by}${h.note ? ` · ${h.note}` : ''}
            </li>`,
        )}
      </ol>
      ${
        open
          ? html`<form @submit=${this.submit} aria-label=${t('board.handle', { id: p.id })}>
              <label
                >${t('board.solution')}<textarea name="solution" rows="2" maxlength="2000" required>
${p.solution ?? ''}</textarea>
              </label>
              <label
                >${t('board.satisfaction')}<select name="satisfaction">
                  ${[5, 4, 3, 2, 1].map((n) => html`<option>${n}</option>`)}
                </select></label
              >
              <div>
                <button type="submit" value="propose_solution" ?disabled=${this.action.busy}>
                  ${t('board.propose')}
                </button>
                <button type="submit" class="primary" value="close" ?disabled=${this.action.busy}>
                  ${t('board.close')}
                </button>
              </div>
            </form>`
          : null
      }
      ${this.action.lines()}`;
  }
}
customElements.define('sbss-complaint-detail', ComplaintDetail);
