import type { FastifyInstance } from 'fastify';
import { openCareContext, type CareDeps } from './context.ts';
import { customerRoutes } from './customers.ts';
import { accountRoutes } from './accounts.ts';
import { notificationRoutes } from './notifications.ts';

export { openCareContext, type CareDeps, type CareContext } from './context.ts';
export { careBuckets } from './store.ts';
export { simulatedGateway, type MessageGateway } from './outbox.ts';
export { simulatedPaymentGateway, type PaymentGateway } from './gateway.ts';
export { templates } from './templates.ts';

/**
 * The care area (issue 5): customers, accounts, plans, contracts, reservations, installation,
 * activation, pre-opening, usage, levels, renewal, unsubscribe, notifications. Registered as one
 * encapsulated plugin because its KV buckets are opened asynchronously.
 */
export function careRoutes(app: FastifyInstance, deps: CareDeps): void {
  void app.register(async (child) => {
    const ctx = await openCareContext(deps);
    customerRoutes(child, ctx);
    accountRoutes(child, ctx);
    notificationRoutes(child, ctx);
  });
}
