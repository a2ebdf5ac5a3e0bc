import { LitElement, css, html } from 'lit';
import { api, enc } from '../api-client.ts';
import { ActionState } from '../controllers/action-state.ts';
import { I18nController, localText, t, type MsgKey } from '../i18n.ts';
import { dateTime } from '../time.ts';
import { base, forms } from '../styles.ts';
import type { Complaint, Ticket } from '../types.ts';

/** What the customer opened: one of their fault reports, or one of their complaints. */
export type MyCase = { kind: 'ticket'; item: Ticket } | { kind: 'complaint'; item: Complaint };

/**
 * 进度查询 in the business hall: a fault report's steps (受理 → 派单 → 在途 → 现场 → 解决) with the
 * promised time, or a complaint's history; when a solution is proposed the customer confirms it
 * with a satisfaction score (满意度评价) or says it did not solve the problem, which sends the
 * complaint back to the agent. Fires `changed` after the customer answers.
 */
export class MyCaseView extends LitElement {
  static override properties = { case: { attribute: false } };
  static override styles = [
    base,
    forms,
    css`
      :host {
        display: block;
        margin-top: 10px;
        padding-top: 10px;
        border-top: 1px solid #334155;
      }
      ol {
        margin: 4px 0 8px;
        padding-left: 18px;
      }
      .buttons {
        display: flex;
        gap: 8px;
        flex-wrap: wrap;
      }
    `,
  ];
  declare case: MyCase | null;
  private readonly action = new ActionState(this);

  constructor() {
    super();
    this.case = null;
    new I18nController(this);
  }

  private async answer(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const c = this.case;
    if (c?.kind !== 'complaint') return;
    const f = new FormData(e.target as HTMLFormElement);
    const solved = (e.submitter as HTMLButtonElement | null)?.value !== 'no';
    const note = String(f.get('note') ?? '').trim();
    const ok = await this.action.run(async () => {
      await api.post(`/api/v1/noc/complaints/${enc(c.item.id)}/actions`, {
        action: 'close',
        customerConfirmed: solved,
        ...(solved ? { satisfaction: Number(f.get('satisfaction') ?? 5) } : {}),
        ...(note ? { note } : {}),
      });
      return t(solved ? 'case.thanks' : 'case.reopened');
    });
    if (ok) this.dispatchEvent(new CustomEvent('changed', { bubbles: true, composed: true }));
  }

  private ticket(k: Ticket) {
    return html`<h3>${k.id} · ${localText(k.name)}</h3>
      <p>${t(`status.${k.status}` as MsgKey)} · ${t('case.due', { at: dateTime(k.sla.dueAtMs) })}</p>
      <ol data-testid="case-steps">
        ${k.statusChange.map((s) => html`<li>${dateTime(s.atMs)} · ${t(`status.${s.status}` as MsgKey)}</li>`)}
      </ol>`;
  }

  private complaint(c: Complaint) {
    return html`<h3>${c.id} · ${t(`cat.${c.category}` as MsgKey)}</h3>
      <p>${c.text}</p>
      <ol data-testid="case-steps">
        ${c.history.map((h) => html`<li>${dateTime(h.atMs)} · ${t(`cstatus.${h.status}` as MsgKey)}</li>`)}
      </ol>
      ${c.solution ? html`<p data-testid="case-solution">${t('case.solution', { s: c.solution })}</p>` : null}
      ${
        c.status === 'solution_proposed'
          ? html`<form @submit=${this.answer} aria-label=${t('case.confirm')}>
              <label
                >${t('case.satisfaction')}<select name="satisfaction">
                  ${[5, 4, 3, 2, 1].map((n) => html`<option value=${n}>${t(`case.stars${n}` as MsgKey)}</option>`)}
                </select></label
              >
              <label>${t('case.note')}<input name="note" maxlength="500" /></label>
              <div class="buttons">
                <button class="primary" value="yes" ?disabled=${this.action.busy}>${t('case.solved')}</button>
                <button value="no" ?disabled=${this.action.busy}>${t('case.notSolved')}</button>
              </div>
            </form>`
          : null
      }`;
  }

  override render() {
    const c = this.case;
    if (!c) return null;
    return html`${c.kind === 'ticket' ? this.ticket(c.item) : this.complaint(c.item)} ${this.action.lines()}`;
  }
}
customElements.define('sbss-my-case', MyCaseView);
