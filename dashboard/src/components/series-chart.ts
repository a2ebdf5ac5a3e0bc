import { LitElement, css, html, unsafeCSS, type PropertyValues } from 'lit';
import uPlot from 'uplot';
import uplotCss from 'uplot/dist/uPlot.min.css?inline';
import { barRange, barValueRange, lineRange } from './time-range.ts';
import { chartDate, timeAxisValues } from '../time.ts';
import { dayAxis, groupedBars } from './grouped-bars.ts';

export interface SeriesDef {
  label: string;
  color: string;
}

/** The x range a drag selected, in epoch seconds: detail of `sbss-zoom` (null when reset). */
export interface ZoomRange {
  fromSec: number;
  toSec: number;
}

/** 1234567 → "1.2M": short axis labels. */
export function compact(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e9) return `${+(v / 1e9).toFixed(1)}G`;
  if (a >= 1e6) return `${+(v / 1e6).toFixed(1)}M`;
  if (a >= 1e3) return `${+(v / 1e3).toFixed(1)}k`;
  return String(+v.toFixed(2));
}

export const palette = [
  '#38bdf8',
  '#f472b6',
  '#facc15',
  '#4ade80',
  '#a78bfa',
  '#fb923c',
  '#2dd4bf',
  '#f87171',
];

/**
 * A multi-series time chart (x in seconds). Created once per series layout; new data goes in
 * through `setData`. Drag to zoom on x, double-click to reset; while zoomed, live data keeps the
 * zoomed window instead of snapping back. Each zoom fires `sbss-zoom` with the range (null on
 * reset), so the owner can fetch finer data for it.
 */
export class SeriesChart extends LitElement {
  static override properties = {
    data: { attribute: false },
    series: { attribute: false },
    label: {},
    height: { type: Number },
    bars: { type: Boolean },
  };
  static override styles = [
    unsafeCSS(uplotCss),
    css`
      :host {
        display: block;
      }
      .u-legend {
        color: #cbd5e1;
        font-size: 13px;
      }
      .u-select {
        background: rgba(56, 189, 248, 0.2);
      }
    `,
  ];
  declare data: uPlot.AlignedData;
  declare series: SeriesDef[];
  declare label: string;
  declare height: number;
  declare bars: boolean;
  private plot: uPlot | null = null;
  private layout = '';
  private zoomed = false;
  private resize: ResizeObserver | null = null;
  /** Milliseconds the last full draw took (for the benchmark). */
  lastDrawMs = 0;

  constructor() {
    super();
    this.data = [[]];
    this.series = [];
    this.label = '';
    this.height = 220;
    this.bars = false;
  }

  override render() {
    return html`<div id="plot" role="img" aria-label=${this.label}></div>`;
  }

  private create(el: HTMLElement): void {
    this.plot?.destroy();
    const bars = this.bars;
    const opts: uPlot.Options = {
      width: Math.max(280, this.clientWidth),
      height: this.height,
      cursor: { drag: { x: true, y: false, setScale: true } },
      scales: {
        x: { time: true, range: bars ? barRange : lineRange },
        ...(bars ? { y: { range: barValueRange } } : {}),
      },
      legend: { show: true, live: false },
      tzDate: chartDate,
      axes: [
        {
          stroke: '#94a3b8',
          grid: { stroke: '#1e293b' },
          ...(bars ? dayAxis : { values: timeAxisValues }),
        },
        { stroke: '#94a3b8', grid: { stroke: '#1e293b' }, size: 64, values: (_u, vals) => vals.map(compact) },
      ],
      series: [
        {},
        ...this.series.map((s, i) => ({
          label: s.label,
          stroke: s.color,
          width: 2,
          ...(bars ? { paths: groupedBars(i, this.series.length), fill: s.color } : {}),
          // A line needs two points: a series with one in view shows it as a dot (a chart's first minute).
          points: { show: bars ? false : (_u: uPlot, _si: number, i0: number, i1: number) => i1 - i0 < 1 },
        })),
      ],
      hooks: {
        setSelect: [
          (u) => {
            if (u.select.width <= 0) return;
            this.zoomed = true;
            const fromSec = u.posToVal(u.select.left, 'x');
            const toSec = u.posToVal(u.select.left + u.select.width, 'x');
            this.dispatchEvent(
              new CustomEvent<ZoomRange | null>('sbss-zoom', { detail: { fromSec, toSec } }),
            );
          },
        ],
        ready: [
          (u) =>
            u.over.addEventListener('dblclick', () => {
              this.zoomed = false;
              this.dispatchEvent(new CustomEvent<ZoomRange | null>('sbss-zoom', { detail: null }));
            }),
        ],
      },
    };
    this.plot = new uPlot(opts, this.data, el);
    this.layout = this.series.map((s) => s.label).join('|');
  }

  override firstUpdated(): void {
    this.resize = new ResizeObserver(() =>
      this.plot?.setSize({ width: Math.max(280, this.clientWidth), height: this.height }),
    );
    this.resize.observe(this);
  }

  override updated(changed: PropertyValues<this>): void {
    const el = this.renderRoot.querySelector<HTMLElement>('#plot');
    if (!el) return;
    const t0 = performance.now();
    const layout = this.series.map((s) => s.label).join('|');
    if (!this.plot || layout !== this.layout || changed.has('bars')) this.create(el);
    else if (changed.has('data') && !this.zoomed) this.plot.setData(this.data);
    else if (changed.has('data')) {
      // keep the zoomed window (setData without resetting scales would not redraw)
      const { min, max } = this.plot.scales.x ?? {};
      this.plot.setData(this.data, false);
      if (min !== undefined && max !== undefined) this.plot.setScale('x', { min, max });
    }
    this.lastDrawMs = performance.now() - t0;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resize?.disconnect();
    this.plot?.destroy();
    this.plot = null;
    this.layout = '';
  }
}
customElements.define('sbss-series-chart', SeriesChart);
