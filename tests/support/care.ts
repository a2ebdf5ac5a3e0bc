import { createApi, seedDemoUsers, type Api } from '../../api/index.ts';
import { Kvm } from '@nats-io/kv';
import { openCareContext, simulatedGateway, type CareContext } from '../../api/routes/care/index.ts';
import type { ClickHouse } from '../../infra/clickhouse/index.ts';
import { applyTopology, type Nats } from '../../infra/nats/index.ts';
import { loadConfig } from '../../infra/config/index.ts';
import { createMetrics, type Metrics } from '../../infra/metrics/index.ts';
import { createLogger } from '../../infra/log/index.ts';
import { randomIds, systemClock, type Clock } from '../../domain/index.ts';
import { residentIdCheckChar } from '../../domain/customer/index.ts';
import { runSinks, sinks } from '../../processors/sink/index.ts';
import { openTestClickHouse, startTestNats } from './env.ts';

/** A care test bed: real nats-server, embedded ClickHouse, the API, and the sinks projecting into it. */
export async function startCareEnv() {
  const log = createLogger('silent');
  const nats = await startTestNats();
  const n: Nats = nats.nats;
  const chEnv = await openTestClickHouse();
  await applyTopology(
    n.nc,
    n.jsm,
    sinks.map((s) => s.consumer),
  );
  await seedDemoUsers(n, log);
  const messages = simulatedGateway();
  const ac = new AbortController();
  const metrics = createMetrics();
  const sinking = runSinks(
    { nats: n, ch: chEnv.ch, clock: systemClock, log, metrics, batchMessages: 50, flushMs: 20 },
    ac.signal,
  );
  const config = { ...loadConfig({}), PORT: 0, LOG_LEVEL: 'silent' as const };
  const api: Api = await createApi({
    config,
    nats: n,
    ch: chEnv.ch,
    metrics,
    log,
    clock: systemClock,
    ids: randomIds,
    dashboardDir: '/nonexistent-dashboard',
    loginRateLimit: { max: 100, windowMs: 60_000 },
    // the simulated gateway as a handle: `messages.down` makes every send fail (an outage)
    messageGateway: messages,
  });
  const cookies = new Map<string, string>();
  async function login(username: string, password = `${username}-demo-2026`): Promise<string> {
    const hit = cookies.get(`${username}:${password}`);
    if (hit) return hit;
    const res = await api.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username, password },
    });
    if (res.statusCode !== 200) throw new Error(`login ${username}: ${res.statusCode} ${res.body}`);
    const c = res.cookies.find((x) => x.name === 'sbss_session');
    const cookie = `sbss_session=${c?.value}`;
    cookies.set(`${username}:${password}`, cookie);
    return cookie;
  }
  async function call(
    user: string,
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    url: string,
    payload?: object,
  ) {
    const cookie = user ? await login(user) : undefined;
    return api.app.inject({
      method,
      url,
      ...(payload ? { payload } : {}),
      headers: cookie ? { cookie } : {},
    });
  }
  return {
    api,
    nats: n,
    ch: chEnv.ch,
    messages,
    login,
    call,
    close: async () => {
      await api.close();
      ac.abort();
      await sinking.catch(() => undefined);
      await chEnv.close();
      await nats.close();
    },
  };
}
export type CareEnv = Awaited<ReturnType<typeof startCareEnv>>;

let seq = 0;
/** A valid 18-digit resident ID with a fresh sequence part (born 1990-01-01 + n days). */
export function residentId(n = ++seq): string {
  const birth = new Date(Date.UTC(1990, 0, 1) + (n % 9000) * 86_400_000)
    .toISOString()
    .slice(0, 10)
    .replaceAll('-', '');
  const first17 = `110105${birth}${String(n % 1000).padStart(3, '0')}`;
  return first17 + residentIdCheckChar(first17);
}

let phone = 0;
export function newMsisdn(): string {
  phone++;
  return `+86137${String(Date.now() % 100000).padStart(5, '0')}${String(phone).padStart(3, '0')}`;
}

export function newCustomerBody(over: Record<string, unknown> = {}) {
  return {
    name: '张三',
    idType: 'resident_id',
    idNumber: residentId(),
    mobile: newMsisdn(),
    email: 'zhang.san@example.com',
    address: { province: '北京', city: '北京', district: '朝阳区', street: '建国路', number: '88号' },
    serviceType: 'mobile',
    channel: 'counter',
    ...over,
  };
}

/** 10:00 China time (02:00 UTC) the day after tomorrow: a valid reservation slot. */
export function reservationSlot(): number {
  const d = new Date(Date.now() + 2 * 86_400_000);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), 2, 0, 0);
}

/** Registers a fresh customer through the API as an agent; returns the created customer. */
export const registerCustomer = async (env: CareEnv) =>
  (await env.call('agent', 'POST', '/api/v1/customers', newCustomerBody())).json().customer;

/** Sets a region's stock of a device model (supervisor). */
export const setStock = (env: CareEnv, region: string, model: string, available: number, kind = 'cpe') =>
  env.call('supervisor', 'PUT', `/api/v1/inventory/${region}/${model}`, { kind, available });

/** 上网预开户 of `msisdn` for the customer (agent, ¥39 plan); the simulated gateway declines payer
 * accounts ending 0000 and times out on 9999. Raise `attempt` to retry after a failure. */
export const preopenLine = (
  env: CareEnv,
  customerId: string,
  msisdn: string,
  payerAccount = 'buyer5678',
  attempt = 1,
) =>
  env.call('agent', 'POST', '/api/v1/preopen', {
    customerId,
    msisdn,
    planId: 'liuliangwang-39',
    method: 'alipay',
    payerAccount,
    amountFen: 3900,
    customerDataConfirmed: true,
    attempt,
    channel: 'counter',
  });

/**
 * The care context of another API instance on the same servers (its sweeps, at a clock of the
 * test's choosing). Close it when done.
 */
export const otherApiInstance = (
  nats: Nats,
  ch: ClickHouse,
  clock: Clock = systemClock,
  partitions = 4,
  metrics?: Metrics,
): Promise<CareContext> =>
  openCareContext({
    config: { CDR_PARTITIONS: partitions },
    nats,
    ch,
    clock,
    ids: randomIds,
    log: createLogger('silent'),
    ...(metrics ? { metrics } : {}),
  });

/**
 * Writes a line record straight into `care_lines`, as another writer (or an earlier version) left
 * it: active on changxiang-128 since a day ago unless `line` says otherwise. Returns the record.
 */
export async function writeLineRecord(
  nats: Nats,
  line: { msisdn: string; customerId: string } & Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const record = {
    status: 'active',
    planId: 'changxiang-128',
    openedAtMs: Date.now() - 86_400_000,
    contractEndMs: null,
    devicesOutstanding: [],
    ...line,
  };
  const kv = await new Kvm(nats.nc).open('care_lines');
  await kv.put(line.msisdn.slice(1), JSON.stringify(record));
  return record;
}
