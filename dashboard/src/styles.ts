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
  /* a button that opens something, in a table cell: reads as a link */
  button.link {
    border: none;
    background: none;
    padding: 0;
    color: #7dd3fc;
    text-decoration: underline;
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

/** Form controls: labelled fields stacked, readable contrast, visible focus. */
export const forms = css`
  form {
    display: grid;
    gap: 10px;
    max-width: 520px;
  }
  label {
    display: grid;
    gap: 4px;
    color: #cbd5e1;
  }
  /* a radio button or check box sits before its text, on the same line */
  label:has(> input[type='radio']),
  label:has(> input[type='checkbox']) {
    display: flex;
    align-items: center;
    gap: 6px;
    flex: 0 0 auto;
  }
  [role='radiogroup'] {
    margin-bottom: 8px;
  }
  input,
  select,
  textarea {
    font: inherit;
    padding: 7px 10px;
    border-radius: 6px;
    border: 1px solid #64748b;
    background: #0b1222;
    color: #f1f5f9;
  }
  input:focus-visible,
  select:focus-visible,
  textarea:focus-visible {
    outline: 2px solid #38bdf8;
    outline-offset: 1px;
  }
  button.primary {
    background: #0369a1;
    border-color: #0284c7;
    justify-self: start;
  }
  /* a button that cannot be used yet looks it (a disabled primary button looked ready) */
  button:disabled {
    opacity: 0.55;
    cursor: not-allowed;
  }
  .error {
    color: #fecaca;
  }
`;

/** A page: its sections stacked in a grid, and its title. */
export const page = css`
  :host {
    display: grid;
    /* One column as wide as the screen: a wide table scrolls inside its card (minmax(0, …)), where
       an auto column grew to the table's width and the whole page scrolled sideways on a phone. */
    grid-template-columns: minmax(0, 1fr);
    gap: 12px;
  }
  h1 {
    margin: 0;
    font-size: 22px;
  }
`;

/** A list of things to pick, one button per row (search results, lines, queues). */
export const pickList = css`
  ul.pick {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: 4px;
  }
  ul.pick button {
    width: 100%;
    text-align: left;
  }
`;
