import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import {
  billsForMonth,
  monthOf,
  monthRange,
  supplementaryBill,
  type NotBilled,
} from '../../domain/billing/index.ts';
import type { CompiledCatalog } from '../../domain/catalog/index.ts';
import type { Bill } from '../../domain/rating/index.ts';
import type { Nats } from '../../infra/nats/index.ts';
import { allStates } from '../rating/index.ts';

/**
 * Postpaid bills (账单) of a closed month, stored once each in the KV bucket `bills` under
 * `<msisdn digits>.<periodStartMs>`. The first close of a period stores its bill (create-only);
 * closing again finds it and returns the stored one unchanged — same id, same lines, same issue
 * time. A bill moves no money (charges were debited as they happened, docs/charging.md §5), so
 * closing publishes nothing to the charging partitions: there is no ledger effect to repeat.
 */

export const BILLS_BUCKET = 'bills';
const enc = new TextEncoder();
const dec = new TextDecoder();

export class BillingError extends Error {
  constructor(
    readonly code: 'BAD_PERIOD' | 'PERIOD_NOT_ENDED',
    message: string,
    readonly retryable = false,
  ) {
    super(message);
    this.name = 'BillingError';
  }
}

export const billKey = (msisdn: string, periodStartMs: number) =>
  `${msisdn.replace(/^\+/, '')}.${periodStartMs}`;

export async function openBillsBucket(nc: NatsConnection): Promise<KV> {
  const kvm = new Kvm(nc);
  const jsm = await jetstreamManager(nc);
  // open binds without checking: create only when the topology has not made it (keeping its replicas)
  const exists = await jsm.streams.info(`KV_${BILLS_BUCKET}`).then(
    () => true,
    () => false,
  );
  if (exists) return kvm.open(BILLS_BUCKET);
  return kvm.create(BILLS_BUCKET, { history: 1, description: 'postpaid bills by line and period' });
}

export interface CloseReport {
  period: string;
  /** Postpaid lines looked at. */
  lines: number;
  /** Bills stored by this run. */
  issued: number;
  /** Bills that an earlier run had already stored (returned unchanged). */
  existing: number;
  /** 补收账单 stored by this run: charges that reached a period after its bill (in `issued` too). */
  supplementary: number;
  totalFen: number;
  bills: Bill[];
  notBilled: (NotBilled & { msisdn: string })[];
}

/**
 * Closes month `period` (`YYYY-MM`) for every postpaid line charging has saved: each period that
 * started in the month and has ended by `nowMs` gets its bill (domain closeBill on the saved state).
 */
export async function closePeriod(
  deps: { nats: Nats; catalog: CompiledCatalog; nowMs: number; bills?: KV },
  period: string,
): Promise<CloseReport> {
  const range = monthRange(period);
  if (!range) throw new BillingError('BAD_PERIOD', `period "${period}" is not YYYY-MM`);
  if (range.endMs > deps.nowMs)
    throw new BillingError(
      'PERIOD_NOT_ENDED',
      `period ${period} has not ended yet (ends ${new Date(range.endMs).toISOString()})`,
    );
  const kv = deps.bills ?? (await openBillsBucket(deps.nats.nc));
  const report: CloseReport = {
    period,
    lines: 0,
    issued: 0,
    existing: 0,
    supplementary: 0,
    totalFen: 0,
    bills: [],
    notBilled: [],
  };
  // postpaid lines, and prepaid ones with postpaid months kept from before 后转预
  const states = (await allStates(deps.nats.js)).filter(
    (s) => s.payment === 'postpaid' || s.closedPeriods.length > 0,
  );
  states.sort((a, b) => a.msisdn.localeCompare(b.msisdn));
  for (const s of states) {
    report.lines++;
    const r = billsForMonth(deps.catalog, s, period, deps.nowMs);
    report.notBilled.push(...r.notBilled.map((n) => ({ ...n, msisdn: s.msisdn })));
    for (const bill of r.bills) {
      const stored = await storeOnce(kv, bill);
      if (stored.created) report.issued++;
      else report.existing++;
      report.totalFen += stored.bill.totalFen;
      report.bills.push(stored.bill);
      const late = stored.created ? null : await supplementOnce(kv, bill, deps.catalog.dueDays);
      if (!late) continue;
      report.issued++;
      report.supplementary++;
      report.totalFen += late.totalFen;
      report.bills.push(late);
    }
  }
  return report;
}

/** The key of a period's n-th supplementary bill (n ≥ 1): one token, so `<digits>.*` lists it. */
export const supplementKey = (bill: Bill, n: number) =>
  `${billKey(bill.msisdn, bill.periodStartMs)}-late${n}`;

/**
 * Issues the 补收账单 of `current`'s period when its charges now exceed the bills stored for it
 * (late usage); null when they do not, or when another run stored that supplement first.
 */
async function supplementOnce(kv: KV, current: Bill, dueDays: number): Promise<Bill | null> {
  const issued: Bill[] = [];
  for (let n = 0; ; n++) {
    const e = await kv.get(
      n === 0 ? billKey(current.msisdn, current.periodStartMs) : supplementKey(current, n),
    );
    const b = e && e.operation === 'PUT' ? parseBill(e.value) : null;
    if (!b) break;
    issued.push(b);
  }
  const late = supplementaryBill(current, issued, dueDays);
  if (!late) return null;
  const stored = await storeOnce(kv, late, supplementKey(current, issued.length));
  return stored.created ? stored.bill : null;
}

/** Stores a bill unless its period already has one; returns the bill in the store either way. */
export async function storeOnce(
  kv: KV,
  bill: Bill,
  key = billKey(bill.msisdn, bill.periodStartMs),
): Promise<{ bill: Bill; created: boolean }> {
  try {
    await kv.create(key, enc.encode(JSON.stringify(bill)));
    return { bill, created: true };
  } catch (err) {
    const e = await kv.get(key);
    const existing = e && e.operation === 'PUT' ? parseBill(e.value) : null;
    if (!existing) throw err;
    return { bill: existing, created: false };
  }
}

function parseBill(value: Uint8Array): Bill | null {
  try {
    const b = JSON.parse(dec.decode(value)) as Bill;
    return typeof b.billId === 'string' && Array.isArray(b.lines) && Number.isInteger(b.totalFen) ? b : null;
  } catch {
    return null;
  }
}

/** A line's bills, newest period first; with `period`, only those whose period starts in that month. */
export async function readBills(kv: KV, msisdn: string, period?: string): Promise<Bill[]> {
  const out: Bill[] = [];
  const keys = await kv.keys(`${msisdn.replace(/^\+/, '')}.*`);
  for await (const k of keys) {
    const e = await kv.get(k);
    const b = e && e.operation === 'PUT' ? parseBill(e.value) : null;
    if (b && (!period || monthOf(b.periodStartMs) === period)) out.push(b);
  }
  // newest period first; a period's 补收账单 after its bill
  return out.sort((a, b) => b.periodStartMs - a.periodStartMs || a.issuedAtMs - b.issuedAtMs);
}
