import { LitElement, css, html } from 'lit';
import { bytes, duration, integer, yuan } from '../format.ts';
import { I18nController, lang, t, type MsgKey } from '../i18n.ts';
import { base } from '../styles.ts';
import { clockTime } from '../time.ts';
import type { ChargeBreakdown, Explanation } from '../types.ts';

/** Units of the record's kind as people say them: 1分30秒, 12 条, 3.2 MB. */
function units(unit: ChargeBreakdown['unit'], n: number): string {
  if (unit === 'sec') return duration(n);
  if (unit === 'byte') return bytes(n);
  return t('cb.sms', { n: integer(n) });
}

/** "1234/60" fen → "1234/60"; "500/1" → "500". */
const exact = (fraction: string) => fraction.replace(/\/1$/, '');

/**
 * 计费明细: how a charge was reached, as a care agent reads it to a customer: plan and version,
 * destination, usage and increments, allowance drawn, each time window's units and price, the
 * exact amount and its rounding, the balance after (from the ledger). The raw breakdown stays one
 * click further down for audits.
 */
export class ChargeBreakdownView extends LitElement {
  static override properties = { explanation: { attribute: false } };
  static override styles = [
    base,
    css`
      dl {
        display: grid;
        grid-template-columns: max-content minmax(0, 1fr);
        gap: 4px 12px;
        margin: 8px 0;
      }
      dt {
        color: #94a3b8;
      }
      dd {
        margin: 0;
      }
      .scroll {
        overflow-x: auto;
      }
      table {
        border-collapse: collapse;
        font-variant-numeric: tabular-nums;
      }
      th,
      td {
        text-align: right;
        padding: 2px 10px;
        white-space: nowrap;
        border-bottom: 1px solid #1e293b;
      }
      th:first-child,
      td:first-child {
        text-align: left;
      }
      pre {
        white-space: pre-wrap;
        font-size: 12px;
        color: #cbd5e1;
        max-height: 200px;
        overflow: auto;
      }
    `,
  ];
  declare explanation: Explanation | null;

  constructor() {
    super();
    this.explanation = null;
    new I18nController(this);
  }

  private facts(b: ChargeBreakdown) {
    const l = lang();
    const row = (key: MsgKey, value: string, testid: string) =>
      html`<dt>${t(key)}</dt>
        <dd data-testid=${testid}>${value}</dd>`;
    const service = [
      t(`type.${b.service}` as MsgKey),
      ...(b.direction ? [t(b.direction === 'mo' ? 'cb.mo' : 'cb.mt')] : []),
      t(b.roaming ? 'cb.roaming' : 'cb.home'),
    ].join(' · ');
    return html`<dl>
      ${row(
        'cb.plan',
        t('cb.planValue', { name: b.planName[l], v: String(b.planVersion), catalog: b.catalogVersion }),
        'cb-plan',
      )}
      ${row('cb.service', service, 'cb-service')}
      ${
        b.destination
          ? row(
              'cb.destination',
              `${b.destination.name[l]}（${t('cb.prefix', { p: b.destination.matchedPrefix })}）`,
              'cb-destination',
            )
          : null
      }
      ${row(
        'cb.usage',
        t('cb.usageValue', { raw: units(b.unit, b.rawUnits), billed: units(b.unit, b.billedUnits) }),
        'cb-usage',
      )}
      ${
        b.increments
          ? row(
              'cb.increments',
              t('cb.incrementsValue', {
                first: units(b.unit, b.increments.firstUnits),
                next: units(b.unit, b.increments.nextUnits),
              }),
              'cb-increments',
            )
          : null
      }
      ${
        b.allowance && b.allowance.drawnUnits > 0
          ? row('cb.allowance', units(b.unit, b.allowance.drawnUnits), 'cb-allowance')
          : null
      }
      ${row('cb.exact', t('cb.exactValue', { exact: exact(b.exactFen), fen: integer(b.chargeFen) }), 'cb-exact')}
      ${row(
        'cb.balanceAfter',
        b.balanceAfterFen === null ? t('cb.notBooked') : `¥${yuan(b.balanceAfterFen)}`,
        'cb-balance-after',
      )}
      ${
        b.notes.length
          ? row('cb.notes', b.notes.map((n) => t(`note.${n}` as MsgKey)).join('；'), 'cb-notes')
          : null
      }
    </dl>`;
  }

  private segments(e: Explanation) {
    const b = e.breakdown;
    if (!b.segments.length) return null;
    const u = (n: number) => units(b.unit, n);
    return html`<div class="scroll">
      <table aria-label=${t('cb.segments')} data-testid="cb-segments">
        <thead>
          <tr>
            <th>${t('cb.window')}</th>
            <th>${t('cb.from')}</th>
            <th>${t('cb.used')}</th>
            <th>${t('cb.billed')}</th>
            <th>${t('cb.allowance')}</th>
            <th>${t('cb.free')}</th>
            <th>${t('cb.charged')}</th>
            <th>${t('cb.price')}</th>
          </tr>
        </thead>
        <tbody>
          ${b.segments.map(
            (g) =>
              html`<tr>
                <td>${e.windowNames[g.window]?.[lang()] ?? g.window}</td>
                <td>${clockTime(g.startMs)}</td>
                <td>${u(g.rawUnits)}</td>
                <td>${u(g.billedUnits)}</td>
                <td>${u(g.allowanceUnits)}</td>
                <td>${u(g.freeUnits)}</td>
                <td>${u(g.chargedUnits)}</td>
                <td>${t('cb.priceValue', { yuan: yuan(g.priceFen), per: u(g.perUnits) })}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
  }

  override render() {
    const e = this.explanation;
    if (!e) return null;
    return html`${this.facts(e.breakdown)} ${this.segments(e)}
      <details>
        <summary>${t('cb.raw')}</summary>
        <pre>${JSON.stringify(e.breakdown, null, 2)}</pre>
      </details>`;
  }
}
customElements.define('sbss-charge-breakdown', ChargeBreakdownView);
