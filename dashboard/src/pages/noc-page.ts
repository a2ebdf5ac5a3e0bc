import { LitElement, css, html } from 'lit';
import { LiveStreamController } from '../controllers/live-stream.ts';
import { NocDataController } from '../controllers/noc-data.ts';
import { I18nController, t, type MsgKey } from '../i18n.ts';
import { bytes, integer, yuan } from '../format.ts';
import { clockTime } from '../time.ts';
import type { ChartId } from '../controllers/noc-charts.ts';
import { revenueAtRisk, type RiskRow } from '../noc-pivot.ts';
import { base } from '../styles.ts';
import type { Column } from '../components/data-table.ts';
import { palette, type ZoomRange } from '../components/series-chart.ts';
import '../components/rate-chart.ts';
import '../components/series-chart.ts';
import '../components/data-table.ts';
import '../components/alarm-tree.ts';
import '../components/ticket-grid.ts';
import '../components/technician-roster.ts';
import '../components/state-panel.ts';

/**
 * 网管监控 NOC live: live CDRs/s (socket push), a day of history by service and region (the last
 * hour per minute, the rest per 5 minutes; zooming in fetches the range per minute), pipeline
 * health, alarms, tickets, technicians, revenue at risk and reconciliation.
 * `#/noc/kiosk` hides the navigation for a wall screen.
 */
export class NocPage extends LitElement {
  static override properties = { kiosk: { type: Boolean, reflect: true }, role: {} };
  static override styles = [
    base,
    css`
      :host {
        display: grid;
        gap: 14px;
      }
      :host([kiosk]) {
        font-size: 17px;
      }
      .head {
        display: flex;
        align-items: center;
        gap: 12px;
        flex-wrap: wrap;
      }
      h1 {
        margin: 0;
        font-size: 22px;
        flex: 1;
      }
      h2 {
        margin: 0 0 8px;
        font-size: 16px;
        color: #cbd5e1;
      }
      .kpis {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(170px, 1fr));
        gap: 12px;
      }
      .kpi .value {
        /* "342.0 MB/s" on one line in a sixth of a 1280 px screen, full size on a wall screen */
        font-size: clamp(18px, 1.9vw, 34px);
        white-space: nowrap;
        overflow: hidden;
        text-overflow: ellipsis;
        font-weight: 700;
        font-variant-numeric: tabular-nums;
        color: #f8fafc;
      }
      .kpi.ok .value {
        color: #86efac;
      }
      .kpi.bad .value {
        color: #fca5a5;
      }
      .grid2 {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(420px, 1fr));
        gap: 14px;
      }
      a.btn {
        color: #e2e8f0;
        border: 1px solid #475569;
        border-radius: 6px;
        padding: 6px 12px;
        text-decoration: none;
      }
      .hint {
        font-size: 13px;
      }
    `,
  ];
  declare kiosk: boolean;
  /** The signed-in role: supervisors and admins manage technicians' duty. */
  declare role: string;
  private readonly stream = new LiveStreamController(this);
  private readonly data = new NocDataController(this);
  private risk: { key: string; rows: RiskRow[] } = { key: '', rows: [] };
  /** One listener per chart, bound once (a new function per render would be rebound each push). */
  private readonly onZoom: Record<ChartId, (e: CustomEvent<ZoomRange | null>) => void> = {
    service: (e) => void this.data.charts.zoom('service', e.detail),
    revenue: (e) => void this.data.charts.zoom('revenue', e.detail),
    volume: (e) => void this.data.charts.zoom('volume', e.detail),
  };

  constructor() {
    super();
    this.kiosk = false;
    this.role = '';
    new I18nController(this);
  }

  private chart(title: string, id: ChartId, by: 'type' | 'region', testid: string) {
    const c = this.data.charts;
    const store = c.charts[id];
    // each chart draws as soon as its own first answer is in
    if (!store.version && c.state !== 'error')
      return html`<sbss-state-panel kind="loading" .message=${t('app.loading')}></sbss-state-panel>`;
    if (!store.version)
      return html`<sbss-state-panel kind="error" .message=${t('noc.historyError')}></sbss-state-panel>`;
    const p = store.view();
    if (!p.keys.length)
      return html`<sbss-state-panel kind="empty" .message=${t('noc.noHistory')}></sbss-state-panel>`;
    const series = p.keys.map((k, i) => ({
      label: by === 'type' ? t(`type.${k}` as MsgKey) : k,
      color: palette[i % palette.length] ?? '#38bdf8',
    }));
    return html`<sbss-series-chart
      data-testid=${testid}
      .data=${p.data}
      .series=${series}
      .label=${title}
      @sbss-zoom=${this.onZoom[id]}
    ></sbss-series-chart>`;
  }

  private kpi(label: string, value: string, testid: string, cls = '') {
    return html`<div class="card kpi ${cls}">
      <div class="muted">${label}</div>
      <div class="value" data-testid=${testid}>${value}</div>
    </div>`;
  }

  private riskColumns(): Column<RiskRow>[] {
    return [
      { key: 'region', label: t('col.region'), value: (r) => r.region },
      { key: 'alarms', label: t('noc.alarms'), num: true, value: (r) => r.alarms },
      {
        key: 'drop',
        label: t('col.drop'),
        num: true,
        value: (r) => r.dropPct,
        render: (r) => `${r.dropPct}%`,
      },
      {
        key: 'risk',
        label: t('col.atRisk'),
        num: true,
        value: (r) => r.atRiskFenPerHour,
        render: (r) => yuan(r.atRiskFenPerHour),
      },
    ];
  }

  /** Revenue at risk, computed again only when the history or the alarms changed (not per push). */
  private riskRows(): RiskRow[] {
    const d = this.data;
    if (!d.alarms) return [];
    const key = `${d.history.version}|${d.alarmsVersion}`;
    if (this.risk.key === key) return this.risk.rows;
    const revByRegion = new Map<string, number>();
    const rp = d.history.pivot('chargeFen', 'region');
    rp.keys.forEach((k, i) => {
      const col = rp.data[i + 1] as (number | null)[];
      revByRegion.set(k, (col[col.length - 2] ?? 0) * 60);
    });
    this.risk = { key, rows: revenueAtRisk(d.history, d.alarms, revByRegion) };
    return this.risk.rows;
  }

  override render() {
    const s = this.stream.snapshot;
    const d = this.data;
    const last = d.history.lastMinute();
    const maxLag = Math.max(0, ...(d.pipeline?.consumers.map((c) => c.lag) ?? [0]));
    const risk = this.riskRows();
    const recon = d.recon;
    const errors = d.charts.error ? new Set([...d.errors, 'history']) : d.errors;
    return html`<div class="head">
        <h1>${t('noc.title')}</h1>
        <span class="muted" aria-live="polite">${this.stream.status === 'live' ? '● LIVE' : '…'}</span>
        ${
          this.kiosk
            ? html`<a class="btn" href="#/noc">${t('noc.exitKiosk')}</a>`
            : html`<a class="btn" href="#/noc/kiosk">${t('noc.kiosk')}</a>`
        }
      </div>
      ${errors.size ? html`<sbss-state-panel kind="error" .message=${t('noc.partial', { what: [...errors].join(', ') })}></sbss-state-panel>` : null}
      <section class="kpis" aria-label=${t('noc.kpis')}>
        ${this.kpi(t('live.rate'), s ? integer(s.cdrsPerSec) : '…', 'cdrs-per-sec')}
        ${this.kpi(t('noc.revenue'), `¥${yuan(Math.round(last.chargeFen))}`, 'revenue-per-sec')}
        ${this.kpi(t('noc.volume'), `${bytes(Math.round(last.bytes))}/s`, 'bytes-per-sec')}
        ${this.kpi(t('noc.lag'), d.pipeline ? integer(maxLag) : '…', 'max-lag', maxLag > 10_000 ? 'bad' : '')}
        ${this.kpi(t('noc.dlq'), d.pipeline ? integer(d.pipeline.deadLetters.total) : '…', 'dlq-total', d.pipeline?.deadLetters.total ? 'bad' : '')}
        ${this.kpi(
          t('noc.recon'),
          recon
            ? recon.debitsMatchCharges && !recon.ledgerDrift.length
              ? t('noc.reconOk')
              : t('noc.reconDrift')
            : '…',
          'recon',
          recon ? (recon.debitsMatchCharges && !recon.ledgerDrift.length ? 'ok' : 'bad') : '',
        )}
      </section>
      <section class="grid2">
        <div class="card">
          <h2>${t('live.chart')}</h2>
          <sbss-rate-chart
            .point=${s ? [s.atMs, s.cdrsPerSec] : null}
            .history=${this.stream.recent}
            .label=${t('live.rate')}
          ></sbss-rate-chart>
        </div>
        <div class="card">
          <h2>${t('noc.cdrsByService')}</h2>
          ${this.chart(t('noc.cdrsByService'), 'service', 'type', 'chart-service')}
          <div class="muted hint">${t('noc.zoomHint')}</div>
        </div>
        <div class="card">
          <h2>${t('noc.revenueByRegion')}</h2>
          ${this.chart(t('noc.revenueByRegion'), 'revenue', 'region', 'chart-revenue')}
        </div>
        <div class="card">
          <h2>${t('noc.volumeByRegion')}</h2>
          ${this.chart(t('noc.volumeByRegion'), 'volume', 'region', 'chart-volume')}
        </div>
      </section>
      <section class="grid2">
        <div class="card">
          <h2>${t('noc.alarms')}</h2>
          <sbss-alarm-tree .alarms=${d.alarms}></sbss-alarm-tree>
        </div>
        <div class="card">
          <h2>${t('noc.tickets')}</h2>
          <sbss-ticket-grid .tickets=${d.tickets}></sbss-ticket-grid>
        </div>
        <div class="card">
          <h2>${t('noc.technicians')}</h2>
          ${
            d.technicians
              ? html`<sbss-technician-roster
                  .technicians=${d.technicians}
                  .role=${this.role}
                ></sbss-technician-roster>`
              : html`<sbss-state-panel kind="loading" .message=${t('app.loading')}></sbss-state-panel>`
          }
        </div>
        <div class="card">
          <h2>${t('noc.risk')}</h2>
          ${
            risk.length
              ? html`<sbss-data-table
                  .rows=${risk}
                  .columns=${this.riskColumns()}
                  filename="revenue-at-risk.csv"
                ></sbss-data-table>`
              : html`<sbss-state-panel kind="empty" .message=${t('noc.noRisk')}></sbss-state-panel>`
          }
        </div>
        <div class="card">
          <h2>${t('noc.pipeline')}</h2>
          ${
            d.pipeline
              ? html`<sbss-data-table
                  .rows=${d.pipeline.consumers}
                  .columns=${[
                    { key: 's', label: t('col.stream'), value: (r: { stream: string }) => r.stream },
                    { key: 'c', label: t('col.consumer'), value: (r: { consumer: string }) => r.consumer },
                    { key: 'l', label: t('col.lag'), num: true, value: (r: { lag: number }) => r.lag },
                  ]}
                  page-size="8"
                  filename="consumer-lag.csv"
                ></sbss-data-table>`
              : html`<sbss-state-panel kind="loading" .message=${t('app.loading')}></sbss-state-panel>`
          }
        </div>
        <div class="card">
          <h2>${t('noc.recon')}</h2>
          ${
            recon
              ? html`<p>
                  ${t('noc.reconText', {
                    debits: yuan(recon.sumDebitsFen),
                    charges: yuan(recon.sumChargesFen),
                    n: String(recon.subscribersChecked),
                    at: clockTime(recon.atMs),
                  })}
                </p>`
              : html`<sbss-state-panel kind="loading" .message=${t('app.loading')}></sbss-state-panel>`
          }
        </div>
      </section>`;
  }
}
customElements.define('sbss-noc-page', NocPage);
