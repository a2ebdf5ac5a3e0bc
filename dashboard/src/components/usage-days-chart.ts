import { LitElement, html } from 'lit';
import type uPlot from 'uplot';
import { I18nController, t, type MsgKey } from '../i18n.ts';
import type { UsageSummary } from '../types.ts';
import { palette } from './series-chart.ts';
import './series-chart.ts';
import './state-panel.ts';

/** Usage per day by service (charge in yuan and CDR counts) as bars. */
export class UsageDaysChart extends LitElement {
  static override properties = { summary: { attribute: false }, metric: {} };
  declare summary: UsageSummary | null;
  declare metric: 'count' | 'chargeFen';

  constructor() {
    super();
    this.summary = null;
    this.metric = 'count';
    new I18nController(this);
  }

  override render() {
    const s = this.summary;
    if (!s) return html`<sbss-state-panel kind="loading" .message=${t('app.loading')}></sbss-state-panel>`;
    if (!s.days.length)
      return html`<sbss-state-panel kind="empty" .message=${t('usage.none')}></sbss-state-panel>`;
    const days = [...new Set(s.days.map((d) => d.day))].sort();
    const types = ['voice', 'sms', 'data'];
    const cols = types.map((ty) =>
      days.map((day) =>
        s.days.filter((d) => d.day === day && d.type === ty).reduce((a, d) => a + d[this.metric], 0),
      ),
    );
    const data = [days.map((d) => Date.parse(`${d}T00:00:00+08:00`) / 1000), ...cols] as uPlot.AlignedData;
    const series = types.map((ty, i) => ({
      label: t(`type.${ty}` as MsgKey),
      color: palette[i] ?? '#38bdf8',
    }));
    return html`<sbss-series-chart
      bars
      .data=${data}
      .series=${series}
      .label=${t('usage.chart')}
      .height=${200}
    ></sbss-series-chart>`;
  }
}
customElements.define('sbss-usage-days-chart', UsageDaysChart);
