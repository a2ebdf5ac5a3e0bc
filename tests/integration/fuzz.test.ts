import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCareEnv, type CareEnv } from '../support/care.ts';
import { fuzzApi, fuzzIngest } from '../security/fuzz.ts';
import { fuzzTargets } from '../security/targets.ts';

/** Operations the fuzzer leaves alone: they would end or take over the fuzzing sessions. */
const N = Number(process.env.FUZZ_INPUTS ?? 1000);
const SEED = Number(process.env.FUZZ_SEED ?? 20260);

describe('fuzzing: generated bad inputs against every API route and the ingest adapters', () => {
  let env: CareEnv;
  beforeAll(async () => {
    env = await startCareEnv();
  });
  afterAll(async () => env?.close());

  it(`answers ${N} bad API requests with 4xx (never 5xx, never a crash) and validates fast`, async () => {
    const { doc, ops, cookies } = await fuzzTargets(env);
    const f = await fuzzApi(
      env.api.app,
      doc,
      ops,
      cookies,
      { msisdn: '+8613800000042' },
      { n: N, seed: SEED },
    );
    console.info(`fuzz api: ${JSON.stringify(f)}`);
    expect(f.failures).toEqual([]);
    expect({ fiveXx: f.fiveXx, crashes: f.crashes }).toEqual({ fiveXx: 0, crashes: 0 });
    expect(f.inputs).toBe(N);
    // the API still works afterwards
    expect((await env.api.app.inject('/healthz')).statusCode).toBe(200);
    // generous: the machine is shared and embedded ClickHouse queries share the event loop
    expect(f.rejectP99Ms).toBeLessThan(300);
  });

  it('refuses numbers that coerce to Infinity, naming the field (found by the 100k run, seed 20260)', async () => {
    const admin = await env.login('admin');
    const supervisor = await env.login('supervisor');
    const reprocess = await env.api.app.inject({
      method: 'POST',
      url: '/api/v1/dead-letters/reprocess',
      headers: { cookie: admin },
      payload: { seq: '1e309' },
    });
    expect(reprocess.statusCode).toBe(400);
    expect(reprocess.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED', field: '/seq' } });
    const url = '/api/v1/inventory/fuzz-region/fuzz-model';
    const stock = await env.api.app.inject({
      method: 'PUT',
      url,
      headers: { cookie: supervisor },
      payload: { kind: 'sim', available: '-1e309' },
    });
    expect(stock.statusCode).toBe(400);
    expect(stock.json()).toMatchObject({ error: { field: '/available' } });
    // nothing was stored: the stock stays unknown instead of unreadable
    expect((await env.api.app.inject({ url, headers: { cookie: supervisor } })).statusCode).toBe(404);
  });

  it('never throws on mutated or random ingest batches and CSV files', () => {
    const f = fuzzIngest({ n: N, seed: SEED });
    console.info(`fuzz ingest: ${JSON.stringify(f)}`);
    expect(f.crashes).toBe(0);
    expect(f.p99Ms).toBeLessThan(50);
  });
});
