import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi, seedDemoUsers, type Api } from '../../api/index.ts';
import { randomIds, systemClock } from '../../domain/index.ts';
import { loadConfig } from '../../infra/config/index.ts';
import { createLogger } from '../../infra/log/index.ts';
import { createMetrics } from '../../infra/metrics/index.ts';
import { applyTopology } from '../../infra/nats/index.ts';
import { newCustomerBody } from '../support/care.ts';
import { openTestClickHouse, startTestNats } from '../support/env.ts';

/** Every log line the API writes, captured (pino JSON). */
const logLines: string[] = [];
const capture = new Writable({
  write(chunk: Buffer, _enc, done) {
    logLines.push(chunk.toString());
    done();
  },
});

describe('API hardening: per-user limits, CSRF, headers, no PII or secrets in logs', () => {
  let nats: Awaited<ReturnType<typeof startTestNats>>;
  let chEnv: Awaited<ReturnType<typeof openTestClickHouse>>;
  let api: Api;

  const login = async (username: string) => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username, password: `${username}-demo-2026` },
    });
    expect(res.statusCode).toBe(200);
    return { cookie: `sbss_session=${res.cookies.find((c) => c.name === 'sbss_session')?.value}`, res };
  };

  beforeAll(async () => {
    nats = await startTestNats();
    chEnv = await openTestClickHouse();
    await applyTopology(nats.nats.nc, nats.nats.jsm, []);
    const log = createLogger('debug', 'streambss', capture);
    await seedDemoUsers(nats.nats, log);
    api = await createApi({
      config: { ...loadConfig({}), PORT: 0, LOG_LEVEL: 'debug' },
      nats: nats.nats,
      ch: chEnv.ch,
      metrics: createMetrics(),
      log,
      clock: systemClock,
      ids: randomIds,
      dashboardDir: '/nonexistent-dashboard',
      loginRateLimit: { max: 50, windowMs: 60_000 },
      userRateLimits: { lookupsMax: 5, exportsMax: 2, windowMs: 60_000 },
    });
  });
  afterAll(async () => {
    await api?.close();
    await chEnv?.close();
    await nats?.close();
  });

  it('limits lookups per user across their sessions (429 + Retry-After) without touching other users', async () => {
    const a1 = (await login('agent')).cookie;
    const a2 = (await login('agent')).cookie;
    const url = '/api/v1/customers?name=%E5%BC%A0';
    const codes: number[] = [];
    for (let i = 0; i < 6; i++)
      codes.push((await api.app.inject({ url, headers: { cookie: i % 2 ? a1 : a2 } })).statusCode);
    expect(codes.slice(0, 5).every((c) => c === 200)).toBe(true);
    const limited = await api.app.inject({ url, headers: { cookie: a1 } });
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // a supervisor has their own budget; anonymous calls are refused (401) without spending any
    const sup = (await login('supervisor')).cookie;
    expect((await api.app.inject({ url, headers: { cookie: sup } })).statusCode).toBe(200);
    for (let i = 0; i < 8; i++) expect((await api.app.inject({ url })).statusCode).toBe(401);
  });

  it('limits CSV exports per user', async () => {
    const noc = (await login('noc')).cookie;
    const codes = [];
    for (let i = 0; i < 3; i++)
      codes.push(
        (await api.app.inject({ url: '/api/v1/noc/tickets.csv', headers: { cookie: noc } })).statusCode,
      );
    expect(codes).toEqual([200, 200, 429]);
  });

  it('refuses cross-site state changes riding the cookie (CSRF) and lets same-origin ones through', async () => {
    const { cookie } = await login('agent');
    const body = newCustomerBody();
    const post = (headers: Record<string, string>) =>
      api.app.inject({
        method: 'POST',
        url: '/api/v1/customers',
        payload: body,
        headers: { cookie, ...headers },
      });
    const evil = await post({ origin: 'https://evil.example' });
    expect(evil.statusCode).toBe(403);
    expect(evil.json().error.message).toContain('cross-site');
    expect((await post({ 'sec-fetch-site': 'cross-site' })).statusCode).toBe(403);
    expect((await post({ origin: 'null' })).statusCode).toBe(403);
    const same = await post({
      origin: 'http://localhost:80',
      host: 'localhost:80',
      'sec-fetch-site': 'same-origin',
    });
    expect(same.statusCode).toBe(201);
    // logout is state-changing too: a forged cross-site logout is refused
    const out = await api.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { cookie, origin: 'https://evil.example' },
    });
    expect(out.statusCode).toBe(403);
    expect((await api.app.inject({ url: '/api/v1/auth/me', headers: { cookie } })).statusCode).toBe(200);
  });

  it('sends security headers and an httpOnly SameSite session cookie', async () => {
    const { res } = await login('admin');
    const h = res.headers;
    expect(h['content-security-policy']).toContain("default-src 'self'");
    expect(h['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(h['x-content-type-options']).toBe('nosniff');
    expect(h['strict-transport-security']).toContain('max-age=');
    expect(h['referrer-policy']).toBe('no-referrer');
    expect(h['x-frame-options']).toBe('SAMEORIGIN');
    expect(h['x-powered-by']).toBeUndefined();
    const c = res.cookies.find((x) => x.name === 'sbss_session');
    expect(c).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
  });

  it('writes no password, session token, ID number, phone number or name to the logs', async () => {
    const { cookie } = await login('agent');
    const token = cookie.split('=')[1]!;
    await api.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'agent', password: 'Wrong-Secret-42' },
    });
    const body = newCustomerBody({ name: '赵六日志' });
    const created = await api.app.inject({
      method: 'POST',
      url: '/api/v1/customers',
      payload: body,
      headers: { cookie },
    });
    expect(created.statusCode).toBe(201);
    const id = created.json().customer.customerId;
    await api.app.inject({
      method: 'POST',
      url: `/api/v1/customers/${id}/reveal`,
      payload: { reason: 'customer at counter asks' },
      headers: { cookie },
    });
    await api.app.inject({
      url: `/api/v1/subscribers/${encodeURIComponent(body.mobile)}/usage`,
      headers: { cookie },
    });
    await api.app.inject({
      method: 'POST',
      url: '/api/v1/customers',
      payload: { ...body, idNumber: 'x' },
      headers: { cookie },
    });
    const all = logLines.join('');
    expect(logLines.length).toBeGreaterThan(5);
    const secrets = {
      demoPassword: 'agent-demo-2026',
      wrongPassword: 'Wrong-Secret-42',
      token,
      idNumber: body.idNumber,
      mobile: body.mobile,
      mobileDigits: body.mobile.slice(1),
      name: '赵六日志',
      street: body.address.street,
    };
    const leaked = Object.entries(secrets).filter(([, v]) => all.includes(v));
    expect(leaked).toEqual([]);
  });
});
