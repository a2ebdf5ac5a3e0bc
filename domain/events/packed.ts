/**
 * Packed items: a batch may carry its items as arrays of values instead of objects, with the
 * field names listed once in the message's `itemFields`. About half of a small record written as
 * a JSON object is its key names, so packing halves the bytes on the stream and speeds up both
 * encoding and parsing. A field name may be one level deep (`cdr.msisdn`): the value then goes
 * into a nested object (`{ cdr: { msisdn } }`).
 *
 * A message names its own fields, so a reader unpacks what it was given: items written as objects
 * (no `itemFields`) read as they always did, a `null` is an absent optional field, and a value
 * without a name (a row longer than its list) lands in the object as `field<i>`, where the item's
 * schema refuses it by name.
 */

/** Where each named field goes: into the item itself or into one nested object. */
interface Slot {
  parent: string | null;
  key: string;
}
const slotsByList = new Map<string, Slot[]>();

function slotsOf(fields: readonly string[]): Slot[] {
  const id = fields.join(',');
  let slots = slotsByList.get(id);
  if (!slots) {
    slots = fields.map((f) => {
      const dot = f.indexOf('.');
      return dot > 0 ? { parent: f.slice(0, dot), key: f.slice(dot + 1) } : { parent: null, key: f };
    });
    // A handful of lists exist (one per writer and version): keep them, never grow without bound.
    if (slotsByList.size < 32) slotsByList.set(id, slots);
  }
  return slots;
}

function unpackWith(slots: Slot[], row: unknown): unknown {
  if (!Array.isArray(row)) return row;
  const item: Record<string, unknown> = {};
  for (let i = 0; i < row.length; i++) {
    const v: unknown = row[i];
    if (v === null) continue;
    const s = slots[i];
    if (!s) item[`field${i}`] = v;
    else if (s.parent === null) item[s.key] = v;
    else ((item[s.parent] ??= {}) as Record<string, unknown>)[s.key] = v;
  }
  return item;
}

/** One packed row read back as the object its fields name (nulls left out); anything else as it is. */
export function unpackItem(fields: readonly string[], row: unknown): unknown {
  return unpackWith(slotsOf(fields), row);
}

/** The field list of a parsed message, or null when it has none (or not a list of names). */
export function itemFieldsOf(record: Record<string, unknown>): string[] | null {
  const fields = record.itemFields;
  return Array.isArray(fields) && fields.every((f) => typeof f === 'string') ? (fields as string[]) : null;
}

/** The items of a parsed batch as objects, whichever way they were written. */
export function unpackItems(items: unknown[], fields: readonly string[] | null): unknown[] {
  if (!fields) return items;
  const slots = slotsOf(fields); // once per message, not per item
  return items.map((row) => unpackWith(slots, row));
}
