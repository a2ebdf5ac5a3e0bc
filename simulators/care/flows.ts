import { Type, type TSchema, type Static } from '@sinclair/typebox';
import { compile, type Validator } from '../../domain/index.ts';
import type { HttpMethod, HttpResult } from './client.ts';
import type { CareKind } from './mix.ts';
import type {
  CareFlow,
  ComplaintFlow,
  FaultFlow,
  NewCustomer,
  OrderFlow,
  RegistrationFlow,
  RenewalFlow,
} from './plan.ts';

/** Runs one HTTP request of a flow (rate-limited and recorded by the caller). */
export type Step = (
  kind: CareKind,
  step: string,
  user: string | null,
  method: HttpMethod,
  path: string,
  body?: object,
) => Promise<HttpResult>;

export interface FlowDeps {
  step: Step;
  /** The customer id a registration flow produced, once it has finished (null if it failed). */
  registered(seq: number): Promise<string | null>;
  nowMs(): number;
}

export type FlowIds = Partial<
  Record<
    | 'customerId'
    | 'username'
    | 'msisdn'
    | 'orderId'
    | 'contractId'
    | 'reservationId'
    | 'workOrderId'
    | 'paymentId'
    | 'complaintId'
    | 'ticketId',
    string
  >
>;

export interface FlowResult {
  seq: number;
  kind: CareKind;
  /** Every step answered 2xx. */
  ok: boolean;
  /** Why the flow did not run (an earlier flow it depends on failed). */
  skipped?: string;
  ids: FlowIds;
  /** POST /customers answered 201 (new) rather than 200 (already registered). */
  customerCreated?: boolean;
  steps: { step: string; status: number; code?: string; message?: string }[];
}

// Only the response fields the flows read are checked; the rest of a body is never touched.
const check = <S extends TSchema>(s: S): Validator<Static<S>> => compile(s);
const Str = Type.String();
const Customer = check(Type.Object({ created: Type.Boolean(), customer: Type.Object({ customerId: Str }) }));
const Order = check(Type.Object({ orderId: Str, revision: Type.Integer() }));
const Contract = check(Type.Object({ contractId: Str }));
const Signed = check(Type.Object({ order: Type.Object({ orderId: Str, revision: Type.Integer() }) }));
const Reservation = check(Type.Object({ reservationId: Str }));
const WorkOrder = check(Type.Object({ workOrder: Type.Object({ workOrderId: Str }) }));
const Payment = check(Type.Object({ paymentId: Str }));
const Complaint = check(Type.Object({ id: Str }));
const Ticket = check(Type.Object({ ticket: Type.Object({ id: Str }) }));

const ok2xx = (r: HttpResult) => r.status >= 200 && r.status < 300;
const enc = encodeURIComponent;

/** The slot (UTC ms) `daysAhead` days after today (China time) at `hourLocal` o'clock UTC+8. */
export function slotStartMs(nowMs: number, daysAhead: number, hourLocal: number): number {
  const local = new Date(nowMs + 8 * 3_600_000);
  return Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + daysAhead, hourLocal - 8);
}

class Run {
  readonly result: FlowResult;
  constructor(
    private readonly deps: FlowDeps,
    flow: CareFlow,
  ) {
    this.result = { seq: flow.seq, kind: flow.kind, ok: true, ids: {}, steps: [] };
  }
  /** One step; returns the validated body on 2xx, else null (and the flow is not ok). */
  async do<T>(
    v: Validator<T> | null,
    step: string,
    user: string | null,
    method: HttpMethod,
    path: string,
    body?: object,
  ): Promise<T | true | null> {
    const r = await this.deps.step(this.result.kind, step, user, method, path, body);
    this.result.steps.push({
      step,
      status: r.status,
      ...(r.errorCode ? { code: r.errorCode } : {}),
      ...(r.errorMessage ? { message: r.errorMessage } : {}),
    });
    if (!ok2xx(r)) {
      this.result.ok = false;
      return null;
    }
    if (!v) return true;
    const parsed = v(r.body);
    if (parsed.ok) return parsed.value;
    this.result.ok = false;
    this.result.steps.push({ step: `${step}:response`, status: r.status, code: 'UNEXPECTED_RESPONSE' });
    return null;
  }
  skip(why: string): FlowResult {
    return { ...this.result, ok: false, skipped: why };
  }
}

/** Customer info entry (客户信息录入): a new or (same ID number) the existing customer. */
async function enterCustomer(run: Run, user: string, c: NewCustomer): Promise<string | null> {
  const { name, idType, idNumber, mobile, email, address, serviceType, channel } = c;
  const body = { name, idType, idNumber, mobile, email, address, serviceType, channel };
  const r = await run.do(Customer, 'customer', user, 'POST', '/api/v1/customers', body);
  if (!r || r === true) return null;
  run.result.ids.customerId = r.customer.customerId;
  run.result.customerCreated = r.created;
  return r.customer.customerId;
}

async function registration(run: Run, f: RegistrationFlow): Promise<void> {
  const customerId = await enterCustomer(run, f.user, f.customer);
  if (!customerId) return;
  // account registration is public: the customer does it themselves, no staff session
  const { username, password } = f.account;
  const acc = { username, name: f.customer.name, phone: f.customer.mobile, email: f.customer.email };
  if (
    await run.do(null, 'account', null, 'POST', '/api/v1/accounts', {
      ...acc,
      password,
      passwordConfirm: password,
    })
  )
    run.result.ids.username = username;
  const line = await run.do(Payment, 'preopen', f.user, 'POST', '/api/v1/preopen', {
    customerId,
    msisdn: f.customer.mobile,
    ...f.line,
    customerDataConfirmed: true,
    attempt: 1,
    channel: f.customer.channel,
  });
  if (line && line !== true) {
    run.result.ids.msisdn = f.customer.mobile;
    run.result.ids.paymentId = line.paymentId;
  }
}

/** Business acceptance up to the installation work order (the technician's part is theirs). */
async function order(run: Run, f: OrderFlow, deps: FlowDeps): Promise<FlowResult | void> {
  const customerId =
    'create' in f.customer
      ? await enterCustomer(run, f.user, f.customer.create)
      : await deps.registered(f.customer.after);
  if (!customerId)
    return 'create' in f.customer
      ? undefined
      : run.skip(`customer of flow ${f.customer.after} not registered`);
  run.result.ids.customerId = customerId;
  let o = await run.do(Order, 'open', f.user, 'POST', '/api/v1/orders', {
    customerId,
    msisdn: f.msisdn,
    channel: f.channel,
  });
  if (!o || o === true) return;
  const orderId = o.orderId;
  run.result.ids.orderId = orderId;
  const path = `/api/v1/orders/${orderId}`;
  const device = { model: f.device.model, quantity: f.device.quantity };
  o = await run.do(Order, 'plan', f.user, 'POST', `${path}/plan`, {
    revision: o.revision,
    planId: f.planId,
    device,
  });
  if (!o || o === true) return;
  const ctr = await run.do(Contract, 'contract', f.user, 'POST', `${path}/contract`);
  if (!ctr || ctr === true) return;
  run.result.ids.contractId = ctr.contractId;
  const sign = `/api/v1/contracts/${ctr.contractId}/sign`;
  if (!(await run.do(null, 'sign_customer', f.user, 'POST', sign, { party: 'customer', signer: f.signer })))
    return;
  const signed = await run.do(Signed, 'sign_carrier', f.user, 'POST', sign, {
    party: 'carrier',
    signer: f.user,
  });
  if (!signed || signed === true) return;
  const res = await run.do(Reservation, 'reserve', f.user, 'POST', '/api/v1/reservations', {
    customerId,
    region: f.stockRegion,
    ...device,
    planId: f.planId,
    slotStartMs: slotStartMs(deps.nowMs(), f.slot.daysAhead, f.slot.hourLocal),
    channel: f.channel,
  });
  if (!res || res === true) return;
  run.result.ids.reservationId = res.reservationId;
  o = await run.do(Order, 'attach_reservation', f.user, 'POST', `${path}/reservation`, {
    revision: signed.order.revision,
    reservationId: res.reservationId,
  });
  if (!o || o === true) return;
  const wo = await run.do(WorkOrder, 'installation', f.user, 'POST', `${path}/installation`, {
    revision: o.revision,
    technicianId: f.technicianId,
    location: f.location,
  });
  if (wo && wo !== true) run.result.ids.workOrderId = wo.workOrder.workOrderId;
}

async function renewal(run: Run, f: RenewalFlow): Promise<void> {
  const path = `/api/v1/subscribers/${enc(f.target.msisdn)}`;
  run.result.ids.msisdn = f.target.msisdn;
  // the agent (or customer) checks expiry and balance first, then pays
  if (!(await run.do(null, 'expiry', f.user, 'GET', `${path}/renewal`))) return;
  const { requestId, amountFen, method, payerAccount, channel } = f;
  const body = { requestId, amountFen, method, ...(payerAccount ? { payerAccount } : {}), channel };
  const paid = await run.do(Payment, 'pay', f.user, 'POST', `${path}/renewals`, body);
  if (paid && paid !== true) run.result.ids.paymentId = paid.paymentId;
}

async function complaint(run: Run, f: ComplaintFlow): Promise<void> {
  run.result.ids.msisdn = f.target.msisdn;
  if (
    f.lookup &&
    !(await run.do(null, 'lookup', f.user, 'GET', `/api/v1/customers?phone=${enc(f.target.msisdn)}`))
  )
    return;
  const c = await run.do(Complaint, 'register', f.user, 'POST', '/api/v1/noc/complaints', {
    msisdn: f.target.msisdn,
    channel: f.channel,
    text: f.text,
    ...(f.category ? { category: f.category } : {}),
    requestId: f.requestId,
  });
  if (c && c !== true) run.result.ids.complaintId = c.id;
}

async function fault(run: Run, f: FaultFlow): Promise<void> {
  run.result.ids.msisdn = f.target.msisdn;
  const t = await run.do(Ticket, 'report', f.user, 'POST', '/api/v1/noc/tickets', {
    msisdn: f.target.msisdn,
    channel: f.channel,
    description: f.description,
    ...(f.cellId ? { cellId: f.cellId } : {}),
  });
  if (t && t !== true) run.result.ids.ticketId = t.ticket.id;
}

/** Runs a flow's requests in order; a failed step ends it (a refused account registration does not). */
export async function runFlow(f: CareFlow, deps: FlowDeps): Promise<FlowResult> {
  const run = new Run(deps, f);
  if ('target' in f && f.target.after !== undefined) await deps.registered(f.target.after);
  switch (f.kind) {
    case 'registrations':
      await registration(run, f);
      break;
    case 'orders': {
      const skipped = await order(run, f, deps);
      if (skipped) return skipped;
      break;
    }
    case 'renewals':
      await renewal(run, f);
      break;
    case 'complaints':
      await complaint(run, f);
      break;
    case 'faults':
      await fault(run, f);
      break;
  }
  return run.result;
}
