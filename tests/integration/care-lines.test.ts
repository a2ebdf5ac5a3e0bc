import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kvm } from '@nats-io/kv';
import { backfillLineIndex } from '../../api/routes/care/line-index.ts';
import { createLogger } from '../../infra/log/index.ts';
import { newCustomerBody, newMsisdn, startCareEnv, type CareEnv } from '../support/care.ts';

interface Listed {
  msisdn: string;
  status: string;
  planId: string;
  planName?: { 'zh-CN': string; en: string };
}

describe("care: a customer's lines (一证多号), masked for staff until the audited reveal", () => {
  let env: CareEnv;
  beforeAll(async () => {
    env = await startCareEnv();
  });
  afterAll(async () => {
    await env?.close();
  });

  const register = async (over: Record<string, unknown> = {}) =>
    (await env.call('agent', 'POST', '/api/v1/customers', newCustomerBody(over))).json().customer as {
      customerId: string;
    };
  const preopen = async (customerId: string, msisdn: string) => {
    const r = await env.call('agent', 'POST', '/api/v1/preopen', {
      customerId,
      msisdn,
      planId: 'liuliangwang-39',
      method: 'alipay',
      payerAccount: 'buyer1234',
      amountFen: 3900,
      customerDataConfirmed: true,
      attempt: 1,
      channel: 'counter',
    });
    expect(r.statusCode).toBe(201);
  };
  const list = async (who: string, customerId: string) => {
    const r = await env.call(who, 'GET', `/api/v1/customers/${customerId}/lines`);
    return { status: r.statusCode, body: r.json() as { lines: Listed[]; masked: boolean } };
  };

  it('lists every line of the customer, and only theirs; staff get the numbers from the reveal', async () => {
    const c = await register();
    const other = await register();
    const first = newMsisdn();
    const second = newMsisdn();
    await preopen(c.customerId, first);
    await preopen(c.customerId, second);
    await preopen(other.customerId, newMsisdn());

    const masked = await list('agent', c.customerId);
    expect(masked.status).toBe(200);
    expect(masked.body.masked).toBe(true);
    expect(masked.body.lines).toHaveLength(2);
    for (const l of masked.body.lines) {
      expect(l.msisdn).toMatch(/^\+86137\*{4}\d{4}$/);
      expect(l).toMatchObject({ status: 'pre_opened', planId: 'liuliangwang-39' });
      expect(l.planName).toEqual({ 'zh-CN': '流量王39元', en: 'Data King 39' });
    }
    expect(masked.body.lines.map((l) => l.msisdn.slice(-4))).toEqual([first.slice(-4), second.slice(-4)]);

    const revealed = (
      await env.call('agent', 'POST', `/api/v1/customers/${c.customerId}/reveal`, {
        reason: '客户来电核实名下号码',
      })
    ).json() as { lines: Listed[] };
    expect(revealed.lines.map((l) => l.msisdn)).toEqual([first, second]);
    const audit = (await env.call('supervisor', 'GET', `/api/v1/customers/${c.customerId}/audit`)).json();
    expect(audit.entries.map((e: { action: string }) => e.action)).toContain('customer.revealed');

    // a customer sees only their own record's lines, whole
    expect((await list('customer', c.customerId)).status).toBe(403);
    const own = await register({ mobile: '+8613800000042' });
    const ownLine = newMsisdn();
    await preopen(own.customerId, ownLine);
    const mine = await list('customer', own.customerId);
    expect(mine.body).toMatchObject({ masked: false, lines: [{ msisdn: ownLine, status: 'pre_opened' }] });
    expect((await list('agent', 'cus-nobody')).status).toBe(404);
  });

  it('keeps a refused registration off the list, and indexes lines recorded before the index existed', async () => {
    const c = await register();
    const other = await register();
    const msisdn = newMsisdn();
    const subscribers = await new Kvm(env.nats.nc).open('subscribers');
    await subscribers.put(
      msisdn.slice(1),
      JSON.stringify({ msisdn, planId: 'changxiang-128', activatedAtMs: Date.now() - 86_400_000 }),
    );
    const owner = (customerId: string) =>
      env.call('agent', 'POST', `/api/v1/lines/${encodeURIComponent(msisdn)}/owner`, {
        customerId,
        channel: 'counter',
      });
    expect((await owner(c.customerId)).statusCode).toBe(201);
    expect((await owner(other.customerId)).statusCode).toBe(409);
    // a customer id no key can hold is a 400 naming it, not a 500 from the store (found by the fuzzer)
    const bad = await owner('c.* >');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe('/customerId');
    expect((await list('agent', c.customerId)).body.lines).toMatchObject([
      { status: 'active', planId: 'changxiang-128' },
    ]);
    expect((await list('agent', other.customerId)).body.lines).toEqual([]);

    // a line written by an older release: a record with no index entry
    const kv = await new Kvm(env.nats.nc).open('care_lines');
    const old = newMsisdn();
    await kv.put(
      old.slice(1),
      JSON.stringify({
        msisdn: old,
        customerId: other.customerId,
        status: 'active',
        planId: 'changxiang-128',
        openedAtMs: Date.now() - 400 * 86_400_000,
        contractEndMs: null,
        devicesOutstanding: [],
      }),
    );
    expect((await list('agent', other.customerId)).body.lines).toEqual([]);
    const log = createLogger('silent');
    // the index was built when the API started: a second start does not scan again …
    expect(await backfillLineIndex(kv, log)).toBe(0);
    // … until the marker is gone (an upgrade from a release without it)
    await kv.delete('meta.owner-index-v1');
    expect(await backfillLineIndex(kv, log)).toBeGreaterThanOrEqual(2);
    expect((await list('agent', other.customerId)).body.lines).toMatchObject([
      { msisdn: expect.stringMatching(/\*{4}/), status: 'active' },
    ]);
  });
});
