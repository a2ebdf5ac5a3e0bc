import type { KV } from '@nats-io/kv';
import { shanghaiIso } from '../../../domain/catalog/index.ts';
import { maskPhone } from '../../../domain/customer/index.ts';
import { DEFAULT_SUSPENSION_MAX_DAYS, suspensionEndMs } from '../../../domain/orders/index.ts';
import { ApiError } from '../../errors.ts';
import type { Logger } from '../../../infra/log/index.ts';
import type { CareContext } from './context.ts';
import { validators, type LineRecord } from './records.ts';
import { linePlanAt } from './line-plan.ts';
import { msisdnKey } from './store.ts';
import { orderKey, orderRepo } from './order-store.ts';

/**
 * The customer's lines (一证多号: one customer, several numbers): an index beside the line
 * records in the `care_lines` bucket. A line record is keyed by its number (one token,
 * `8613…`); its index entry is `own.<customerId>.<number>` (three tokens), so listing a
 * customer's lines is one filtered key listing, never a scan of every line.
 *
 * The entry is written before the line record, so no line is ever missing from its owner's
 * list; an entry whose line went to someone else (a refused registration, a recycled number)
 * is dropped on read because the line's own `customerId` is what counts.
 */
export const ownerKey = (customerId: string, msisdn: string) => `own.${customerId}.${msisdnKey(msisdn)}`;

/** Set once the lines that predate the index have been indexed (`backfillLineIndex`). */
const BACKFILLED = 'meta.owner-index-v1';

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Records `msisdn` among `customerId`'s lines; idempotent. Call before writing the line record. */
export async function indexLine(ctx: CareContext, customerId: string, msisdn: string): Promise<void> {
  await ctx.lines.kv.put(ownerKey(customerId, msisdn), enc.encode(JSON.stringify({ customerId, msisdn })));
}

const oldestFirst = (a: LineRecord, b: LineRecord) =>
  a.openedAtMs - b.openedAtMs || a.msisdn.localeCompare(b.msisdn);

/** Every line indexed under the customer, theirs now or not. */
async function indexedLines(ctx: CareContext, customerId: string): Promise<LineRecord[]> {
  const keys = await ctx.lines.keys(`own.${customerId}.*`);
  const lines = await Promise.all(keys.map((k) => ctx.lines.get(k.slice(k.lastIndexOf('.') + 1))));
  return lines.flatMap((l) => (l ? [l.value] : []));
}

/**
 * The customer's lines, oldest first: open ones and closed ones (for the history). And those they
 * gave away (过户), as the line's last change of hands records it: a "where did my number go" line in their history, never one to act on.
 */
export async function customerLines(
  ctx: CareContext,
  customerId: string,
): Promise<{ lines: LineRecord[]; former: LineRecord[] }> {
  const all = await indexedLines(ctx, customerId);
  return {
    lines: all.filter((l) => l.customerId === customerId).sort(oldestFirst),
    former: all
      .filter((l) => l.customerId !== customerId && l.transfer?.fromCustomerId === customerId)
      .sort(oldestFirst),
  };
}

/**
 * A line record as the API answers it: everything but the hash of a portability code (six
 * digits: a hash is undone in a second by trying them all).
 */
export function lineOut(l: LineRecord): Omit<LineRecord, 'portOut'> & {
  portOut?: Omit<NonNullable<LineRecord['portOut']>, 'codeHash'>;
} {
  if (!l.portOut) return l;
  const { codeHash: _secret, ...portOut } = l.portOut;
  return { ...l, portOut };
}

/** A line the customer transferred away, as their list shows it. */
export function formerLineView(l: LineRecord, reveal: boolean) {
  return {
    msisdn: reveal ? l.msisdn : maskPhone(l.msisdn),
    status: 'transferred' as const,
    openedAtMs: l.openedAtMs,
    transferredAtMs: l.transfer?.atMs ?? 0,
  };
}

/** A line as listed for a customer: the number masked unless `reveal`, the plan by name. */
export function lineView(ctx: CareContext, l: LineRecord, reveal: boolean) {
  const { planId, pending } = linePlanAt(l, ctx.deps.clock.nowMs());
  const plan = ctx.catalog.plans.get(planId);
  const next = pending ? ctx.catalog.plans.get(pending.planId) : undefined;
  return {
    msisdn: reveal ? l.msisdn : maskPhone(l.msisdn),
    status: l.status,
    planId,
    ...(plan ? { planName: plan.name } : {}),
    ...(pending ? { nextPlanId: pending.planId, nextPlanFromMs: pending.effectiveFromMs } : {}),
    ...(next ? { nextPlanName: next.name } : {}),
    openedAtMs: l.openedAtMs,
    contractEndMs: l.contractEndMs,
    ...(l.closedAtMs !== undefined ? { closedAtMs: l.closedAtMs } : {}),
    devicesOutstanding: l.devicesOutstanding.length,
    ...(l.loss ? { lostSinceMs: l.loss.reportedAtMs } : {}),
    ...(l.suspension
      ? {
          suspendedSinceMs: l.suspension.sinceMs,
          suspendedUntilMs: suspensionEndMs(
            l.suspension,
            ctx.deps.config.SUSPENSION_MAX_DAYS ?? DEFAULT_SUSPENSION_MAX_DAYS,
          ),
        }
      : {}),
    ...(l.portOut?.ported ? { portedTo: l.portOut.ported.recipient } : {}),
    ...(l.sim ? { simLast4: l.sim.iccid.slice(-4) } : {}),
  };
}

/**
 * Indexes the lines written before the index existed, once per bucket (a marker key records
 * that it ran). Idempotent, so two API instances starting together do no harm.
 */
export async function backfillLineIndex(kv: KV, log: Logger): Promise<number> {
  const done = await kv.get(BACKFILLED);
  if (done?.operation === 'PUT') return 0;
  let n = 0;
  // line records are the one-token keys
  for await (const key of await kv.keys('*')) {
    const e = await kv.get(key);
    if (!e || e.operation !== 'PUT') continue;
    let json: unknown;
    try {
      json = JSON.parse(dec.decode(e.value));
    } catch {
      json = undefined;
    }
    const v = validators.line(json);
    if (!v.ok) {
      log.warn({ key, field: v.error.field }, 'line index: unreadable line record skipped');
      continue;
    }
    const l = v.value;
    await kv.put(
      ownerKey(l.customerId, l.msisdn),
      enc.encode(JSON.stringify({ customerId: l.customerId, msisdn: l.msisdn })),
    );
    n++;
  }
  await kv.put(BACKFILLED, enc.encode(JSON.stringify({ lines: n })));
  if (n) log.info({ lines: n }, 'line index: indexed the lines recorded before it existed');
  return n;
}

/**
 * Refuses a number that already has a line on record, open or closed, for a new line. A closed
 * number is not given out again: there is no number recycling (its charging account is closed
 * for good, and a new owner would inherit it).
 */
export async function assertNumberFree(ctx: CareContext, msisdn: string): Promise<void> {
  const l = (await ctx.lines.get(msisdnKey(msisdn)))?.value;
  if (!l) return;
  throw new ApiError(
    'DUPLICATE',
    l.status === 'closed'
      ? `${msisdn} was closed${l.closedAtMs ? ` on ${shanghaiIso(l.closedAtMs).slice(0, 10)}` : ''}; a closed number is not given out again`
      : `${msisdn} is already a line (${l.status})`,
    '/msisdn',
  );
}

export const numberClaimKey = (msisdn: string) => `num.${msisdnKey(msisdn)}`;

/** A claim older than this whose holder is no order on record was left by a pre-opening that died. */
export const CLAIM_GRACE_MS = 5 * 60_000;

export interface Claim {
  orderId?: string;
  atMs?: number;
}

export async function readClaim(
  ctx: CareContext,
  msisdn: string,
): Promise<{ claim: Claim | null; revision: number }> {
  const e = await ctx.orders.kv.get(numberClaimKey(msisdn));
  if (e?.operation !== 'PUT') return { claim: null, revision: e?.revision ?? 0 };
  return { claim: JSON.parse(dec.decode(e.value)) as Claim, revision: e.revision };
}

/**
 * Whether a claim no longer holds its number: released, left by an order withdrawn without
 * releasing it (a crash in between), or left by a pre-opening (no order record) that stopped
 * before it either opened the line or released the number.
 */
async function claimIsStale(ctx: CareContext, claim: Claim | null): Promise<boolean> {
  if (!claim?.orderId) return true;
  const order = (await orderRepo(ctx).get(orderKey(claim.orderId)))?.value;
  if (order) return order.status === 'cancelled';
  return ctx.deps.clock.nowMs() - (claim.atMs ?? 0) > CLAIM_GRACE_MS;
}

/**
 * Holds a free number for a new line (号码预占), for a new-line order or a pre-opening (上网预开户,
 * whose id stands for the order): the first to claim it has it, and anyone else is refused until
 * the holder is cancelled or fails. Claiming again for the same id (a retried request) is fine.
 * The claim outlives the line's opening harmlessly (the line is then on record and refuses the
 * number by itself); withdrawing the order or a failed pre-opening frees it (`releaseNumber`),
 * and a stale claim (`claimIsStale`) is taken over.
 */
export async function claimNumber(ctx: CareContext, msisdn: string, orderId: string): Promise<void> {
  await assertNumberFree(ctx, msisdn);
  const kv = ctx.orders.kv;
  const claim = enc.encode(JSON.stringify({ orderId, atMs: ctx.deps.clock.nowMs() }));
  const created = await kv.create(numberClaimKey(msisdn), claim).then(
    () => true,
    () => false,
  );
  if (created) return;
  const cur = await readClaim(ctx, msisdn);
  const holder = cur.claim?.orderId;
  if (holder === orderId) return;
  if (await claimIsStale(ctx, cur.claim)) {
    // take it if nobody else does first
    if (
      await kv.update(numberClaimKey(msisdn), claim, cur.revision).then(
        () => true,
        () => false,
      )
    )
      return;
  }
  throw new ApiError(
    'DUPLICATE',
    `${msisdn} is being taken by order ${holder ?? 'another order'}`,
    '/msisdn',
  );
}

/**
 * Why an order may not open its line now (checked when its activation completes), or null: the
 * number got a line meanwhile, or another order or a pre-opening holds it.
 */
export async function numberTakenReason(
  ctx: CareContext,
  msisdn: string,
  orderId: string,
): Promise<string | null> {
  const l = (await ctx.lines.get(msisdnKey(msisdn)))?.value;
  if (l) return `number_taken: ${msisdn} is already a line (${l.status})`;
  const { claim } = await readClaim(ctx, msisdn);
  if (claim?.orderId && claim.orderId !== orderId && !(await claimIsStale(ctx, claim)))
    return `number_taken: ${msisdn} is held by ${claim.orderId}`;
  return null;
}

/** Frees a number held by this order or pre-opening; another's claim is left alone. */
export async function releaseNumber(ctx: CareContext, msisdn: string, orderId: string): Promise<void> {
  const { claim, revision } = await readClaim(ctx, msisdn);
  if (claim?.orderId === orderId)
    await ctx.orders.kv.delete(numberClaimKey(msisdn), { previousSeq: revision });
}
