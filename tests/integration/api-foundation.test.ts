import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as ioClient } from 'socket.io-client';
import { headers } from '@nats-io/transport-node';
import { ITEMS_HEADER } from '../../processors/rating/index.ts';
import { createApi, DEMO_CUSTOMER_MSISDN, seedDemoUsers, type Api } from '../../api/index.ts';
import { applyTopology, type Nats } from '../../infra/nats/index.ts';
import { loadConfig } from '../../infra/config/index.ts';
import { createMetrics } from '../../infra/metrics/index.ts';
import { createLogger } from '../../infra/log/index.ts';
import { encodeBatch, randomIds, systemClock, type RatedCdr } from '../../domain/index.ts';
import { openTestClickHouse, startTestNats, waitFor } from '../support/env.ts';

const MSISDN = '+8613912345678';
const log = createLogger('silent');

function rated(i: number, msisdn = MSISDN, startMs = Date.now() - 60_000 + i): RatedCdr {
  return {
    cdr: {
      type: 'data',
      cdrId: `cdr-${i}`,
      neId: 'ggsn-1',
      recordSeq: i,
      msisdn,
      imsi: '460001234567890',
      cellId: 'cell-1',
      region: 'bj',
      startMs,
      roaming: false,
      apn: 'cmnet',
      durationSec: 60,
      bytesUp: 1000,
      bytesDown: 9000,
    },
    planId: 'flat',
    planVersion: 1,
    chargeFen: 5,
    billableUnits: 10_000,
    unit: 'byte',
    allowanceUsed: 0,
    ratedAtMs: startMs + 10,
    explanation: 'flat rate',
  };
}

describe('API foundation (real nats-server and embedded ClickHouse)', () => {
  let nats: Awaited<ReturnType<typeof startTestNats>>;
  let chEnv: Awaited<ReturnType<typeof openTestClickHouse>>;
  let api: Api;
  let n: Nats;

  beforeAll(async () => {
    nats = await startTestNats();
    n = nats.nats;
    chEnv = await openTestClickHouse();
    await applyTopology(n.nc, n.jsm, []);
    await seedDemoUsers(n, log);
    api = await createApi({
      config: { ...loadConfig({}), PORT: 0, LOG_LEVEL: 'silent' },
      nats: n,
      ch: chEnv.ch,
      metrics: createMetrics(),
      log,
      clock: systemClock,
      ids: randomIds,
      dashboardDir: '/nonexistent-dashboard',
      loginRateLimit: { max: 3, windowMs: 60_000 },
    });
  });
  afterAll(async () => {
    await api?.close();
    await chEnv?.close();
    await nats?.close();
  });

  async function login(username: string, password = `${username}-demo-2026`): Promise<string> {
    const res = await api.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username, password },
    });
    expect(res.statusCode).toBe(200);
    const c = res.cookies.find((x) => x.name === 'sbss_session');
    expect(c?.httpOnly).toBe(true);
    expect(c?.sameSite).toBe('Lax');
    return `sbss_session=${c?.value}`;
  }

  it('answers /healthz 200 with NATS and ClickHouse status', async () => {
    const res = await api.app.inject('/healthz');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      status: 'ok',
      nats: { ok: true },
      clickhouse: { ok: true, mode: 'embedded' },
    });
  });

  it('logs in, tells who I am, and logs out', async () => {
    const cookie = await login('noc');
    const me = await api.app.inject({ url: '/api/v1/auth/me', headers: { cookie } });
    expect(me.json()).toMatchObject({ username: 'noc', role: 'noc' });
    const out = await api.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie } });
    expect(out.statusCode).toBe(204);
    const after = await api.app.inject({ url: '/api/v1/auth/me', headers: { cookie } });
    expect(after.statusCode).toBe(401);
    expect(after.json()).toEqual({ error: { code: 'UNAUTHENTICATED', message: 'login required' } });
  });

  it('rejects a wrong password with 401 and rate-limits repeated attempts with 429 and Retry-After', async () => {
    const bad = () =>
      api.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: 'admin', password: 'guess' },
      });
    const first = await bad();
    expect(first.statusCode).toBe(401);
    expect(first.json().error.code).toBe('UNAUTHENTICATED');
    await bad();
    await bad();
    const limited = await bad();
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('names the field of a malformed login body', async () => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'agent' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: '/password' });
  });

  it('returns usage rows inserted into cdr_rated, newest first, with totals', async () => {
    const rows = [0, 1, 2].map((i) => {
      const r = rated(i);
      return {
        cdr_id: r.cdr.cdrId,
        msisdn: r.cdr.msisdn,
        type: r.cdr.type,
        start_time: r.cdr.startMs,
        duration_sec: 60,
        bytes_up: 1000,
        bytes_down: 9000,
        called: '',
        region: 'bj',
        cell_id: 'cell-1',
        roaming: 0,
        plan_id: 'flat',
        plan_version: 1,
        charge_fen: 5,
        billable_units: 10_000,
        allowance_used: 0,
        explanation: 'flat rate',
        rated_at: r.ratedAtMs,
        stream_seq: i + 1,
      };
    });
    await chEnv.ch.client.insert({ table: `${chEnv.ch.db}.cdr_rated`, values: rows, format: 'JSONEachRow' });
    const cookie = await login('agent');
    const res = await api.app.inject({
      url: `/api/v1/subscribers/${encodeURIComponent(MSISDN)}/usage?limit=2`,
      headers: { cookie },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.rows.map((r: { cdrId: string }) => r.cdrId)).toEqual(['cdr-2', 'cdr-1']);
    expect(body.rows[0]).toMatchObject({
      type: 'data',
      chargeFen: 5,
      bytesUp: 1000,
      bytesDown: 9000,
      roaming: false,
    });
    expect(body.totals).toEqual({ count: 3, chargeFen: 15, bytes: 30_000, durationSec: 180 });
  });

  it('answers 400 naming /msisdn for a malformed number, 401 without a session, 403 for a wrong role or number', async () => {
    const agent = await login('agent');
    const bad = await api.app.inject({ url: '/api/v1/subscribers/12345/usage', headers: { cookie: agent } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: '/msisdn' });
    const badLimit = await api.app.inject({
      url: `/api/v1/subscribers/${encodeURIComponent(MSISDN)}/usage?limit=5000`,
      headers: { cookie: agent },
    });
    expect(badLimit.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: '/limit' });

    const anon = await api.app.inject(`/api/v1/subscribers/${encodeURIComponent(MSISDN)}/usage`);
    expect(anon.statusCode).toBe(401);

    const tech = await login('technician');
    const forbidden = await api.app.inject({
      url: `/api/v1/subscribers/${encodeURIComponent(MSISDN)}/usage`,
      headers: { cookie: tech },
    });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().error.code).toBe('FORBIDDEN');

    const customer = await login('customer');
    const other = await api.app.inject({
      url: `/api/v1/subscribers/${encodeURIComponent(MSISDN)}/usage`,
      headers: { cookie: customer },
    });
    expect(other.statusCode).toBe(403);
    const own = await api.app.inject({
      url: `/api/v1/subscribers/${encodeURIComponent(DEMO_CUSTOMER_MSISDN)}/usage`,
      headers: { cookie: customer },
    });
    expect(own.statusCode).toBe(200);
    expect(own.json().totals.count).toBe(0);
  });

  it('answers unknown routes and the unbuilt dashboard in the one error shape', async () => {
    const nf = await api.app.inject('/api/v1/nope');
    expect(nf.statusCode).toBe(404);
    expect(nf.json().error.code).toBe('NOT_FOUND');
    // A path that exists, asked with a method it does not take: 405 naming the ones it does.
    const wrong = await api.app.inject({
      method: 'POST',
      url: `/api/v1/subscribers/${encodeURIComponent(MSISDN)}/renewal?x=1`,
      payload: {},
    });
    expect(wrong.statusCode).toBe(405);
    expect(wrong.headers.allow).toBe('GET, HEAD');
    expect(wrong.json().error).toEqual({
      code: 'METHOD_NOT_ALLOWED',
      message: 'POST is not allowed here; this path takes GET, HEAD',
    });
    const root = await api.app.inject('/');
    expect(root.statusCode).toBe(503);
    expect(root.json().error.message).toContain('npm run build:dashboard');
  });

  it('serves Prometheus text with consumer lag, and the OpenAPI document', async () => {
    await n.jsm.consumers.add('RATED', { durable_name: 'lag-probe', ack_policy: 'explicit' as never });
    await n.js.publish('rated.p.0', encodeBatch('b-lag', [rated(100)]));
    const res = await api.app.inject('/metrics');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toContain('streambss_consumer_lag_messages{stream="RATED",consumer="lag-probe"} 1');
    const doc = await api.app.inject('/openapi.json');
    expect(doc.statusCode).toBe(200);
    const spec = doc.json();
    expect(spec.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(['/healthz', '/api/v1/auth/login', '/api/v1/subscribers/{msisdn}/usage']),
    );
    const docs = await api.app.inject('/docs/');
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-security-policy']).toContain("default-src 'self'");
  });

  it('pushes coalesced live snapshots over socket.io to an authenticated NOC session only', async () => {
    const base = await api.listen();
    const anon = ioClient(base, { transports: ['websocket'], reconnection: false });
    const refused = await new Promise<string>((resolve) =>
      anon.on('connect_error', (e) => resolve(e.message)),
    );
    expect(refused).toBe('UNAUTHENTICATED');
    anon.close();

    const cookie = await login('noc');
    const sock = ioClient(base, { transports: ['websocket'], reconnection: false, extraHeaders: { cookie } });
    const snapshots: {
      totalCdrs: number;
      badPayloads: number;
      latest: { msisdnMasked: string; cdrId: string }[];
    }[] = [];
    sock.on('live', (s) => snapshots.push(s));
    await waitFor(() => snapshots.length > 0);
    const agentCookie = await login('agent');
    const agentSock = ioClient(base, {
      transports: ['websocket'],
      reconnection: false,
      extraHeaders: { cookie: agentCookie },
    });
    let agentPushes = 0;
    agentSock.on('live', () => agentPushes++);
    await waitFor(() => agentSock.connected);
    const before = snapshots.at(-1)?.totalCdrs ?? 0;
    for (let b = 0; b < 20; b++)
      n.nc.publish(
        'rated.p.0',
        encodeBatch(
          `b-${b}`,
          Array.from({ length: 50 }, (_, i) => rated(1000 + b * 50 + i)),
        ),
      );
    n.nc.publish('rated.p.1', new TextEncoder().encode('{not json'));
    await waitFor(
      () => (snapshots.at(-1)?.totalCdrs ?? 0) >= before + 1000 && (snapshots.at(-1)?.badPayloads ?? 0) >= 1,
    );
    const last = snapshots.at(-1);
    expect(last?.latest[0]?.msisdnMasked).toBe('+86139****5678');
    // 1000 CDRs in 20 batches arrive as a handful of pushes, not one per event or batch
    expect(snapshots.length).toBeLessThan(15);
    // Rating's messages say how many items they hold: counted from that, newest ones shown
    const counted = snapshots.at(-1)!.totalCdrs;
    const bad = snapshots.at(-1)!.badPayloads;
    // an older message than the ones shown is counted and never parsed (its body is not even JSON)
    const early = headers();
    early.set(ITEMS_HEADER, '30');
    n.nc.publish('rated.p.2', new TextEncoder().encode('{never parsed'), { headers: early });
    for (let b = 0; b < 10; b++) {
      const h = headers();
      h.set(ITEMS_HEADER, '30');
      n.nc.publish(
        'rated.p.2',
        encodeBatch(
          `h-${b}`,
          Array.from({ length: 30 }, (_, i) => rated(5000 + b * 30 + i)),
        ),
        { headers: h },
      );
    }
    await waitFor(() => (snapshots.at(-1)?.totalCdrs ?? 0) >= counted + 330);
    expect(snapshots.at(-1)!.totalCdrs).toBe(counted + 330);
    await waitFor(() => snapshots.at(-1)?.latest[0]?.cdrId === 'cdr-5299');
    expect(snapshots.at(-1)!.badPayloads).toBe(bad);
    // an agent is connected but may not watch the NOC room
    expect(agentPushes).toBe(0);
    agentSock.close();

    // logging out ends the live stream of that session
    const ended = new Promise<string>((resolve) => sock.on('disconnect', (reason) => resolve(reason)));
    await api.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie } });
    expect(await api.recheckSockets()).toBe(1);
    expect(await ended).toBe('io server disconnect');
    sock.close();
  });

  it('answers /healthz 503 when NATS is down', async () => {
    await nats.server.stop();
    const res = await api.app.inject('/healthz');
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ status: 'degraded', nats: { ok: false }, clickhouse: { ok: true } });
  });
});
