import { Kvm } from '@nats-io/kv';
import type { MessageGateway } from '../../api/routes/care/outbox.ts';
import { createApi, seedDemoUsers, type Api } from '../../api/index.ts';
import { randomIds, systemClock } from '../../domain/index.ts';
import type { Provisioning } from '../../domain/rating/index.ts';
import { loadConfig } from '../../infra/config/index.ts';
import { createLogger } from '../../infra/log/index.ts';
import { createMetrics } from '../../infra/metrics/index.ts';
import { applyTopology } from '../../infra/nats/index.ts';
import { INGEST_CONSUMER, runNatsIngest } from '../../ingest/index.ts';
import { runChargingNotices } from '../../processors/notify/index.ts';
import {
  ADJUSTMENT_ROUTER_CONSUMER,
  openChargingStores,
  PAYMENT_ROUTER_CONSUMER,
  provisionLines,
  ratingConsumers,
  runPaymentRouter,
  runRating,
} from '../../processors/rating/index.ts';
import { runSinks, sinks } from '../../processors/sink/index.ts';
import { loadCatalogFile } from '../../runtime/catalog.ts';
import { openTestClickHouse, startTestNats } from './env.ts';

export const PARTITIONS = 2;
export const catalog = loadCatalogFile('catalog/default.json');
export const log = createLogger(process.env.TEST_LOG ?? 'silent');

/** A raw international voice CDR of `msisdn` (+86…) from the Shanghai MSC: priced, never in an allowance. */
export const intlCall = (n: number, msisdn: string, startMs: number) => ({
  type: 'voice',
  neId: 'MSC-SH-01',
  recordSeq: n,
  msisdn: msisdn.slice(3),
  imsi: `4600012345678${String(n).padStart(2, '0')}`,
  cellId: 'SH-SH-0003-1',
  startMs,
  roaming: false,
  direction: 'mo',
  calledNumber: '+442071234567',
  durationSec: 61,
});

export type Caller = (
  user: string,
  method: 'GET' | 'POST' | 'PUT',
  url: string,
  payload?: object,
) => Promise<Awaited<ReturnType<Api['app']['inject']>>>;

export interface ChargingApiEnv {
  nats: Awaited<ReturnType<typeof startTestNats>>;
  chEnv: Awaited<ReturnType<typeof openTestClickHouse>>;
  api: Api;
  /** An API request as one of the demo users (agent, supervisor, admin, customer). */
  call: Caller;
  close(): Promise<void>;
}

/**
 * Real nats-server and ClickHouse, ingest, rating and the sinks running, the API with the demo
 * users logged in: what the charging API tests drive. `lines` are provisioned before rating
 * starts; `beforeRoles` sees the streams before any role does; `notices` also runs the
 * charging-notices consumer, `payments` the payment and adjustment router.
 */
export async function startChargingApi(o: {
  lines: Provisioning[];
  beforeRoles?: (nats: ChargingApiEnv['nats']) => Promise<void>;
  notices?: boolean;
  payments?: boolean;
  /** Where the API's SMS and e-mail go (default: the simulated gateway). */
  messageGateway?: MessageGateway;
}): Promise<ChargingApiEnv> {
  const nats = await startTestNats();
  const chEnv = await openTestClickHouse();
  await applyTopology(nats.nats.nc, nats.nats.jsm, [
    INGEST_CONSUMER,
    ...ratingConsumers(PARTITIONS),
    ...(o.payments ? [PAYMENT_ROUTER_CONSUMER, ADJUSTMENT_ROUTER_CONSUMER] : []),
    ...sinks.map((s) => s.consumer),
  ]);
  await provisionLines((await openChargingStores(nats.nats.nc)).subscribers, o.lines);
  await o.beforeRoles?.(nats);
  const ac = new AbortController();
  const deps = { nats: nats.nats, clock: systemClock, log, metrics: createMetrics() };
  const roles = Promise.all([
    runNatsIngest({ ...deps, partitions: PARTITIONS }, ac.signal),
    runRating({ ...deps, partitions: PARTITIONS, catalog, checkpointMs: 200 }, ac.signal),
    ...(o.payments ? [runPaymentRouter({ ...deps, partitions: PARTITIONS }, ac.signal)] : []),
    runSinks({ ...deps, ch: chEnv.ch, batchMessages: 50, flushMs: 50 }, ac.signal),
    ...(o.notices ? [runChargingNotices(deps, ac.signal)] : []),
  ]);
  await seedDemoUsers(nats.nats, log);
  const api = await createApi({
    catalog,
    config: { ...loadConfig({}), PORT: 0, LOG_LEVEL: 'silent', CDR_PARTITIONS: PARTITIONS },
    nats: nats.nats,
    ch: chEnv.ch,
    metrics: createMetrics(),
    log,
    clock: systemClock,
    ids: randomIds,
    dashboardDir: '/nonexistent',
    ...(o.messageGateway ? { messageGateway: o.messageGateway } : {}),
  });
  const cookies = new Map<string, string>();
  for (const u of ['agent', 'noc', 'supervisor', 'admin', 'customer']) {
    const res = await api.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: u, password: `${u}-demo-2026` },
    });
    cookies.set(u, `sbss_session=${res.cookies.find((c) => c.name === 'sbss_session')?.value}`);
  }
  const call: Caller = (user, method, url, payload) =>
    api.app.inject({
      method,
      url,
      headers: { cookie: cookies.get(user) ?? '' },
      ...(payload ? { payload } : {}),
    });
  return {
    nats,
    chEnv,
    api,
    call,
    close: async () => {
      ac.abort();
      await roles;
      await api.close();
      await chEnv.close();
      await nats.close();
    },
  };
}

/**
 * Puts a line on record in care as the customer's (the line record and the owner index entry
 * `own.<customerId>.<number>`), as activation or `POST /lines/:msisdn/owner` would: active, on
 * `planId`, no contract, no devices, unless `extra` says otherwise.
 */
export async function recordCareLine(
  env: ChargingApiEnv,
  line: { msisdn: string; customerId: string; planId: string; openedAtMs: number },
  extra: Record<string, unknown> = {},
): Promise<void> {
  const kv = await new Kvm(env.nats.nats.nc).open('care_lines');
  const put = (key: string, v: unknown) => kv.put(key, new TextEncoder().encode(JSON.stringify(v)));
  await put(`own.${line.customerId}.${line.msisdn.slice(1)}`, {
    customerId: line.customerId,
    msisdn: line.msisdn,
  });
  await put(line.msisdn.slice(1), {
    ...line,
    status: 'active',
    contractEndMs: null,
    devicesOutstanding: [],
    ...extra,
  });
}

/** The line's money and plan as charging holds it (`GET /subscribers/:msisdn/balance`, as an agent). */
export const balanceOf = async (env: ChargingApiEnv, msisdn: string) =>
  (await env.call('agent', 'GET', `/api/v1/subscribers/${encodeURIComponent(msisdn)}/balance`)).json();

/** The customer's notices of one template, newest first, as an agent reads them. */
export const noticesOf = async (env: ChargingApiEnv, customerId: string, template: string) =>
  (
    (await env.call('agent', 'GET', `/api/v1/customers/${customerId}/notifications`)).json()
      .notifications as {
      template: string;
      text: string;
      state: string;
    }[]
  ).filter((n) => n.template === template);
