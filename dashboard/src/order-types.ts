/** The care API's order answers as the wizard reads them (see api/routes/care/*). */

export const orderSteps = [
  'customer_info',
  'plan_selection',
  'contract',
  'reservation',
  'installation',
  'activation',
] as const;
export type OrderStep = (typeof orderSteps)[number];

export interface StepState {
  status: 'pending' | 'done' | 'failed';
  atMs?: number;
  reason?: string;
  ref?: string;
  attempts: number;
}

export type ActivationPart = 'sim_activation' | 'network_attach' | 'device_verification';

export interface OrderView {
  orderId: string;
  customerId: string;
  msisdn: string;
  channel: 'counter' | 'web' | 'app' | 'phone';
  status: 'open' | 'completed' | 'cancelled';
  createdAtMs: number;
  steps: Record<OrderStep, StepState>;
  planId?: string;
  device?: { model: string; quantity: number };
  contractId?: string;
  reservationId?: string;
  workOrder?: {
    workOrderId: string;
    technicianId: string;
    location: string;
    status: 'assigned' | 'done' | 'failed' | 'cancelled';
  };
  activation: Record<ActivationPart, { status: 'pending' | 'ok' | 'failed'; reason?: string; atMs?: number }>;
  revision: number;
  nextStep: OrderStep | null;
  /** While open: when the system withdraws it if nothing happens before (订单超时). */
  autoWithdrawAtMs?: number;
}

export interface PlanComparison {
  planId: string;
  name: { 'zh-CN': string; en: string };
  type: string;
  payment: string;
  monthlyFeeFen: number;
  voiceSec: number;
  dataBytes: number;
  smsCount: number;
  fits: boolean;
  shortfall: { voiceMin: number; dataMb: number; sms: number };
}

export interface Contract {
  contractId: string;
  orderId: string;
  status: 'draft' | 'archived';
  planId: string;
  devices: { model: string; quantity: number }[];
  termMonths: number;
  terms: string[];
  signatures: { party: 'customer' | 'carrier'; signer: string; atMs: number }[];
  sha256?: string;
}

/** Fired by a step component with the order as the API answered it after the step. */
export type OrderChanged = CustomEvent<OrderView>;

export function orderChanged(o: OrderView): OrderChanged {
  return new CustomEvent('order-changed', { detail: o, bubbles: true, composed: true });
}

/** Asks the page to read the order again (after a change answered with something else). */
export function orderReload(): CustomEvent<null> {
  return new CustomEvent('order-reload', { detail: null, bubbles: true, composed: true });
}
