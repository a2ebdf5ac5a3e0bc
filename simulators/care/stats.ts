import { CARE_KINDS, type CareKind } from './mix.ts';
import type { FlowResult } from './flows.ts';

/** The end-of-run summary of care traffic (pure, so scripts can rely on its shape). */
export interface CareSummary {
  seed: number;
  requests: number;
  elapsedMs: number;
  requestsPerSec: number;
  latencyMs: { p50: number; p99: number; max: number };
  /** Requests by flow kind and HTTP status (0 = no response). */
  byKind: Record<CareKind, Record<string, number>>;
  /** Requests by kind:step and status, e.g. "orders:contract": {"201": 40}. */
  bySteps: Record<string, Record<string, number>>;
  /** Latency of each kind:step (where the time goes). */
  latencyByStep: Record<string, { p50: number; p99: number }>;
  /** Non-2xx answers by the API's error code (NETWORK_ERROR / CLIENT_TIMEOUT: no answer). */
  errors: Record<string, number>;
  flows: Record<CareKind, { ok: number; failed: number; skipped: number }>;
  /** Logins and stock intake before the run (not in the figures above). */
  setup: { requests: number; failed: number };
}

/** Nearest-rank percentile of an ascending array (0 when empty). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

const round = (x: number) => Math.round(x * 10) / 10;

export class CareStats {
  private readonly latencies: number[] = [];
  private readonly byKind = Object.fromEntries(CARE_KINDS.map((k) => [k, {}])) as Record<
    CareKind,
    Record<string, number>
  >;
  private readonly bySteps: Record<string, Record<string, number>> = {};
  private readonly stepLatencies: Record<string, number[]> = {};
  private readonly errors: Record<string, number> = {};
  private readonly flows = Object.fromEntries(
    CARE_KINDS.map((k) => [k, { ok: 0, failed: 0, skipped: 0 }]),
  ) as CareSummary['flows'];
  readonly setup = { requests: 0, failed: 0 };

  get requests(): number {
    return this.latencies.length;
  }

  request(kind: CareKind, step: string, status: number, ms: number, errorCode?: string): void {
    this.latencies.push(ms);
    const s = String(status);
    const k = this.byKind[kind];
    k[s] = (k[s] ?? 0) + 1;
    const st = (this.bySteps[`${kind}:${step}`] ??= {});
    st[s] = (st[s] ?? 0) + 1;
    (this.stepLatencies[`${kind}:${step}`] ??= []).push(ms);
    if (errorCode) this.errors[errorCode] = (this.errors[errorCode] ?? 0) + 1;
  }

  flow(r: FlowResult): void {
    const f = this.flows[r.kind];
    if (r.skipped) f.skipped++;
    else if (r.ok) f.ok++;
    else f.failed++;
  }

  summary(seed: number, elapsedMs: number): CareSummary {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    return {
      seed,
      requests: sorted.length,
      elapsedMs: Math.round(elapsedMs),
      requestsPerSec: round(sorted.length / Math.max(elapsedMs / 1000, 0.001)),
      latencyMs: {
        p50: round(percentile(sorted, 50)),
        p99: round(percentile(sorted, 99)),
        max: round(sorted[sorted.length - 1] ?? 0),
      },
      byKind: this.byKind,
      bySteps: this.bySteps,
      latencyByStep: Object.fromEntries(
        Object.entries(this.stepLatencies).map(([k, xs]) => {
          const ys = [...xs].sort((a, b) => a - b);
          return [k, { p50: round(percentile(ys, 50)), p99: round(percentile(ys, 99)) }];
        }),
      ),
      errors: this.errors,
      flows: this.flows,
      setup: this.setup,
    };
  }
}

/** The human-readable summary block (stdout without --json). */
export function formatCareSummary(s: CareSummary): string {
  const lines = [
    `care traffic (seed ${s.seed}): ${s.requests} requests in ${(s.elapsedMs / 1000).toFixed(1)} s, ` +
      `${s.requestsPerSec} req/s, latency p50 ${s.latencyMs.p50} ms, p99 ${s.latencyMs.p99} ms`,
  ];
  for (const k of CARE_KINDS) {
    const f = s.flows[k];
    if (f.ok + f.failed + f.skipped === 0) continue;
    const statuses = Object.entries(s.byKind[k])
      .map(([st, n]) => `${st}×${n}`)
      .join(' ');
    lines.push(`  ${k}: ${f.ok} ok, ${f.failed} failed, ${f.skipped} skipped; requests ${statuses}`);
  }
  const errs = Object.entries(s.errors);
  if (errs.length) lines.push(`  errors: ${errs.map(([c, n]) => `${c}×${n}`).join(' ')}`);
  return lines.join('\n');
}
