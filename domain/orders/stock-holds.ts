/**
 * Stock holds: how a reservation and its stock stay in step without a two-key transaction.
 *
 * Stock and reservations are separate KV records, and a process can die between writing one and
 * the other. So every stock change made for a reservation leaves a hold in the stock record, in
 * the same compare-and-set write: "reservation X took 2" or "reservation X gave 2 back". The hold
 * makes the change idempotent (the same reservation cannot take twice) and leaves a trace if the
 * second write never happens. When the reservation record is written the hold is dropped. A hold
 * that outlives `graceMs` was left by a crash; `settleHold` decides what finishes it. Pure.
 */
import { returnStock, takeStock, type Stock } from './reservation.ts';

/** What a reservation's take needs to be finished or abandoned by someone else. */
export interface HeldReservation {
  customerId: string;
  planId: string;
  channel: string;
  slotStartMs: number;
}

export interface StockHold {
  /** The reservation id. */
  id: string;
  op: 'take' | 'return';
  qty: number;
  atMs: number;
  /**
   * Unique to the request that applied the change. The reservation record names the token of the
   * hold it was written on, so a request that loses the record write can tell a twin that used its
   * change (keep it) from one that made its own (take ours back). Absent on holds from before.
   */
  token?: string;
  /** On a take: the request, so that a sweep can write the reservation off under its own id. */
  reservation?: HeldReservation;
}

export interface HeldStock extends Stock {
  holds?: StockHold[];
}

export const holdOf = (s: HeldStock, id: string): StockHold | undefined => s.holds?.find((h) => h.id === id);

const withHolds = <S extends HeldStock>(s: S, holds: StockHold[]): S => {
  const { holds: _, ...rest } = s;
  return (holds.length ? { ...rest, holds } : rest) as S;
};

/**
 * Applies a take or a return with its hold. The same reservation again (a retry, a twin) changes
 * nothing and answers the record as it is. A take answers null when stock would go below zero.
 * A return finding the reservation's own take still held (the drop after its record was written
 * never happened) commits that take first: the record exists, or nobody could cancel it.
 */
export function applyHeld<S extends HeldStock>(s: S, hold: StockHold): S | null {
  const prior = holdOf(s, hold.id);
  if (prior?.op === hold.op) return s;
  const base = prior ? dropHold(s, hold.id) : s;
  const next = hold.op === 'take' ? takeStock(base, hold.qty) : returnStock(base, hold.qty);
  if (!next) return null;
  // A return gives back at most what is reserved; the hold keeps what really moved, so that an
  // undo takes back exactly that (a stale second return that moved nothing undoes nothing).
  const moved = hold.op === 'take' ? hold.qty : next.available - base.available;
  return withHolds({ ...base, ...next }, [...(base.holds ?? []), { ...hold, qty: moved }]);
}

/** The reservation record is written: the change stands, the hold goes. */
export function dropHold<S extends HeldStock>(s: S, id: string): S {
  return s.holds?.some((h) => h.id === id)
    ? withHolds(
        s,
        s.holds.filter((h) => h.id !== id),
      )
    : s;
}

/**
 * Takes the change back and drops the hold. Giving back a take always works; taking back a
 * return can find the units already reserved by someone else, and then takes what is left.
 */
export function undoHold<S extends HeldStock>(s: S, id: string): S {
  const h = holdOf(s, id);
  if (!h) return s;
  const rest = (s.holds ?? []).filter((x) => x.id !== id);
  if (h.op === 'take') return withHolds({ ...s, ...returnStock(s, h.qty) }, rest);
  const qty = Math.min(h.qty, s.available);
  return withHolds({ ...s, available: s.available - qty, reserved: s.reserved + qty }, rest);
}

export type Settlement =
  /** Young: its request may still be running. */
  | 'wait'
  /** The record was written: drop the hold. */
  | 'commit'
  /** A take whose reservation was never written: write it off as abandoned, give the stock back. */
  | 'abandon'
  /** A return whose reservation is still reserved: the cancellation stopped half-way; finish it. */
  | 'finish-cancel'
  /** A return whose reservation moved on otherwise (installed): take the units back. */
  | 'undo';

/** Decides what ends a hold, from the reservation record as it is now (null: none). */
export function settleHold(
  hold: StockHold,
  status: string | null,
  nowMs: number,
  graceMs: number,
): Settlement {
  if (nowMs - hold.atMs < graceMs) return 'wait';
  // 'abandoned': an earlier sweep wrote the reservation off and stopped before giving stock back
  if (hold.op === 'take') return status === null || status === 'abandoned' ? 'abandon' : 'commit';
  if (status === 'cancelled') return 'commit';
  return status === 'reserved' ? 'finish-cancel' : 'undo';
}

/** What a request does with its hold after another writer's reservation record won. */
export type AfterLostWrite = 'drop' | 'undo' | 'leave';

/**
 * `applied`: this request's write made the stock change (false: it found a twin's hold and used
 * it). `heldToken`: the token of the hold it saw after its write. `winner`: the reservation record
 * as it now is. The winner stands on our change when it names our hold: the change stays and the
 * hold goes. Otherwise a change of our own is taken back; a twin's hold is the twin's to end.
 */
export function afterLostWrite(
  applied: boolean,
  heldToken: string | undefined,
  winner: { holdToken?: string } | null,
): AfterLostWrite {
  if (heldToken !== undefined && winner?.holdToken === heldToken) return 'drop';
  return applied ? 'undo' : 'leave';
}
