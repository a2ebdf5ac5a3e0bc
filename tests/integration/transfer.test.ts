import { io as ioClient } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newCustomerBody } from '../support/care.ts';
import { intlCall, recordCareLine, startChargingApi, type ChargingApiEnv } from '../support/charging-api.ts';
import { encodeBatch, systemClock } from '../../domain/index.ts';
import { PipelinedPublisher, subjects } from '../../infra/nats/index.ts';
import { AuthStore, hashPassword } from '../../api/auth/index.ts';
import { waitFor } from '../support/env.ts';

const NOW = Date.now();
const POSTPAID = '+8613600000501';
const CONTRACT = '+8613600000502';
const enc = new TextEncoder();
const OLD_PASSWORD = 'Qk7#mPz2wLx9';
const OWNER_NEW_MOBILE = '+8613700000501';
const NEW_PASSWORD = 'Rv4#nTy8hJq3';
const url = (msisdn: string) => `/api/v1/lines/${encodeURIComponent(msisdn)}/transfer`;

describe('过户: a line changes hands at the counter (real servers)', () => {
  let env: ChargingApiEnv;
  const call: ChargingApiEnv['call'] = (...a) => env.call(...a);
  let owner = '';
  let buyer = '';
  const lineNumbers = async (customerId: string) =>
    (await call('agent', 'GET', `/api/v1/customers/${customerId}/lines`)).json().lines as {
      status: string;
    }[];
  const notices = async (customerId: string, template: string) =>
    (
      (await call('agent', 'GET', `/api/v1/customers/${customerId}/notifications`)).json().notifications as {
        template: string;
        channel: string;
        text: string;
        to: string;
      }[]
    ).filter((n) => n.template === template && n.channel === 'sms');

  beforeAll(async () => {
    env = await startChargingApi({
      lines: [
        { msisdn: POSTPAID, planId: 'changxiang-128', activatedAtMs: NOW - 3_600_000 },
        { msisdn: CONTRACT, planId: 'changxiang-128', activatedAtMs: NOW - 3_600_000 },
      ],
      notices: true,
      payments: true,
    });
    // the owner's contact number is the line itself, and they use the business hall with it
    owner = (
      await call('agent', 'POST', '/api/v1/customers', newCustomerBody({ name: '钱七', mobile: POSTPAID }))
    ).json().customer.customerId;
    const account = await env.api.app.inject({
      method: 'POST',
      url: '/api/v1/accounts',
      payload: {
        username: 'qianqi',
        name: '钱七',
        phone: POSTPAID,
        email: 'qian.qi@example.com',
        password: OLD_PASSWORD,
        passwordConfirm: OLD_PASSWORD,
      },
    });
    expect(account.statusCode, account.body).toBe(201);
    // one call made while the line is the owner's
    await new PipelinedPublisher(env.nats.nats.js).publishAll([
      {
        subject: subjects.rawCdr('MSC-SH-01'),
        data: encodeBatch('xfer-1', [intlCall(1, POSTPAID, NOW - 600_000)]),
        msgId: 'xfer-1',
      },
    ]);
    buyer = (await call('agent', 'POST', '/api/v1/customers', newCustomerBody({ name: '孙八' }))).json()
      .customer.customerId;
    for (const [msisdn, contractEndMs] of [
      [POSTPAID, null],
      [CONTRACT, NOW + 200 * 86_400_000],
    ] as const) {
      await recordCareLine(
        env,
        { msisdn, customerId: owner, planId: 'changxiang-128', openedAtMs: NOW - 3_600_000 },
        { contractEndMs },
      );
    }
  });
  afterAll(async () => env?.close());

  const login = async (username: string, password: string) => {
    const res = await env.api.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username, password },
    });
    const token = res.cookies.find((c) => c.name === 'sbss_session')?.value;
    return { status: res.statusCode, cookie: token ? `sbss_session=${token}` : '' };
  };
  const asHall = (cookie: string, path: string) =>
    env.api.app.inject({ method: 'GET', url: path, headers: { cookie } });
  const usagePath = `/api/v1/subscribers/${encodeURIComponent(POSTPAID)}/usage`;
  const usageRows = async (cookie: string) => (await asHall(cookie, usagePath)).json().rows as unknown[];

  const body = (over: Record<string, unknown> = {}) => ({
    toCustomerId: buyer,
    channel: 'counter',
    requestId: 'xfer-req-0001',
    idsChecked: true,
    ...over,
  });

  it('refuses what must be settled first, naming why, and moves nothing', async () => {
    expect((await call('customer', 'POST', url(POSTPAID), body())).statusCode).toBe(403);
    const { idsChecked: _, ...unchecked } = body();
    expect((await call('agent', 'POST', url(POSTPAID), unchecked)).json().error).toMatchObject({
      code: 'VALIDATION_FAILED',
      field: '/idsChecked',
    });
    const refusals = [
      [CONTRACT, body(), 'CONTRACT_TERM', '/msisdn'],
      [POSTPAID, body({ toCustomerId: owner }), 'SAME_CUSTOMER', '/toCustomerId'],
      [POSTPAID, body({ toCustomerId: 'cus-nobody' }), 'no customer', '/toCustomerId'],
      // postpaid: this period's fee is not paid yet
      [POSTPAID, body(), 'ARREARS', '/msisdn'],
    ] as const;
    for (const [msisdn, b, text, field] of refusals) {
      const res = await call('agent', 'POST', url(msisdn), b);
      expect(res.statusCode, text).toBeGreaterThanOrEqual(400);
      expect(res.json().error.field, text).toBe(field);
      expect(res.json().error.message, text).toContain(text);
    }
    expect(await lineNumbers(buyer)).toEqual([]);
  });

  it('moves a settled line to the new owner once; both are told; the old owner no longer sees it', async () => {
    const balance = async () =>
      (await call('agent', 'GET', `/api/v1/subscribers/${encodeURIComponent(POSTPAID)}/balance`)).json();
    const owed = -(await balance()).balanceFen;
    expect(owed).toBeGreaterThan(0);
    const paid = await call('agent', 'POST', `/api/v1/subscribers/${encodeURIComponent(POSTPAID)}/renewals`, {
      requestId: 'xfer-settle-0001',
      amountFen: owed,
      method: 'cash',
      channel: 'counter',
    });
    expect(paid.statusCode).toBe(201);
    await waitFor(async () => ((await balance()).balanceFen >= 0 ? true : null));

    // before: the owner's hall login reads the line's usage
    const before = await login('qianqi', OLD_PASSWORD);
    expect(before.status).toBe(200);
    await waitFor(async () => ((await usageRows(before.cookie)).length === 1 ? true : null));
    const complaint = await env.api.app.inject({
      method: 'POST',
      url: '/api/v1/noc/complaints',
      headers: { cookie: before.cookie },
      payload: { channel: 'app', text: '上个月话费不对', requestId: 'xfer-complaint-1' },
    });
    expect(complaint.statusCode, complaint.body).toBe(201);

    // the owner's contact number is this line: they must give another first, nothing moves
    const noContact = await call('agent', 'POST', url(POSTPAID), body({ reason: '赠与家人' }));
    expect(noContact.statusCode).toBe(400);
    expect(noContact.json().error.field).toBe('/ownerNewMobile');
    expect(
      (await call('agent', 'GET', `/api/v1/lines/${encodeURIComponent(POSTPAID)}`)).json().customerId,
    ).toBe(owner);
    const done = await call(
      'agent',
      'POST',
      url(POSTPAID),
      body({ reason: '赠与家人', ownerNewMobile: OWNER_NEW_MOBILE }),
    );
    expect(done.statusCode).toBe(201);
    expect(done.json()).toMatchObject({
      customerId: buyer,
      transfer: { fromCustomerId: owner, by: 'agent' },
    });
    const again = await call('agent', 'POST', url(POSTPAID), body({ ownerNewMobile: OWNER_NEW_MOBILE }));
    expect(again.statusCode).toBe(200);
    expect(again.json().transfer.transferId).toBe(done.json().transfer.transferId);
    expect(done.json().accountsRevoked).toBe(1);

    // the old owner's hall login and its open session end with the line
    expect((await asHall(before.cookie, usagePath)).statusCode).toBe(401);
    expect((await login('qianqi', OLD_PASSWORD)).status).toBe(401);
    // the new owner, once they use the hall on this number, reads from the transfer on: not the
    // previous owner's call; staff still see the line's whole history
    const auth = await AuthStore.open(env.nats.nats.nc, systemClock);
    await auth.createUser({
      username: 'sunba',
      role: 'customer',
      passwordHash: await hashPassword(NEW_PASSWORD),
      customerMsisdn: POSTPAID,
    });
    auth.close();
    const heir = await login('sunba', NEW_PASSWORD);
    expect(await usageRows(heir.cookie)).toEqual([]);
    expect((await call('agent', 'GET', usagePath)).json().rows).toHaveLength(1);
    const day = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
    const summary = `${usagePath}/summary?period=custom&from=${day(NOW - 86_400_000)}&to=${day(NOW)}`;
    expect((await asHall(heir.cookie, summary)).json().chargeFen).toBe(0);
    expect((await call('agent', 'GET', summary)).json().chargeFen).toBeGreaterThan(0);
    // nor the previous owner's complaints
    const complaints = (cookie: string) => asHall(cookie, '/api/v1/noc/complaints');
    expect((await complaints(heir.cookie)).json().items).toEqual([]);
    expect((await asHall(heir.cookie, `/api/v1/noc/complaints/${complaint.json().id}`)).statusCode).toBe(404);
    expect((await call('agent', 'GET', `/api/v1/noc/complaints/${complaint.json().id}`)).statusCode).toBe(
      200,
    );

    expect((await lineNumbers(buyer)).map((l) => l.status)).toEqual(['active']);
    expect((await lineNumbers(owner)).length).toBe(1); // only the contract line is left
    // the owner's history still says where the number went, masked for staff, never to act on
    const ownerList = (await call('agent', 'GET', `/api/v1/customers/${owner}/lines`)).json();
    expect(ownerList.former).toEqual([
      {
        msisdn: '+86136****0501',
        status: 'transferred',
        openedAtMs: expect.any(Number),
        transferredAtMs: done.json().transfer.atMs,
      },
    ]);
    expect((await call('agent', 'GET', `/api/v1/customers/${buyer}/lines`)).json().former).toEqual([]);
    const line = (await call('agent', 'GET', `/api/v1/lines/${encodeURIComponent(POSTPAID)}`)).json();
    expect(line).toMatchObject({ customerId: buyer, planId: 'changxiang-128' });
    // the balance stays with the line
    expect((await balance()).balanceFen).toBeGreaterThanOrEqual(0);

    // the old owner is reached at their new number: the notice does not go to the line
    const ownerNow = (await call('agent', 'GET', `/api/v1/customers/${owner}`)).json();
    expect(ownerNow.mobile).toBe('+86137****0501');
    const out = await notices(owner, 'line_transferred_out');
    const into = await notices(buyer, 'line_transferred_in');
    expect([out.length, into.length]).toEqual([1, 1]);
    expect(out[0]!.text).toContain('已于');
    expect(out[0]!.to).toBe('+86137****0501');
    expect(into[0]!.text).toContain('过户到您名下');
    const audit = await waitFor(async () => {
      const rs = await env.chEnv.ch.client.query({
        query: `SELECT action, customer_id FROM streambss.care_audit FINAL WHERE action LIKE 'line.transferred%' ORDER BY action`,
        format: 'JSONEachRow',
      });
      const rows = await rs.json<{ action: string; customer_id: string }>();
      return rows.length >= 2 ? rows : null;
    });
    expect(audit).toEqual([
      { action: 'line.transferred_in', customer_id: buyer },
      { action: 'line.transferred_out', customer_id: owner },
    ]);
  });

  it("the new owner's live ticket pushes leave out the previous owner's reports", async () => {
    const heir = await login('sunba', NEW_PASSWORD);
    expect(heir.status).toBe(200);
    const since = (await call('agent', 'GET', `/api/v1/lines/${encodeURIComponent(POSTPAID)}`)).json()
      .transfer.atMs as number;
    const seen: string[] = [];
    const sock = ioClient(await env.api.listen(), {
      transports: ['websocket'],
      reconnection: false,
      extraHeaders: { cookie: heir.cookie },
    });
    sock.on('noc:tickets', (m: { tickets: { ticketId: string }[] }) =>
      seen.push(...m.tickets.map((t) => t.ticketId)),
    );
    await waitFor(async () => (sock.connected ? true : null));
    const ticket = (ticketId: string, openedAtMs: number, ticketType: string, status: string) => ({
      eventId: `${ticketId}.v2`,
      atMs: Date.now(),
      type: 'ticket.updated',
      ticketId,
      ticketType,
      openedAtMs,
      priority: 'P3',
      status,
      region: 'SH',
      relatedIds: [`tel:${POSTPAID.slice(1)}`],
      channel: 'system',
    });
    // published together, so they reach the coalescer in one push interval
    for (const ev of [
      ticket('TT-OLD-FAULT', since - 60_000, 'customer_fault', 'resolved'),
      ticket('TT-OLD-OUTAGE', since - 60_000, 'network', 'on_site'),
      ticket('TT-NEW-FAULT', since + 1, 'customer_fault', 'accepted'),
    ])
      env.nats.nats.nc.publish('bss.ticket.updated', enc.encode(JSON.stringify(ev)));
    await waitFor(async () => (seen.includes('TT-NEW-FAULT') ? true : null));
    sock.close();
    // the outage still open concerns them; the previous owner's fault report does not
    expect(seen.sort()).toEqual(['TT-NEW-FAULT', 'TT-OLD-OUTAGE']);
  });
});
