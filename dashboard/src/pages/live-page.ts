import { LitElement, css, html } from 'lit';
import { LiveStreamController } from '../controllers/live-stream.ts';
import { I18nController, t } from '../i18n.ts';
import { integer } from '../format.ts';
import { base } from '../styles.ts';
import '../components/rate-chart.ts';
import '../components/cdr-table.ts';
import '../components/state-panel.ts';

/** 实时监控: CDRs/s, total, a live rate chart and the latest CDRs, pushed over socket.io. */
export class LivePage extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: grid;
        gap: 16px;
      }
      h1 {
        margin: 0;
        font-size: 22px;
      }
      .kpis {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(180px, 1fr));
        gap: 16px;
      }
      .kpi .value {
        font-size: 44px;
        font-weight: 700;
        font-variant-numeric: tabular-nums;
        color: #f8fafc;
      }
      .kpi.big .value {
        font-size: 64px;
        color: #38bdf8;
      }
      h2 {
        margin: 0 0 8px;
        font-size: 16px;
        color: #cbd5e1;
      }
      .status {
        font-size: 13px;
      }
      .dot {
        display: inline-block;
        width: 8px;
        height: 8px;
        border-radius: 50%;
        margin-right: 6px;
        background: #f59e0b;
      }
      .dot.live {
        background: #22c55e;
      }
    `,
  ];
  private readonly stream = new LiveStreamController(this);

  constructor() {
    super();
    new I18nController(this);
  }

  private banner() {
    switch (this.stream.status) {
      case 'denied':
        return html`<sbss-state-panel kind="error" .message=${t('live.denied')}></sbss-state-panel>`;
      case 'disconnected':
        return html`<sbss-state-panel kind="error" .message=${t('live.disconnected')}></sbss-state-panel>`;
      default:
        return null;
    }
  }

  override render() {
    const s = this.stream.snapshot;
    const header = html`<h1>${t('live.title')}</h1>
      <div class="status muted" aria-live="polite">
        <span class="dot ${this.stream.status}"></span>${this.stream.status === 'live' ? 'LIVE' : '…'}
      </div>`;
    if (!s)
      return html`${header}${
        this.banner() ??
        html`<sbss-state-panel kind="loading" .message=${t('live.connecting')}></sbss-state-panel>`
      }`;
    return html`${header}${this.banner()}
      <section class="kpis">
        <div class="card kpi big">
          <div class="muted">${t('live.rate')}</div>
          <div class="value" data-testid="cdrs-per-sec">${integer(s.cdrsPerSec)}</div>
        </div>
        <div class="card kpi">
          <div class="muted">${t('live.total')}</div>
          <div class="value" data-testid="total-cdrs">${integer(s.totalCdrs)}</div>
        </div>
        <div class="card kpi">
          <div class="muted">${t('live.bad')}</div>
          <div class="value" data-testid="bad-payloads">${integer(s.badPayloads)}</div>
        </div>
      </section>
      <section class="card">
        <h2>${t('live.chart')}</h2>
        <sbss-rate-chart
          .point=${[s.atMs, s.cdrsPerSec]}
          .history=${this.stream.recent}
          .label=${t('live.rate')}
        ></sbss-rate-chart>
      </section>
      <section class="card">
        <h2>${t('live.latest')}</h2>
        ${
          s.latest.length
            ? html`<sbss-cdr-table .rows=${s.latest}></sbss-cdr-table>`
            : html`<sbss-state-panel kind="empty" .message=${t('live.empty')}></sbss-state-panel>`
        }
      </section>`;
  }
}
customElements.define('sbss-live-page', LivePage);
