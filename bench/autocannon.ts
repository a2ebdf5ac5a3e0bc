import autocannon from 'autocannon';

/** A non-negative number from the environment (load-test knobs such as LOADTEST_SEC), or the default. */
export function envNumber(name: string, dflt: number): number {
  const v = Number(process.env[name] ?? dflt);
  if (!Number.isFinite(v) || v < 0) throw new Error(`${name} must be a non-negative number`);
  return v;
}

export interface HttpFigures {
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  non2xx: number;
  errors: number;
}

/** Runs one autocannon scenario and keeps the figures the load-test JSON prints. */
export async function measure(o: autocannon.Options): Promise<HttpFigures> {
  const r = await autocannon(o);
  return {
    reqPerSec: Math.round(r.requests.average),
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    requests: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors,
  };
}
