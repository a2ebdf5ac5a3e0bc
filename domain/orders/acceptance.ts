/**
 * Business acceptance (业务受理): one order walks the care chain
 * customer_info(1) → plan_selection(3) → contract(4) → reservation(5) → installation(6) → activation(7).
 * Steps complete strictly in order; a failed step keeps its reason and can be retried; an order can
 * be resumed at any time from its first unfinished step. Pure: the caller stores the result with CAS.
 */
export const acceptanceSteps = [
  'customer_info',
  'plan_selection',
  'contract',
  'reservation',
  'installation',
  'activation',
] as const;
export type AcceptanceStep = (typeof acceptanceSteps)[number];
export type StepStatus = 'pending' | 'done' | 'failed';
export type OrderStatus = 'open' | 'completed' | 'cancelled';

export interface StepState {
  status: StepStatus;
  atMs?: number;
  reason?: string;
  /** Reference produced by the step (plan id, contract id, reservation id, work order id, ...). */
  ref?: string;
  attempts: number;
}

export interface AcceptanceOrder {
  orderId: string;
  customerId: string;
  status: OrderStatus;
  createdAtMs: number;
  steps: Record<AcceptanceStep, StepState>;
}

export type OrderErrorCode = 'STEP_OUT_OF_ORDER' | 'ORDER_CLOSED' | 'STEP_NOT_FAILED' | 'STEP_DONE';

export class OrderRuleError extends Error {
  constructor(
    readonly code: OrderErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'OrderRuleError';
  }
}

export function newAcceptanceOrder(orderId: string, customerId: string, atMs: number): AcceptanceOrder {
  const steps = Object.fromEntries(
    acceptanceSteps.map((s) => [s, { status: 'pending', attempts: 0 }]),
  ) as Record<AcceptanceStep, StepState>;
  return { orderId, customerId, status: 'open', createdAtMs: atMs, steps };
}

/** The step to work on next (first not done), or null when every step is done. */
export function nextStep(o: AcceptanceOrder): AcceptanceStep | null {
  return acceptanceSteps.find((s) => o.steps[s].status !== 'done') ?? null;
}

function guard(o: AcceptanceOrder, step: AcceptanceStep): void {
  if (o.status !== 'open') throw new OrderRuleError('ORDER_CLOSED', `order is ${o.status}`);
  if (o.steps[step].status === 'done') throw new OrderRuleError('STEP_DONE', `step ${step} is already done`);
  const next = nextStep(o);
  if (next !== step)
    throw new OrderRuleError('STEP_OUT_OF_ORDER', `step ${step} cannot run before ${next ?? 'nothing'}`);
}

/** Marks `step` done with its reference; the order completes after activation. */
export function completeStep(
  o: AcceptanceOrder,
  step: AcceptanceStep,
  ref: string,
  atMs: number,
): AcceptanceOrder {
  guard(o, step);
  const cur = o.steps[step];
  const steps = {
    ...o.steps,
    [step]: { status: 'done', atMs, ref, attempts: cur.attempts + 1 } satisfies StepState,
  };
  const done = acceptanceSteps.every((s) => steps[s].status === 'done');
  return { ...o, steps, status: done ? 'completed' : 'open' };
}

/** Records a failure of `step` with its reason; the order stays open and the step retryable. */
export function failStep(
  o: AcceptanceOrder,
  step: AcceptanceStep,
  reason: string,
  atMs: number,
): AcceptanceOrder {
  guard(o, step);
  const cur = o.steps[step];
  return {
    ...o,
    steps: { ...o.steps, [step]: { ...cur, status: 'failed', atMs, reason, attempts: cur.attempts + 1 } },
  };
}

export function cancelOrder(o: AcceptanceOrder): AcceptanceOrder {
  if (o.status !== 'open') throw new OrderRuleError('ORDER_CLOSED', `order is ${o.status}`);
  return { ...o, status: 'cancelled' };
}
