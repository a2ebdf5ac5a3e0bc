import { LitElement, html } from 'lit';
import { api, enc } from '../api-client.ts';
import { ActionState } from '../controllers/action-state.ts';
import { I18nController, lang, lookup, t } from '../i18n.ts';
import { base } from '../styles.ts';
import type { Technician } from '../types.ts';
import type { Column } from './data-table.ts';
import './data-table.ts';

const nameOf = (r: Technician) => (lang() === 'en' ? r.nameEn : r.nameZh);

/**
 * The technician roster on the NOC page: skills, duty and workload. Supervisors and admins mark
 * a technician off duty (leave, sick) or back on duty, after a confirmation; auto-dispatch then
 * skips or considers them (PUT /api/v1/noc/technicians/:id/duty). The row shows the answer at
 * once; the page's next read of the roster agrees.
 */
export class TechnicianRoster extends LitElement {
  static override properties = { technicians: { attribute: false }, role: {} };
  static override styles = [base];
  declare technicians: Technician[];
  declare role: string;
  private readonly action = new ActionState(this);

  constructor() {
    super();
    this.technicians = [];
    this.role = '';
    new I18nController(this);
  }

  private get manages(): boolean {
    return this.role === 'supervisor' || this.role === 'admin';
  }

  private toggle(r: Technician): void {
    const offDuty = !r.offDuty;
    if (!confirm(t(offDuty ? 'tech.confirmOff' : 'tech.confirmOn', { name: nameOf(r) }))) return;
    void this.action.run(async () => {
      const updated = await api.put<Technician>(`/api/v1/noc/technicians/${enc(r.id)}/duty`, { offDuty });
      this.technicians = this.technicians.map((x) => (x.id === updated.id ? updated : x));
      return t(offDuty ? 'tech.markedOff' : 'tech.markedOn', { name: nameOf(updated) });
    });
  }

  private columns(): Column<Technician>[] {
    const cols: Column<Technician>[] = [
      { key: 'id', label: t('col.technician'), value: nameOf },
      { key: 'region', label: t('col.region'), value: (r) => r.region },
      {
        key: 'skills',
        label: t('col.skills'),
        value: (r) => r.skills.map((s) => lookup(`skill.${s}`) ?? s).join(lang() === 'en' ? ', ' : '、'),
      },
      {
        key: 'duty',
        label: t('col.duty'),
        value: (r) => (r.offDuty ? t('tech.off') : r.onShift ? t('tech.on') : t('tech.offShift')),
      },
      { key: 'load', label: t('col.load'), num: true, value: (r) => r.workload },
    ];
    if (this.manages)
      cols.push({
        key: 'action',
        label: t('tech.action'),
        value: () => '',
        render: (r) =>
          html`<button
            type="button"
            ?disabled=${this.action.busy}
            @click=${() => this.toggle(r)}
            aria-label=${t(r.offDuty ? 'tech.setOnNamed' : 'tech.setOffNamed', { name: nameOf(r) })}
          >
            ${t(r.offDuty ? 'tech.setOn' : 'tech.setOff')}
          </button>`,
      });
    return cols;
  }

  override render() {
    return html`<sbss-data-table
        .rows=${this.technicians}
        .columns=${this.columns()}
        .rowKey=${(r: Technician) => r.id}
        page-size="8"
        filename="technicians.csv"
      ></sbss-data-table>
      ${this.action.lines()}`;
  }
}
customElements.define('sbss-technician-roster', TechnicianRoster);
