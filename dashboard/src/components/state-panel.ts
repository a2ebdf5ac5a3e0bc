import { LitElement, css, html } from 'lit';
import { base } from '../styles.ts';

/** The designed empty / loading / error state of a panel, so nothing is ever blank. */
export class StatePanel extends LitElement {
  static override properties = { kind: {}, message: {} };
  static override styles = [
    base,
    css`
      :host {
        display: block;
      }
      .box {
        display: flex;
        align-items: center;
        gap: 12px;
        padding: 24px;
        border: 1px dashed #334155;
        border-radius: 10px;
        color: #cbd5e1;
      }
      .error {
        border-color: #f87171;
        color: #fecaca;
      }
      .spinner {
        width: 18px;
        height: 18px;
        border: 3px solid #334155;
        border-top-color: #38bdf8;
        border-radius: 50%;
        animation: spin 0.9s linear infinite;
      }
      @keyframes spin {
        to {
          transform: rotate(360deg);
        }
      }
    `,
  ];
  declare kind: 'empty' | 'loading' | 'error';
  declare message: string;

  constructor() {
    super();
    this.kind = 'empty';
    this.message = '';
  }

  override render() {
    const role = this.kind === 'error' ? 'alert' : 'status';
    return html`<div class="box ${this.kind}" role=${role} aria-live="polite">
      ${this.kind === 'loading' ? html`<span class="spinner" aria-hidden="true"></span>` : null}
      <span>${this.message}</span><slot></slot>
    </div>`;
  }
}
customElements.define('sbss-state-panel', StatePanel);
