import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kvm } from '@nats-io/kv';
import { loadCatalog } from '../../domain/catalog/index.ts';
import { newSubscriber } from '../../domain/rating/index.ts';
import { partitionOf } from '../../domain/index.ts';
import { loadConfig } from '../../infra/config/index.ts';
import { balanceKey } from '../../processors/rating/index.ts';
import { newCustomerBody, newMsisdn, startCareEnv, type CareEnv, preopenLine } from '../support/care.ts';
import { waitFor } from '../support/env.ts';

describe('care: pre-opening, renewal, unsubscribe, usage, level, notifications (real NATS + ClickHouse)', () => {
  let env: CareEnv;
  beforeAll(async () => {
    env = await startCareEnv();
  });
  afterAll(async () => {
    await env?.close();
  });

  const register = async (over: Record<string, unknown> = {}) => {
    const body = newCustomerBody(over);
    const c = (await env.call('agent', 'POST', '/api/v1/customers', body)).json().customer;
    return { ...c, mobile: body.mobile as string };
  };
  const preopen = (customerId: string, msisdn: string, payerAccount?: string, attempt?: number) =>
    preopenLine(env, customerId, msisdn, payerAccount, attempt);
  /** The newest successful payment on the BSS stream. */
  const lastPayment = async () => {
    const sub = await env.nats.jsm.streams
      .getMessage('BSS', { last_by_subj: 'bss.payment.succeeded' })
      .catch(() => null);
    return sub
      ? (JSON.parse(new TextDecoder().decode(sub.data)) as {
          paymentId: string;
          purpose: string;
          amountFen: number;
        })
      : null;
  };

  it('pre-opens a line after a successful payment, and reports a declined or timed-out payment that can be retried', async () => {
    const c = await register();
    const msisdn = newMsisdn();
    const declined = await preopen(c.customerId, msisdn, 'buyer0000');
    expect(declined.statusCode).toBe(402);
    expect(declined.json().error).toMatchObject({ code: 'PAYMENT_FAILED', field: '/payerAccount' });
    const timeout = await preopen(c.customerId, msisdn, 'buyer9999', 2);
    expect(timeout.statusCode).toBe(504);
    expect(timeout.json().error.code).toBe('PAYMENT_TIMEOUT');
    const ok = await preopen(c.customerId, msisdn, 'buyer1234', 3);
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({
      status: 'pre_opened',
      line: { msisdn, status: 'pre_opened', planId: 'liuliangwang-39' },
    });
    const last = await lastPayment();
    expect(last).toMatchObject({ paymentId: ok.json().paymentId, purpose: 'order', amountFen: 3900 });
    // the line is handed to charging (its provisioning bucket) so its usage gets rated
    const prov = await (await new Kvm(env.nats.nc).open('subscribers')).get(msisdn.slice(1));
    expect(prov?.json()).toMatchObject({ msisdn, planId: 'liuliangwang-39' });
    const again = await preopen(c.customerId, msisdn, 'buyer1234', 4);
    expect(again.json().error).toMatchObject({ code: 'DUPLICATE', field: '/msisdn' });
    const notes = (await env.call('agent', 'GET', `/api/v1/customers/${c.customerId}/notifications`)).json()
      .notifications;
    expect(notes.map((n: { template: string }) => n.template)).toContain('preopen_done');
  });

  it('takes a renewal payment once per request id and shows the expiry charging keeps', async () => {
    const c = await register();
    const catalog = loadCatalog(JSON.parse(readFileSync('catalog/default.json', 'utf8')));
    if (!catalog.ok) throw new Error('catalog');
    const periodStart = Date.now() - 86_400_000;
    const state = newSubscriber(catalog.catalog, {
      msisdn: c.mobile,
      planId: 'dazhongka-8',
      activatedAtMs: periodStart,
      openingBalanceFen: 1000,
    }).state;
    const balances = await new Kvm(env.nats.nc).open('balances');
    // as charging stores it: key p<partition>.<digits>, value { state, throughSeq }
    const partitions = loadConfig({}).CDR_PARTITIONS;
    await balances.put(
      balanceKey(partitionOf(c.mobile, partitions), c.mobile),
      JSON.stringify({ state, throughSeq: 0 }),
    );
    const info = (
      await env.call('agent', 'GET', `/api/v1/subscribers/${encodeURIComponent(c.mobile)}/renewal`)
    ).json();
    expect(info).toMatchObject({ known: true, expiresAtMs: state.periodEndMs, balanceFen: state.balanceFen });
    const body = {
      requestId: 'renew-0001-abc',
      amountFen: 800,
      method: 'wechat_pay',
      payerAccount: 'wx-user-1',
      channel: 'app',
    };
    const url = `/api/v1/subscribers/${encodeURIComponent(c.mobile)}/renewals`;
    const first = await env.call('agent', 'POST', url, body);
    expect(first.statusCode).toBe(201);
    const second = await env.call('agent', 'POST', url, body);
    expect(second.json().paymentId).toBe(first.json().paymentId);
    const info2 = await env.nats.jsm.streams.info('BSS', { subjects_filter: 'bss.payment.succeeded' });
    expect(info2.state.subjects?.['bss.payment.succeeded']).toBe(2); // one pre-open + one renewal: the repeat was deduplicated
    expect(await lastPayment()).toMatchObject({
      purpose: 'renewal',
      amountFen: 800,
    });
    const cashByCustomer = await env.call(
      'customer',
      'POST',
      `/api/v1/subscribers/${encodeURIComponent('+8613800000042')}/renewals`,
      { ...body, method: 'cash' },
    );
    expect(cashByCustomer.json().error.field).toBe('/method');
    const otherNumber = await env.call('customer', 'POST', url, body);
    expect(otherNumber.statusCode).toBe(403);
    // a number charging does not know is refused before any money moves
    const unknown = await env.call(
      'agent',
      'POST',
      `/api/v1/subscribers/${encodeURIComponent('+8613999999901')}/renewals`,
      { ...body, requestId: 'renew-unknown-1' },
    );
    expect(unknown.statusCode).toBe(404);
    const info3 = await env.nats.jsm.streams.info('BSS', { subjects_filter: 'bss.payment.succeeded' });
    expect(info3.state.subjects?.['bss.payment.succeeded']).toBe(2);
  });

  it('reviews an unsubscribe with reasons, refuses to execute an ineligible one, and closes an eligible line with a notice', async () => {
    const c = await register();
    const msisdn = newMsisdn();
    const lines = await new Kvm(env.nats.nc).open('care_lines');
    await lines.put(
      msisdn.slice(1),
      JSON.stringify({
        msisdn,
        customerId: c.customerId,
        status: 'active',
        planId: 'changxiang-128',
        openedAtMs: Date.now() - 1000,
        contractEndMs: Date.now() + 200 * 86_400_000,
        devicesOutstanding: ['ONT-1'],
      }),
    );
    const app = (
      await env.call('agent', 'POST', '/api/v1/unsubscribe', { msisdn, channel: 'counter', reason: '搬家' })
    ).json();
    expect(app.state).toBe('applied');
    const review = (await env.call('agent', 'POST', `/api/v1/unsubscribe/${app.orderId}/review`)).json();
    expect(review.state).toBe('rejected');
    expect(review.review.map((x: { code: string }) => x.code)).toEqual([
      'CONTRACT_TERM',
      'DEVICES_NOT_RETURNED',
    ]);
    expect(review.review[1].text['zh-CN']).toContain('ONT-1');
    const refused = await env.call('agent', 'POST', `/api/v1/unsubscribe/${app.orderId}/execute`);
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.code).toBe('NOT_ELIGIBLE');

    const pre = await preopen(c.customerId, newMsisdn(), 'buyer5678');
    const line = pre.json().line.msisdn as string;
    const u = (
      await env.call('agent', 'POST', '/api/v1/unsubscribe', {
        msisdn: line,
        channel: 'web',
        reason: 'no longer needed',
      })
    ).json();
    expect((await env.call('agent', 'POST', `/api/v1/unsubscribe/${u.orderId}/review`)).json()).toMatchObject(
      { state: 'approved', review: [] },
    );
    const done = (await env.call('agent', 'POST', `/api/v1/unsubscribe/${u.orderId}/execute`)).json();
    expect(done).toMatchObject({ state: 'completed', finalBalanceFen: 0 });
    // charging is told, on the line's partition, before the line is closed: no fee or usage from now
    const partitions = loadConfig({}).CDR_PARTITIONS;
    const closure = await env.nats.jsm.streams.getMessage('CDR', {
      last_by_subj: `chg.${partitionOf(line, partitions)}.close`,
    });
    expect(JSON.parse(new TextDecoder().decode(closure?.data)).items).toEqual([
      { closureId: u.orderId, msisdn: line, reason: 'unsubscribe', atMs: done.updatedAtMs },
    ]);
    const closedAgain = (
      await env.call('agent', 'POST', '/api/v1/unsubscribe', {
        msisdn: line,
        channel: 'web',
        reason: 'again',
      })
    ).json();
    expect(
      (await env.call('agent', 'POST', `/api/v1/unsubscribe/${closedAgain.orderId}/review`)).json().review[0]
        .code,
    ).toBe('LINE_NOT_ACTIVE');
    const notes = (await env.call('agent', 'GET', `/api/v1/customers/${c.customerId}/notifications`)).json()
      .notifications;
    expect(notes.map((n: { template: string }) => n.template)).toContain('unsubscribe_done');
  });

  it('puts a line that is live in the network but has no owner on record on a customer, so care can close it', async () => {
    const c = await register();
    const other = await register();
    const msisdn = newMsisdn();
    const owner = (who: string, customerId: string) =>
      env.call(who, 'POST', `/api/v1/lines/${encodeURIComponent(msisdn)}/owner`, {
        customerId,
        channel: 'counter',
      });
    // not in the network: a new line is an order, not a registration
    const unknown = await owner('agent', c.customerId);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.field).toBe('/msisdn');
    const subscribers = await new Kvm(env.nats.nc).open('subscribers');
    const openedAtMs = Date.now() - 30 * 86_400_000;
    await subscribers.put(
      msisdn.slice(1),
      JSON.stringify({ msisdn, planId: 'changxiang-128', activatedAtMs: openedAtMs }),
    );
    // before: care has no record of it
    const before = await env.call('agent', 'POST', '/api/v1/unsubscribe', {
      msisdn,
      channel: 'counter',
      reason: '搬家',
    });
    expect(before.statusCode).toBe(404);
    expect((await owner('customer', c.customerId)).statusCode).toBe(403);
    const first = await owner('agent', c.customerId);
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({
      msisdn,
      customerId: c.customerId,
      status: 'active',
      planId: 'changxiang-128',
      openedAtMs,
    });
    const again = await owner('agent', c.customerId);
    expect(again.statusCode).toBe(200);
    const taken = await owner('agent', other.customerId);
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error).toMatchObject({ code: 'DUPLICATE', field: '/msisdn' });
    // now the counter can take and review an unsubscribe for it
    const u = (
      await env.call('agent', 'POST', '/api/v1/unsubscribe', { msisdn, channel: 'counter', reason: '搬家' })
    ).json();
    expect(u).toMatchObject({ state: 'applied', customerId: c.customerId });
    expect((await env.call('agent', 'POST', `/api/v1/unsubscribe/${u.orderId}/review`)).json()).toMatchObject(
      { state: 'approved' },
    );
    // the line's care record: what the counter's unsubscribe panel reads
    const lineUrl = `/api/v1/lines/${encodeURIComponent(msisdn)}`;
    expect((await env.call('agent', 'GET', lineUrl)).json()).toMatchObject({
      status: 'active',
      devicesOutstanding: [],
      customerId: c.customerId,
    });
    expect((await env.call('customer', 'GET', lineUrl)).statusCode).toBe(403);
    expect((await env.call('agent', 'GET', '/api/v1/lines/%2B8613999999977')).statusCode).toBe(404);
    await env.call('agent', 'POST', `/api/v1/unsubscribe/${u.orderId}/execute`);
    expect((await env.call('agent', 'GET', lineUrl)).json().status).toBe('closed');
    const trail = await waitFor(async () => {
      const r = (await env.call('supervisor', 'GET', `/api/v1/customers/${c.customerId}/audit`)).json();
      return r.entries.some((e: { action: string }) => e.action === 'line.owner_registered') ? r : null;
    });
    expect(
      trail.entries.filter((e: { action: string }) => e.action === 'line.owner_registered'),
    ).toHaveLength(1);
  });

  it('answers usage for a period with totals, per-day chart data and CSV, and computes level and points', async () => {
    const c = await register({ name: '赵六积分' });
    const now = Date.now();
    const rows = [0, 1, 2, 3].map((i) => ({
      cdr_id: `care-cdr-${c.customerId}-${i}`,
      msisdn: c.mobile,
      type: i % 2 ? 'voice' : 'data',
      start_time: now - i * 3_600_000,
      duration_sec: 60,
      bytes_up: i % 2 ? 0 : 1000,
      bytes_down: i % 2 ? 0 : 9000,
      called: i % 2 ? '+8613911112222' : '',
      region: 'bj',
      cell_id: 'c1',
      roaming: 0,
      plan_id: 'p',
      plan_version: 1,
      charge_fen: 150_000,
      billable_units: 1,
      allowance_used: 0,
      explanation: '',
      rated_at: now,
      stream_seq: 0,
    }));
    await env.ch.client.insert({ table: `${env.ch.db}.cdr_rated`, values: rows, format: 'JSONEachRow' });
    const base = `/api/v1/subscribers/${encodeURIComponent(c.mobile)}`;
    const to = new Date(now + 8 * 3_600_000).toISOString().slice(0, 10);
    const from = new Date(now + 8 * 3_600_000 - 2 * 86_400_000).toISOString().slice(0, 10);
    const sum = (
      await env.call('agent', 'GET', `${base}/usage/summary?period=custom&from=${from}&to=${to}`)
    ).json();
    expect(sum.chargeFen).toBe(600_000);
    expect(sum.totals.voice).toMatchObject({ count: 2, durationSec: 120 });
    expect(sum.totals.data).toMatchObject({ count: 2, bytes: 20_000 });
    expect(sum.days.length).toBeGreaterThanOrEqual(2);
    const csv = await env.call('agent', 'GET', `${base}/usage.csv?period=custom&from=${from}&to=${to}`);
    expect(csv.headers['content-type']).toContain('text/csv');
    const csvLines = csv.body.trim().split('\n');
    expect(csvLines).toHaveLength(5);
    // Times in Beijing time with their offset: as on the screens, and the same instants.
    const starts = csvLines.slice(1).map((l) => l.split(',')[1] ?? '');
    for (const t of starts) expect(t).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+08:00$/);
    expect(starts.map((t) => Date.parse(t)).sort()).toEqual(rows.map((r) => r.start_time).sort());
    expect(csv.body).toContain('+86139****2222');
    expect(csv.body).toContain('1500.00');
    const tooOld = await env.call(
      'agent',
      'GET',
      `${base}/usage/summary?period=custom&from=2020-01-01&to=${to}`,
    );
    expect(tooOld.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: '/from' });
    const notMine = await env.call('customer', 'GET', `${base}/usage/summary`);
    expect(notMine.statusCode).toBe(403);
    const level = (
      await env.call('agent', 'GET', `/api/v1/levels?phone=${encodeURIComponent(c.mobile)}`)
    ).json();
    expect(level.results[0]).toMatchObject({
      points: 6000,
      level: 'gold',
      nextLevel: 'platinum',
      pointsToNext: 2000,
    });
    const byName = await waitFor(async () => {
      const r = (
        await env.call('agent', 'GET', `/api/v1/levels?name=${encodeURIComponent('赵六积')}`)
      ).json();
      return r.results.length ? r : null;
    });
    expect(byName?.results[0].customerId).toBe(c.customerId);
  });

  it('keeps notification states queued → failed → retried → sent, and a permanent bounce stays failed', async () => {
    const c = await register({ email: 'flaky.user@example.com' });
    const list = (await env.call('agent', 'GET', `/api/v1/customers/${c.customerId}/notifications`)).json()
      .notifications;
    const email = list.find((n: { channel: string }) => n.channel === 'email');
    expect(email).toMatchObject({ state: 'failed', reason: 'temporary_failure', to: 'f***@example.com' });
    const retried = (
      await env.call(
        'agent',
        'POST',
        `/api/v1/customers/${c.customerId}/notifications/${email.notificationId}/retry`,
      )
    ).json();
    expect(retried.state).toBe('sent');
    expect(retried.history.map((h: { state: string }) => h.state)).toEqual([
      'queued',
      'failed',
      'retried',
      'sent',
    ]);
    expect(retried.text).toContain('客户编号');
    const en = await register({ email: 'gone@bounce.invalid', locale: 'en' });
    const bounced = (
      await env.call('agent', 'GET', `/api/v1/customers/${en.customerId}/notifications`)
    ).json().notifications;
    const b = bounced.find((n: { channel: string }) => n.channel === 'email');
    expect(b).toMatchObject({ state: 'failed', reason: 'mailbox_unreachable' });
    expect(b.text).toContain('customer record is registered');
    const again = (
      await env.call(
        'agent',
        'POST',
        `/api/v1/customers/${en.customerId}/notifications/${b.notificationId}/retry`,
      )
    ).json();
    expect(again.state).toBe('failed');
    const notRetryable = await env.call(
      'agent',
      'POST',
      `/api/v1/customers/${c.customerId}/notifications/${email.notificationId}/retry`,
    );
    expect(notRetryable.json().error.code).toBe('INVALID_STATE');
  });
});
