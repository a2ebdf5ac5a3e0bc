import { html } from 'lit';
import './plan-change.ts';
import './add-ons.ts';
import './line-loss.ts';
import './line-suspension.ts';
import './port-out.ts';
import './sim-swap.ts';
import './line-transfer.ts';

/** Every action the counter and the business hall offer on a line (the tabs of sbss-care-actions). */
export type CareAction =
  | 'renew'
  | 'plan'
  | 'addon'
  | 'loss'
  | 'suspend'
  | 'port'
  | 'sim'
  | 'transfer'
  | 'profile'
  | 'complaint'
  | 'fault'
  | 'unsubscribe'
  | 'preopen'
  | 'password';

/** What the counter offers on a customer's line, in the order of its tabs. */
export const COUNTER_ACTIONS: readonly CareAction[] = [
  'renew',
  'plan',
  'addon',
  'loss',
  'suspend',
  'port',
  'sim',
  'transfer',
  'profile',
  'complaint',
  'fault',
  'unsubscribe',
  'preopen',
];

type Channel = 'counter' | 'web';

/** Actions with a panel of their own on the line acted on: 套餐变更, 叠加包, 挂失/解挂, 停机保号, 补换卡. */
export const LINE_PANELS = {
  plan: (m: string, c: Channel) => html`<sbss-plan-change .msisdn=${m} .channel=${c}></sbss-plan-change>`,
  addon: (m: string, c: Channel) => html`<sbss-add-ons .msisdn=${m} .channel=${c}></sbss-add-ons>`,
  loss: (m: string, c: Channel) => html`<sbss-line-loss .msisdn=${m} .channel=${c}></sbss-line-loss>`,
  suspend: (m: string, c: Channel) =>
    html`<sbss-line-suspension .msisdn=${m} .channel=${c}></sbss-line-suspension>`,
  port: (m: string, c: Channel) => html`<sbss-port-out .msisdn=${m} .channel=${c}></sbss-port-out>`,
  // at the counter only: the new card is handed over there
  sim: (m: string) => html`<sbss-sim-swap .msisdn=${m}></sbss-sim-swap>`,
};

/** 过户 at the counter: the panel also needs the owner, to tell them from the new owner. */
export const transferPanel = (msisdn: string, customerId: string) =>
  html`<sbss-line-transfer .msisdn=${msisdn} .customerId=${customerId}></sbss-line-transfer>`;
