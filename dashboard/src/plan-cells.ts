import { html } from 'lit';
import { bytes, yuan } from './format.ts';
import { t } from './i18n.ts';

/** What the plan tables show of a plan for a month (choosing a plan for an order, changing plan). */
export interface PlanFacts {
  monthlyFeeFen: number;
  voiceSec: number;
  dataBytes: number;
  smsCount: number;
}

/** The header cells: plan, fee, voice minutes, data, SMS, then the table's own last column. */
export const planHeadCells = (last: string) =>
  html`<th scope="col">${t('ord.plan')}</th>
    <th scope="col">${t('ord.fee')}</th>
    <th scope="col">${t('ord.voice')}</th>
    <th scope="col">${t('ord.data')}</th>
    <th scope="col">${t('ord.sms')}</th>
    <th scope="col">${last}</th>`;

/** The fee (yuan), voice (whole minutes), data and SMS cells of one plan. */
export const planFactCells = (p: PlanFacts) =>
  html`<td>${yuan(p.monthlyFeeFen)}</td>
    <td>${Math.floor(p.voiceSec / 60)}</td>
    <td>${bytes(p.dataBytes)}</td>
    <td>${p.smsCount}</td>`;
