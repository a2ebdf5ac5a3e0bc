import { Kvm, type KV } from '@nats-io/kv';
import { provisionLines, readBalance, readProvisioning } from '../../../processors/rating/index.ts';
import { openingStateAt, type Provisioning, type SubscriberState } from '../../../domain/rating/index.ts';
import type { CareContext } from './context.ts';

/** Charging's buckets, opened once per care context (an open is a stream-info round trip). */
const opened = new WeakMap<CareContext, Map<string, Promise<KV>>>();
function bucket(ctx: CareContext, name: 'balances' | 'subscribers'): Promise<KV> {
  let m = opened.get(ctx);
  if (!m) opened.set(ctx, (m = new Map()));
  let kv = m.get(name);
  if (!kv) {
    kv = new Kvm(ctx.deps.nats.nc).open(name);
    m.set(name, kv);
    // a failed open is tried again next time, not remembered
    kv.catch(() => m.delete(name));
  }
  return kv;
}

/** What care needs from charging's balance state. */
export interface BalanceView {
  balanceFen: number;
  periodEndMs: number;
  paidPeriodsAhead: number;
  planId: string;
  barred: boolean;
  /** Set once charging has closed the line (销户, 携出). */
  closedAtMs?: number;
}

/**
 * Reads the balance the charging engine keeps in KV `balances` (through charging's own reader,
 * so the key layout stays theirs). Care never writes it: payments go out as PaymentEvents and
 * charging applies them. Null when the bucket or the subscriber is unknown.
 */
export function balanceReader(ctx: CareContext): (msisdn: string) => Promise<BalanceView | null> {
  const partitions = ctx.deps.config.CDR_PARTITIONS;
  return async (msisdn) => {
    const b = await bucket(ctx, 'balances').catch(() => null);
    if (!b) return null;
    const s = await readBalance(b, partitions, msisdn).catch(() => null);
    if (!s) return null;
    return {
      balanceFen: s.balanceFen,
      periodEndMs: s.periodEndMs,
      paidPeriodsAhead: s.paidPeriodsAhead,
      planId: s.planId,
      barred: s.barred,
      ...(s.closedAtMs !== undefined ? { closedAtMs: s.closedAtMs } : {}),
    };
  };
}

/**
 * The line's charging state as charging last saved it, or (never rated yet) the state charging
 * will start from. Null when charging does not know the line or its plan.
 */
export async function chargingStateOf(ctx: CareContext, msisdn: string): Promise<SubscriberState | null> {
  const kv = await bucket(ctx, 'balances').catch(() => null);
  const saved = kv ? await readBalance(kv, ctx.deps.config.CDR_PARTITIONS, msisdn).catch(() => null) : null;
  if (saved) return saved;
  const p = await provisionedLine(ctx, msisdn);
  if (!p || !ctx.catalog.plans.has(p.planId)) return null;
  return openingStateAt(ctx.catalog, p, ctx.deps.clock.nowMs());
}

/**
 * Hands a newly opened line to charging (KV `subscribers`, charging's provisioning layout): from
 * then on its CDRs are rated on the plan. Never overwrites an existing provisioning; no opening
 * balance (money arrives as PaymentEvents, so nothing is credited twice).
 */
export async function provisionForCharging(
  ctx: CareContext,
  msisdn: string,
  planId: string,
  atMs: number,
): Promise<boolean> {
  const kv = await bucket(ctx, 'subscribers');
  return (await provisionLines(kv, [{ msisdn, planId, activatedAtMs: atMs }])) === 1;
}

/** Whether charging knows the line (it is provisioned in KV `subscribers`). */
export async function isProvisioned(ctx: CareContext, msisdn: string): Promise<boolean> {
  return (await provisionedLine(ctx, msisdn)) !== null;
}

/** The line's provisioning for charging (plan, activation time); null when charging does not know it. */
export async function provisionedLine(ctx: CareContext, msisdn: string): Promise<Provisioning | null> {
  return readProvisioning(await bucket(ctx, 'subscribers'), msisdn);
}
