import type { FastifyInstance } from 'fastify';
import type { Logger } from '../infra/log/index.ts';
import { withDemoLogin } from './demo-session.ts';

/** The devices a fresh demo has in each region's warehouse, so an order can reserve one. */
export const DEMO_STOCK = {
  regions: ['bj', 'sh', 'gd'],
  models: [
    { model: 'ONT-1', kind: 'ont' },
    { model: 'CPE-5G', kind: 'cpe' },
    { model: 'MIFI-4G', kind: 'mifi' },
    { model: 'SIM-5G', kind: 'sim' },
    { model: 'PHONE-A1', kind: 'phone' },
  ],
  available: 20,
} as const;

/**
 * Puts the demo stock into the warehouses as a supervisor would (the same API call, audited), for
 * each region and model that has no stock record yet: a second start, or stock someone changed,
 * is left as it is. Returns how many records were created.
 */
export async function seedDemoStock(app: FastifyInstance, log: Logger): Promise<number> {
  const r = await withDemoLogin(app, 'supervisor', async (call) => {
    let created = 0;
    for (const region of DEMO_STOCK.regions)
      for (const { model, kind } of DEMO_STOCK.models) {
        const url = `/api/v1/inventory/${region}/${model}`;
        if ((await call({ method: 'GET', url })).statusCode !== 404) continue;
        const put = await call({ method: 'PUT', url, payload: { kind, available: DEMO_STOCK.available } });
        if (put.statusCode === 200) created++;
        else log.warn({ status: put.statusCode, url }, 'demo stock not set');
      }
    return created;
  });
  if (!r.ok) {
    log.warn({ status: r.status }, 'demo stock not set: the demo supervisor login was refused');
    return 0;
  }
  if (r.value) log.info({ created: r.value }, 'demo stock');
  return r.value;
}
