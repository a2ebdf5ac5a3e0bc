/**
 * The order sweep (订单超时): withdraws new-line orders nobody moved on for `idleDays`
 * (domain/orders/abandon.ts), so the number, device and visit they hold go back, and prunes the
 * number claims that no longer hold anything. It reads only the claims (`num.*` in
 * `care_orders`), one per order still open or recently finished, never every order.
 */
import { DEFAULT_ORDER_IDLE_DAYS, isAbandoned } from '../../../domain/orders/index.ts';
import { ConflictError } from '../../errors.ts';
import type { CareContext } from './context.ts';
import { CLAIM_GRACE_MS, numberClaimKey, readClaim } from './line-index.ts';
import { withdrawOrder } from './order-cancel.ts';
import { orderKey, orderRepo } from './order-store.ts';
import type { Actor } from './recorder.ts';
import { msisdnKey } from './store.ts';
import { sweepSuspensions, type SuspensionSweepResult } from './suspension-store.ts';

const SWEEPER: Actor = { userId: 'order-sweep', role: 'system' };

export interface OrderSweepResult {
  /** Number claims looked at. */
  claims: number;
  /** Orders withdrawn as abandoned. */
  withdrawn: string[];
  /** Claims removed because their number has its line, or their holder is gone. */
  pruned: number;
}

export async function sweepOrders(
  ctx: CareContext,
  nowMs: number,
  idleDays: number,
): Promise<OrderSweepResult> {
  const out: OrderSweepResult = { claims: 0, withdrawn: [], pruned: 0 };
  const repo = orderRepo(ctx);
  for (const key of await ctx.orders.keys('num.*')) {
    const msisdn = `+${key.slice('num.'.length)}`;
    const { claim, revision } = await readClaim(ctx, msisdn);
    if (!claim?.orderId) continue;
    out.claims++;
    const order = await repo.get(orderKey(claim.orderId));
    const o = order?.value;
    if (order && o?.status === 'open') {
      if (!isAbandoned(o, nowMs, idleDays)) continue;
      try {
        const reason = `no progress for ${idleDays} days: withdrawn by the system`;
        await withdrawOrder(ctx, order, SWEEPER, reason, { idleDays });
        out.withdrawn.push(o.orderId);
      } catch (err) {
        // someone moved it on (or withdrew it) meanwhile: theirs is the newer word
        if (!(err instanceof ConflictError)) throw err;
      }
      continue;
    }
    // a claim that holds nothing any more: its order was withdrawn, or its line is on record
    // (completed orders, pre-openings), or a pre-opening stopped without either
    const lineOnRecord = (await ctx.lines.get(msisdnKey(msisdn))) !== null;
    const done =
      o?.status === 'cancelled' ||
      (o?.status === 'completed' && lineOnRecord) ||
      (!order && (lineOnRecord || nowMs - (claim.atMs ?? 0) > CLAIM_GRACE_MS));
    if (!done) continue;
    const deleted = await ctx.orders.kv.delete(numberClaimKey(msisdn), { previousSeq: revision }).then(
      () => true,
      () => false,
    );
    if (deleted) out.pruned++;
  }
  return out;
}

/**
 * One pass of what care does by itself (each API instance, every 10 minutes, and at the next
 * planned 复机 when it comes sooner): 停机保号 that reached its date resumes, abandoned orders are
 * withdrawn. Counted in
 * `streambss_care_sweep_actions_total{action}` and logged; a failure is logged and left to the
 * next pass.
 */
export async function runCareSweeps(
  ctx: CareContext,
  nowMs: number,
): Promise<{ suspensions: SuspensionSweepResult | null; orders: OrderSweepResult | null }> {
  const { log, metrics } = ctx.deps;
  const idleDays = ctx.deps.config.ORDER_IDLE_DAYS ?? DEFAULT_ORDER_IDLE_DAYS;
  const suspensions = await sweepSuspensions(ctx, nowMs).catch((err: unknown) => {
    log.warn({ err }, 'suspension sweep failed; next try in 10 minutes');
    return null;
  });
  if (suspensions) {
    metrics?.careSweeps.inc({ action: 'line_resumed' }, suspensions.resumed.length);
    metrics?.careSweeps.inc({ action: 'suspension_index_dropped' }, suspensions.dropped);
    if (suspensions.resumed.length)
      log.info({ resumed: suspensions.resumed }, '停机保号 ended: lines resumed at their planned date');
  }
  const orders = await sweepOrders(ctx, nowMs, idleDays).catch((err: unknown) => {
    log.warn({ err }, 'order sweep failed; next try in 10 minutes');
    return null;
  });
  if (orders) {
    metrics?.careSweeps.inc({ action: 'order_withdrawn' }, orders.withdrawn.length);
    metrics?.careSweeps.inc({ action: 'claim_pruned' }, orders.pruned);
    if (orders.withdrawn.length)
      log.warn(
        { withdrawn: orders.withdrawn, idleDays },
        'withdrew orders with no progress; their numbers, devices and visits went back',
      );
  }
  return { suspensions, orders };
}
