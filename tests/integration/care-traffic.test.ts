import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CARE_KINDS,
  DEFAULT_CARE_MIX,
  planCareTraffic,
  runCareTraffic,
  type CareRunResult,
  type FlowResult,
} from '../../simulators/care/index.ts';
import { startCareEnv, type CareEnv } from '../support/care.ts';
import { waitFor } from '../support/env.ts';

const SEED = 4242;
const run = (baseUrl: string) =>
  runCareTraffic({
    baseUrl,
    seed: SEED,
    mix: DEFAULT_CARE_MIX,
    rate: 0,
    count: 200,
    concurrency: 8,
    keepFlows: true,
  });
/** Every request answered 5xx or not at all, with the API's code and message (none expected). */
const serverErrors = (r: CareRunResult) =>
  r.flows.flatMap((f) =>
    f.steps
      .filter((st) => st.status === 0 || st.status >= 500)
      .map((st) => `${f.kind}#${f.seq} ${st.step}: ${st.status} ${st.code ?? ''} ${st.message ?? ''}`),
  );
const step = (f: FlowResult | undefined, name: string) => f?.steps.find((s) => s.step === name);

describe('care traffic simulator against the real API (nats-server + chdb)', () => {
  let env: CareEnv;
  let baseUrl: string;
  let first: CareRunResult;
  beforeAll(async () => {
    env = await startCareEnv();
    baseUrl = await env.api.listen();
  });
  afterAll(async () => {
    await env?.close();
  });

  it('runs ~200 requests at max rate: no 5xx, every kind succeeds, the summary adds up', async () => {
    first = await run(baseUrl);
    const s = first.summary;
    console.log(`care-traffic run 1: ${JSON.stringify(s)}`);
    expect(serverErrors(first)).toEqual([]);
    expect(s.requests).toBeGreaterThanOrEqual(200);
    // the same requests as the pure plan says (each flow ran all its steps or stopped at a refusal)
    expect(first.flows.map((f) => f.kind)).toEqual(
      planCareTraffic({ seed: SEED, mix: DEFAULT_CARE_MIX, demoMsisdn: '+8613800000042' }, 200).map(
        (f) => f.kind,
      ),
    );
    for (const kind of CARE_KINDS) {
      expect(s.flows[kind].ok, kind).toBeGreaterThan(0);
      const ok = Object.entries(s.byKind[kind]).filter(([st]) => st.startsWith('2'));
      expect(ok.length, kind).toBeGreaterThan(0);
    }
    const statuses = Object.values(s.byKind).reduce(
      (n, byStatus) => n + Object.values(byStatus).reduce((a, b) => a + b, 0),
      0,
    );
    expect(statuses).toBe(s.requests);
    expect(s.latencyMs.p99).toBeGreaterThanOrEqual(s.latencyMs.p50);
    // orders went as far as the API goes without a technician: an installation work order
    const orders = first.flows.filter((f) => f.kind === 'orders' && f.ok);
    expect(orders.every((f) => f.ids.workOrderId && f.ids.contractId && f.ids.reservationId)).toBe(true);
    const wo = (await env.call('technician', 'GET', '/api/v1/work-orders')).json().workOrders;
    expect(wo.map((w: { orderId: string }) => w.orderId)).toEqual(
      expect.arrayContaining(orders.map((f) => f.ids.orderId)),
    );
  });

  it('the customers it registered are findable through the search API (ID number, phone, name)', async () => {
    const regs = first.flows.filter((f) => f.kind === 'registrations' && f.customerCreated);
    expect(regs.length).toBeGreaterThan(5);
    const plan = new Map(
      planCareTraffic({ seed: SEED, mix: DEFAULT_CARE_MIX, demoMsisdn: '+8613800000042' }, 200).map((f) => [
        f.seq,
        f,
      ]),
    );
    for (const r of regs) {
      const p = plan.get(r.seq);
      if (p?.kind !== 'registrations') throw new Error(`flow ${r.seq} is not a registration in the plan`);
      const q = (qs: string) => env.call('supervisor', 'GET', `/api/v1/customers?${qs}`);
      const byId = (await q(`idNumber=${p.customer.idNumber}`)).json().customers;
      expect(byId.map((c: { customerId: string }) => c.customerId)).toEqual([r.ids.customerId]);
      const byPhone = (await q(`phone=${encodeURIComponent(p.customer.mobile)}`)).json().customers;
      expect(byPhone.map((c: { customerId: string }) => c.customerId)).toEqual([r.ids.customerId]);
    }
    // name search reads ClickHouse, fed by the sink: wait for the projection
    const last = regs[regs.length - 1] as FlowResult;
    const lastPlan = plan.get(last.seq);
    if (lastPlan?.kind !== 'registrations') throw new Error('not a registration');
    await waitFor(async () => {
      const res = await env.call(
        'supervisor',
        'GET',
        `/api/v1/customers?name=${encodeURIComponent(lastPlan.customer.name)}`,
      );
      return res.json().customers.some((c: { customerId: string }) => c.customerId === last.ids.customerId);
    });
  });

  it('a second run with the same seed is deduplicated where the API is idempotent', async () => {
    const second = await run(baseUrl);
    console.log(
      `care-traffic run 2: ${JSON.stringify({ ...second.summary, bySteps: second.summary.bySteps })}`,
    );
    expect(serverErrors(second)).toEqual([]);
    const before = new Map(first.flows.map((f) => [f.seq, f]));
    expect(second.flows.map((f) => f.kind)).toEqual(first.flows.map((f) => f.kind));
    let customers = 0;
    let lines = 0;
    let renewals = 0;
    let complaints = 0;
    let orders = 0;
    for (const f of second.flows) {
      const a = before.get(f.seq);
      if (f.kind === 'registrations' && a?.ids.customerId) {
        // customer info entry: the same ID number answers 200 with the customer registered first
        expect(step(f, 'customer')?.status).toBe(200);
        expect(f.customerCreated).toBe(false);
        expect(f.ids.customerId).toBe(a.ids.customerId);
        customers++;
        // account registration: the username is taken (or the per-IP limit refuses first)
        expect(step(f, 'account')?.code).toMatch(/^(DUPLICATE|RATE_LIMITED)$/);
        if (step(a, 'preopen')?.status === 201) {
          expect(step(f, 'preopen')).toMatchObject({ status: 409, code: 'DUPLICATE' });
          lines++;
        }
      }
      if (f.kind === 'orders' && a?.ids.orderId) {
        // the number is held by the order the first run opened on it: no second order
        expect(step(f, 'open')).toMatchObject({ status: 409, code: 'DUPLICATE' });
        orders++;
      }
      if (f.kind === 'renewals' && a?.ids.paymentId) {
        // the request id is the idempotency key: the same payment, never a second charge
        expect(f.ids.paymentId).toBe(a.ids.paymentId);
        renewals++;
      }
      if (f.kind === 'complaints' && a?.ids.complaintId && f.ids.complaintId) {
        // the request id is the idempotency key: the complaint registered the first time
        expect(f.ids.complaintId).toBe(a.ids.complaintId);
        complaints++;
      }
    }
    expect(customers).toBeGreaterThan(5);
    expect(lines).toBeGreaterThan(5);
    expect(renewals).toBeGreaterThan(0);
    expect(complaints).toBeGreaterThan(0);
    expect(orders).toBeGreaterThan(5);
    const same = (kind: string, id: 'orderId' | 'complaintId' | 'ticketId') =>
      second.flows.filter((f) => f.kind === kind && f.ids[id] && before.get(f.seq)?.ids[id] === f.ids[id])
        .length;
    console.log(
      `care-traffic rerun: orders with the same id ${same('orders', 'orderId')}/${second.summary.flows.orders.ok}, ` +
        `complaints ${same('complaints', 'complaintId')}/${second.summary.flows.complaints.ok}, ` +
        `fault tickets ${same('faults', 'ticketId')}/${second.summary.flows.faults.ok}`,
    );
  });

  it('`streambss simulate-care --json` prints the summary and exits 0', async () => {
    const { stdout } = await promisify(execFile)(
      'npx',
      [
        'tsx',
        'bin/streambss.ts',
        'simulate-care',
        '--url',
        baseUrl,
        '--seed',
        '7',
        '--count',
        '30',
        '--rate',
        '100',
        '--json',
      ],
      { timeout: 60_000 },
    );
    const s = JSON.parse(stdout);
    expect(s.seed).toBe(7);
    expect(s.requests).toBeGreaterThanOrEqual(30);
    expect(s.setup.failed).toBe(0);
    expect(Object.keys(s.flows).sort()).toEqual([...CARE_KINDS].sort());
    // 30+ requests at 100/s take at least ~0.3 s
    expect(s.elapsedMs).toBeGreaterThan(250);
  });
});
