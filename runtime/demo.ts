import type { NatsConnection } from '@nats-io/transport-node';
import type { CompiledCatalog } from '../domain/catalog/index.ts';
import type { Nats } from '../infra/nats/index.ts';
import {
  allStates,
  NOTICES_HEADER,
  openChargingStores,
  provisionLines,
  readOutputParts,
} from '../processors/rating/index.ts';
import { population } from '../simulators/index.ts';

/** Plan ids of the catalog, in catalog order: the simulator spreads its lines over them. */
export function planIdsOf(catalog: CompiledCatalog): string[] {
  return [...catalog.plans.keys()];
}

/**
 * Gives every simulated line a provisioning entry (plan, activation, opening credit) so the
 * charging partitions can rate it; existing entries are kept. Returns how many were created.
 */
export async function provisionSimulatedLines(
  nc: NatsConnection,
  catalog: CompiledCatalog,
  seed: number,
  subscribers: number,
  activatedAtMs: number,
): Promise<number> {
  const stores = await openChargingStores(nc);
  const subs = population(seed, subscribers, planIdsOf(catalog));
  return provisionLines(
    stores.subscribers,
    subs.map((s) => ({ msisdn: s.e164, planId: s.planId, activatedAtMs, openingBalanceFen: 10_000 })),
  );
}

/**
 * Follows barring notices from charging so the simulator obeys them (a barred line makes no
 * chargeable usage until a top-up or renewal lifts the bar; a closed line never again). At start
 * it reads which lines charging last saved as barred, so a restart does not send usage for lines
 * barred or closed before it; a notice seen while that read runs wins over the saved state.
 */
export async function watchBarredLines(
  nats: Pick<Nats, 'nc' | 'js'>,
): Promise<{ isBarred(e164: string): boolean; stop(): void }> {
  const barred = new Set<string>();
  const told = new Set<string>();
  const sub = nats.nc.subscribe('rated.p.*', {
    callback: (err, msg) => {
      // Most outputs carry no notification: skip those without parsing them.
      if (err || msg.headers?.get(NOTICES_HEADER) === '0') return;
      for (const n of readOutputParts(msg.data)?.notifications ?? []) {
        const { kind, msisdn } = n as { kind?: unknown; msisdn?: unknown };
        if (typeof msisdn !== 'string') continue;
        if (kind === 'line_barred' || kind === 'line_closed') barred.add(msisdn);
        if (kind === 'line_unbarred') barred.delete(msisdn);
        told.add(msisdn);
      }
    },
  });
  for (const st of await allStates(nats.js).catch(() => []))
    if (st.barred && !told.has(st.msisdn)) barred.add(st.msisdn);
  return { isBarred: (e164) => barred.has(e164), stop: () => sub.unsubscribe() };
}
