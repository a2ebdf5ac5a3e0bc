import { LitElement, css, html } from 'lit';
import { base } from '../styles.ts';

/** A ring gauge of what is left of an allowance, with an accessible meter role and text. */
export class GaugeMeter extends LitElement {
  static override properties = { label: {}, left: { type: Number }, total: { type: Number }, text: {} };
  static override styles = [
    base,
    css`
      :host {
        display: grid;
        justify-items: center;
        gap: 6px;
        min-width: 130px;
      }
      .ring {
        width: 96px;
        height: 96px;
        border-radius: 50%;
        display: grid;
        place-items: center;
      }
      .hole {
        width: 72px;
        height: 72px;
        border-radius: 50%;
        background: #111c33;
        display: grid;
        place-items: center;
        font-weight: 700;
        font-size: 18px;
      }
      .label {
        color: #cbd5e1;
      }
      .text {
        font-size: 13px;
        color: #cbd5e1;
        text-align: center;
      }
    `,
  ];
  declare label: string;
  declare left: number;
  declare total: number;
  declare text: string;

  constructor() {
    super();
    this.label = '';
    this.left = 0;
    this.total = 0;
    this.text = '';
  }

  override render() {
    const pct = this.total > 0 ? Math.round((this.left / this.total) * 100) : 0;
    const color = pct > 20 ? '#22c55e' : pct > 5 ? '#f59e0b' : '#ef4444';
    return html`<div
        class="ring"
        role="meter"
        aria-label=${this.label}
        aria-valuemin="0"
        aria-valuemax="100"
        aria-valuenow=${pct}
        aria-valuetext=${this.text}
        style="background: conic-gradient(${color} ${pct * 3.6}deg, #1e293b 0)"
      >
        <div class="hole">${pct}%</div>
      </div>
      <div class="label">${this.label}</div>
      <div class="text">${this.text}</div>`;
  }
}
customElements.define('sbss-gauge-meter', GaugeMeter);
