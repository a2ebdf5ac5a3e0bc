/**
 * Device reservation rules (设备预约): time slots, plan compatibility, inventory arithmetic and
 * the free-cancellation window. Pure; the caller applies stock changes with compare-and-set.
 */
export const SLOT_MS = 2 * 3_600_000;
/** Slots start on even hours 08:00–18:00 China time (UTC+8) and lie 1 hour to 30 days ahead. */
export const SLOT_HOURS_LOCAL = [8, 10, 12, 14, 16, 18] as const;
const TZ_OFFSET_MS = 8 * 3_600_000;

export type DeviceKind = 'phone' | 'cpe' | 'mifi' | 'sim' | 'ont';
export type SlotError = 'SLOT_NOT_ALIGNED' | 'SLOT_TOO_SOON' | 'SLOT_TOO_FAR';

export function checkSlot(slotStartMs: number, nowMs: number): SlotError | null {
  const local = new Date(slotStartMs + TZ_OFFSET_MS);
  const aligned =
    local.getUTCMinutes() === 0 &&
    local.getUTCSeconds() === 0 &&
    local.getUTCMilliseconds() === 0 &&
    (SLOT_HOURS_LOCAL as readonly number[]).includes(local.getUTCHours());
  if (!aligned) return 'SLOT_NOT_ALIGNED';
  if (slotStartMs < nowMs + 3_600_000) return 'SLOT_TOO_SOON';
  if (slotStartMs > nowMs + 30 * 86_400_000) return 'SLOT_TOO_FAR';
  return null;
}

/** Which device kinds work with which plan types (a data-only plan has no use for a voice handset). */
const compat: Record<string, readonly DeviceKind[]> = {
  combo: ['phone', 'cpe', 'mifi', 'sim', 'ont'],
  voice: ['phone', 'sim'],
  sms: ['phone', 'sim'],
  data: ['cpe', 'mifi', 'sim', 'ont'],
};

export function compatible(planType: string, kind: DeviceKind): boolean {
  return (compat[planType] ?? []).includes(kind);
}

export interface Stock {
  available: number;
  reserved: number;
}

/** Takes `qty` from stock, or null when it would go below zero. */
export function takeStock(s: Stock, qty: number): Stock | null {
  if (!Number.isSafeInteger(qty) || qty <= 0 || s.available < qty) return null;
  return { available: s.available - qty, reserved: s.reserved + qty };
}

export function returnStock(s: Stock, qty: number): Stock {
  const back = Math.min(qty, s.reserved);
  return { available: s.available + back, reserved: s.reserved - back };
}

/** Free cancellation until the slot starts; afterwards a visit fee applies. */
export function cancellationFeeFen(slotStartMs: number, nowMs: number, visitFeeFen = 3000): number {
  return nowMs < slotStartMs ? 0 : visitFeeFen;
}
