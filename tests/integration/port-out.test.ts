import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newCustomerBody } from '../support/care.ts';
import { encodeBatch } from '../../domain/index.ts';
import { PipelinedPublisher, subjects } from '../../infra/nats/index.ts';
import {
  balanceOf,
  intlCall,
  recordCareLine,
  startChargingApi,
  type ChargingApiEnv,
} from '../support/charging-api.ts';
import { waitFor } from '../support/env.ts';

const NOW = Date.now();
const DAY = 86_400_000;
/** In service for 400 days: it can port out once settled. */
const SETTLED = '+8613600000601';
/** Ten days old: too new to port out. */
const NEW_LINE = '+8613600000602';
const url = (msisdn: string, rest = '') => `/api/v1/lines/${encodeURIComponent(msisdn)}/port-out${rest}`;

describe('携号转网: a number ports out with the owner’s authorization code (real servers)', () => {
  let env: ChargingApiEnv;
  const call: ChargingApiEnv['call'] = (...a) => env.call(...a);
  const sent: { channel: string; to: string; text: string }[] = [];
  let customerId = '';
  const notices = async (template: string) =>
    (
      (await call('agent', 'GET', `/api/v1/customers/${customerId}/notifications`)).json().notifications as {
        notificationId: string;
        template: string;
        text: string;
        to: string;
        secret?: boolean;
      }[]
    ).filter((n) => n.template === template);

  beforeAll(async () => {
    env = await startChargingApi({
      lines: [
        { msisdn: SETTLED, planId: 'changxiang-128', activatedAtMs: NOW - 3_600_000 },
        { msisdn: NEW_LINE, planId: 'changxiang-128', activatedAtMs: NOW - 3_600_000 },
      ],
      payments: true,
      messageGateway: {
        send: async (channel, to, text) => {
          sent.push({ channel, to, text });
          return null;
        },
      },
    });
    customerId = (await call('agent', 'POST', '/api/v1/customers', newCustomerBody({ name: '周九' }))).json()
      .customer.customerId;
    for (const [msisdn, openedAtMs] of [
      [SETTLED, NOW - 400 * DAY],
      [NEW_LINE, NOW - 10 * DAY],
    ] as const)
      await recordCareLine(env, { msisdn, customerId, planId: 'changxiang-128', openedAtMs });
  });
  afterAll(async () => env?.close());

  it('says everything that stands in the way, and gives no code then', async () => {
    const review = (await call('agent', 'GET', url(NEW_LINE))).json();
    expect(review.eligible).toBe(false);
    expect(review.blocks.map((b: { code: string }) => b.code)).toEqual(['TOO_NEW', 'ARREARS']);
    const refused = await call('agent', 'POST', url(NEW_LINE, '/authorization'), {
      channel: 'counter',
      requestId: 'port-req-0002',
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error).toMatchObject({ code: 'NOT_ELIGIBLE', field: '/msisdn' });
    expect(refused.json().error.message).toContain('TOO_NEW,ARREARS');
    expect(sent.filter((m) => m.text.includes('授权码'))).toEqual([]);
  });

  it('sends the code to the line only, keeps only its hash, and ports the number out with it once', async () => {
    const owed = -(
      await call('agent', 'GET', `/api/v1/subscribers/${encodeURIComponent(SETTLED)}/balance`)
    ).json().balanceFen;
    expect(
      (
        await call('agent', 'POST', `/api/v1/subscribers/${encodeURIComponent(SETTLED)}/renewals`, {
          requestId: 'port-settle-0001',
          amountFen: owed + 5000, // ¥50 more than owed: credit the closure pays back
          method: 'cash',
          channel: 'counter',
        })
      ).statusCode,
    ).toBe(201);
    await waitFor(async () => ((await call('agent', 'GET', url(SETTLED))).json().eligible ? true : null));

    const ask = { channel: 'counter', requestId: 'port-req-0001' };
    const issued = await call('agent', 'POST', url(SETTLED, '/authorization'), ask);
    expect(issued.statusCode).toBe(201);
    expect(issued.json().expiresAtMs - issued.json().issuedAtMs).toBe(30 * DAY);
    expect((await call('agent', 'POST', url(SETTLED, '/authorization'), ask)).statusCode).toBe(200);
    // one SMS, to the line itself, with the code; what staff can read has no code in it
    const sms = sent.filter((m) => m.text.includes('携号转网授权码'));
    expect(sms).toHaveLength(1);
    expect(sms[0]!.to).toBe(SETTLED);
    const code = /授权码为 (\d{6})/.exec(sms[0]!.text)![1]!;
    const stored = await notices('port_out_code');
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ secret: true, to: '+86136****0601' });
    expect(stored[0]!.text).toContain('授权码为 ******');
    // the line record keeps a hash, never the code
    const record = await call('agent', 'GET', `/api/v1/lines/${encodeURIComponent(SETTLED)}`);
    expect(record.body).not.toContain(code);
    // nor the hash: six digits are undone in a second by trying them all
    expect(record.json().portOut).toEqual({
      issuedAtMs: issued.json().issuedAtMs,
      expiresAtMs: issued.json().expiresAtMs,
      requestId: 'port-req-0001',
      failedAttempts: 0,
    });
    const retry = await call(
      'agent',
      'POST',
      `/api/v1/customers/${customerId}/notifications/${stored[0]!.notificationId}/retry`,
    );
    expect(retry.statusCode).toBe(409);
    expect((await call('agent', 'GET', url(SETTLED))).json().authorization).toMatchObject({
      expiresAtMs: issued.json().expiresAtMs,
    });

    const port = (authorizationCode: string, requestId = 'mnp-0001', user = 'admin') =>
      call(user, 'POST', '/api/v1/port-out/completions', {
        msisdn: SETTLED,
        authorizationCode,
        recipient: '中国移动',
        requestId,
      });
    expect((await port(code, 'mnp-0001', 'agent')).statusCode).toBe(403);
    const wrong = await port(code === '000000' ? '000001' : '000000');
    expect(wrong.json().error).toMatchObject({ code: 'NOT_ELIGIBLE', field: '/authorizationCode' });
    expect(wrong.json().error.message).toContain('AUTH_CODE_WRONG');
    const done = await port(code);
    expect(done.statusCode).toBe(200);
    expect(done.json().ported).toMatchObject({ recipient: '中国移动' });
    expect((await port(code)).json()).toEqual(done.json());
    expect((await port(code, 'mnp-0002')).statusCode).toBe(409);
    const line = (await call('agent', 'GET', `/api/v1/lines/${encodeURIComponent(SETTLED)}`)).json();
    expect(line).toMatchObject({ status: 'closed', closedAtMs: done.json().ported.atMs });
    // charging closed it too: barred for good, no more fees, and usage the network still reports
    // after the port is a dead letter naming the closure, not a charge
    const closedAt = done.json().ported.atMs as number;
    const charging = await waitFor(async () => {
      const b = await balanceOf(env, SETTLED);
      return b.barReason === 'closed' ? b : null;
    });
    // the account is settled at the closure: the ¥50 credit is paid back, nothing is left
    expect(charging).toMatchObject({ barred: true, balanceFen: 0 });
    const settled = await waitFor(async () => {
      const rs = await env.chEnv.ch.client.query({
        query: `SELECT direction, amount_fen FROM streambss.ledger FINAL WHERE key = {k:String}`,
        query_params: { k: `closure_settlement:${SETTLED}` },
        format: 'JSONEachRow',
      });
      const rows = await rs.json<{ direction: string; amount_fen: number }>();
      return rows.length ? rows : null;
    });
    expect(settled).toEqual([{ direction: 'debit', amount_fen: 5000 }]);
    // a closed line renews nothing: with nothing owed, no money is taken
    const renew = (msisdn: string, amountFen: number, requestId: string) =>
      call('agent', 'POST', `/api/v1/subscribers/${encodeURIComponent(msisdn)}/renewals`, {
        requestId,
        amountFen,
        method: 'cash',
        channel: 'counter',
      });
    expect(
      (await call('agent', 'GET', `/api/v1/subscribers/${encodeURIComponent(SETTLED)}/renewal`)).json(),
    ).toMatchObject({ balanceFen: 0, closedAtMs: closedAt });
    const nothingOwed = await renew(SETTLED, 1000, 'closed-renew-0001');
    expect(nothingOwed.statusCode).toBe(409);
    expect(nothingOwed.json().error).toMatchObject({ code: 'INVALID_STATE', field: '/msisdn' });

    await new PipelinedPublisher(env.nats.nats.js).publishAll([
      {
        subject: subjects.rawCdr('MSC-SH-01'),
        data: encodeBatch('after-port-1', [intlCall(1, SETTLED, closedAt + 60_000)]),
        msgId: 'after-port-1',
      },
    ]);
    const dead = await waitFor(async () => {
      const info = await env.nats.nats.jsm.streams.info('DLQ', { subjects_filter: 'dlq.rating.>' });
      return info.state.subjects?.['dlq.rating.line_closed'] ?? null;
    });
    expect(dead).toBe(1);
    expect((await balanceOf(env, SETTLED)).balanceFen).toBe(charging.balanceFen);
    // a call made before the port and reported after it is still charged once: the customer owes it
    const lateCall = {
      subject: subjects.rawCdr('MSC-SH-01'),
      data: encodeBatch('before-port-1', [intlCall(77, SETTLED, closedAt - 120_000)]),
      msgId: 'before-port-1',
    };
    await new PipelinedPublisher(env.nats.nats.js).publishAll([lateCall]);
    const owing = await waitFor(async () => {
      const b = await balanceOf(env, SETTLED);
      return b.balanceFen < 0 ? b : null;
    });
    expect(owing).toMatchObject({ barred: true, barReason: 'closed' });
    const lateRow = await waitFor(async () => {
      const rs = await env.chEnv.ch.client.query({
        query: `SELECT amount_fen FROM streambss.ledger FINAL
                WHERE msisdn = {m:String} AND key LIKE 'cdr:%' AND at = fromUnixTimestamp64Milli({t:Int64})`,
        query_params: { m: SETTLED, t: closedAt - 120_000 },
        format: 'JSONEachRow',
      });
      const rows = await rs.json<{ amount_fen: number }>();
      return rows.length ? rows : null;
    });
    expect(lateRow).toEqual([{ amount_fen: -owing.balanceFen }]);
    // sent again, it changes nothing: the same call once more, then another like it (charged alike)
    await new PipelinedPublisher(env.nats.nats.js).publishAll([
      { ...lateCall, msgId: 'before-port-1-again' },
      {
        subject: subjects.rawCdr('MSC-SH-01'),
        data: encodeBatch('before-port-2', [intlCall(78, SETTLED, closedAt - 60_000)]),
        msgId: 'before-port-2',
      },
    ]);
    const twice = await waitFor(async () => {
      const b = await balanceOf(env, SETTLED);
      return b.balanceFen < owing.balanceFen ? b.balanceFen : null;
    });
    expect(twice).toBe(2 * owing.balanceFen);
    // the owner's list keeps the number, closed, saying where it went
    const listed = (await call('agent', 'GET', `/api/v1/customers/${customerId}/lines`)).json().lines as {
      status: string;
      portedTo?: string;
    }[];
    expect(listed.filter((l) => l.portedTo)).toEqual([
      expect.objectContaining({ status: 'closed', portedTo: '中国移动' }),
    ]);
    const told = await notices('port_out_done');
    // by SMS and e-mail (this customer gave an address), once each
    expect(told.map((n) => n.text)).toEqual([
      expect.stringContaining('携出至中国移动'),
      expect.stringContaining('携出至中国移动'),
    ]);
    const audit = await waitFor(async () => {
      const rs = await env.chEnv.ch.client.query({
        query: `SELECT action FROM streambss.care_audit FINAL WHERE action LIKE 'line.port%' ORDER BY at`,
        format: 'JSONEachRow',
      });
      const rows = await rs.json<{ action: string }>();
      return rows.length >= 2 ? rows : null;
    });
    expect(audit.map((a) => a.action)).toEqual(['line.port_code_issued', 'line.ported_out']);
  });

  it('a closed line that still owes takes its final bill, and not a fen more', async () => {
    const owed = -(await balanceOf(env, NEW_LINE)).balanceFen;
    expect(owed).toBeGreaterThan(0);
    // closed at the counter meanwhile (as an executed unsubscribe leaves it in care)
    await recordCareLine(
      env,
      { msisdn: NEW_LINE, customerId, planId: 'changxiang-128', openedAtMs: NOW - 10 * DAY },
      { status: 'closed', closedAtMs: NOW },
    );
    const pay = (amountFen: number, requestId: string) =>
      call('agent', 'POST', `/api/v1/subscribers/${encodeURIComponent(NEW_LINE)}/renewals`, {
        requestId,
        amountFen,
        method: 'cash',
        channel: 'counter',
      });
    const tooMuch = await pay(owed + 1, 'closed-bill-0001');
    expect(tooMuch.statusCode).toBe(400);
    expect(tooMuch.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: '/amountFen' });
    expect((await pay(owed, 'closed-bill-0002')).statusCode).toBe(201);
  });
});
