import { LitElement, css, html } from 'lit';
import { api, ApiCallError } from '../api-client.ts';
import {
  errId,
  fieldError,
  fieldErrorStyles,
  formErrors,
  generalError,
  invalid,
  noErrors,
  type FormErrors,
} from '../field-errors.ts';
import { yuan } from '../format.ts';
import { dateTimeInput, fromDateTimeInput } from '../time.ts';
import { I18nController, t, type MsgKey } from '../i18n.ts';
import { base, forms } from '../styles.ts';
import type { Column } from './data-table.ts';
import './data-table.ts';

interface Line {
  msisdn: string;
  cdrs: number;
  oldFen: number;
  newFen: number;
  diffFen: number;
}
interface Rerate {
  rerateId: string;
  catalogVersion: string;
  cdrs: number;
  lines: Line[];
  totals: { oldFen: number; newFen: number; diffFen: number };
  alreadyApplied?: boolean;
}
interface Request {
  fromMs: number;
  toMs: number;
  msisdn?: string;
  catalog: Record<string, unknown>;
}

/**
 * 重新批价 (supervisor): a period and a candidate catalog (a catalog file, its version shown) → dry
 * run with old / new / difference per line in the shared table (sort, pages, CSV) → apply after a
 * confirmation. The API applies a rerate once; applying it again says there is nothing to change.
 */
export class ReratePanel extends LitElement {
  static override properties = {
    catalog: { state: true },
    plan: { state: true },
    busy: { state: true },
    errors: { state: true },
    outcome: { state: true },
  };
  static override styles = [
    base,
    forms,
    fieldErrorStyles,
    css`
      form {
        max-width: 760px;
      }
      dialog {
        background: #111c33;
        color: #e2e8f0;
        border: 1px solid #38bdf8;
        border-radius: 10px;
        max-width: 480px;
      }
      dialog::backdrop {
        background: rgba(2, 6, 23, 0.7);
      }
      .ok {
        color: #bbf7d0;
      }
    `,
  ];
  declare catalog: { version: string; doc: Record<string, unknown> } | null;
  declare plan: (Rerate & { request: Request }) | null;
  declare busy: boolean;
  declare errors: FormErrors;
  declare outcome: string;

  constructor() {
    super();
    this.catalog = null;
    this.plan = null;
    this.busy = false;
    this.errors = noErrors;
    this.outcome = '';
    new I18nController(this);
  }

  private async readCatalog(e: Event): Promise<void> {
    const file = (e.target as HTMLInputElement).files?.[0];
    this.catalog = null;
    this.errors = noErrors;
    if (!file) return;
    try {
      const doc = JSON.parse(await file.text()) as Record<string, unknown>;
      this.catalog = { version: String(doc.catalogVersion ?? '?'), doc };
    } catch {
      this.errors = { fields: { catalog: t('rr.badFile') }, general: t('ord.fix') };
    }
  }

  private failed(err: unknown): FormErrors {
    if (err instanceof ApiCallError && err.field?.startsWith('/catalog'))
      return { fields: { catalog: `${err.message} (${err.field})` }, general: t('ord.fix') };
    return formErrors(err, ['fromMs', 'toMs', 'msisdn']);
  }

  private async dryRun(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    const s = (k: string) => String(f.get(k) ?? '').trim();
    if (!this.catalog) {
      this.errors = { fields: { catalog: t('rr.badFile') }, general: t('ord.fix') };
      return;
    }
    const msisdn = s('msisdn');
    const request: Request = {
      fromMs: fromDateTimeInput(s('fromMs')),
      toMs: fromDateTimeInput(s('toMs')),
      ...(msisdn ? { msisdn: /^1\d{10}$/.test(msisdn) ? `+86${msisdn}` : msisdn } : {}),
      catalog: this.catalog.doc,
    };
    this.busy = true;
    this.errors = noErrors;
    this.outcome = '';
    try {
      this.plan = { ...(await api.post<Rerate>('/api/v1/charging/rerates/dry-run', request)), request };
    } catch (err) {
      this.plan = null;
      this.errors = this.failed(err);
    } finally {
      this.busy = false;
    }
  }

  private ask(): void {
    this.renderRoot.querySelector<HTMLDialogElement>('dialog')?.showModal();
  }

  private async apply(): Promise<void> {
    this.renderRoot.querySelector<HTMLDialogElement>('dialog')?.close();
    if (!this.plan) return;
    this.busy = true;
    this.errors = noErrors;
    try {
      const r = await api.post<Rerate>('/api/v1/charging/rerates', this.plan.request);
      const changed = r.lines.filter((l) => l.diffFen !== 0).length;
      this.outcome =
        r.alreadyApplied || changed === 0
          ? t('rr.nothing')
          : t('rr.applied', { n: String(changed), id: r.rerateId });
    } catch (err) {
      this.errors = this.failed(err);
    } finally {
      this.busy = false;
    }
  }

  private columns(): Column<Line>[] {
    const money = (key: 'oldFen' | 'newFen' | 'diffFen', label: MsgKey) => ({
      key,
      label: t(label),
      num: true,
      value: (r: Line) => r[key],
      render: (r: Line) => yuan(r[key]),
    });
    return [
      { key: 'msisdn', label: t('col.msisdn'), value: (r) => r.msisdn },
      { key: 'cdrs', label: t('col.cdrs'), num: true, value: (r) => r.cdrs },
      money('oldFen', 'col.oldFee'),
      money('newFen', 'col.newFee'),
      money('diffFen', 'col.diff'),
    ];
  }

  private input(name: string, label: MsgKey, type: string, value: string) {
    return html`<label
      >${t(label)}<input
        name=${name}
        type=${type}
        .value=${value}
        aria-invalid=${invalid(this.errors, name)}
        aria-describedby=${errId(name)}
      />${fieldError(this.errors, name)}</label
    >`;
  }

  private result() {
    const p = this.plan;
    if (!p) return null;
    const tt = p.totals;
    const changed = p.lines.filter((l) => l.diffFen !== 0).length;
    return html`<p role="status" data-testid="rerate-summary">
        ${
          p.cdrs
            ? t('rr.summary', {
                n: String(p.cdrs),
                lines: String(p.lines.length),
                old: yuan(tt.oldFen),
                new: yuan(tt.newFen),
                diff: yuan(tt.diffFen),
              })
            : t('rr.none')
        }
      </p>
      ${
        p.lines.length
          ? html`<sbss-data-table
              .rows=${p.lines}
              .columns=${this.columns()}
              .rowKey=${(r: Line) => r.msisdn}
              filename="rerate-${p.catalogVersion}.csv"
            ></sbss-data-table>`
          : null
      }
      <button class="primary" ?disabled=${this.busy} @click=${() => this.ask()}>${t('rr.apply')}</button>
      <dialog aria-labelledby="confirm-text">
        <p id="confirm-text">${t('rr.confirm', { lines: String(changed), diff: yuan(tt.diffFen) })}</p>
        <button class="primary" @click=${() => this.apply()}>${t('rr.confirmYes')}</button>
        <button @click=${() => this.renderRoot.querySelector<HTMLDialogElement>('dialog')?.close()}>
          ${t('rr.cancel')}
        </button>
      </dialog>`;
  }

  override render() {
    const now = Date.now();
    return html`<form @submit=${this.dryRun} aria-label=${t('rr.tab')} novalidate>
        <div class="row">
          ${this.input('fromMs', 'rr.from', 'datetime-local', dateTimeInput(now - 3_600_000))}
          ${this.input('toMs', 'rr.to', 'datetime-local', dateTimeInput(now + 60_000))}
        </div>
        <label
          >${t('rr.catalog')}<input
            name="catalog"
            type="file"
            accept="application/json,.json"
            @change=${this.readCatalog}
            aria-invalid=${invalid(this.errors, 'catalog')}
            aria-describedby=${errId('catalog')}
          />${fieldError(this.errors, 'catalog')}</label
        >
        ${
          this.catalog
            ? html`<span class="muted" data-testid="catalog-version"
                >${t('rr.version', { v: this.catalog.version })}</span
              >`
            : null
        }
        ${this.input('msisdn', 'rr.msisdn', 'tel', '')} ${generalError(this.errors)}
        <button type="submit" class="primary" ?disabled=${this.busy}>${t('rr.dryRun')}</button>
      </form>
      <div role="status" class="ok" data-testid="rerate-outcome">${this.outcome}</div>
      ${this.result()}`;
  }
}
customElements.define('sbss-rerate-panel', ReratePanel);
