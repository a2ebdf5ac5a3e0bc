import { LitElement, css, html, type PropertyValues } from 'lit';
import { api, enc } from '../api-client.ts';
import { I18nController, lang, t } from '../i18n.ts';
import { integer } from '../format.ts';
import { base } from '../styles.ts';

/** One customer's level as GET /api/v1/levels answers it. */
export interface LevelView {
  customerId: string;
  levelName: { 'zh-CN': string; en: string };
  points: number;
  spendPoints: number;
  tenurePoints: number;
  nextLevel: string | null;
  pointsToNext: number;
}

/**
 * 客户等级与积分 in one line: "银卡 · 2,645 积分（消费 2,345 + 在网 300）· 距金卡还差 355 分".
 * Staff give `customer-id`; a customer leaves it empty and gets their own.
 */
export class CustomerLevel extends LitElement {
  static override properties = { customerId: { attribute: 'customer-id' }, level: { state: true } };
  static override styles = [
    base,
    css`
      .name {
        font-weight: 600;
        color: #fde68a;
      }
    `,
  ];
  declare customerId: string;
  declare level: LevelView | null;

  constructor() {
    super();
    this.customerId = '';
    this.level = null;
    new I18nController(this);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (!this.customerId) void this.load();
  }

  override updated(changed: PropertyValues<this>): void {
    if (changed.has('customerId') && this.customerId) void this.load();
  }

  async load(): Promise<void> {
    const q = this.customerId ? `?customerId=${enc(this.customerId)}` : '';
    const r = await api.get<{ results: LevelView[] }>(`/api/v1/levels${q}`).catch(() => null);
    this.level = r?.results[0] ?? null;
  }

  override render() {
    const l = this.level;
    if (!l) return null;
    const points = t('level.points', {
      points: integer(l.points),
      spend: integer(l.spendPoints),
      tenure: integer(l.tenurePoints),
    });
    const next = l.nextLevel
      ? t('level.toNext', { level: t(`level.${l.nextLevel}` as 'level.gold'), n: integer(l.pointsToNext) })
      : '';
    const rest = [points, next].filter(Boolean).join(' · ');
    return html`<span data-testid="level"><span class="name">${l.levelName[lang()]}</span> · ${rest}</span>`;
  }
}
customElements.define('sbss-customer-level', CustomerLevel);
