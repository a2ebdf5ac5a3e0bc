import { CareClient, type HttpMethod, type HttpResult } from './client.ts';
import { runFlow, type FlowResult } from './flows.ts';
import type { CareKind, CareMix } from './mix.ts';
import { CarePlanner, DEVICES, requestsOf, STOCK_REGIONS } from './plan.ts';
import { CareStats, type CareSummary } from './stats.ts';

export interface CareRunOptions {
  /** The API, e.g. http://127.0.0.1:8080 */
  baseUrl: string;
  seed: number;
  mix: CareMix;
  /** HTTP requests per second; 0 = as fast as the concurrency allows. */
  rate: number;
  /** Stop starting flows once this many requests are planned (the last flow runs to its end). */
  count?: number;
  /** Stop starting flows after this many seconds. */
  durationSec?: number;
  /** Flows in flight at once (each makes its requests one after another). */
  concurrency: number;
  /** The demo customer's line (default +8613800000042). */
  demoMsisdn?: string;
  /** Password of a demo login (default `<user>-demo-2026`). */
  passwordOf?: (user: string) => string;
  /** Put device stock in every region before orders run (supervisor; default true). */
  stock?: boolean;
  /** Return every flow's result (ids, statuses): for tests and second-run comparisons. */
  keepFlows?: boolean;
  onProgress?: (p: { requests: number; elapsedMs: number }) => void;
  signal?: AbortSignal;
}

export interface CareRunResult {
  summary: CareSummary;
  flows: FlowResult[];
}

export const DEMO_MSISDN = '+8613800000042';
const STOCK_PER_MODEL = 1_000_000;

/** Spaces requests `1/rate` apart from the start; a run that fell behind catches up at most 1 s. */
class Pacer {
  private next = performance.now();
  constructor(private readonly rate: number) {}
  async take(): Promise<void> {
    if (this.rate <= 0) return;
    const now = performance.now();
    if (this.next < now - 1000) this.next = now - 1000;
    const due = this.next;
    this.next += 1000 / this.rate;
    if (due > now) await new Promise((r) => setTimeout(r, due - now));
  }
}

async function setUp(client: CareClient, o: CareRunOptions, stats: CareStats): Promise<void> {
  for (const user of ['agent', 'supervisor', 'customer']) {
    stats.setup.requests++;
    await client.login(user); // throws LoginError naming the user
  }
  if (o.stock === false || o.mix.orders === 0) return;
  const puts: Promise<HttpResult>[] = [];
  for (const region of STOCK_REGIONS)
    for (const d of DEVICES)
      puts.push(
        client.call('supervisor', 'PUT', `/api/v1/inventory/${region}/${d.model}`, {
          kind: d.kind,
          available: STOCK_PER_MODEL,
        }),
      );
  for (const r of await Promise.all(puts)) {
    stats.setup.requests++;
    if (r.status !== 200) stats.setup.failed++;
  }
}

/**
 * Drives care traffic through the HTTP API: flows from the seeded plan, at most `concurrency`
 * in flight, every request paced by `rate`, a summary at the end.
 */
export async function runCareTraffic(o: CareRunOptions): Promise<CareRunResult> {
  if (o.count === undefined && o.durationSec === undefined && !o.signal)
    throw new Error('runCareTraffic: give count, durationSec or a signal to stop');
  const client = new CareClient(o.baseUrl.replace(/\/$/, ''), o.passwordOf ?? ((u) => `${u}-demo-2026`));
  const stats = new CareStats();
  await setUp(client, o, stats);

  const planner = new CarePlanner({ seed: o.seed, mix: o.mix, demoMsisdn: o.demoMsisdn ?? DEMO_MSISDN });
  const pacer = new Pacer(o.rate);
  const registrations = new Map<number, Promise<string | null>>();
  const flows: FlowResult[] = [];
  const t0 = performance.now();
  const step = async (
    kind: CareKind,
    name: string,
    user: string | null,
    method: HttpMethod,
    path: string,
    body?: object,
  ): Promise<HttpResult> => {
    if (o.signal?.aborted) return { status: 0, body: undefined, ms: 0, errorCode: 'ABORTED' };
    await pacer.take();
    const r = await client.call(user, method, path, body);
    stats.request(kind, name, r.status, r.ms, r.errorCode);
    return r;
  };
  const deps = {
    step,
    registered: (seq: number) => registrations.get(seq) ?? Promise.resolve(null),
    nowMs: () => Date.now(),
  };
  const progress = o.onProgress
    ? setInterval(() => o.onProgress?.({ requests: stats.requests, elapsedMs: performance.now() - t0 }), 250)
    : undefined;

  let planned = 0;
  const done = () =>
    o.signal?.aborted === true ||
    (o.count !== undefined && planned >= o.count) ||
    (o.durationSec !== undefined && performance.now() - t0 >= o.durationSec * 1000);
  const inflight = new Set<Promise<void>>();
  const regOrder: number[] = [];
  try {
    while (!done()) {
      if (inflight.size >= Math.max(1, o.concurrency)) {
        await Promise.race(inflight);
        continue;
      }
      const f = planner.next();
      planned += requestsOf(f);
      const running = runFlow(f, deps);
      if (f.kind === 'registrations') {
        registrations.set(
          f.seq,
          running.then((r) => r.ids.customerId ?? null),
        );
        // the planner only refers to the last 50 registrations: forget much older ones
        regOrder.push(f.seq);
        if (regOrder.length > 200) registrations.delete(regOrder.shift() as number);
      }
      const p: Promise<void> = running.then((r) => {
        // a flow cut short by Ctrl-C is neither a success nor a failure of the API
        if (!r.steps.some((st) => st.code === 'ABORTED')) stats.flow(r);
        if (o.keepFlows) flows.push(r);
        inflight.delete(p);
      });
      inflight.add(p);
    }
    await Promise.all(inflight);
  } finally {
    if (progress) clearInterval(progress);
  }
  const elapsedMs = performance.now() - t0;
  o.onProgress?.({ requests: stats.requests, elapsedMs });
  flows.sort((a, b) => a.seq - b.seq);
  return { summary: stats.summary(o.seed, elapsedMs), flows };
}
