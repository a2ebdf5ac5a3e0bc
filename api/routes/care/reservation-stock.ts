/**
 * Reservation ↔ stock consistency (see domain/orders/stock-holds.ts for the rule): the steps that
 * move stock for a reservation, the cancellation shared by the route and the sweep, and the sweep
 * that finishes what a crash left half-done.
 */
import {
  afterLostWrite,
  applyHeld,
  cancellationFeeFen,
  dropHold,
  holdOf,
  settleHold,
  undoHold,
  type Settlement,
  type StockHold,
} from '../../../domain/orders/index.ts';
import { formatYuan } from '../../../domain/index.ts';
import { ApiError, ConflictError } from '../../errors.ts';
import { customerKey } from './customer-view.ts';
import type { CareContext } from './context.ts';
import type { Actor } from './recorder.ts';
import type { ReservationRecord, StockRecord } from './records.ts';
import type { Versioned } from './store.ts';

export const stockKey = (region: string, model: string) => `${region}.${model}`;
export const reservationKey = (id: string) => `res.${id}`;

/** A hold older than this was left by a request that died (requests time out long before). */
export const HOLD_GRACE_MS = 5 * 60_000;
const SWEEPER: Actor = { userId: 'stock-sweep', role: 'system' };

/**
 * Applies a held take or return; a take that would go below zero is 409 OUT_OF_STOCK. `applied`
 * is false when the hold was already there (a twin of the same request got there first): the
 * change is then the twin's, and only the twin may undo it. `token` is the token of the hold now
 * in place (ours or the twin's): the reservation record written on this change names it.
 */
export async function moveStock(
  ctx: CareContext,
  region: string,
  model: string,
  hold: StockHold,
): Promise<{ stock: Versioned<StockRecord>; applied: boolean; token: string | undefined }> {
  let applied = false;
  const stock = await ctx.stock.mutate(stockKey(region, model), (cur) => {
    if (!cur) throw new ApiError('OUT_OF_STOCK', `${model} is not stocked in ${region}`, '/model');
    const next = applyHeld(cur, hold);
    if (!next)
      throw new ApiError('OUT_OF_STOCK', `only ${cur.available} ${model} left in ${region}`, '/quantity');
    applied = next !== cur;
    return next;
  });
  return { stock, applied, token: holdOf(stock.value, hold.id)?.token };
}

/**
 * After another writer's reservation record won over ours: keeps, takes back or leaves the hold
 * this request saw (domain: afterLostWrite). Answers what it did.
 */
export async function endLostHold(
  ctx: CareContext,
  r: { region: string; model: string; reservationId: string },
  move: { applied: boolean; token: string | undefined },
  winner: ReservationRecord | null,
): Promise<'drop' | 'undo' | 'leave'> {
  const how = afterLostWrite(move.applied, move.token, winner);
  if (how !== 'leave') await endHold(ctx, r, how);
  return how;
}

/** Ends a hold: 'drop' keeps the stock change, 'undo' takes it back. */
export async function endHold(
  ctx: CareContext,
  r: { region: string; model: string; reservationId: string },
  how: 'drop' | 'undo',
): Promise<void> {
  await ctx.stock.mutate(stockKey(r.region, r.model), (cur) => {
    if (!cur) throw new ApiError('INTERNAL', 'stock record vanished');
    return how === 'drop' ? dropHold(cur, r.reservationId) : undoHold(cur, r.reservationId);
  });
}

/**
 * Cancels a reservation whose stock is already given back under the hold `holdToken`: record →
 * cancelled with the fee as of `atMs`, hold dropped, audit, order event, notice. A record changed
 * meanwhile by someone else is 409 (the caller decides about the hold: endLostHold).
 */
export async function completeCancel(
  ctx: CareContext,
  res: Versioned<ReservationRecord>,
  actor: Actor,
  atMs: number,
  holdToken: string | undefined,
  /** The system withdrew it (an abandoned order): no fee, whatever the slot. */
  waiveFee = false,
): Promise<Versioned<ReservationRecord>> {
  const { holdToken: _taken, ...r } = res.value;
  const fee = waiveFee ? 0 : cancellationFeeFen(r.slotStartMs, atMs);
  const next: ReservationRecord = {
    ...r,
    status: 'cancelled',
    cancelFeeFen: fee,
    ...(holdToken ? { holdToken } : {}),
  };
  const revision = await ctx.reservations.update(reservationKey(r.reservationId), next, res.revision);
  await endHold(ctx, r, 'drop');
  await ctx.recorder.audit(actor, 'reservation.cancelled', 'reservation', r.reservationId, {
    customerId: r.customerId,
    changes: [{ field: 'status', before: 'reserved', after: 'cancelled' }],
  });
  await ctx.recorder.order({
    orderId: r.reservationId,
    customerId: r.customerId,
    kind: 'device',
    fromState: 'reserved',
    toState: 'cancelled',
    channel: r.channel,
  });
  const customer = await ctx.customers.get(customerKey(r.customerId));
  if (customer)
    await ctx.notice(customer.value, 'reservation_cancelled', {
      reservationId: r.reservationId,
      fee: formatYuan(fee),
    });
  return { value: next, revision };
}

/**
 * Cancels a reserved reservation (设备预约取消): the stock goes back first, under a hold (a
 * cancellation that dies half-way is finished by the sweep), then `completeCancel`. Someone who
 * changed the reservation meanwhile (installed it, or a twin cancelled it) wins: 409, and a
 * return of ours that the winner did not use goes back.
 */
export async function cancelReservation(
  ctx: CareContext,
  res: Versioned<ReservationRecord>,
  actor: Actor,
  atMs: number,
  token: string,
  waiveFee = false,
): Promise<Versioned<ReservationRecord>> {
  const r = res.value;
  const move = await moveStock(ctx, r.region, r.model, {
    id: r.reservationId,
    op: 'return',
    qty: r.quantity,
    atMs,
    token,
  });
  try {
    return await completeCancel(ctx, res, actor, atMs, move.token, waiveFee);
  } catch (err) {
    if (err instanceof ConflictError) {
      const winner = await ctx.reservations.get(reservationKey(r.reservationId));
      await endLostHold(ctx, r, move, winner?.value ?? null);
    }
    throw err;
  }
}

export interface SweepResult {
  /** Holds looked at, and what each ended as (settlements other than 'wait'). */
  holds: number;
  settled: Partial<Record<Settlement, number>>;
}

/** Writes off a take whose reservation was never written: claims the id, then gives stock back. */
async function abandon(ctx: CareContext, stock: StockRecord, h: StockHold): Promise<void> {
  const key = reservationKey(h.id);
  const q = h.reservation;
  if (q && !(await ctx.reservations.get(key))) {
    // Creating the record first shuts out a late retry of the same request: it now finds the
    // reservation abandoned instead of making it after its stock went back.
    const created = await ctx.reservations.create(key, {
      reservationId: h.id,
      customerId: q.customerId,
      region: stock.region,
      model: stock.model,
      kind: stock.kind,
      quantity: h.qty,
      planId: q.planId,
      channel: q.channel as ReservationRecord['channel'],
      slotStartMs: q.slotStartMs,
      status: 'abandoned',
      createdAtMs: h.atMs,
    });
    if (created === null) {
      const now = await ctx.reservations.get(key);
      if (now && now.value.status !== 'abandoned') return endHold(ctx, now.value, 'drop');
    }
  }
  await endHold(ctx, { region: stock.region, model: stock.model, reservationId: h.id }, 'undo');
  await ctx.recorder.audit(SWEEPER, 'reservation.abandoned', 'reservation', h.id, {
    ...(q ? { customerId: q.customerId } : {}),
    changes: [{ field: 'stock', before: null, after: `+${h.qty} ${stock.model}@${stock.region}` }],
    reason: 'the request that took this stock stopped before the reservation was written',
    eventId: `aud-abandon-${h.id}`,
  });
}

/**
 * Finishes every hold older than `graceMs` in every stock record (each API instance runs it every
 * minute; two sweeps at once are safe: each step is a compare-and-set that a finished hold turns
 * into no change).
 */
export async function sweepStockHolds(
  ctx: CareContext,
  nowMs: number,
  graceMs = HOLD_GRACE_MS,
): Promise<SweepResult> {
  const out: SweepResult = { holds: 0, settled: {} };
  for (const key of await ctx.stock.keys('>')) {
    const stock = await ctx.stock.get(key);
    for (const h of stock?.value.holds ?? []) {
      out.holds++;
      const res = await ctx.reservations.get(reservationKey(h.id));
      const s = settleHold(h, res?.value.status ?? null, nowMs, graceMs);
      if (s === 'wait' || !stock) continue;
      const where = { region: stock.value.region, model: stock.value.model, reservationId: h.id };
      if (s === 'abandon') await abandon(ctx, stock.value, h);
      else if (s === 'commit') await endHold(ctx, where, 'drop');
      else if (s === 'undo') await endHold(ctx, where, 'undo');
      else if (res) await completeCancel(ctx, res, SWEEPER, h.atMs, h.token);
      out.settled[s] = (out.settled[s] ?? 0) + 1;
      ctx.deps.metrics?.stockHoldsSettled.inc({ how: s });
    }
  }
  return out;
}
