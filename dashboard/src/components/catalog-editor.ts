import { LitElement, css, html } from 'lit';
import { api } from '../api-client.ts';
import { I18nController, lang, t } from '../i18n.ts';
import { yuan } from '../format.ts';
import { dateTime } from '../time.ts';
import { ActionState } from '../controllers/action-state.ts';
import { base, forms } from '../styles.ts';

interface PlanView {
  id: string;
  name: { 'zh-CN': string; en: string };
  type: string;
  payment: string;
  versions: { version: number; effectiveFromMs: number; monthlyFeeFen: number; inForce: boolean }[];
}
interface CatalogView {
  version: number;
  catalogVersion: string;
  savedAtMs: number | null;
  savedBy: { userId: string; role: string } | null;
  reason: string;
  plans: PlanView[];
  document: unknown;
}
interface VersionRow {
  version: number;
  catalogVersion: string;
  savedAtMs: number;
  savedBy: { userId: string; role: string };
  reason: string;
}
interface Issue {
  code: string;
  path: string;
  message: string;
}

/**
 * 资费配置: the tariff catalog in force (plans and the fee in force now), its saved versions (who,
 * when, why), and the document to edit. 校验 runs the server's own checks (schema, unpriceable
 * plans, window gaps, changes to what is already in force) and lists every issue by path; 保存
 * (admins) is offered only for the text that passed, with a reason kept in the audit trail.
 */
export class CatalogEditor extends LitElement {
  static override properties = {
    canSave: { type: Boolean, attribute: 'can-save' },
    info: { state: true },
    versions: { state: true },
    issues: { state: true },
    checkedText: { state: true },
    loadFailed: { state: true },
  };
  static override styles = [
    base,
    forms,
    css`
      form {
        max-width: none;
      }
      textarea {
        font-family: ui-monospace, monospace;
        font-size: 13px;
        min-height: 320px;
      }
      table {
        border-collapse: collapse;
        width: 100%;
      }
      th,
      td {
        text-align: left;
        padding: 4px 8px;
        border-bottom: 1px solid #1e3a5f;
      }
      td.fen {
        text-align: right;
      }
      .wrap {
        overflow-x: auto;
      }
      .ok {
        color: #bbf7d0;
      }
      code {
        color: #fde68a;
      }
      form button {
        justify-self: start;
      }
      details {
        margin: 10px 0;
      }
    `,
  ];
  declare canSave: boolean;
  declare info: CatalogView | null;
  declare versions: VersionRow[];
  declare issues: Issue[];
  /** The editor text that passed 校验 (saving any other text needs a new check). */
  declare checkedText: string;
  declare loadFailed: boolean;
  private readonly action = new ActionState(this);
  private text = '';

  constructor() {
    super();
    this.canSave = false;
    this.info = null;
    this.versions = [];
    this.issues = [];
    this.checkedText = '';
    this.loadFailed = false;
    new I18nController(this);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  async load(): Promise<void> {
    try {
      const [info, versions] = await Promise.all([
        api.get<CatalogView>('/api/v1/catalog'),
        api.get<{ versions: VersionRow[] }>('/api/v1/catalog/versions').catch(() => ({ versions: [] })),
      ]);
      this.info = info;
      this.versions = versions.versions;
      this.text = JSON.stringify(info.document, null, 2);
      this.checkedText = '';
    } catch {
      this.loadFailed = true;
    }
  }

  private parsed(): unknown {
    try {
      return JSON.parse(this.text) as unknown;
    } catch (err) {
      this.issues = [{ code: 'JSON', path: '/', message: (err as Error).message }];
      return undefined;
    }
  }

  private validate(): void {
    const catalog = this.parsed();
    if (catalog === undefined) return this.action.fail(''); // the JSON error is in the issues
    void this.action.run(async () => {
      const r = await api.post<{ ok: boolean; unchanged: boolean; issues: Issue[] }>(
        '/api/v1/catalog/validate',
        { catalog },
      );
      this.issues = r.issues;
      if (!r.ok) return '';
      this.checkedText = this.text;
      return r.unchanged ? t('cat.unchanged') : t('cat.valid');
    });
  }

  private save(e: SubmitEvent): void {
    e.preventDefault();
    const reason = String(new FormData(e.target as HTMLFormElement).get('reason') ?? '').trim();
    void this.action.run(async () => {
      const r = await api.put<{ version: number; catalogVersion: string; changed: boolean }>(
        '/api/v1/catalog',
        { catalog: JSON.parse(this.checkedText) as unknown, reason },
      );
      await this.load();
      return r.changed
        ? t('cat.saved', { version: String(r.version), id: r.catalogVersion })
        : t('cat.unchanged');
    });
  }

  private plans(info: CatalogView) {
    const l = lang();
    return html`<div class="wrap">
      <table>
        <thead>
          <tr>
            <th>${t('cat.plan')}</th>
            <th>${t('cat.payment')}</th>
            <th>${t('cat.fee')}</th>
            <th>${t('cat.versions')}</th>
          </tr>
        </thead>
        <tbody>
          ${info.plans.map((p) => {
            const now = [...p.versions].reverse().find((v) => v.inForce);
            return html`<tr>
              <td>${p.name[l]} <span class="muted">${p.id}</span></td>
              <td>${t(p.payment === 'prepaid' ? 'bal.prepaid' : 'bal.postpaid')}</td>
              <td class="fen">${now ? yuan(now.monthlyFeeFen) : '—'}</td>
              <td>${p.versions.length}</td>
            </tr>`;
          })}
        </tbody>
      </table>
    </div>`;
  }

  override render() {
    const info = this.info;
    if (!info)
      return html`<p class=${this.loadFailed ? 'error' : 'muted'}>
        ${this.loadFailed ? t('cat.loadError') : t('app.loading')}
      </p>`;
    const saved = info.savedBy
      ? t('cat.savedBy', {
          user: info.savedBy.userId,
          at: info.savedAtMs ? dateTime(info.savedAtMs) : '—',
          reason: info.reason,
        })
      : t('cat.fromFile');
    return html`<p data-testid="cat-in-force">
        ${t('cat.inForce', { version: String(info.version), id: info.catalogVersion })} · ${saved}
      </p>
      ${this.plans(info)}
      ${
        this.versions.length
          ? html`<details>
              <summary>${t('cat.history', { n: String(this.versions.length) })}</summary>
              <ul>
                ${this.versions.map(
                  (v) =>
                    html`<li>
                      ${v.version} · <code>${v.catalogVersion}</code> · ${v.savedBy.userId} ·
                      ${dateTime(v.savedAtMs)} · ${v.reason}
                    </li>`,
                )}
              </ul>
            </details>`
          : null
      }
      <form @submit=${(e: SubmitEvent) => this.save(e)} aria-label=${t('cat.edit')}>
        <label
          >${t('cat.document')}<textarea
            spellcheck="false"
            .value=${this.text}
            @input=${(e: Event) => {
              this.text = (e.target as HTMLTextAreaElement).value;
              if (this.checkedText) this.checkedText = '';
            }}
          ></textarea>
        </label>
        <button type="button" ?disabled=${this.action.busy} @click=${() => this.validate()}>
          ${t('cat.validate')}
        </button>
        ${
          this.issues.length
            ? html`<ul class="error" aria-label=${t('cat.issues')} data-testid="cat-issues">
                ${this.issues.map((i) => html`<li><code>${i.path}</code> ${i.message} (${i.code})</li>`)}
              </ul>`
            : null
        }
        ${
          this.canSave
            ? html`<label
                  >${t('act.reason')}<input name="reason" minlength="3" maxlength="500" required
                /></label>
                <button type="submit" class="primary" ?disabled=${this.action.busy || !this.checkedText}>
                  ${t('cat.save')}
                </button>`
            : html`<p class="muted">${t('cat.adminOnly')}</p>`
        }
      </form>
      ${this.action.lines()}`;
  }
}
customElements.define('sbss-catalog-editor', CatalogEditor);
