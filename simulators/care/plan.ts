import { Rng } from '../rng.ts';
import { mobileOf, personOf, REGIONS, regionOfId, type Person } from './identity.ts';
import { CARE_KINDS, type CareKind, type CareMix } from './mix.ts';
import { COMPLAINTS, FAULTS, type ComplaintCategory } from './texts.ts';

/**
 * The request plan of care traffic: a pure, seeded sequence of flows (one business operation
 * each, one or more HTTP requests). Everything a request sends is decided here; only what the
 * server assigns (customer, order, contract and reservation ids, revisions) and the wall-clock
 * reservation slot are filled in when the flow runs.
 */

export type StaffUser = 'agent' | 'supervisor';
export type Channel = 'counter' | 'web' | 'app' | 'phone';
export type OnlineMethod = 'alipay' | 'wechat_pay' | 'bank_card';

export interface NewCustomer extends Person {
  idType: 'resident_id';
  serviceType: 'mobile' | 'broadband' | 'bundle';
  channel: Channel;
}

/** The line a flow acts on: a line pre-opened by an earlier registration, or the demo customer's. */
export interface Target {
  msisdn: string;
  /** seq of the registration flow that opens the line (wait for it); absent for the demo line. */
  after?: number;
}

export interface RegistrationFlow {
  kind: 'registrations';
  seq: number;
  user: StaffUser;
  customer: NewCustomer;
  /** Business-hall account (账户注册), public route. */
  account: { username: string; password: string };
  /** Internet pre-opening of the customer's mobile as a line (上网预开户). */
  line: { planId: string; method: OnlineMethod; payerAccount: string; amountFen: number };
}

export interface OrderFlow {
  kind: 'orders';
  seq: number;
  user: StaffUser;
  /** The customer: registered by an earlier flow, or entered as the first step of this one. */
  customer: { after: number } | { create: NewCustomer };
  signer: string;
  msisdn: string;
  channel: Channel;
  planId: string;
  device: { model: string; kind: DeviceKind; quantity: number };
  stockRegion: string;
  /** Resolved against the clock when the flow runs: day offset and local (UTC+8) hour. */
  slot: { daysAhead: number; hourLocal: number };
  technicianId: string;
  location: string;
}

export interface RenewalFlow {
  kind: 'renewals';
  seq: number;
  /** 'customer' = the demo customer in the online business hall (their own line only). */
  user: StaffUser | 'customer';
  target: Target;
  requestId: string;
  amountFen: number;
  method: OnlineMethod | 'cash';
  payerAccount?: string;
  channel: Channel;
}

export interface ComplaintFlow {
  kind: 'complaints';
  seq: number;
  user: StaffUser | 'customer';
  target: Target;
  /** Staff first look the caller up by phone (customer 360). */
  lookup: boolean;
  channel: Channel;
  text: string;
  category?: ComplaintCategory;
  /** Idempotency key: the same seed registers each complaint once. */
  requestId: string;
}

export interface FaultFlow {
  kind: 'faults';
  seq: number;
  user: StaffUser | 'customer';
  target: Target;
  channel: Channel;
  description: string;
  cellId?: string;
}

export type CareFlow = RegistrationFlow | OrderFlow | RenewalFlow | ComplaintFlow | FaultFlow;
export type DeviceKind = 'ont' | 'cpe' | 'phone';

/** Devices the simulator orders, and the stock it puts in every region before a run. */
export const DEVICES: readonly { model: string; kind: DeviceKind }[] = [
  { model: 'SIM-ONT-1', kind: 'ont' },
  { model: 'SIM-CPE-1', kind: 'cpe' },
  { model: 'SIM-PHONE-1', kind: 'phone' },
];
export const STOCK_REGIONS: readonly string[] = REGIONS.map((r) => r.stock);
/** Plans on sale in catalog/default.json with the monthly fee charged at pre-opening. */
const LINE_PLANS = [
  { planId: 'changxiang-128', amountFen: 12_800 },
  { planId: 'liuliangwang-39', amountFen: 3_900 },
  { planId: 'dazhongka-8', amountFen: 800 },
] as const;
/** Combo plans take any device; the data plan takes routers only (domain/orders compatible()). */
const ORDER_PLANS = [
  { planId: 'changxiang-128', devices: [0, 1, 2] },
  { planId: 'shangwu-288', devices: [0, 1, 2] },
  { planId: 'liuliangwang-39', devices: [0, 1] },
] as const;
const METHODS: readonly OnlineMethod[] = ['alipay', 'wechat_pay', 'bank_card'];
const STAFF_CHANNELS: readonly Channel[] = ['counter', 'counter', 'phone', 'web'];
const SELF_CHANNELS: readonly Channel[] = ['web', 'app'];

export interface PlanOptions {
  seed: number;
  mix: CareMix;
  /** The demo customer's line (+8613800000042 by default, see api/auth/demo.ts). */
  demoMsisdn: string;
}

/** How many HTTP requests a flow makes when every step succeeds. */
export function requestsOf(f: CareFlow): number {
  switch (f.kind) {
    case 'registrations':
      return 3;
    case 'orders':
      return 'create' in f.customer ? 9 : 8;
    case 'renewals':
      return 2;
    case 'complaints':
      return f.lookup ? 2 : 1;
    case 'faults':
      return 1;
  }
}

/**
 * Endless deterministic flow source. Kinds come from a shuffled bag holding each kind `weight`
 * times, so every block of sum(weights) flows has exactly the mix; later flows refer to lines and
 * customers registered by earlier ones (or the demo customer before any exist).
 */
export class CarePlanner {
  private readonly rng: Rng;
  private bag: CareKind[] = [];
  private seq = 0;
  private people = 0;
  private readonly registered: { seq: number; msisdn: string; name: string }[] = [];
  private readonly tag: string;

  constructor(private readonly o: PlanOptions) {
    this.rng = new Rng(o.seed);
    this.tag = o.seed.toString(36);
  }

  next(): CareFlow {
    const kind = this.drawKind();
    const seq = this.seq++;
    switch (kind) {
      case 'registrations':
        return this.registration(seq);
      case 'orders':
        return this.order(seq);
      case 'renewals':
        return this.renewal(seq);
      case 'complaints':
        return this.complaint(seq);
      case 'faults':
        return this.fault(seq);
    }
  }

  private drawKind(): CareKind {
    if (this.bag.length === 0) {
      for (const k of CARE_KINDS) for (let i = 0; i < this.o.mix[k]; i++) this.bag.push(k);
      for (let i = this.bag.length - 1; i > 0; i--) {
        const j = this.rng.int(0, i);
        [this.bag[i], this.bag[j]] = [this.bag[j] as CareKind, this.bag[i] as CareKind];
      }
    }
    return this.bag.pop() as CareKind;
  }

  private staff(): StaffUser {
    return this.rng.unit() < 0.8 ? 'agent' : 'supervisor';
  }

  private newCustomer(): NewCustomer {
    const p = personOf(this.o.seed, this.people++);
    return {
      ...p,
      idType: 'resident_id',
      serviceType: this.rng.pick(['mobile', 'mobile', 'broadband', 'bundle'] as const),
      channel: this.rng.pick(STAFF_CHANNELS),
    };
  }

  private registration(seq: number): RegistrationFlow {
    const customer = this.newCustomer();
    const plan = this.rng.pick(LINE_PLANS);
    this.registered.push({ seq, msisdn: customer.mobile, name: customer.name });
    return {
      kind: 'registrations',
      seq,
      user: this.staff(),
      customer,
      account: { username: `sim-${this.tag}-${seq}`, password: this.password() },
      line: {
        planId: plan.planId,
        method: this.rng.pick(METHODS),
        payerAccount: `sim${seq}@pay.example`,
        amountFen: plan.amountFen,
      },
    };
  }

  /** 12 characters from four classes, never containing the username or phone. */
  private password(): string {
    const pick = (chars: string, n: number) =>
      Array.from({ length: n }, () => chars[this.rng.int(0, chars.length - 1)]).join('');
    return `${pick('ABCDEFGHJKLMNPQRSTUVWXYZ', 3)}${pick('abcdefghijkmnpqrstuvwxyz', 4)}#${pick('23456789', 4)}`;
  }

  /** A registered customer from the recent past, if any (recent: realistic follow-ups, short waits). */
  private recent(): { seq: number; msisdn: string; name: string } | undefined {
    const n = this.registered.length;
    if (n === 0) return undefined;
    return this.registered[this.rng.int(Math.max(0, n - 50), n - 1)];
  }

  private order(seq: number): OrderFlow {
    const ref = this.recent();
    const created = ref ? undefined : this.newCustomer();
    const plan = this.rng.pick(ORDER_PLANS);
    const device = DEVICES[this.rng.pick(plan.devices)] ?? (DEVICES[0] as (typeof DEVICES)[number]);
    const home = created ? regionOfId(created.idNumber) : this.rng.pick(REGIONS);
    return {
      kind: 'orders',
      seq,
      user: this.staff(),
      customer: created ? { create: created } : { after: (ref as { seq: number }).seq },
      signer: created?.name ?? (ref as { name: string }).name,
      msisdn: mobileOf(this.o.seed, seq, this.rng.pick(['186', '187'])),
      channel: this.rng.pick(STAFF_CHANNELS),
      planId: plan.planId,
      device: { ...device, quantity: 1 },
      stockRegion: home.stock,
      slot: { daysAhead: this.rng.int(2, 20), hourLocal: this.rng.pick([8, 10, 12, 14, 16, 18]) },
      technicianId: 'technician',
      location: `${home.city}${home.district}${this.rng.pick(home.streets)}${this.rng.int(1, 300)}号`,
    };
  }

  /** A line to act on, and who acts: staff for anyone, the demo customer for their own line. */
  private target(): { target: Target; self: boolean } {
    const ref = this.rng.unit() < 0.8 ? this.recent() : undefined;
    if (ref) return { target: { msisdn: ref.msisdn, after: ref.seq }, self: false };
    return { target: { msisdn: this.o.demoMsisdn }, self: this.rng.unit() < 0.5 };
  }

  private renewal(seq: number): RenewalFlow {
    const { target, self } = this.target();
    const method = self ? this.rng.pick(METHODS) : this.rng.pick([...METHODS, 'cash'] as const);
    return {
      kind: 'renewals',
      seq,
      user: self ? 'customer' : this.staff(),
      target,
      requestId: `sim-${this.tag}-${seq}`,
      amountFen: this.rng.pick([1_000, 3_000, 5_000, 10_000, 12_800]),
      method,
      ...(method === 'cash' ? {} : { payerAccount: `sim${seq}@pay.example` }),
      channel: self
        ? this.rng.pick(SELF_CHANNELS)
        : method === 'cash'
          ? 'counter'
          : this.rng.pick(STAFF_CHANNELS),
    };
  }

  private complaint(seq: number): ComplaintFlow {
    const { target, self } = this.target();
    const category = this.rng.pick(Object.keys(COMPLAINTS) as ComplaintCategory[]);
    return {
      kind: 'complaints',
      requestId: `sim-${this.tag}-cp-${seq}`,
      seq,
      user: self ? 'customer' : this.staff(),
      target,
      lookup: !self && target.after !== undefined,
      channel: self ? this.rng.pick(SELF_CHANNELS) : this.rng.pick(STAFF_CHANNELS),
      text: this.rng.pick(COMPLAINTS[category]),
      // half the time the agent picks the category; otherwise the API suggests one from the text
      ...(this.rng.unit() < 0.5 ? { category } : {}),
    };
  }

  private fault(seq: number): FaultFlow {
    const { target, self } = this.target();
    const region = this.rng.pick(REGIONS);
    const site = String(this.rng.int(1, 40)).padStart(4, '0');
    return {
      kind: 'faults',
      seq,
      user: self ? 'customer' : this.staff(),
      target,
      channel: self ? this.rng.pick(SELF_CHANNELS) : this.rng.pick(STAFF_CHANNELS),
      description: this.rng.pick(FAULTS),
      ...(this.rng.unit() < 0.7 ? { cellId: `${region.cells}-${site}-${this.rng.int(1, 3)}` } : {}),
    };
  }
}

/** The first flows of a plan whose requests reach `requests` (the last flow is never cut short). */
export function planCareTraffic(o: PlanOptions, requests: number): CareFlow[] {
  const p = new CarePlanner(o);
  const out: CareFlow[] = [];
  let n = 0;
  while (n < requests) {
    const f = p.next();
    out.push(f);
    n += requestsOf(f);
  }
  return out;
}
