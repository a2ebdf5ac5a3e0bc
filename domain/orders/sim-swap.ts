/**
 * 补换卡 (SIM replacement): the same number moves to a new SIM card handed over at the counter,
 * after the agent has checked the owner's ID. The old card stops working; a line reported lost
 * (挂失) works again on the new card. Pure: what is refused, what the line and the stock become.
 */
import type { Stock } from './reservation.ts';

export const SIM_SWAP_CAUSES = ['lost', 'damaged', 'upgrade'] as const;
/** Why the card is replaced: lost or stolen (补卡), broken, or a newer card (换卡, e.g. 5G). */
export type SimSwapCause = (typeof SIM_SWAP_CAUSES)[number];

/** ICCID of a card issued in China (ITU-T E.118: 89 telecom, 86 country), 19 or 20 digits. */
export const CHINA_ICCID = /^8986[0-9]{15,16}$/;

export type SimSwapRefusalCode =
  'LINE_NOT_ACTIVE' | 'ICCID_FORMAT' | 'SAME_SIM' | 'SIM_RETIRED' | 'ICCID_IN_USE' | 'NOT_A_SIM';

export interface SimSwapRefusal {
  code: SimSwapRefusalCode;
  /** The request field at fault (JSON pointer). */
  field: string;
  message: string;
}

export interface SimSwapInput {
  msisdn: string;
  lineStatus: 'active' | 'pre_opened' | 'closed';
  currentIccid: string | null;
  /** Cards the line had before: stopped for good, a found old card cannot come back. */
  previousIccids: string[];
  newIccid: string;
  /** The number the new card is already registered to, if any. */
  iccidHolder: string | null;
  /** The kind of the stock item the card is taken from. */
  stockKind: string;
}

/** Why the replacement cannot be done, or null. Checked before anything is written. */
export function simSwapRefusal(i: SimSwapInput): SimSwapRefusal | null {
  if (i.lineStatus !== 'active')
    return { code: 'LINE_NOT_ACTIVE', field: '/msisdn', message: `the line is ${i.lineStatus}` };
  if (!CHINA_ICCID.test(i.newIccid))
    return {
      code: 'ICCID_FORMAT',
      field: '/iccid',
      message: 'an ICCID issued in China has 19 or 20 digits and starts with 8986',
    };
  if (i.newIccid === i.currentIccid)
    return { code: 'SAME_SIM', field: '/iccid', message: 'this card is already the line’s SIM' };
  if (i.previousIccids.includes(i.newIccid))
    return { code: 'SIM_RETIRED', field: '/iccid', message: 'this card was stopped when it was replaced' };
  if (i.iccidHolder !== null && i.iccidHolder !== i.msisdn)
    return { code: 'ICCID_IN_USE', field: '/iccid', message: 'this card is registered to another number' };
  if (i.stockKind !== 'sim')
    return {
      code: 'NOT_A_SIM',
      field: '/model',
      message: `the stock item is a ${i.stockKind}, not a SIM card`,
    };
  return null;
}

export interface SimCard {
  iccid: string;
  sinceMs: number;
  /** The replacement that put this card in (absent: the card the line was activated with). */
  swapId?: string;
  cause?: SimSwapCause;
}

export interface SimLine {
  sim?: SimCard;
  previousSims?: { iccid: string; untilMs: number }[];
  loss?: unknown;
}

/** Cards kept in a line's history (the audit trail keeps them all). */
export const SIM_HISTORY = 10;

/**
 * The line on its new card: the old card goes to the history (newest first) and a loss report
 * ends, since the owner's ID was checked for the replacement. The same swap again changes nothing.
 */
export function applySimSwap<L extends SimLine>(line: L, card: Required<SimCard>): L {
  if (line.sim?.swapId === card.swapId) return line;
  const previous = line.sim
    ? [{ iccid: line.sim.iccid, untilMs: card.sinceMs }, ...(line.previousSims ?? [])].slice(0, SIM_HISTORY)
    : line.previousSims;
  const { loss: _ended, ...rest } = line;
  return { ...rest, sim: card, ...(previous?.length ? { previousSims: previous } : {}) } as L;
}

export interface IssuedStock extends Stock {
  /** Recent units handed out (not reserved) by id, so that a retried request takes one once. */
  issued?: { id: string; atMs: number }[];
}

/** Issue markers kept on a stock record; a retry comes long before this many later issues. */
export const ISSUED_KEPT = 200;

/**
 * Hands one unit out of stock (a blank SIM at the counter) for request `id`. The marker is written
 * in the same compare-and-set as the count, so a retried request takes one unit once. Answers the
 * stock unchanged when `id` already took its unit, null when none is available.
 */
export function issueStock<S extends IssuedStock>(s: S, id: string, atMs: number): S | null {
  if (s.issued?.some((x) => x.id === id)) return s;
  if (s.available < 1) return null;
  const issued = [...(s.issued ?? []), { id, atMs }].slice(-ISSUED_KEPT);
  return { ...s, available: s.available - 1, issued };
}
