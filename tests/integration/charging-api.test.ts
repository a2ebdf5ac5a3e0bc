import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeBatch } from '../../domain/index.ts';
import { PipelinedPublisher, subjects } from '../../infra/nats/index.ts';
import { startChargingApi, type ChargingApiEnv } from '../support/charging-api.ts';
import { waitFor } from '../support/env.ts';

const NOW = Date.now();
const LINE = '+8613600000077';
/** Provisioned, never used: charging has no saved state for it. */
const UNUSED = '+8613600000078';

describe('charging through the API: balance, explain a charge, top-up, reconciliation (real servers)', () => {
  let env: ChargingApiEnv;

  beforeAll(async () => {
    env = await startChargingApi({
      lines: [
        { msisdn: LINE, planId: 'dazhongka-8', activatedAtMs: NOW - 86_400_000, openingBalanceFen: 3000 },
        { msisdn: UNUSED, planId: 'dazhongka-8', activatedAtMs: NOW - 86_400_000, openingBalanceFen: 2000 },
      ],
      payments: true,
    });
  });
  afterAll(async () => env?.close());

  const get = (url: string) => env.call('agent', 'GET', url);
  const line = encodeURIComponent(LINE);

  it('shows a line with no usage yet as charging will start it, and a number never provisioned as 404', async () => {
    // A customer who logs in before their first call sees balance and allowances, not an error.
    const r = await get(`/api/v1/subscribers/${encodeURIComponent(UNUSED)}/balance`);
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({
      usageCharged: false,
      balanceFen: 2000 - 800,
      barred: false,
      allowances: { voiceSec: { totalUnits: 1800, usedUnits: 0, leftUnits: 1800 } },
    });
    const none = await get(`/api/v1/subscribers/${encodeURIComponent('+8613600000079')}/balance`);
    expect(none.statusCode).toBe(404);
    expect(none.json().error.message).toBe('no line +86136****0079 is provisioned for charging');
  });

  it('charges a long national call, explains it in both languages, and the balance follows', async () => {
    const call = {
      type: 'voice',
      neId: 'MSC-SH-01',
      recordSeq: 1,
      msisdn: LINE.slice(3),
      imsi: '460001234567877',
      cellId: 'SH-SH-0003-1',
      startMs: NOW - 600_000,
      roaming: false,
      direction: 'mo',
      calledNumber: '13912345678',
      durationSec: 1000,
    };
    const pub = new PipelinedPublisher(env.nats.nats.js);
    await pub.publishAll([
      { subject: subjects.rawCdr('MSC-SH-01'), data: encodeBatch('c-1', [call]), msgId: 'c-1' },
    ]);
    const usage = await waitFor(async () => {
      const r = await get(`/api/v1/subscribers/${line}/usage`);
      const body = r.json() as { rows: { cdrId: string; chargeFen: number; explanation: string }[] };
      return body.rows.length === 1 ? body : null;
    });
    const row = usage.rows[0]!;
    // stored as a reason code, read as both sentences
    expect(row.explanation).toMatch(/^通话 16分40秒，.*收费 .*元 \| Call 16 min 40 s, .*charged .* yuan$/);
    type Explained = {
      chargeFen: number;
      consistent: boolean;
      sentence: { 'zh-CN': string; en: string };
      msisdn: string;
      breakdown: { balanceAfterFen: number | null; allowance: unknown; segments: { window: string }[] };
      windowNames: Record<string, { 'zh-CN': string; en: string }>;
    };
    // The ledger row may land a moment after the rated row: the balance after is null until then.
    const e = await waitFor(async () => {
      const ex = await get(`/api/v1/cdrs/${row.cdrId}/explanation`);
      expect(ex.statusCode).toBe(200);
      const body = ex.json() as Explained;
      return body.breakdown.balanceAfterFen === null ? null : body;
    });
    expect(e.chargeFen).toBe(row.chargeFen);
    expect(e.consistent).toBe(true);
    expect(e.sentence['zh-CN']).toMatch(/通话/);
    expect(e.sentence.en).toMatch(/call/i);
    expect(e.msisdn).not.toBe(LINE); // masked for staff
    // The screen names each time window the charge was split into, from the catalog.
    expect(e.breakdown.segments.length).toBeGreaterThan(0);
    for (const g of e.breakdown.segments) expect(e.windowNames[g.window]?.['zh-CN']).toMatch(/时段/);

    const bal = await waitFor(async () => {
      const r = await get(`/api/v1/subscribers/${line}/balance`);
      return r.statusCode === 200
        ? (r.json() as {
            balanceFen: number;
            barred: boolean;
            usageCharged: boolean;
            planName?: Record<string, string>;
          })
        : null;
    });
    expect(bal.balanceFen).toBeLessThan(3000);
    expect(bal.usageCharged).toBe(true);
    // The plan by its catalog name, for the balance card (it showed the id 'dazhongka-8').
    expect(bal.planName).toEqual({ 'zh-CN': '大众卡8元', en: 'Everyman Card 8' });
    // The only charge on the line so far: the balance after it is the balance now, not an invented one.
    expect(e.breakdown.balanceAfterFen).toBe(bal.balanceFen);
  });

  it('credits a top-up exactly once however often the payment event is delivered', async () => {
    const before = (await get(`/api/v1/subscribers/${line}/balance`)).json() as { balanceFen: number };
    const event = {
      type: 'payment.succeeded',
      eventId: 'p-77.succeeded',
      atMs: Date.now(),
      paymentId: 'p-77',
      msisdn: LINE,
      amountFen: 5000,
      method: 'wechat_pay',
      purpose: 'top_up',
      channel: 'app',
    };
    const data = new TextEncoder().encode(JSON.stringify(event));
    // Published twice under different message ids (the stream keeps both): charging must credit once.
    await env.nats.nats.js.publish('bss.payment.succeeded', data, { msgID: 'evt-a' });
    await env.nats.nats.js.publish('bss.payment.succeeded', data, { msgID: 'evt-b' });
    const after = await waitFor(async () => {
      const b = (await get(`/api/v1/subscribers/${line}/balance`)).json() as { balanceFen: number };
      return b.balanceFen === before.balanceFen + 5000 ? b : null;
    });
    await new Promise((r) => setTimeout(r, 1000));
    const later = (await get(`/api/v1/subscribers/${line}/balance`)).json() as { balanceFen: number };
    expect(later.balanceFen).toBe(after.balanceFen);
  });

  it('applies an outage goodwill credit from the NOC once', async () => {
    const before = (await get(`/api/v1/subscribers/${line}/balance`)).json() as { balanceFen: number };
    const adj = {
      eventId: 'GW-t1-77',
      type: 'adjustment.goodwill',
      adjustmentId: 'GW-t1-77',
      msisdn: LINE,
      amountFen: 1000,
      reason: 'outage goodwill / 故障补偿',
      ticketId: 'TT-1',
      atMs: Date.now(),
    };
    const data = new TextEncoder().encode(JSON.stringify(adj));
    await env.nats.nats.js.publish('bss.adjustment.goodwill', data, { msgID: 'gw-a' });
    await env.nats.nats.js.publish('bss.adjustment.goodwill', data, { msgID: 'gw-b' });
    await waitFor(async () => {
      const b = (await get(`/api/v1/subscribers/${line}/balance`)).json() as { balanceFen: number };
      return b.balanceFen === before.balanceFen + 1000;
    });
    await new Promise((r) => setTimeout(r, 800));
    const later = (await get(`/api/v1/subscribers/${line}/balance`)).json() as { balanceFen: number };
    expect(later.balanceFen).toBe(before.balanceFen + 1000);
  });

  it('rerates a period: dry run shows the difference, applying compensates once', async () => {
    const startMs = Date.now() - 300_000;
    const call = {
      type: 'voice',
      neId: 'MSC-SH-01',
      recordSeq: 99,
      msisdn: LINE.slice(3),
      imsi: '460001234567877',
      cellId: 'SH-SH-0003-1',
      startMs,
      roaming: false,
      direction: 'mo',
      calledNumber: '0014155552671',
      durationSec: 125,
    };
    const pub = new PipelinedPublisher(env.nats.nats.js);
    await pub.publishAll([
      { subject: subjects.rawCdr('MSC-SH-01'), data: encodeBatch('c-99', [call]), msgId: 'c-99' },
    ]);
    const charged = await waitFor(async () => {
      const u = (await get(`/api/v1/subscribers/${line}/usage`)).json() as {
        rows: { startMs: number; chargeFen: number }[];
      };
      return u.rows.find((r) => r.startMs === startMs);
    });
    expect(charged.chargeFen).toBeGreaterThan(0);
    // The candidate catalog: every price doubled.
    const doubled = JSON.parse(readFileSync('catalog/default.json', 'utf8'), (k, v: unknown) =>
      k === 'priceFen' && v && typeof v === 'object'
        ? Object.fromEntries(Object.entries(v).map(([w, p]) => [w, (p as number) * 2]))
        : v,
    ) as { catalogVersion: string };
    doubled.catalogVersion = 'rerate-test';
    const admin = await env.api.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'admin', password: 'admin-demo-2026' },
    });
    const adminCookie = `sbss_session=${admin.cookies.find((c) => c.name === 'sbss_session')?.value}`;
    const body = { fromMs: startMs, toMs: startMs + 1, catalog: doubled };
    const dry = await env.api.app.inject({
      method: 'POST',
      url: '/api/v1/charging/rerates/dry-run',
      payload: body,
      headers: { cookie: adminCookie },
    });
    expect(dry.statusCode).toBe(200);
    const plan = dry.json() as { cdrs: number; totals: { oldFen: number; newFen: number; diffFen: number } };
    expect(plan.cdrs).toBe(1);
    expect(plan.totals).toEqual({
      oldFen: charged.chargeFen,
      newFen: charged.chargeFen * 2,
      diffFen: charged.chargeFen,
    });

    // The balance is saved a checkpoint after the charge: wait until it has settled.
    const before = await waitFor(async () => {
      const a = (await get(`/api/v1/subscribers/${line}/balance`)).json() as { balanceFen: number };
      await new Promise((r) => setTimeout(r, 600));
      const b = (await get(`/api/v1/subscribers/${line}/balance`)).json() as { balanceFen: number };
      return a.balanceFen === b.balanceFen ? b : null;
    });
    const apply = () =>
      env.api.app.inject({
        method: 'POST',
        url: '/api/v1/charging/rerates',
        payload: body,
        headers: { cookie: adminCookie },
      });
    expect((await apply()).json()).toMatchObject({ alreadyApplied: false });
    await waitFor(async () => {
      const b = (await get(`/api/v1/subscribers/${line}/balance`)).json() as { balanceFen: number };
      return b.balanceFen === before.balanceFen - charged.chargeFen;
    });
    expect((await apply()).json()).toMatchObject({ alreadyApplied: true });
    await new Promise((r) => setTimeout(r, 800));
    const after = (await get(`/api/v1/subscribers/${line}/balance`)).json() as { balanceFen: number };
    expect(after.balanceFen).toBe(before.balanceFen - charged.chargeFen);

    // An agent may not rerate; a broken candidate catalog is refused naming the path.
    expect((await env.call('agent', 'POST', '/api/v1/charging/rerates/dry-run', body)).statusCode).toBe(403);
    // The dry run is a POST: a GET there is told so (405), not that the path does not exist.
    const wrongMethod = await get('/api/v1/charging/rerates/dry-run');
    expect(wrongMethod.statusCode).toBe(405);
    expect(wrongMethod.headers.allow).toBe('POST');
    const broken = await env.api.app.inject({
      method: 'POST',
      url: '/api/v1/charging/rerates/dry-run',
      payload: { ...body, catalog: { ...doubled, plans: 'none' } },
      headers: { cookie: adminCookie },
    });
    expect(broken.statusCode).toBe(400);
    expect((broken.json() as { error: { field: string } }).error.field).toMatch(/^\/catalog/);
  });

  it('reconciles: Σ debits = Σ charges and every ledger adds up; other roles are refused', async () => {
    const rec = await waitFor(async () => {
      const r = await env.call('noc', 'GET', '/api/v1/charging/reconciliation');
      const body = r.json() as { ok: boolean; subscribersChecked: number; stateBehindLedger: unknown[] };
      return body.ok && body.subscribersChecked === 1 && body.stateBehindLedger.length === 0 ? body : null;
    });
    expect(rec.ok).toBe(true);
    const denied = await get('/api/v1/charging/reconciliation');
    expect(denied.statusCode).toBe(403);
  });

  it('reconciliation compares only what the sink finished writing, and still finds drift within it', async () => {
    type Rec = { ok: boolean; debitsMatchCharges: boolean; sumDebitsFen: number; uptoStreamSeq?: number };
    const check = async () => (await env.call('noc', 'GET', '/api/v1/charging/reconciliation')).json() as Rec;
    const before = await waitFor(async () => {
      const r = await check();
      return r.ok ? r : null;
    });
    expect(before.uptoStreamSeq).toBeGreaterThan(0);
    const upto = before.uptoStreamSeq ?? 0;
    // one table of a message already written, the other not yet (the sink has not acked it): a
    // usage debit whose rated row is still to come
    const usageDebit = (key: string, streamSeq: number) =>
      env.chEnv.ch.client.insert({
        table: 'streambss.ledger',
        values: [
          {
            key,
            msisdn: '+8613600009999',
            kind: 'usage',
            direction: 'debit',
            amount_fen: 123,
            balance_after_fen: -123,
            at: '2026-11-28 00:00:00.000',
            stream_seq: streamSeq,
          },
        ],
        format: 'JSONEachRow',
      });
    await usageDebit('cdr:half-written', upto + 1_000_000);
    const inFlight = await check();
    expect(inFlight).toMatchObject({ ok: true, sumDebitsFen: before.sumDebitsFen });
    // the same within what the sink has finished: a debit with no rated usage is drift
    await usageDebit('cdr:no-rated-row', upto);
    const drift = await check();
    expect(drift).toMatchObject({ ok: false, debitsMatchCharges: false });
    expect(drift.sumDebitsFen).toBe(before.sumDebitsFen + 123);
  });
});
