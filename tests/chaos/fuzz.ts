/** Chaos: the long fuzz run (default 100k API inputs + 100k ingest inputs) against a fresh care env. */
import { startCareEnv } from '../support/care.ts';
import { fuzzApi, fuzzIngest, type FuzzFigures, type OpenApiDoc } from '../security/fuzz.ts';
import type { HttpMethod } from '../security/matrix.ts';

const SKIP = new Set(['POST /api/v1/auth/logout', 'POST /api/v1/accounts/password']);

export async function runFuzz(o: { inputs: number; seed: number }): Promise<{
  api: FuzzFigures;
  ingest: FuzzFigures;
  ok: boolean;
}> {
  const env = await startCareEnv();
  try {
    const doc = (await env.api.app.inject('/openapi.json')).json() as OpenApiDoc;
    const ops = Object.entries(doc.paths).flatMap(([path, item]) =>
      (['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const)
        .filter((m) => m.toLowerCase() in item && !SKIP.has(`${m} ${path}`))
        .map((method) => ({ method: method as HttpMethod, path })),
    );
    const cookies = [''];
    for (const u of ['admin', 'agent', 'customer', 'noc', 'supervisor', 'technician'])
      cookies.push(await env.login(u));
    const api = await fuzzApi(
      env.api.app,
      doc,
      ops,
      cookies,
      { msisdn: '+8613800000042' },
      {
        n: o.inputs,
        seed: o.seed,
      },
    );
    const healthy = (await env.api.app.inject('/healthz')).statusCode === 200;
    const ingest = fuzzIngest({ n: o.inputs, seed: o.seed });
    return { api, ingest, ok: healthy && api.fiveXx === 0 && api.crashes === 0 && ingest.crashes === 0 };
  } finally {
    await env.close();
  }
}
