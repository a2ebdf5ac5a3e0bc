import { css } from 'lit';

/** Shared look: dark NOC palette with WCAG AA contrast on text. */
export const base = css`
  :host {
    color: #e2e8f0;
    font-size: 15px;
  }
  button {
    font: inherit;
    cursor: pointer;
    border-radius: 6px;
    border: 1px solid #475569;
    background: #1e293b;
    color: #e2e8f0;
    padding: 6px 14px;
  }
  button:hover {
    background: #334155;
  }
  button:focus-visible,
  a:focus-visible,
  input:focus-visible {
    outline: 2px solid #38bdf8;
    outline-offset: 2px;
  }
  .card {
    background: #111c33;
    border: 1px solid #1e3a5f;
    border-radius: 10px;
    padding: 16px;
  }
  .muted {
    color: #94a3b8;
  }
`;
