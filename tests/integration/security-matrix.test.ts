import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as ioClient } from 'socket.io-client';
import { AuthStore } from '../../api/auth/index.ts';
import { DEMO_CUSTOMER_MSISDN } from '../../api/index.ts';
import { systemClock } from '../../domain/index.ts';
import { newCustomerBody, newMsisdn, startCareEnv, type CareEnv } from '../support/care.ts';
import { waitFor } from '../support/env.ts';
import {
  callers,
  expectationOf,
  fillPath,
  operationsOf,
  RAW_ID_NUMBER,
  type Caller,
  type HttpMethod,
  type Operation,
} from '../security/matrix.ts';

/** Operations anyone may call without a session. */
const PUBLIC = new Set([
  'GET /healthz',
  'GET /metrics',
  'POST /api/v1/auth/login',
  'POST /api/v1/auth/logout',
  'POST /api/v1/accounts',
]);

interface Outcome {
  op: string;
  caller: Caller;
  status: number;
  body: string;
}

describe('authorization matrix: every documented route × every caller × someone else’s ids', () => {
  let env: CareEnv;
  const cookies = new Map<Caller, string>();
  const ids: Record<string, string> = {};
  let victimMobile = '';
  let victimIdNumber = '';
  let ops: Operation[] = [];
  let findings: string[] = [];
  const outcomes: Outcome[] = [];

  beforeAll(async () => {
    env = await startCareEnv();
    for (const r of ['customer', 'agent', 'technician', 'noc', 'supervisor', 'admin'] as const)
      cookies.set(r, await env.login(r));
    cookies.set('forged', `sbss_session=${Buffer.alloc(32, 7).toString('base64url')}`);
    const store = await AuthStore.open(env.nats.nc, systemClock);
    const admin = await store.getUser('admin');
    const expired = await store.openSession(admin!, -5);
    cookies.set('expired', `sbss_session=${expired.token}`);

    // the victim: another customer with a line, an order and a reservation the demo customer doesn't own
    const body = newCustomerBody({ name: '王五受害' });
    victimMobile = body.mobile;
    victimIdNumber = body.idNumber;
    const c = (await env.call('agent', 'POST', '/api/v1/customers', body)).json().customer;
    ids.customerId = c.customerId;
    ids.msisdn = newMsisdn();
    const order = await env.call('agent', 'POST', '/api/v1/orders', {
      customerId: c.customerId,
      msisdn: ids.msisdn,
      channel: 'counter',
    });
    expect(order.statusCode).toBe(201);
    ids.orderId = order.json().orderId;
    ids.id = 'TK-0000000001';
    ids.region = 'bj';
    ids.model = 'ONT-1';
    ids.period = '2025-03'; // bills of a month (GET /api/v1/subscribers/{msisdn}/bills/{period})
  });
  afterAll(async () => env?.close());

  it('every documented API route declares roles unless it is on the public list', async () => {
    const doc = (await env.api.app.inject('/openapi.json')).json();
    ({ ops, findings } = operationsOf(doc, env.api.routes, PUBLIC));
    expect(findings).toEqual([]);
    expect(ops.length).toBeGreaterThan(50);
  });

  it('gives no caller an unexpected 2xx, never a 5xx, and no forbidden PII to agent or NOC', async () => {
    const unexpected: string[] = [];
    // logging out would end the callers' sessions mid-matrix: it is covered by the socket test
    for (const op of ops.filter((o) => o.path !== '/api/v1/auth/logout')) {
      const url = fillPath(op.path, ids);
      const hasVictimId = /\{(customerId|msisdn|orderId)\}/.test(op.path);
      for (const caller of callers) {
        const cookie = cookies.get(caller);
        const res = await env.api.app.inject({
          method: op.method as HttpMethod,
          url,
          headers: cookie ? { cookie } : {},
          ...(op.method === 'GET' ? {} : { payload: {} }),
        });
        const key = `${op.method} ${op.path}`;
        outcomes.push({ op: key, caller, status: res.statusCode, body: res.body });
        const want = expectationOf(op, caller);
        const ok2xx = res.statusCode >= 200 && res.statusCode < 300;
        if (res.statusCode >= 500) unexpected.push(`${key} as ${caller}: ${res.statusCode} ${res.body}`);
        else if (want === 'denied401' && res.statusCode !== 401)
          unexpected.push(`${key} as ${caller}: ${res.statusCode}, want 401`);
        else if (want === 'denied403' && res.statusCode !== 403)
          unexpected.push(`${key} as ${caller}: ${res.statusCode}, want 403`);
        else if (caller === 'customer' && hasVictimId && ok2xx)
          unexpected.push(`${key} as customer with another customer's id: ${res.statusCode}`);
        if (
          caller === 'customer' &&
          ok2xx &&
          (res.body.includes(victimMobile) || res.body.includes(ids.msisdn!))
        )
          unexpected.push(`${key} as customer: shows another customer's number`);
        if ((caller === 'agent' || caller === 'noc') && ok2xx && !op.path.endsWith('/reveal')) {
          if (RAW_ID_NUMBER.test(res.body)) unexpected.push(`${key} as ${caller}: raw ID number in response`);
          if (res.body.includes(victimMobile))
            unexpected.push(`${key} as ${caller}: full mobile in response`);
          if (res.body.includes(victimIdNumber)) unexpected.push(`${key} as ${caller}: victim ID number`);
        }
      }
    }
    console.info(
      `security matrix: ${ops.length - 1} operations × ${callers.length} callers = ${outcomes.length} requests`,
    );
    expect(unexpected).toEqual([]);
    expect(outcomes.length).toBe((ops.length - 1) * callers.length);
  });

  it('audits every reveal: n reveals → n audit entries with actor and reason', async () => {
    const reasons = ['customer at counter asks', 'fraud check on call', 'contract dispute'];
    for (const reason of reasons) {
      const r = await env.call('agent', 'POST', `/api/v1/customers/${ids.customerId}/reveal`, { reason });
      expect(r.statusCode).toBe(200);
      expect(r.body).toContain(victimIdNumber);
    }
    const trail = await waitFor(async () => {
      const r = (await env.call('supervisor', 'GET', `/api/v1/customers/${ids.customerId}/audit`)).json();
      const revealed = (r.entries as { action: string; actor: string; reason?: string }[]).filter(
        (e) => e.action === 'customer.revealed',
      );
      return revealed.length >= reasons.length ? revealed : null;
    });
    expect(trail.map((e) => e.reason).sort()).toEqual([...reasons].sort());
    expect(trail.every((e) => e.actor === 'agent')).toBe(true);
  });

  it('lets only live NOC-room roles into the live room, refuses dead sessions, drops a revoked socket', async () => {
    const base = await env.api.listen();
    const connect = (caller: Caller) =>
      new Promise<'refused' | 'live' | 'quiet'>((resolve) => {
        const cookie = cookies.get(caller);
        const s = ioClient(base, {
          transports: ['websocket'],
          reconnection: false,
          ...(cookie ? { extraHeaders: { cookie } } : {}),
        });
        const done = (v: 'refused' | 'live' | 'quiet') => {
          s.close();
          resolve(v);
        };
        s.on('connect_error', () => done('refused'));
        s.on('live', () => done('live'));
        s.on('connect', () => setTimeout(() => done('quiet'), 700));
      });
    const seen: Record<string, string> = {};
    for (const c of callers) seen[c] = await connect(c);
    expect(seen).toEqual({
      anonymous: 'refused',
      forged: 'refused',
      expired: 'refused',
      customer: 'quiet',
      agent: 'quiet',
      technician: 'quiet',
      noc: 'live',
      supervisor: 'live',
      admin: 'live',
    });

    const cookie = await env.login('noc', 'noc-demo-2026');
    const own = `${cookie}`;
    const res = await env.api.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'noc', password: 'noc-demo-2026' },
    });
    const fresh = `sbss_session=${res.cookies.find((x) => x.name === 'sbss_session')?.value}`;
    expect(fresh).not.toBe(own);
    const sock = ioClient(base, {
      transports: ['websocket'],
      reconnection: false,
      extraHeaders: { cookie: fresh },
    });
    await waitFor(() => sock.connected);
    const ended = new Promise<string>((resolve) => sock.on('disconnect', (reason) => resolve(reason)));
    await env.api.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie: fresh } });
    expect(await env.api.recheckSockets()).toBeGreaterThanOrEqual(1);
    expect(await ended).toBe('io server disconnect');
    sock.close();
  });

  it('the demo customer reads their own line', async () => {
    const own = await env.call(
      'customer',
      'GET',
      `/api/v1/subscribers/${encodeURIComponent(DEMO_CUSTOMER_MSISDN)}/usage`,
    );
    expect(own.statusCode).toBe(200);
  });
});
