import { LitElement, css, html, unsafeCSS, type PropertyValues } from 'lit';
import uPlot from 'uplot';
import uplotCss from 'uplot/dist/uPlot.min.css?inline';
import { chartDate, timeAxisValues } from '../time.ts';

/** The chart shows the last two minutes, whatever the push rate. */
const WINDOW_SEC = 120;

/**
 * A live line chart of one series over the last two minutes. The x axis always spans the two
 * minutes up to the newest point, so a page opened a moment ago fills from the right instead of
 * stretching its first seconds across the chart. The uPlot instance is created once; each new
 * point goes in through `setData`, never by recreating the chart.
 */
export class RateChart extends LitElement {
  static override properties = { point: { attribute: false }, history: { attribute: false }, label: {} };
  static override styles = [
    unsafeCSS(uplotCss),
    css`
      :host {
        display: block;
        min-height: 220px;
      }
      .u-legend {
        color: #cbd5e1;
      }
    `,
  ];
  /** The newest point: [epoch ms, value]. */
  declare point: [number, number] | null;
  /** Earlier points ([epoch ms, value], oldest first) to start from: the minutes before the page opened. */
  declare history: [number, number][];
  declare label: string;
  private plot: uPlot | null = null;
  private readonly xs: number[] = [];
  private readonly ys: number[] = [];
  private resize: ResizeObserver | null = null;

  constructor() {
    super();
    this.point = null;
    this.history = [];
    this.label = '';
  }

  override render() {
    return html`<div id="plot" role="img" aria-label=${this.label}></div>`;
  }

  override firstUpdated(): void {
    const el = this.renderRoot.querySelector<HTMLElement>('#plot');
    if (!el) return;
    const opts: uPlot.Options = {
      width: Math.max(300, this.clientWidth),
      height: 220,
      legend: { show: false },
      tzDate: chartDate,
      cursor: { show: false },
      scales: {
        x: { time: true, range: (_u, _min, max) => [max - WINDOW_SEC, max] },
        y: { range: (_u, _min, max) => [0, Math.max(10, max * 1.2)] },
      },
      axes: [
        { stroke: '#94a3b8', grid: { stroke: '#1e293b' }, values: timeAxisValues },
        { stroke: '#94a3b8', grid: { stroke: '#1e293b' }, size: 60 },
      ],
      series: [{}, { label: this.label, stroke: '#38bdf8', width: 2, fill: 'rgba(56,189,248,0.15)' }],
    };
    this.plot = new uPlot(opts, [this.xs, this.ys], el);
    this.resize = new ResizeObserver(() =>
      this.plot?.setSize({ width: Math.max(300, this.clientWidth), height: 220 }),
    );
    this.resize.observe(this);
  }

  override updated(changed: PropertyValues<this>): void {
    if (!this.plot) return;
    let added = false;
    // history first: it is older than the point that came with it
    if (changed.has('history')) for (const p of this.history) added = this.add(p) || added;
    if (changed.has('point') && this.point) added = this.add(this.point) || added;
    if (!added) return;
    // Points older than the window go (the server pushes a few times a second: ~600 points).
    const newest = this.xs[this.xs.length - 1] ?? 0;
    let old = 0;
    while (old < this.xs.length && (this.xs[old] ?? 0) < newest - WINDOW_SEC) old++;
    if (old) {
      this.xs.splice(0, old);
      this.ys.splice(0, old);
    }
    this.plot.setData([this.xs, this.ys]);
  }

  /** Appends a point newer than the newest one; false for one that is not. */
  private add([ms, v]: [number, number]): boolean {
    const x = ms / 1000;
    if (this.xs.length && x <= (this.xs[this.xs.length - 1] ?? 0)) return false;
    this.xs.push(x);
    this.ys.push(v);
    return true;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resize?.disconnect();
    this.plot?.destroy();
    this.plot = null;
  }
}
customElements.define('sbss-rate-chart', RateChart);
