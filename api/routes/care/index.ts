import type { FastifyInstance } from 'fastify';
import { openCareContext, type CareDeps } from './context.ts';
import { customerRoutes } from './customers.ts';
import { customerReviewRoutes } from './customer-review.ts';
import { accountRoutes } from './accounts.ts';
import { notificationRoutes } from './notifications.ts';
import { planRoutes } from './plans.ts';
import { reservationRoutes } from './reservations.ts';
import { orderRoutes } from './orders.ts';
import { orderCancelRoutes } from './order-cancel.ts';
import { workOrderRoutes } from './work-orders.ts';
import { contractRoutes } from './contracts.ts';
import { runActivation } from './activation.ts';
import { paymentRoutes } from './payments.ts';
import { unsubscribeRoutes } from './unsubscribe.ts';
import { lineRoutes } from './lines.ts';
import { planChangeRoutes } from './plan-change.ts';
import { addOnRoutes } from './add-ons.ts';
import { lineLossRoutes } from './line-loss.ts';
import { simSwapRoutes } from './sim-swap.ts';
import { lineSuspensionRoutes } from './line-suspension.ts';
import { portOutRoutes } from './port-out.ts';
import { chargingOutcomeRoutes } from './charging-outcome.ts';
import { transferRoutes } from './transfer.ts';
import { usageReportRoutes } from './usage-report.ts';
import { sweepStockHolds } from './reservation-stock.ts';
import { runCareSweeps } from './order-sweep.ts';
import { backfillSuspensionIndex } from './suspension-store.ts';

/** How often each API instance finishes stock holds left by crashed requests. */
const SWEEP_EVERY_MS = 60_000;
/** How often each API instance withdraws abandoned orders and ends due suspensions (two at once are safe: compare-and-set). */
const ORDER_SWEEP_EVERY_MS = 10 * 60_000;

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
    await backfillSuspensionIndex(ctx);
    customerRoutes(child, ctx);
    customerReviewRoutes(child, ctx);
    accountRoutes(child, ctx);
    notificationRoutes(child, ctx);
    planRoutes(child, ctx);
    reservationRoutes(child, ctx);
    orderRoutes(child, ctx);
    orderCancelRoutes(child, ctx);
    workOrderRoutes(child, ctx);
    contractRoutes(child, ctx);
    paymentRoutes(child, ctx);
    unsubscribeRoutes(child, ctx);
    lineRoutes(child, ctx);
    planChangeRoutes(child, ctx);
    addOnRoutes(child, ctx);
    lineLossRoutes(child, ctx);
    simSwapRoutes(child, ctx);
    lineSuspensionRoutes(child, ctx);
    portOutRoutes(child, ctx);
    chargingOutcomeRoutes(child, ctx);
    transferRoutes(child, ctx);
    usageReportRoutes(child, ctx);
    // Activation follows the DEVICE stream; it runs with the API (a durable consumer, so several
    // API instances share the work) and stops when the API closes.
    const ac = new AbortController();
    const running = runActivation(ctx, ac.signal).catch((err: unknown) =>
      deps.log.error({ err }, 'activation consumer stopped'),
    );
    const sweep = setInterval(() => {
      sweepStockHolds(ctx, deps.clock.nowMs()).then(
        (r) => {
          if (Object.keys(r.settled).length)
            deps.log.warn({ settled: r.settled }, 'finished stock holds left by interrupted requests');
        },
        (err: unknown) => deps.log.warn({ err }, 'stock hold sweep failed; next try in a minute'),
      );
    }, SWEEP_EVERY_MS);
    sweep.unref();
    // Every 10 minutes, and again when a planned 复机 falls before the next round, so a line
    // resumes at its date rather than up to 10 minutes after it.
    let resumeAt: NodeJS.Timeout | undefined;
    const careSweeps = () =>
      void runCareSweeps(ctx, deps.clock.nowMs()).then(({ suspensions }) => {
        clearTimeout(resumeAt);
        const wait = (suspensions?.nextDueMs ?? Infinity) - deps.clock.nowMs();
        if (wait >= ORDER_SWEEP_EVERY_MS) return;
        resumeAt = setTimeout(careSweeps, Math.max(0, wait));
        resumeAt.unref();
      });
    const orderSweep = setInterval(careSweeps, ORDER_SWEEP_EVERY_MS);
    orderSweep.unref();
    child.addHook('onClose', async () => {
      clearInterval(sweep);
      clearInterval(orderSweep);
      clearTimeout(resumeAt);
      ac.abort();
      ctx.close();
      await running;
    });
  });
}
