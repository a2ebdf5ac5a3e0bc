import { Kvm, type KV } from '@nats-io/kv';
import { compile } from '../../../domain/index.ts';
import { SubscriberState } from '../../../domain/rating/index.ts';
import type { CareContext } from './context.ts';
import { msisdnKey } from './store.ts';

const valid = compile(SubscriberState);

/** What care needs from charging's balance state (KV `balances`, key = msisdn without '+'). */
export interface BalanceView {
  balanceFen: number;
  periodEndMs: number;
  paidPeriodsAhead: number;
  planId: string;
  barred: boolean;
}

/**
 * Reads the balance the charging engine keeps. Care never writes it: payments go out as
 * PaymentEvents and charging applies them. Null when the bucket or the subscriber is unknown.
 */
export function balanceReader(ctx: CareContext): (msisdn: string) => Promise<BalanceView | null> {
  let kv: Promise<KV | null> | null = null;
  return async (msisdn) => {
    kv ??= new Kvm(ctx.deps.nats.nc).open('balances').catch(() => null);
    const b = await kv;
    if (!b) return null;
    const e = await b.get(msisdnKey(msisdn)).catch(() => null);
    if (!e || e.operation !== 'PUT') return null;
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder().decode(e.value));
    } catch {
      return null;
    }
    const v = valid(json);
    if (!v.ok) return null;
    const s = v.value;
    return {
      balanceFen: s.balanceFen,
      periodEndMs: s.periodEndMs,
      paidPeriodsAhead: s.paidPeriodsAhead,
      planId: s.planId,
      barred: s.barred,
    };
  };
}
