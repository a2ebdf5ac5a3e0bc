import { AckPolicy, DeliverPolicy } from '@nats-io/jetstream';
import { createApi, DEMO_CUSTOMER_MSISDN, seedDemoUsers, type Api } from '../../api/index.ts';
import { fixedClock, randomIds, systemClock } from '../../domain/index.ts';
import type { Ticket } from '../../domain/noc/index.ts';
import { loadConfig } from '../../infra/config/index.ts';
import { createLogger } from '../../infra/log/index.ts';
import { createMetrics } from '../../infra/metrics/index.ts';
import { applyTopology } from '../../infra/nats/index.ts';
import { nocConsumers, runNocProcessor } from '../../processors/noc/index.ts';
import { runSinks, sinks } from '../../processors/sink/index.ts';
import { publishNetworkEvents, scenarioEvents } from '../../simulators/index.ts';
import { openTestClickHouse, startTestNats, waitFor } from './env.ts';

export const log = createLogger('silent');

/**
 * The NOC API against real nats-server and embedded ClickHouse, with the NOC processor and the
 * sinks running, the demo users logged in, recent usage on the site's cells (3 subscribers, one
 * of them the demo customer) and elsewhere, and a site power loss at `t0` that became one
 * dispatched ticket. The API's clock is `t0` + 1 h (11:00 in China: the day shift is on).
 */
export async function startNocApiEnv(t0: number, site: string) {
  const env = await startTestNats();
  const chEnv = await openTestClickHouse();
  const ac = new AbortController();
  const running: Promise<void>[] = [];
  const cookies: Record<string, string> = {};
  await applyTopology(env.nats.nc, env.nats.jsm, [...nocConsumers, ...sinks.map((s) => s.consumer)]);
  await seedDemoUsers(env.nats, log);
  const metrics = createMetrics();
  running.push(
    runNocProcessor({ nats: env.nats, clock: systemClock, log, metrics, slaSweepMs: 0 }, ac.signal),
  );
  running.push(
    runSinks(
      { nats: env.nats, ch: chEnv.ch, clock: systemClock, log, metrics, batchMessages: 50, flushMs: 50 },
      ac.signal,
    ),
  );
  const api: Api = await createApi({
    config: { ...loadConfig({}), PORT: 0, LOG_LEVEL: 'silent' },
    nats: env.nats,
    ch: chEnv.ch,
    metrics,
    log,
    clock: fixedClock(t0 + 3_600_000),
    ids: randomIds,
    dashboardDir: '/nonexistent-dashboard',
  });
  for (const u of ['noc', 'technician', 'customer', 'agent', 'supervisor']) {
    const res = await api.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: u, password: `${u}-demo-2026` },
    });
    cookies[u] = `sbss_session=${res.cookies.find((c) => c.name === 'sbss_session')?.value}`;
  }
  const as = (user: string) => ({ cookie: cookies[user] ?? '' });
  const get = (user: string, url: string) => api.app.inject({ url, headers: as(user) });
  const post = (user: string, url: string, payload: object) =>
    api.app.inject({ method: 'POST', url, payload, headers: as(user) });

  /** Every message on a BSS subject so far, parsed. */
  const bss = async (subject: string): Promise<unknown[]> => {
    const ci = await env.nats.jsm.consumers.add('BSS', {
      filter_subject: subject,
      ack_policy: AckPolicy.None,
      deliver_policy: DeliverPolicy.All,
      inactive_threshold: 30_000_000_000,
    });
    const c = await env.nats.js.consumers.get('BSS', ci.name);
    let n = ci.num_pending;
    const out: unknown[] = [];
    if (n === 0) return out;
    for await (const m of await c.fetch({ max_messages: n, expires: 2000 })) {
      out.push(m.json());
      if (--n === 0) break;
    }
    return out;
  };

  const row = (msisdn: string, cell: string, i: number) => ({
    cdr_id: `cdr-${i}`,
    msisdn,
    type: 'voice',
    start_time: t0 - 3_600_000 + i * 1000,
    duration_sec: 60,
    bytes_up: 0,
    bytes_down: 0,
    called: '+8613900000000',
    region: 'GD',
    cell_id: cell,
    roaming: 0,
    plan_id: 'flat',
    plan_version: 1,
    charge_fen: 15,
    billable_units: 60,
    allowance_used: 0,
    explanation: '',
    rated_at: t0,
    stream_seq: i,
  });
  await chEnv.ch.client.insert({
    table: `${chEnv.ch.db}.cdr_rated`,
    values: [
      row(DEMO_CUSTOMER_MSISDN, `${site}-1`, 1),
      row('+8613800000101', `${site}-2`, 2),
      row('+8613800000102', `${site}-3`, 3),
      row('+8613800000102', `${site}-3`, 4),
      row('+8613800000999', 'GD-GZ-0099-1', 5),
    ],
    format: 'JSONEachRow',
  });
  await publishNetworkEvents(
    env.nats,
    scenarioEvents('site-power-loss', { seed: 9, startMs: t0, siteId: site, alarms: 300 }),
  );
  const ticket = (await waitFor(async () => {
    const res = await get('noc', '/api/v1/noc/tickets?open=true');
    const items = (res.json() as { items: Ticket[] }).items;
    return items.length === 1 && items[0]?.status === 'assigned' ? items[0] : null;
  })) as Ticket;

  return {
    env,
    chEnv,
    api,
    cookies,
    ticket,
    get,
    post,
    bss,
    close: async () => {
      ac.abort();
      await Promise.all(running);
      await api.close();
      await chEnv.close();
      await env.close();
    },
  };
}
export type NocApiEnv = Awaited<ReturnType<typeof startNocApiEnv>>;
