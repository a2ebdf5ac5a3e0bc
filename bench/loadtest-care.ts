#!/usr/bin/env -S npx tsx
/**
 * Care API load test (issue 5): customer lookup, order placement and usage query through the real
 * API (nats-server + embedded ClickHouse), with a bare-Fastify baseline measured in the same run,
 * while the CDR simulator streams in the background. Prints one JSON object.
 *
 *   npx tsx bench/loadtest-care.ts            (or `run()` from the loadtest runner)
 *   LOADTEST_SEC=10 LOADTEST_CONNECTIONS=20 LOADTEST_CDR_RATE=20000
 */
import { pathToFileURL } from 'node:url';
import Fastify from 'fastify';
import { createApi, seedDemoUsers } from '../api/index.ts';
import { randomIds, systemClock } from '../domain/index.ts';
import { loadConfig } from '../infra/config/index.ts';
import { createLogger } from '../infra/log/index.ts';
import { createMetrics } from '../infra/metrics/index.ts';
import { applyTopology } from '../infra/nats/index.ts';
import { runCdrSimulator } from '../simulators/index.ts';
import { envNumber as num, measure } from './autocannon.ts';
import { startBenchEnv } from './harness.ts';

export async function run(): Promise<Record<string, unknown>> {
  const durationSec = num('LOADTEST_SEC', 10);
  const connections = num('LOADTEST_CONNECTIONS', 20);
  const cdrRate = num('LOADTEST_CDR_RATE', 20_000);
  const env = await startBenchEnv();
  const log = createLogger('silent');
  const ac = new AbortController();
  // the buckets the API opens (users, sessions, care) exist before it starts, as under npm start
  await applyTopology(env.nats.nc, env.nats.jsm, []);
  const baseline = Fastify({ logger: false });
  baseline.get('/ping', async () => ({ ok: true, customerId: 'cus-baseline', name: 'baseline' }));
  const api = await createApi({
    config: { ...loadConfig({}), PORT: 0, HOST: '127.0.0.1', LOG_LEVEL: 'silent' },
    nats: env.nats,
    ch: env.ch,
    metrics: createMetrics(),
    log,
    clock: systemClock,
    ids: randomIds,
    dashboardDir: '/nonexistent-dashboard',
    // one agent drives all the traffic: measure capacity, not the per-user lookup limit
    userRateLimits: { lookupsMax: 1_000_000_000, exportsMax: 1_000_000_000, windowMs: 60_000 },
  });
  try {
    await seedDemoUsers(env.nats, log);
    const url = await api.listen();
    const baseUrl = await baseline.listen({ port: 0, host: '127.0.0.1' });
    const login = await api.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'agent', password: 'agent-demo-2026' },
    });
    const cookie = `sbss_session=${login.cookies.find((c) => c.name === 'sbss_session')?.value}`;
    const headers = { cookie, 'content-type': 'application/json' };
    const mobile = '+8613600000001';
    let orderNumbers = 0;
    const created = await api.app.inject({
      method: 'POST',
      url: '/api/v1/customers',
      headers: { cookie },
      payload: {
        name: '压测客户',
        idType: 'resident_id',
        idNumber: '11010519491231002X',
        mobile,
        address: { province: '北京', city: '北京', district: '朝阳区', street: '建国路', number: '1号' },
        serviceType: 'mobile',
        channel: 'counter',
      },
    });
    const customerId = (created.json() as { customer: { customerId: string } }).customer.customerId;
    const sim =
      cdrRate > 0
        ? runCdrSimulator(
            env.nats,
            {
              seed: 7,
              subscribers: 20_000,
              rate: cdrRate,
              startMs: Date.now(),
              batchSize: 100,
              planIds: ['flat'],
            },
            ac.signal,
          ).catch(() => undefined)
        : Promise.resolve(undefined);
    const common = { connections, duration: durationSec };
    const result = {
      baseline: await measure({ ...common, url: `${baseUrl}/ping` }),
      customerLookup: await measure({ ...common, url: `${url}/api/v1/customers/${customerId}`, headers }),
      // each order on a number of its own: a number is held by the first order that takes it
      orderPlacement: await measure({
        ...common,
        url,
        requests: [
          {
            method: 'POST',
            path: '/api/v1/orders',
            headers,
            setupRequest: (req) => ({
              ...req,
              body: JSON.stringify({
                customerId,
                msisdn: `+86137${String(++orderNumbers).padStart(8, '0')}`,
                channel: 'counter',
              }),
            }),
          },
        ],
      }),
      usageQuery: await measure({
        ...common,
        url: `${url}/api/v1/subscribers/${encodeURIComponent(mobile)}/usage/summary?period=this_month`,
        headers,
      }),
    };
    ac.abort();
    const simulated = await sim;
    const base = result.baseline.reqPerSec || 1;
    return {
      scenario: 'care',
      durationSec,
      connections,
      cdrRatePerSec: cdrRate,
      // what the simulator really sent while the scenarios ran (it shares this process)
      simulator: simulated
        ? {
            published: simulated.published,
            elapsedMs: Math.round(simulated.elapsedMs),
            cdrPerSec: Math.round(simulated.published / Math.max(0.001, simulated.elapsedMs / 1000)),
          }
        : null,
      ...result,
      ratioToBaseline: {
        customerLookup: +(result.customerLookup.reqPerSec / base).toFixed(3),
        orderPlacement: +(result.orderPlacement.reqPerSec / base).toFixed(3),
        usageQuery: +(result.usageQuery.reqPerSec / base).toFixed(3),
      },
      target: {
        lookupRatioAtLeast: 0.25,
        lookupP99BelowMs: 50,
        met: result.customerLookup.reqPerSec / base >= 0.25 && result.customerLookup.p99Ms < 50,
      },
    };
  } finally {
    ac.abort();
    await api.close();
    await baseline.close();
    await env.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href)
  run().then(
    (r) => {
      console.log(JSON.stringify(r, null, 2));
      process.exit(0);
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
