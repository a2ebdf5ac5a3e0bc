import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newCustomerBody, otherApiInstance } from '../support/care.ts';
import {
  balanceOf,
  noticesOf,
  PARTITIONS,
  recordCareLine,
  startChargingApi,
  type ChargingApiEnv,
} from '../support/charging-api.ts';
import { waitFor } from '../support/env.ts';
import { backfillSuspensionIndex, sweepSuspensions } from '../../api/routes/care/suspension-store.ts';
import { Kvm } from '@nats-io/kv';
import { systemClock } from '../../domain/index.ts';

const NOW = Date.now();
const POSTPAID = '+8613600000311';
/** Prepaid, in its period: it keeps its number without 停机保号. */
const PREPAID = '+8613600000312';
/** Postpaid with a deposit (settled): suspended with a planned resume date. */
const PLANNED = '+8613600000313';
const DAY = 86_400_000;
const url = (msisdn: string, rest: string) => `/api/v1/lines/${encodeURIComponent(msisdn)}${rest}`;

describe('bars the owner asks for: 挂失 / 解挂 and 停机保号 / 复机, through the API and the charging engine (real servers)', () => {
  let env: ChargingApiEnv;
  const call: ChargingApiEnv['call'] = (...a) => env.call(...a);
  let customerId = '';
  const balance = (msisdn: string) => balanceOf(env, msisdn);
  const notices = (template: string) => noticesOf(env, customerId, template);

  beforeAll(async () => {
    env = await startChargingApi({
      lines: [
        { msisdn: POSTPAID, planId: 'changxiang-128', activatedAtMs: NOW - 3_600_000 },
        { msisdn: PREPAID, planId: 'dazhongka-8', activatedAtMs: NOW - 3_600_000, openingBalanceFen: 2000 },
        {
          msisdn: PLANNED,
          planId: 'changxiang-128',
          activatedAtMs: NOW - 3_600_000,
          openingBalanceFen: 20_000,
        },
      ],
      notices: true,
      payments: true,
    });
    customerId = (await call('agent', 'POST', '/api/v1/customers', newCustomerBody({ name: '吴十' }))).json()
      .customer.customerId;
    for (const [msisdn, planId] of [
      [POSTPAID, 'changxiang-128'],
      [PREPAID, 'dazhongka-8'],
      [PLANNED, 'changxiang-128'],
    ] as const)
      await recordCareLine(env, { msisdn, customerId, planId, openedAtMs: NOW - 3_600_000 });
  });
  afterAll(async () => env?.close());

  it('挂失 bars the line at once; only 解挂 at the counter, with the ID checked, lifts it; the customer is told both ways', async () => {
    const report = await call('agent', 'POST', url(POSTPAID, '/loss'), {
      channel: 'phone',
      requestId: 'loss-req-0001',
      reason: '手机丢失',
    });
    expect(report.statusCode).toBe(202);
    const barred = await waitFor(async () => {
      const b = await balance(POSTPAID);
      return b.barred ? b : null;
    });
    expect(barred.barReason).toBe('lost');
    const told = await waitFor(async () => {
      const n = await notices('charging.line_barred');
      return n.length ? n : null;
    });
    expect(told[0]!.text).toContain('挂失停机');
    const again = await call('agent', 'POST', url(POSTPAID, '/loss'), {
      channel: 'phone',
      requestId: 'loss-req-0002',
    });
    expect(again.statusCode).toBe(200);

    expect((await call('customer', 'POST', url(POSTPAID, '/loss/restore'), {})).statusCode).toBe(403);
    const unchecked = await call('agent', 'POST', url(POSTPAID, '/loss/restore'), {
      channel: 'counter',
      requestId: 'unloss-req-0001',
    });
    expect(unchecked.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: '/idChecked' });
    const restore = await call('agent', 'POST', url(POSTPAID, '/loss/restore'), {
      channel: 'counter',
      requestId: 'unloss-req-0001',
      idChecked: true,
    });
    expect(restore.statusCode).toBe(200);
    await waitFor(async () => ((await balance(POSTPAID)).barred === false ? true : null));
    const back = await waitFor(async () => {
      const n = await notices('charging.line_unbarred');
      return n.length ? n : null;
    });
    expect(back[0]!.text).toBe('您的号码已解挂，恢复使用。');
    expect(
      (
        await call('agent', 'POST', url(POSTPAID, '/loss/restore'), {
          channel: 'counter',
          requestId: 'unloss-req-0002',
          idChecked: true,
        })
      ).statusCode,
    ).toBe(409);
  });

  it('停机保号 stops a settled postpaid line and keeps the number; 复机 brings it back; the customer is told both ways', async () => {
    const ask = (rest: string, requestId: string) =>
      call('agent', 'POST', url(POSTPAID, rest), { channel: 'counter', requestId });
    // what is owed (this month's fee) is settled first
    const owing = await ask('/suspension', 'suspend-req-0001');
    expect(owing.statusCode).toBe(422);
    expect(owing.json().error).toMatchObject({ code: 'NOT_ELIGIBLE', field: '/msisdn' });
    expect(owing.json().error.message).toContain('ARREARS');
    const owed = -(await balance(POSTPAID)).balanceFen;
    const paid = await call('agent', 'POST', `/api/v1/subscribers/${encodeURIComponent(POSTPAID)}/renewals`, {
      requestId: 'suspend-settle-0001',
      amountFen: owed,
      method: 'cash',
      channel: 'counter',
    });
    expect(paid.statusCode).toBe(201);
    await waitFor(async () => ((await balance(POSTPAID)).balanceFen >= 0 ? true : null));
    // a prepaid line keeps its number without it
    const prepaid = await call('agent', 'POST', url(PREPAID, '/suspension'), {
      channel: 'counter',
      requestId: 'suspend-req-0009',
    });
    expect(prepaid.json().error.message).toContain('PREPAID');

    const done = await ask('/suspension', 'suspend-req-0001');
    expect(done.statusCode).toBe(202);
    expect(done.json()).toMatchObject({
      suspension: { by: 'agent', channel: 'counter' },
      keepNumberFeeFen: 500,
    });
    expect((await ask('/suspension', 'suspend-req-0001')).statusCode).toBe(200);
    const stopped = await waitFor(async () => {
      const b = await balance(POSTPAID);
      return b.barReason === 'suspended' ? b : null;
    });
    expect(stopped.barred).toBe(true);
    const told = await waitFor(async () => {
      const n = (await notices('charging.line_barred')).filter((x) => x.text.includes('停机保号'));
      return n.length ? n : null;
    });
    expect(told[0]!.text).toContain('保号费 5.00 元');
    const listed = (await call('agent', 'GET', `/api/v1/customers/${customerId}/lines`)).json().lines as {
      msisdn: string;
      suspendedSinceMs?: number;
    }[];
    expect(listed.find((l) => l.msisdn.endsWith('0311'))?.suspendedSinceMs).toBe(
      done.json().suspension.sinceMs,
    );
    // a suspended line is not reported lost on top: it is barred already
    const loss = await call('agent', 'POST', url(POSTPAID, '/loss'), {
      channel: 'phone',
      requestId: 'loss-req-0009',
    });
    expect(loss.statusCode).toBe(409);

    const resumed = await ask('/suspension/resume', 'resume-req-0001');
    expect(resumed.statusCode).toBe(200);
    expect(resumed.json()).toMatchObject({ resumed: true, suspendedSinceMs: done.json().suspension.sinceMs });
    await waitFor(async () => ((await balance(POSTPAID)).barred === false ? true : null));
    const back = await waitFor(async () => {
      const n = (await notices('charging.line_unbarred')).filter((x) => x.text.includes('复机'));
      return n.length ? n : null;
    });
    expect(back[0]!.text).toBe('您的号码已复机，恢复使用，套餐同时恢复。');
    expect((await ask('/suspension/resume', 'resume-req-0002')).statusCode).toBe(409);
    // resumed in the month it was suspended: no fee beyond the month's, nothing dead-lettered
    const dead = await env.nats.nats.jsm.streams.info('DLQ', { subjects_filter: 'dlq.rating.>' });
    expect(Object.keys(dead?.state.subjects ?? {}).filter((k) => k.startsWith('dlq.rating'))).toEqual([]);
  });

  it('停机保号 ends by itself at the date asked for (预约复机), and never lasts past the maximum', async () => {
    const suspend = (requestId: string, resumeAtMs?: number) =>
      call('agent', 'POST', url(PLANNED, '/suspension'), {
        channel: 'counter',
        requestId,
        ...(resumeAtMs ? { resumeAtMs } : {}),
      });
    const tooLong = await suspend('suspend-plan-0009', Date.now() + 400 * DAY);
    expect(tooLong.statusCode).toBe(422);
    expect(tooLong.json().error).toMatchObject({ field: '/resumeAtMs' });
    expect(tooLong.json().error.message).toContain('365 days at most');
    const planned = Date.now() + 2 * DAY;
    const done = await suspend('suspend-plan-0001', planned);
    expect(done.statusCode, done.body).toBe(202);
    expect(done.json().suspension.untilMs).toBe(planned);
    await waitFor(async () => ((await balance(PLANNED)).barReason === 'suspended' ? true : null));
    const listed = (await call('agent', 'GET', `/api/v1/customers/${customerId}/lines`)).json().lines as {
      msisdn: string;
      suspendedUntilMs?: number;
    }[];
    expect(listed.find((l) => l.msisdn.endsWith('0313'))?.suspendedUntilMs).toBe(planned);

    // another API instance whose clock has reached the date: its sweep resumes the line, once
    const ctx = await otherApiInstance(
      env.nats.nats,
      env.chEnv.ch,
      { nowMs: () => planned + 60_000 },
      PARTITIONS,
    );
    try {
      // before the date: nothing, and the API sweeps again at the date (not at its next round)
      expect(await sweepSuspensions(ctx, planned - 60_000)).toMatchObject({
        resumed: [],
        nextDueMs: planned,
      });
      expect((await sweepSuspensions(ctx, planned + 60_000)).resumed).toEqual([PLANNED]);
      expect(await sweepSuspensions(ctx, planned + 60_000)).toMatchObject({ resumed: [] });
    } finally {
      ctx.close();
    }
    const line = (await call('agent', 'GET', url(PLANNED, ''))).json();
    expect(line.suspension).toBeUndefined();
    await waitFor(async () => ((await balance(PLANNED)).barred === false ? true : null));
    // by hand it is no longer suspended either
    expect(
      (
        await call('agent', 'POST', url(PLANNED, '/suspension/resume'), {
          channel: 'counter',
          requestId: 'resume-plan-0001',
        })
      ).statusCode,
    ).toBe(409);
  });

  it('a suspension recorded before the maximum existed is indexed once at start and ends at the maximum', async () => {
    const kv = await new Kvm(env.nats.nats.nc).open('care_lines');
    const legacy = '+8613600000399';
    const sinceMs = Date.now() - 10 * DAY;
    await kv.put(
      legacy.slice(1),
      JSON.stringify({
        msisdn: legacy,
        customerId,
        status: 'active',
        planId: 'changxiang-128',
        openedAtMs: sinceMs - DAY,
        contractEndMs: null,
        devicesOutstanding: [],
        suspension: { suspensionId: 'suspend-legacy-1', sinceMs, by: 'agent', channel: 'counter' },
      }),
    );
    await kv.delete('meta.suspension-index-v1'); // as in a deployment from before the index
    const ctx = await otherApiInstance(env.nats.nats, env.chEnv.ch, systemClock, PARTITIONS);
    try {
      expect(await backfillSuspensionIndex(ctx)).toBeGreaterThanOrEqual(1);
      expect(await backfillSuspensionIndex(ctx)).toBe(0); // once
      expect((await sweepSuspensions(ctx, sinceMs + 364 * DAY)).resumed).not.toContain(legacy);
      expect((await sweepSuspensions(ctx, sinceMs + 365 * DAY)).resumed).toContain(legacy);
    } finally {
      ctx.close();
    }
    const line = JSON.parse(new TextDecoder().decode((await kv.get(legacy.slice(1)))!.value));
    expect(line.suspension).toBeUndefined();
    expect((await kv.get(`susp.${legacy.slice(1)}`))?.operation).not.toBe('PUT');
  });
});
