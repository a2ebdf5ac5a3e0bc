import { describe, it, expect } from 'vitest';
import { encodeBatch } from '../../domain/index.ts';
import { shanghaiMs } from '../../domain/catalog/index.ts';
import type { Provisioning } from '../../domain/rating/index.ts';
import { defaultCatalog, MSISDN, voice } from '../../domain/rating/test-fixtures.ts';
import { encodeRatingOutput } from './contracts.ts';
import { replayFilterOf } from './recovery.ts';
import { PartitionWorker, type InputMessage } from './worker.ts';

const catalog = defaultCatalog();
const line: Provisioning = {
  msisdn: MSISDN,
  planId: 'changxiang-128',
  activatedAtMs: shanghaiMs(2025, 3, 1),
};
const lookup = async (msisdns: string[]) =>
  new Map(msisdns.filter((m) => m === MSISDN).map((m) => [m, line] as const));
const worker = () => new PartitionWorker(catalog, 0, lookup, () => shanghaiMs(2025, 4, 2, 12));
const planMsg = (seq: number, planId: string, changeId = 'pc-1'): InputMessage => ({
  seq,
  subject: 'chg.0.plan',
  data: encodeBatch(`plan-${changeId}`, [
    { changeId, msisdn: MSISDN, planId, atMs: shanghaiMs(2025, 3, 10) },
  ]),
});
const cdrMsg = (seq: number, startMs: number): InputMessage => ({
  seq,
  subject: 'chg.0.cdr',
  data: encodeBatch(`b-${seq}`, [voice(startMs, 60)]),
});

describe('PartitionWorker: plan changes on chg.<n>.plan', () => {
  it('takes a change in stream order with usage: March stays on the old plan, April runs on the new one', async () => {
    const w = worker();
    const scheduled = await w.apply(planMsg(1, 'shangwu-288'));
    expect(scheduled.deadLetters).toEqual([]);
    expect(scheduled.output.notifications.map((n) => n.kind)).toEqual(['plan_change_scheduled']);
    const march = await w.apply(cdrMsg(2, shanghaiMs(2025, 3, 20, 10)));
    expect(march.output.items[0]?.planId).toBe('changxiang-128');
    const april = await w.apply(cdrMsg(3, shanghaiMs(2025, 4, 2, 10)));
    expect(april.output.items[0]?.planId).toBe('shangwu-288');
    expect(april.output.notifications.map((n) => n.kind)).toContain('plan_changed');
    expect(w.states.get(MSISDN)?.state).toMatchObject({ planId: 'shangwu-288' });
    // the same change delivered again changes nothing
    const again = await w.apply({ ...planMsg(4, 'shangwu-288'), seq: 4 });
    expect(again.duplicates).toBe(1);
    expect(again.output.notifications).toEqual([]);
  });

  it('tells the customer a change it refuses (no dead letter for their situation); dead-letters an unknown plan', async () => {
    const w = worker();
    // the line's own plan with nothing waiting: nothing to change, and the customer is told why
    const r = await w.apply(planMsg(1, 'changxiang-128'));
    expect(r.deadLetters).toEqual([]);
    expect(r.output.notifications).toEqual([
      expect.objectContaining({
        key: 'plan_change:pc-1',
        kind: 'plan_change_refused',
        params: { planId: 'changxiang-128', code: 'SAME_PLAN' },
      }),
    ]);
    const unknown = await w.apply(planMsg(3, 'no-such-plan', 'pc-3'));
    expect(unknown.deadLetters.map((d) => [d.info.code, d.info.field])).toEqual([
      ['unknown_plan', '/planId'],
    ]);
    expect(w.states.get(MSISDN)?.state.nextPlanId).toBeUndefined();
    const next = await w.apply(cdrMsg(2, shanghaiMs(2025, 3, 20, 10)));
    expect(next.output.items).toHaveLength(1);
  });

  it('recovering: a change is re-applied when its published output carries its notice, and only then', async () => {
    const first = worker();
    const out = await first.apply(planMsg(1, 'shangwu-288'));
    const filter = replayFilterOf(encodeRatingOutput(out.output));
    expect(filter?.effectKeys.has('plan_change:pc-1')).toBe(true);

    const recovered = worker();
    const replayed = await recovered.apply(planMsg(1, 'shangwu-288'), filter ?? undefined);
    expect(recovered.states.get(MSISDN)?.state.nextPlanId).toBe('shangwu-288');
    expect(replayed.deadLetters).toEqual([]);

    // an output that does not carry the change's notice (it was refused then): replay skips it
    const skipped = worker();
    await skipped.apply(planMsg(1, 'shangwu-288'), { cdrIds: new Set(), effectKeys: new Set() });
    expect(skipped.states.get(MSISDN)?.state.nextPlanId).toBeUndefined();
  });

  it('recovering: an input that carries the same CDR or payment twice is re-applied as it was charged, once', async () => {
    // a switch that sent a call again inside one batch, a payment sent twice in one message
    const call = voice(shanghaiMs(2025, 3, 20, 10), 95, '+12025550123');
    const payment = {
      paymentId: 'twice',
      msisdn: MSISDN,
      amountFen: 5000,
      purpose: 'top_up',
      atMs: shanghaiMs(2025, 3, 20, 11),
    };
    const inputs: InputMessage[] = [
      { seq: 1, subject: 'chg.0.cdr', data: encodeBatch('b-twice', [call, call]) },
      { seq: 2, subject: 'chg.0.pay', data: encodeBatch('pay-twice', [payment, payment]) },
    ];
    const live = worker();
    const outputs = [];
    for (const m of inputs) outputs.push(await live.apply(m));
    expect(outputs.map((o) => o.duplicates)).toEqual([1, 1]);
    expect(outputs[0]?.output.items).toHaveLength(1);
    expect(outputs[0]?.output.items[0]?.chargeFen).toBeGreaterThan(0);

    // rebuilt from those outputs (a crash before the checkpoint): the same state, not the call
    // and the payment taken twice
    const recovered = worker();
    for (const [i, m] of inputs.entries())
      await recovered.apply(m, replayFilterOf(encodeRatingOutput(outputs[i]!.output)) ?? undefined);
    expect(recovered.states.get(MSISDN)?.state).toEqual(live.states.get(MSISDN)?.state);
  });
});

describe('PartitionWorker: add-on packs on chg.<n>.addon', () => {
  const addOn = (seq: number, feeFen: number, purchaseId = 'ao-1'): InputMessage => ({
    seq,
    subject: 'chg.0.addon',
    data: encodeBatch(`addon-${purchaseId}`, [
      {
        purchaseId,
        msisdn: MSISDN,
        addOnId: 'jiayou-data-1g',
        name: { 'zh-CN': '流量加油包1GB', en: 'Data top-up 1 GB' },
        service: 'data',
        units: 1024 ** 3,
        feeFen,
        atMs: shanghaiMs(2025, 3, 10),
      },
    ]),
  });

  it('adds a pack once: its fee on the ledger, its units on the allowance; the same purchase again is a duplicate', async () => {
    const w = worker();
    const r = await w.apply(addOn(1, 1000));
    expect(r.output.ledger).toContainEqual(expect.objectContaining({ key: 'addon:ao-1', amountFen: 1000 }));
    const total = w.states.get(MSISDN)?.state.allowances.data.totalUnits;
    expect((await w.apply(addOn(2, 1000))).duplicates).toBe(1);
    expect(w.states.get(MSISDN)?.state.allowances.data.totalUnits).toBe(total);
  });

  it('tells the customer a pack the postpaid line cannot take (its credit limit), and charges nothing', async () => {
    const w = worker();
    const r = await w.apply(addOn(1, 9_000_000, 'ao-2'));
    expect(r.deadLetters).toEqual([]);
    expect(r.output.ledger.filter((l) => typeof l !== 'number' && l.key === 'addon:ao-2')).toEqual([]);
    expect(r.output.notifications).toEqual([
      expect.objectContaining({
        key: 'addon:ao-2',
        kind: 'add_on_refused',
        params: expect.objectContaining({ code: 'CREDIT_LIMIT' }),
      }),
    ]);
  });
});

describe('PartitionWorker: closures on chg.<n>.close', () => {
  const closeMsg = (seq: number, closureId = 'uns-1'): InputMessage => ({
    seq,
    subject: 'chg.0.close',
    data: encodeBatch(`close-${MSISDN}`, [
      { closureId, msisdn: MSISDN, reason: 'unsubscribe', atMs: shanghaiMs(2025, 3, 20) },
    ]),
  });

  it('closes once; afterwards usage, plan changes and packs are dead letters naming the closure, money is taken', async () => {
    const w = worker();
    const closed = await w.apply(closeMsg(1));
    expect(closed.deadLetters).toEqual([]);
    expect(closed.output.notifications.map((n) => n.kind)).toEqual(['line_closed']);
    expect((await w.apply(closeMsg(2, 'uns-2'))).duplicates).toBe(1);

    const usage = await w.apply(cdrMsg(3, shanghaiMs(2025, 3, 25, 10)));
    const change = await w.apply(planMsg(4, 'shangwu-288'));
    expect([...usage.deadLetters, ...change.deadLetters].map((d) => [d.info.code, d.info.field])).toEqual([
      ['line_closed', '/msisdn'],
      ['line_closed', '/msisdn'],
    ]);
    expect(usage.output.items).toEqual([]);
    expect(usage.deadLetters[0]?.info.reason).toMatch(/closed at 2025-03-19T16:00:00.000Z/);

    const pay = await w.apply({
      seq: 5,
      subject: 'chg.0.pay',
      data: encodeBatch('pay-final', [
        {
          paymentId: 'final',
          msisdn: MSISDN,
          amountFen: 1000,
          purpose: 'bill',
          atMs: shanghaiMs(2025, 4, 2),
        },
      ]),
    });
    expect(pay.deadLetters).toEqual([]);
    expect(pay.output.ledger).toContainEqual(
      expect.objectContaining({ key: 'payment:final', amountFen: 1000 }),
    );
  });
});
