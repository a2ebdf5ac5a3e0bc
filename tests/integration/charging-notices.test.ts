import { Kvm } from '@nats-io/kv';
import { DeliverPolicy } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeBatch, systemClock } from '../../domain/index.ts';
import { newSubscriber, type RatingNotification } from '../../domain/rating/index.ts';
import { createMetrics } from '../../infra/metrics/index.ts';
import { consumerConfig, PipelinedPublisher, subjects } from '../../infra/nats/index.ts';
import { CHARGING_NOTICES_CONSUMER, deliverNotice } from '../../processors/notify/index.ts';
import { NOTICES_HEADER, readOutputParts } from '../../processors/rating/index.ts';
import { newCustomerBody } from '../support/care.ts';
import { catalog, intlCall, log, startChargingApi, type ChargingApiEnv } from '../support/charging-api.ts';
import { waitFor } from '../support/env.ts';

const NOW = Date.now();
const PREPAID = '+8613600000102';
const enc = new TextEncoder();

describe('threshold notices reach the customer through the care outbox (real servers)', () => {
  let env: ChargingApiEnv;
  const call: ChargingApiEnv['call'] = (...a) => env.call(...a);

  beforeAll(async () => {
    // prepaid line left with 10.00 yuan after its fee: one international minute makes it "low"
    const probe = newSubscriber(catalog, {
      msisdn: PREPAID,
      planId: 'dazhongka-8',
      activatedAtMs: NOW - 3_600_000,
    });
    env = await startChargingApi({
      lines: [
        {
          msisdn: PREPAID,
          planId: 'dazhongka-8',
          activatedAtMs: NOW - 3_600_000,
          openingBalanceFen: -probe.state.balanceFen + 1000,
        },
      ],
      // the notices consumer as a deployment from before headers-only delivery has it: whole messages
      beforeRoles: (nats) =>
        nats.nats.jsm.consumers
          .add('RATED', { ...consumerConfig(CHARGING_NOTICES_CONSUMER), deliver_policy: DeliverPolicy.All })
          .then(() => undefined),
      notices: true,
    });
  });
  afterAll(async () => env?.close());

  it('tells the customer about a low balance through the care outbox, once', async () => {
    const customer = (
      await call('agent', 'POST', '/api/v1/customers', newCustomerBody({ name: '李四' }))
    ).json().customer;
    const lines = await new Kvm(env.nats.nats.nc).open('care_lines');
    await lines.put(
      PREPAID.slice(1),
      enc.encode(
        JSON.stringify({
          msisdn: PREPAID,
          customerId: customer.customerId,
          status: 'active',
          planId: 'dazhongka-8',
          openedAtMs: NOW - 3_600_000,
          contractEndMs: null,
          devicesOutstanding: [],
        }),
      ),
    );
    const pub = new PipelinedPublisher(env.nats.nats.js);
    await pub.publishAll([
      {
        subject: subjects.rawCdr('MSC-SH-01'),
        data: encodeBatch('low-1', [intlCall(2, PREPAID, NOW - 120_000)]),
        msgId: 'low-1',
      },
    ]);
    const url = `/api/v1/customers/${customer.customerId}/notifications`;
    const notices = await waitFor(async () => {
      const list = (await call('agent', 'GET', url)).json().notifications as {
        template: string;
        state: string;
        text: string;
        to: string;
      }[];
      const low = list.filter((n) => n.template === 'charging.low_balance');
      return low.length > 0 && low.every((n) => n.state === 'sent') ? low : null;
    });
    expect(notices).toHaveLength(1);
    // ... read through a consumer switched to headers only: bodies are fetched for notices alone
    const consumer = await env.nats.nats.jsm.consumers.info('RATED', CHARGING_NOTICES_CONSUMER.durable);
    expect(consumer.config.headers_only).toBe(true);
    expect(notices[0]!.text).toMatch(/^您的余额仅剩 [0-9]+\.[0-9]{2} 元，请及时充值。$/);
    expect(notices[0]!.to).not.toContain(PREPAID); // masked for the agent
    // Every rating output says how many notifications it carries (readers skip the zeros unread).
    const last = (await env.nats.nats.jsm.streams.info('RATED')).state.last_seq;
    for (let seq = 1; seq <= last; seq++) {
      const m = await env.nats.nats.jsm.streams.getMessage('RATED', { seq });
      const count = readOutputParts(m!.data)?.notifications.length;
      if (m!.header.get('StreamBSS-Input-Seq')) expect(m!.header.get(NOTICES_HEADER)).toBe(String(count));
    }

    // the same notification again (a redelivered rating output) queues nothing new
    const stored = (
      await waitFor(async () => {
        const rs = await env.chEnv.ch.client.query({
          query: `SELECT key FROM streambss.charging_notifications WHERE msisdn = {m:String} AND kind = 'low_balance'`,
          query_params: { m: PREPAID },
          format: 'JSONEachRow',
        });
        const r = await rs.json<{ key: string }>();
        return r.length ? r : null;
      })
    )[0]!;
    const again: RatingNotification = {
      key: stored.key,
      kind: 'low_balance',
      msisdn: PREPAID,
      atMs: NOW,
      params: { balanceFen: 1 },
    };
    const kvm = new Kvm(env.nats.nats.nc);
    const kv = {
      lines,
      customers: await kvm.open('customers'),
      outbox: await kvm.open('notifications'),
      due: await kvm.open('notification_due'),
    };
    const deps = { nats: env.nats.nats, clock: systemClock, log, metrics: createMetrics() };
    expect(await deliverNotice(deps, kv, again)).toBe('duplicate');
    const after = (await call('agent', 'GET', url)).json().notifications as { template: string }[];
    expect(after.filter((n) => n.template === 'charging.low_balance')).toHaveLength(1);

    // the line closed by an unsubscribe: its SIM is dead, so the money left goes by e-mail
    const closedLine = JSON.parse(new TextDecoder().decode((await lines.get(PREPAID.slice(1)))!.value));
    await lines.put(PREPAID.slice(1), enc.encode(JSON.stringify({ ...closedLine, status: 'closed' })));
    const settled: RatingNotification = {
      key: `line_closure:${PREPAID}`,
      kind: 'line_closed',
      msisdn: PREPAID,
      atMs: Date.now(),
      params: { reason: 'unsubscribe', closureId: 'uns-1', refundFen: 1234, owedFen: 0 },
    };
    expect(await deliverNotice(deps, kv, settled)).toBe('sent');
    // other notices of a closed line's owner are not sent any more
    expect(await deliverNotice(deps, kv, { ...again, key: 'low_balance:after-close' })).toBe('no_customer');
    const refund = (
      (await call('agent', 'GET', url)).json().notifications as {
        template: string;
        channel: string;
        text: string;
      }[]
    ).filter((n) => n.template === 'charging.line_closed');
    expect(refund.map((n) => [n.channel, n.text])).toEqual([
      ['email', `号码 ${PREPAID} 已销户，账户余额 12.34 元将退还给您。`],
    ]);
  });
});
