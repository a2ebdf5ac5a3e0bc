import { LitElement, css, html } from 'lit';
import { api, enc, RequestKey } from '../api-client.ts';
import { ActionState } from '../controllers/action-state.ts';
import { awaitOutcome, pendingText, refusalText } from '../charging-outcome.ts';
import { yuan } from '../format.ts';
import { I18nController, lang, t } from '../i18n.ts';
import { planFactCells, planHeadCells } from '../plan-cells.ts';
import { date } from '../time.ts';
import { base, forms } from '../styles.ts';
import './state-panel.ts';

type Named = { 'zh-CN': string; en: string };

/** One plan as `GET /lines/:msisdn/plan-change` offers it. */
interface Choice {
  planId: string;
  name: Named;
  monthlyFeeFen: number;
  voiceSec: number;
  dataBytes: number;
  smsCount: number;
  role: 'current' | 'pending' | 'option';
  action: 'change' | 'withdraw' | null;
  /** A prepaid line moving to this postpaid plan (预转后). */
  conversion?: boolean;
  /** 后转预: a postpaid line to a prepaid plan. */
  toPrepaid?: boolean;
  refusal: { code: string; text: Named } | null;
}

interface Review {
  planId: string;
  pending: { planId: string; effectiveFromMs: number | null } | null;
  effectiveFromMs: number | null;
  chargingKnowsLine: boolean;
  choices: Choice[];
}

const local = (n: Named) => (lang() === 'en' ? n.en : n['zh-CN']);
/** "2026-12-01 起" / "from the next renewal" */
const when = (ms: number | null) => (ms ? t('pc.from', { date: date(ms) }) : t('pc.atRenewal'));

/**
 * 套餐变更 at the counter or in the business hall: the line's plan and a change waiting, every
 * plan side by side (fee and allowances) with why a plan cannot be chosen, and the change from
 * the next period, confirmed once, or the withdrawal of the one waiting. Fires `changed`.
 */
export class PlanChange extends LitElement {
  static override properties = {
    msisdn: {},
    channel: {},
    review: { state: true },
    loadError: { state: true },
    chosen: { state: true },
  };
  static override styles = [
    base,
    forms,
    css`
      form {
        max-width: 760px;
      }
      .scroll {
        overflow-x: auto;
      }
      td label {
        white-space: nowrap;
      }
      .inline-note {
        display: none;
        font-size: 12px;
      }
      /* on a phone the reason goes under the plan's name, not in a column off the screen */
      @media (max-width: 600px) {
        .inline-note {
          display: block;
          white-space: normal;
          max-width: 14em;
        }
        th:last-child,
        td.note {
          display: none;
        }
      }
      table {
        width: 100%;
        border-collapse: collapse;
        margin: 8px 0;
      }
      th,
      td {
        text-align: left;
        padding: 4px 6px;
        border-bottom: 1px solid #334155;
      }
      tr.current td {
        background: #0c4a6e44;
      }
      .row {
        display: flex;
        gap: 8px;
        flex-wrap: wrap;
        align-items: center;
        margin: 8px 0;
      }
      .ok {
        color: #bbf7d0;
      }
    `,
  ];
  declare msisdn: string;
  declare channel: 'counter' | 'web';
  declare review: Review | null;
  declare loadError: string;
  declare chosen: string;
  private readonly action = new ActionState(this);
  private readonly key = new RequestKey();

  constructor() {
    super();
    this.msisdn = '';
    this.channel = 'counter';
    this.review = null;
    this.loadError = '';
    this.chosen = '';
    new I18nController(this);
  }

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('msisdn') && this.msisdn) void this.load();
  }

  private async load(): Promise<void> {
    this.loadError = '';
    try {
      this.review = await api.get<Review>(`/api/v1/lines/${enc(this.msisdn)}/plan-change`);
      if (!this.review.choices.some((c) => c.planId === this.chosen && c.action === 'change'))
        this.chosen = '';
    } catch (err) {
      this.review = null;
      this.loadError = err instanceof Error ? err.message : String(err);
    }
  }

  private nameOf(planId: string): string {
    const c = this.review?.choices.find((x) => x.planId === planId);
    return c ? local(c.name) : planId;
  }

  /** Sends a change (or a withdrawal: the current plan), then reads the line again. */
  private send(planId: string, reason: string, done: () => string, form?: HTMLFormElement): void {
    void this.action.run(
      async () => {
        const r = await this.key.attempt((requestId) =>
          api.post<{ planChange: { changeId: string } }>(`/api/v1/lines/${enc(this.msisdn)}/plan-change`, {
            planId,
            channel: this.channel,
            requestId,
            ...(reason ? { reason } : {}),
          }),
        );
        form?.reset();
        this.chosen = '';
        this.action.progress(t('outcome.waiting'));
        // accepted against charging's state of a moment ago: charging has the last word
        try {
          const o = await awaitOutcome(this.msisdn, 'plan-change', r.planChange.changeId);
          return o.state === 'pending' ? pendingText(this.channel === 'web') : done();
        } finally {
          await this.load();
          this.dispatchEvent(new CustomEvent('changed', { bubbles: true, composed: true }));
        }
      },
      refusalText(this.channel === 'web'),
    );
  }

  private submit(e: SubmitEvent): void {
    e.preventDefault();
    const r = this.review;
    if (!r) return;
    if (!this.chosen) {
      this.action.fail(t('pc.choose'));
      return;
    }
    const plan = this.nameOf(this.chosen);
    const choice = r.choices.find((c) => c.planId === this.chosen);
    const conversion = choice?.conversion === true;
    // an expired prepaid line converting to postpaid has no renewal to wait for: it starts now
    const starts = when(r.effectiveFromMs ?? (conversion ? Date.now() : null));
    const asked =
      t('pc.confirm', { plan, when: starts }) +
      (conversion ? `\n${t('pc.conversionConfirm')}` : '') +
      (choice?.toPrepaid ? `\n${t('pc.toPrepaidConfirm')}` : '');
    if (!confirm(asked)) return;
    const form = e.target as HTMLFormElement;
    const reason = String(new FormData(form).get('reason') ?? '').trim();
    this.send(
      this.chosen,
      reason,
      () => t(this.channel === 'counter' ? 'pc.done' : 'pc.doneSelf', { plan, when: starts }),
      form,
    );
  }

  private withdraw(current: Choice): void {
    this.send(current.planId, '', () => t('pc.withdrawn', { plan: local(current.name) }));
  }

  private compare(r: Review) {
    const from = r.choices.find((c) => c.role === 'current');
    const to = r.choices.find((c) => c.planId === this.chosen);
    if (!from || !to) return null;
    const d = to.monthlyFeeFen - from.monthlyFeeFen;
    return html`<p data-testid="plan-compare">
      ${t('pc.compare', {
        from: yuan(from.monthlyFeeFen),
        to: yuan(to.monthlyFeeFen),
        diff: `${d >= 0 ? '+' : '−'}¥${yuan(Math.abs(d))}`,
      })}
    </p>`;
  }

  private note(c: Choice) {
    if (c.role === 'current') return t('pc.isCurrent');
    if (c.role === 'pending') return t('pc.isPending');
    if (c.refusal) return local(c.refusal.text);
    return c.conversion ? t('pc.conversion') : c.toPrepaid ? t('pc.toPrepaid') : '';
  }

  override render() {
    const r = this.review;
    if (this.loadError) return html`<p class="error" role="alert">${this.loadError}</p>`;
    if (!r) return html`<sbss-state-panel kind="loading" .message=${t('app.loading')}></sbss-state-panel>`;
    const current = r.choices.find((c) => c.role === 'current');
    const canChange = r.choices.some((c) => c.action === 'change');
    return html`<section aria-label=${t('act.plan')}>
      <p data-testid="plan-current">
        ${t('pc.current', { plan: this.nameOf(r.planId) })}
        ${
          r.pending
            ? html`<br /><strong data-testid="plan-pending"
                  >${t('pc.pending', {
                    plan: this.nameOf(r.pending.planId),
                    when: when(r.pending.effectiveFromMs),
                  })}</strong
                >
                ${
                  current?.action === 'withdraw'
                    ? html`<button
                        type="button"
                        ?disabled=${this.action.busy}
                        @click=${() => this.withdraw(current)}
                      >
                        ${t('pc.withdraw')}
                      </button>`
                    : null
                }`
            : null
        }
      </p>
      ${r.chargingKnowsLine ? null : html`<p class="error">${t('pc.unknownLine')}</p>`}
      <p class="muted">${t('pc.rule', { when: when(r.effectiveFromMs) })}</p>
      <form @submit=${this.submit} aria-label=${t('act.plan')}>
        <div class="scroll">
          <table data-testid="plan-choices">
            <thead>
              <tr>
                ${planHeadCells(t('pc.state'))}
              </tr>
            </thead>
            <tbody>
              ${r.choices.map(
                (c) =>
                  html`<tr class=${c.role} data-plan=${c.planId}>
                    <td>
                      <label
                        ><input
                          type="radio"
                          name="planId"
                          value=${c.planId}
                          ?disabled=${c.action !== 'change'}
                          .checked=${c.planId === this.chosen}
                          @change=${() => (this.chosen = c.planId)}
                        />${local(c.name)}</label
                      >
                      <div class="muted inline-note">${this.note(c)}</div>
                    </td>
                    ${planFactCells(c)}
                    <td class="muted note">${this.note(c)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>
        </div>
        ${this.compare(r)}
        ${
          this.channel === 'counter'
            ? html`<label>${t('act.reason')}<input name="reason" maxlength="200" /></label>`
            : null
        }
        <button type="submit" class="primary" ?disabled=${this.action.busy || !canChange}>
          ${t('pc.submit')}
        </button>
      </form>
      ${this.action.lines()}
    </section>`;
  }
}
customElements.define('sbss-plan-change', PlanChange);
