import { css, html } from 'lit';
import { t } from '../i18n.ts';
import { dateTime } from '../time.ts';
import { base, forms } from '../styles.ts';
import { LineActionPanel } from './line-action-panel.ts';
import './state-panel.ts';

interface Loss {
  lossId: string;
  reportedAtMs: number;
  reportedBy: string;
}

/**
 * 挂失 / 解挂: the customer (in the hall, or through an agent) reports the SIM lost and the line is
 * barred at once; at the counter, once the agent has checked the owner's ID, 解挂 restores it.
 * Charging tells the customer both ways by SMS. Fires `changed`.
 */
export class LineLoss extends LineActionPanel<{ loss?: Loss; sim?: { iccid: string } }> {
  static override properties = {
    ...LineActionPanel.properties,
    loss: { state: true },
    simLast4: { state: true },
    idChecked: { state: true },
  };
  static override styles = [
    base,
    forms,
    css`
      .ok {
        color: #bbf7d0;
      }
      .lost {
        color: #fecaca;
      }
    `,
  ];
  declare loss: Loss | null;
  /** The last four digits of the card in service, when the line records it. */
  declare simLast4: string;
  declare idChecked: boolean;

  constructor() {
    super();
    this.loss = null;
    this.simLast4 = '';
    this.idChecked = false;
  }

  protected took(line: { loss?: Loss; sim?: { iccid: string } } | null): void {
    this.loss = line?.loss ?? null;
    this.simLast4 = line?.sim?.iccid.slice(-4) ?? '';
  }

  private run(path: string, body: Record<string, unknown>, done: string): void {
    // the ID is checked again for the next action; kept when this one failed
    void this.send(path, body, done).then((ok) => {
      if (ok) this.idChecked = false;
    });
  }

  private report(): void {
    if (!confirm(t('loss.confirm', { msisdn: this.msisdn }))) return;
    this.run('/loss', {}, t('loss.reported'));
  }

  private restore(): void {
    this.run('/loss/restore', { idChecked: true }, t('loss.restored'));
  }

  override render() {
    if (!this.loaded)
      return html`<sbss-state-panel kind="loading" .message=${t('app.loading')}></sbss-state-panel>`;
    const l = this.loss;
    const counter = this.channel === 'counter';
    return html`<section aria-label=${t('act.loss')}>
      ${this.simLast4 ? html`<p class="muted">${t('loss.card', { last4: this.simLast4 })}</p>` : null}
      ${
        l
          ? html`<p class="lost" data-testid="loss-state">
                ${t('loss.state', { at: dateTime(l.reportedAtMs), by: l.reportedBy })}
              </p>
              ${
                counter
                  ? html`<label
                        ><input
                          type="checkbox"
                          .checked=${this.idChecked}
                          @change=${(e: Event) => (this.idChecked = (e.target as HTMLInputElement).checked)}
                        />${t('loss.idChecked')}</label
                      >
                      <button
                        type="button"
                        class="primary"
                        ?disabled=${this.action.busy || !this.idChecked}
                        @click=${() => this.restore()}
                      >
                        ${t('loss.restore')}
                      </button>`
                  : html`<p class="muted">${t('loss.restoreAtCounter')}</p>`
              }`
          : html`<p class="muted">${t('loss.rule')}</p>
              <button
                type="button"
                class="primary"
                ?disabled=${this.action.busy}
                @click=${() => this.report()}
              >
                ${t('loss.report')}
              </button>`
      }
      ${this.action.lines()}
    </section>`;
  }
}
customElements.define('sbss-line-loss', LineLoss);
