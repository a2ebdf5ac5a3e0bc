import type { CompiledCatalog, LocalisedName as Names } from '../catalog/index.ts';
import { sentences, type SentenceFacts } from './explain.ts';
import type { RatingBreakdown, Service } from './types.ts';

/**
 * The explanation a rated record carries: the facts of its rating that its other fields (plan and
 * version, units, allowance used, charge, roaming) do not hold, as one short ASCII code —
 *
 *     dest=national;win=peak+offpeak;inc=60/6;free=1048576;notes=roaming+free_night_data
 *
 * `dest` is the destination class id (absent for data), `win` the time windows the usage fell
 * in, in order, `inc` the billing increments (first/next units; absent when none), `free` units
 * given free by a promotion (absent when 0), `notes` the rating notes (absent when none).
 * Rounding is always half-up to the fen. Ids only: names are the catalog's, so both sentences
 * are rendered on read (`storedSentences`) in whatever language the reader asks for.
 *
 * Why not the sentences themselves: they were a fifth of a rated item's bytes (133 of 644), their
 * Chinese made every string on the RATED stream two-byte, and a translation fix would have needed
 * a re-rating. Measured: items 644 → 543 bytes, pipeline bench +5–10 % (docs/charging.md §11).
 */
export interface ReasonCode {
  destination: string | null;
  windows: string[];
  increments: { firstUnits: number; nextUnits: number } | null;
  freeUnits: number;
  notes: string[];
}

export function reasonCode(b: RatingBreakdown): string {
  const windows: string[] = [];
  let free = 0;
  for (const g of b.segments) {
    if (!windows.includes(g.window)) windows.push(g.window);
    free += g.freeUnits;
  }
  let out = b.destination ? `dest=${b.destination.id};` : '';
  out += `win=${windows.join('+')}`;
  if (b.increments) out += `;inc=${b.increments.firstUnits}/${b.increments.nextUnits}`;
  if (free > 0) out += `;free=${free}`;
  if (b.notes.length > 0) out += `;notes=${b.notes.join('+')}`;
  return out;
}

const ID = /^[A-Za-z0-9._-]+$/;
const COUNT = /^\d{1,15}$/;
const ids = (v: string) => (v === '' ? [] : v.split('+'));

/** The code in a stored `explanation`; null for anything else (free text from older versions). */
export function parseReasonCode(text: string): ReasonCode | null {
  if (text === '' || text.length > 2000) return null;
  const code: ReasonCode = { destination: null, windows: [], increments: null, freeUnits: 0, notes: [] };
  let sawWindows = false;
  for (const part of text.split(';')) {
    const eq = part.indexOf('=');
    const key = part.slice(0, eq);
    const value = part.slice(eq + 1);
    if (eq < 0) return null;
    if (key === 'dest' && ID.test(value)) code.destination = value;
    else if (key === 'win' && ids(value).every((w) => ID.test(w))) {
      code.windows = ids(value);
      sawWindows = true;
    } else if (key === 'inc') {
      const [first, next, extra] = value.split('/');
      if (extra !== undefined || !COUNT.test(first ?? '') || !COUNT.test(next ?? '')) return null;
      code.increments = { firstUnits: Number(first), nextUnits: Number(next) };
    } else if (key === 'free' && COUNT.test(value)) code.freeUnits = Number(value);
    else if (key === 'notes' && ids(value).every((n) => ID.test(n))) code.notes = ids(value);
    else return null;
  }
  return sawWindows ? code : null;
}

/** A stored rated record's own fields that a sentence needs. */
export interface StoredUsage {
  type: Service;
  direction: string;
  durationSec: number;
  bytesUp: number;
  bytesDown: number;
  roaming: boolean;
  allowanceUsed: number;
  chargeFen: number;
}

/** The catalog's names for the ids in a code (a missing id is shown as itself). */
export interface ReasonNames {
  windows: Map<string, Names>;
  destinations: Map<string, Names>;
}

/** A catalog's names for the ids a code holds. */
export function reasonNames(catalog: CompiledCatalog): ReasonNames {
  return {
    windows: catalog.windows.nameById,
    destinations: new Map(catalog.destinations.map((d) => [d.id, d.name])),
  };
}

/** The zh-CN and en sentences of a stored record — the same words rating would have produced. */
export function storedSentences(u: StoredUsage, code: ReasonCode, names: ReasonNames): Names {
  const rawUnits = u.type === 'voice' ? u.durationSec : u.type === 'sms' ? 1 : u.bytesUp + u.bytesDown;
  const dest = code.destination;
  const facts: SentenceFacts = {
    service: u.type,
    rawUnits,
    roaming: u.roaming,
    chargeFen: u.chargeFen,
    destination: dest === null ? null : { name: names.destinations.get(dest) ?? { 'zh-CN': dest, en: dest } },
    segments: code.windows.map((window, i) => ({ window, freeUnits: i === 0 ? code.freeUnits : 0 })),
    allowance: { drawnUnits: u.allowanceUsed },
    notes: code.notes,
  };
  if (u.type !== 'data') facts.direction = u.direction === 'mt' ? 'mt' : 'mo';
  return sentences(facts, names.windows);
}
