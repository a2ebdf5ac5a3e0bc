import { AckPolicy, DeliverPolicy, type JsMsg } from '@nats-io/jetstream';
import { validators, type DeviceEvent } from '../../../domain/index.ts';
import { nextStep, type AcceptanceOrder } from '../../../domain/orders/index.ts';
import { runConsumer, isNotFound } from '../../../infra/nats/index.ts';
import { ConflictError } from '../../errors.ts';
import type { CareContext } from './context.ts';
import { customerKey } from './customer-view.ts';
import { orderKey, orderRepo, saveStep, transition, type OrderRecord } from './order-store.ts';
import { msisdnKey } from './store.ts';
import { indexLine, numberTakenReason } from './line-index.ts';
import type { LineRecord } from './records.ts';
import { simKey } from './sim-swap.ts';
import { isProvisioned, provisionForCharging } from './balance.ts';

export const ACTIVATION_CONSUMER = {
  stream: 'DEVICE',
  durable: 'care-activation',
  filterSubject: 'device.>',
};
const SYSTEM = { userId: 'activation', role: 'system' };
/** Devices that are lent, not sold: they must come back before a line can be closed. */
const RENTED_KINDS = ['cpe', 'ont', 'mifi'];
const MONTH_MS = 30 * 86_400_000;

/** The pure part: applies one device event to an order's activation sub-steps. */
export function applyDeviceEvent(o: OrderRecord, e: DeviceEvent): OrderRecord {
  const cur = o.activation[e.step];
  if (cur.status === e.result || (cur.status === 'ok' && e.result === 'failed')) return o;
  const sub =
    e.result === 'ok'
      ? { status: 'ok' as const, atMs: e.atMs }
      : { status: 'failed' as const, reason: e.reason ?? 'unknown', atMs: e.atMs };
  return { ...o, activation: { ...o.activation, [e.step]: sub } };
}

/**
 * Activation (设备激活) driven by the SIM device events on `device.>`: SIM activation, network
 * attach and device verification. Each result lands on the order; all three ok completes step 7
 * and opens the line; a failure marks step 7 failed with its reason (retryable from the API).
 */
export async function runActivation(ctx: CareContext, signal: AbortSignal): Promise<void> {
  const { jsm, js } = ctx.deps.nats;
  try {
    await jsm.consumers.info(ACTIVATION_CONSUMER.stream, ACTIVATION_CONSUMER.durable);
  } catch (err) {
    if (!isNotFound(err)) throw err;
    await jsm.consumers.add(ACTIVATION_CONSUMER.stream, {
      durable_name: ACTIVATION_CONSUMER.durable,
      filter_subject: ACTIVATION_CONSUMER.filterSubject,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      max_ack_pending: 1000,
      ack_wait: 30_000_000_000,
    });
  }
  const repo = orderRepo(ctx);
  await runConsumer({
    js,
    stream: ACTIVATION_CONSUMER.stream,
    durable: ACTIVATION_CONSUMER.durable,
    maxBatch: 50,
    log: ctx.deps.log,
    signal,
    retryDelayMs: 500,
    handle: async (msgs: JsMsg[]) => {
      for (const m of msgs) await handleOne(ctx, repo, m);
    },
  });
}

async function handleOne(ctx: CareContext, repo: ReturnType<typeof orderRepo>, m: JsMsg): Promise<void> {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(m.data));
  } catch {
    json = undefined;
  }
  const v = validators.deviceEvent(json);
  if (!v.ok) {
    ctx.deps.log.warn(
      { seq: m.seq, field: v.error.field, message: v.error.message },
      'activation: invalid device event skipped',
    );
    return;
  }
  const e = v.value;
  if (!e.orderId || !e.orderId.startsWith('ord-')) return;
  for (let attempt = 0; attempt < 20; attempt++) {
    const cur = await repo.get(orderKey(e.orderId));
    if (cur?.value.status === 'completed') return reopenLine(ctx, cur.value);
    if (!cur || cur.value.status !== 'open') return;
    let next = applyDeviceEvent(cur.value, e);
    const atActivation = nextStep(next as unknown as AcceptanceOrder) === 'activation';
    const a = next.activation;
    const failed = Object.entries(a).find(([, s]) => s.status === 'failed');
    let outcome: 'done' | 'failed' | null = null;
    if (atActivation && failed && next.steps.activation.status !== 'failed') {
      next = transition(
        next,
        'activation',
        { ok: false, reason: `${failed[0]}: ${failed[1].reason ?? 'unknown'}` },
        e.atMs,
      );
      outcome = 'failed';
    } else if (atActivation && Object.values(a).every((s) => s.status === 'ok')) {
      // the number got a line or another holder meanwhile: opening would write over it
      const taken = await numberTakenReason(ctx, next.msisdn, next.orderId);
      next = transition(
        next,
        'activation',
        taken ? { ok: false, reason: taken } : { ok: true, ref: e.iccid },
        e.atMs,
      );
      outcome = taken ? 'failed' : 'done';
    }
    if (next === cur.value) return;
    try {
      if (outcome) await saveStep(ctx, repo, cur, next, 'activation', SYSTEM);
      else await repo.update(orderKey(e.orderId), next, cur.revision);
    } catch (err) {
      if (err instanceof ConflictError) continue;
      throw err;
    }
    if (outcome) await afterActivation(ctx, next, outcome, e.iccid, e.atMs);
    return;
  }
}

/** Whether a line record is the one this order's activation wrote. */
const openedBy = (l: LineRecord, o: OrderRecord, iccid: string, atMs: number) =>
  l.customerId === o.customerId && l.sim?.iccid === iccid && l.openedAtMs === atMs;

/**
 * A completed order whose opening did not finish: the process stopped after completing the order
 * and before writing the line, or before provisioning it for charging. A later device event of
 * the order (the redelivery of the one being handled) finishes it; every step is idempotent.
 */
async function reopenLine(ctx: CareContext, o: OrderRecord): Promise<void> {
  const step = o.steps.activation;
  if (step.status !== 'done' || !step.ref || step.atMs === undefined) return;
  const l = (await ctx.lines.get(msisdnKey(o.msisdn)))?.value;
  // written by someone else (or changed since: transferred, closed): not ours to finish
  if (l && !openedBy(l, o, step.ref, step.atMs)) return;
  if (l && o.planId && (await isProvisioned(ctx, o.msisdn))) return;
  ctx.deps.log.warn({ orderId: o.orderId }, 'activation: finishing the opening of a completed order');
  await afterActivation(ctx, o, 'done', step.ref, step.atMs);
}

async function afterActivation(
  ctx: CareContext,
  o: OrderRecord,
  outcome: 'done' | 'failed',
  iccid: string,
  atMs: number,
): Promise<void> {
  const customer = await ctx.customers.get(customerKey(o.customerId));
  if (outcome === 'done') {
    let rented: string[] = [];
    if (o.reservationId) {
      const res = await ctx.reservations.get(`res.${o.reservationId}`);
      if (res && RENTED_KINDS.includes(res.value.kind))
        rented = Array.from({ length: res.value.quantity }, () => res.value.model);
    }
    const line: LineRecord = {
      msisdn: o.msisdn,
      customerId: o.customerId,
      status: 'active',
      planId: o.planId ?? 'unknown',
      openedAtMs: atMs,
      contractEndMs: o.contractId ? atMs + 12 * MONTH_MS : null,
      devicesOutstanding: rented,
      sim: { iccid, sinceMs: atMs },
    };
    await indexLine(ctx, o.customerId, o.msisdn);
    // the card is the line's from now on (补换卡 checks a new card against these claims)
    await ctx.sims.create(simKey(iccid), { iccid, msisdn: o.msisdn, atMs });
    let ours = false;
    // a line on record is never written over (checked before completing; this closes the race)
    await ctx.lines.mutate(msisdnKey(o.msisdn), (cur) => {
      ours = !cur || openedBy(cur, o, iccid, atMs);
      return cur ?? line;
    });
    if (!ours) {
      ctx.deps.log.error(
        { orderId: o.orderId, msisdn: o.msisdn },
        'activation: the number got a line before this order opened it; the order needs a hand',
      );
      return;
    }
    if (o.planId) await provisionForCharging(ctx, o.msisdn, o.planId, atMs);
  }
  if (customer)
    await ctx.notice(
      customer.value,
      outcome === 'done' ? 'activation_done' : 'activation_failed',
      { msisdn: o.msisdn, reason: o.steps.activation.reason ?? '' },
      `activation:${o.orderId}:${outcome}:${atMs}`,
    );
}
