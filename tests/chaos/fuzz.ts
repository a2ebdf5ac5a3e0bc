/** Chaos: the long fuzz run (default 100k API inputs + 100k ingest inputs) against a fresh care env. */
import { startCareEnv } from '../support/care.ts';
import { fuzzApi, fuzzIngest, type FuzzFigures } from '../security/fuzz.ts';
import { fuzzTargets } from '../security/targets.ts';

export async function runFuzz(o: { inputs: number; seed: number }): Promise<{
  api: FuzzFigures;
  ingest: FuzzFigures;
  ok: boolean;
}> {
  const env = await startCareEnv();
  try {
    const { doc, ops, cookies } = await fuzzTargets(env);
    const api = await fuzzApi(
      env.api.app,
      doc,
      ops,
      cookies,
      { msisdn: '+8613800000042' },
      {
        n: o.inputs,
        seed: o.seed,
        onProgress: (done) => console.error(`chaos: fuzz api ${done}/${o.inputs}`),
      },
    );
    const healthy = (await env.api.app.inject('/healthz')).statusCode === 200;
    const ingest = fuzzIngest({ n: o.inputs, seed: o.seed });
    return { api, ingest, ok: healthy && api.fiveXx === 0 && api.crashes === 0 && ingest.crashes === 0 };
  } finally {
    await env.close();
  }
}
