/**
 * Notices the gateway could not take are sent again without anyone asking: after an SMS gateway
 * outage, and after a crash between the outbox write and the send. Real nats-server; the care
 * API's own outbox queues them; the retry sweeper (processors/notify/retries.ts) runs passes
 * with a clock set ahead, as its timer would after the back-off.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kvm, type KV } from '@nats-io/kv';
import { createLogger } from '../../infra/log/index.ts';
import { createMetrics } from '../../infra/metrics/index.ts';
import { sweepDueNotices, type NoticeGateway } from '../../processors/notify/index.ts';
import { newCustomerBody, startCareEnv, type CareEnv } from '../support/care.ts';

const MIN = 60_000;

describe('notices sent again by themselves (real nats-server)', () => {
  let env: CareEnv;
  let kv: { outbox: KV; due: KV };
  const sent: string[] = [];
  const gateway: NoticeGateway = {
    send: async (channel, to) => {
      if (channel === 'sms' && to.endsWith('0000')) return 'number_unreachable';
      sent.push(`${channel}:${to}`);
      return null;
    },
  };
  const sweep = (aheadMs: number) =>
    sweepDueNotices(
      {
        nats: env.nats,
        clock: { nowMs: () => Date.now() + aheadMs },
        log: createLogger('silent'),
        metrics: createMetrics(),
        gateway,
      },
      kv,
    );
  const notices = async (customerId: string) =>
    (
      (await env.call('agent', 'GET', `/api/v1/customers/${customerId}/notifications`)).json()
        .notifications as {
        notificationId: string;
        channel: string;
        state: string;
        reason?: string;
        nextAttemptAtMs?: number;
        history: { state: string }[];
      }[]
    ).sort((a, b) => b.channel.localeCompare(a.channel)); // sms, then e-mail
  const dueKeys = async () => {
    const out: string[] = [];
    for await (const k of await kv.due.keys()) out.push(k);
    return out;
  };

  beforeAll(async () => {
    env = await startCareEnv();
    const kvm = new Kvm(env.nats.nc);
    kv = { outbox: await kvm.open('notifications'), due: await kvm.open('notification_due') };
  });
  afterAll(async () => env?.close());

  it('after a gateway outage: failed, told when it will be tried again, then sent once by the sweeper', async () => {
    env.messages.down = true;
    const c = (await env.call('agent', 'POST', '/api/v1/customers', newCustomerBody({ name: '吴十' }))).json()
      .customer;
    env.messages.down = false;
    const failed = await notices(c.customerId);
    expect(failed.map((n) => [n.channel, n.state, n.reason])).toEqual([
      ['sms', 'failed', 'gateway_unavailable'],
      ['email', 'failed', 'gateway_unavailable'],
    ]);
    // the first retry waits a minute after the attempt
    for (const n of failed) expect(n.nextAttemptAtMs! - Date.now()).toBeGreaterThan(50_000);
    expect((await dueKeys()).length).toBe(2);

    expect(await sweep(0)).toMatchObject({ sent: 0, failed: 0 }); // not yet due
    // two sweepers at once (two processor instances): each notice still goes out once
    const [a, b] = await Promise.all([sweep(2 * MIN), sweep(2 * MIN)]);
    expect(a.sent + b.sent).toBe(2);
    expect(sent.map((s) => s.split(':')[0]).sort()).toEqual(['email', 'sms']);
    const after = await notices(c.customerId);
    expect(after.map((n) => [n.state, n.nextAttemptAtMs, n.history.map((h) => h.state)])).toEqual([
      ['sent', undefined, ['queued', 'failed', 'retried', 'sent']],
      ['sent', undefined, ['queued', 'failed', 'retried', 'sent']],
    ]);
    expect(await dueKeys()).toEqual([]);
    expect(await sweep(60 * MIN)).toEqual({ sent: 0, failed: 0, codesClosed: 0, dropped: 0 });
  });

  it('leaves a wrong number to an agent, and gives up after five attempts in all', async () => {
    const c = (
      await env.call(
        'agent',
        'POST',
        '/api/v1/customers',
        newCustomerBody({ name: '郑十一', mobile: '+8613900000000', email: 'zheng@example.invalid' }),
      )
    ).json().customer;
    const [sms] = (await notices(c.customerId)).filter((n) => n.channel === 'sms');
    expect(sms).toMatchObject({ state: 'failed', reason: 'number_unreachable' });
    expect(sms!.nextAttemptAtMs).toBeUndefined();

    env.messages.down = true;
    const d = (
      await env.call('agent', 'POST', '/api/v1/customers', newCustomerBody({ name: '王十二' }))
    ).json().customer;
    const flaky: NoticeGateway = { send: async () => 'gateway_unavailable' };
    const passes: number[] = [];
    for (let i = 1; i <= 6; i++) {
      const r = await sweepDueNotices(
        {
          nats: env.nats,
          clock: { nowMs: () => Date.now() + i * 60 * MIN },
          log: createLogger('silent'),
          metrics: createMetrics(),
          gateway: flaky,
        },
        kv,
      );
      passes.push(r.failed);
    }
    env.messages.down = false;
    // one attempt at the counter, four by the sweeper (two notices each), then nothing more
    expect(passes).toEqual([2, 2, 2, 2, 0, 0]);
    const gaveUp = await notices(d.customerId);
    expect(gaveUp.map((n) => [n.state, n.nextAttemptAtMs])).toEqual([
      ['failed', undefined],
      ['failed', undefined],
    ]);
    const retry = await env.call(
      'agent',
      'POST',
      `/api/v1/customers/${d.customerId}/notifications/${gaveUp[0]!.notificationId}/retry`,
    );
    expect(retry.statusCode).toBe(409);
  });

  it('sends a notice a crash left queued, and closes one with a one-time code it cannot send', async () => {
    const c = (
      await env.call('agent', 'POST', '/api/v1/customers', newCustomerBody({ name: '冯十三' }))
    ).json().customer;
    const at = Date.now() - 5 * MIN;
    const stuck = (id: string, secret: boolean) => ({
      notificationId: id,
      customerId: c.customerId,
      channel: 'sms',
      to: c.mobile ?? '+8613700000001',
      template: 'port_code',
      locale: 'zh-CN',
      text: secret ? '携号转网授权码 ******' : '您的订单已受理',
      ...(secret ? { secret: true } : {}),
      state: 'queued',
      attempts: 0,
      history: [{ state: 'queued', atMs: at }],
      createdAtMs: at,
      nextAttemptAtMs: at + MIN,
    });
    const enc = new TextEncoder();
    for (const [id, secret] of [
      ['ntf-stuck-1', false],
      ['ntf-stuck-code', true],
    ] as const) {
      const key = `${c.customerId}.${id}`;
      await kv.due.put(key, enc.encode(JSON.stringify({ dueAtMs: at + MIN })));
      await kv.outbox.put(key, enc.encode(JSON.stringify(stuck(id, secret))));
    }
    const before = sent.length;
    expect(await sweep(0)).toEqual({ sent: 1, failed: 0, codesClosed: 1, dropped: 0 });
    expect(sent.length - before).toBe(1);
    const byId = new Map((await notices(c.customerId)).map((n) => [n.notificationId, n]));
    expect(byId.get('ntf-stuck-1')).toMatchObject({ state: 'sent' });
    expect(byId.get('ntf-stuck-code')).toMatchObject({ state: 'failed', reason: 'code_not_kept' });
    expect(byId.get('ntf-stuck-code')?.nextAttemptAtMs).toBeUndefined();
    expect(await dueKeys()).toEqual([]);
  });
});
