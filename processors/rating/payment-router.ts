import {
  compile,
  encodeBatch,
  partitionOf,
  validators,
  type BusinessEvent,
  type Clock,
} from '../../domain/index.ts';
import { AdjustmentEvent } from '../../domain/noc/index.ts';
import type { Logger } from '../../infra/log/index.ts';
import type { Metrics } from '../../infra/metrics/index.ts';
import {
  type ConsumerSpec,
  type Nats,
  PipelinedPublisher,
  runConsumer,
  subjects,
} from '../../infra/nats/index.ts';
import { validatePayment, type AccountPayment } from './contracts.ts';

export const PAYMENT_ROUTER_CONSUMER: ConsumerSpec = {
  stream: 'BSS',
  durable: 'charging-payments',
  filterSubject: 'bss.payment.succeeded',
  maxAckPending: 1000,
  ackWaitSec: 30,
};

/** Goodwill credits from the NOC (outage compensation) enter the balance the same way. */
export const ADJUSTMENT_ROUTER_CONSUMER: ConsumerSpec = {
  stream: 'BSS',
  durable: 'charging-adjustments',
  filterSubject: 'bss.adjustment.goodwill',
  maxAckPending: 1000,
  ackWaitSec: 30,
};

const validAdjustment = compile(AdjustmentEvent);

type PaymentEvent = Extract<BusinessEvent, { paymentId: string }>;

/**
 * A goodwill adjustment as a credit: the adjustment id is the ledger key (`payment:<id>`), so the
 * same credit twice changes nothing. It is booked as a top-up (credit only, no period change).
 */
export function adjustmentToPayment(json: unknown): AccountPayment | null {
  const a = validAdjustment(json);
  if (!a.ok || a.value.amountFen <= 0) return null;
  const v = validatePayment({
    paymentId: a.value.adjustmentId,
    msisdn: a.value.msisdn,
    amountFen: a.value.amountFen,
    purpose: 'top_up',
    atMs: a.value.atMs,
  });
  return v.ok ? v.value : null;
}

/** A succeeded payment event as the charging partition takes it; null when it does not apply. */
export function toAccountPayment(e: PaymentEvent): AccountPayment | null {
  if (e.type !== 'payment.succeeded') return null;
  const v = validatePayment({
    paymentId: e.paymentId,
    msisdn: e.msisdn,
    amountFen: e.amountFen,
    purpose: e.purpose,
    atMs: e.atMs,
  });
  return v.ok ? v.value : null;
}

/**
 * Care and the business hall record payments as business events (`bss.payment.succeeded`); this
 * router hands each to its subscriber's charging partition, keyed by the payment id, so the
 * balance is credited exactly once however often the event is delivered.
 */
export async function runPaymentRouter(
  deps: { nats: Nats; partitions: number; clock: Clock; log: Logger; metrics: Metrics },
  signal: AbortSignal,
): Promise<void> {
  const publisher = new PipelinedPublisher(deps.nats.js, 128);
  const route = (spec: ConsumerSpec, convert: (json: unknown) => AccountPayment | null) =>
    runConsumer({
      js: deps.nats.js,
      stream: spec.stream,
      durable: spec.durable,
      maxBatch: 100,
      log: deps.log,
      signal,
      handle: async (msgs) => {
        for (const m of msgs) {
          let json: unknown;
          try {
            json = m.json();
          } catch {
            deps.log.warn({ seq: m.seq, subject: m.subject }, 'not JSON; skipped');
            continue;
          }
          const p = convert(json);
          if (!p) {
            deps.log.warn({ seq: m.seq, subject: m.subject }, 'not an applicable credit; skipped');
            continue;
          }
          const id = `pay-${p.paymentId}`;
          await publisher.publish({
            subject: subjects.payment(partitionOf(p.msisdn, deps.partitions)),
            data: encodeBatch(id, [p]),
            msgId: id,
          });
          deps.metrics.processed.inc({ processor: 'payment-router' });
        }
        await publisher.flush();
      },
    });
  await Promise.all([
    route(PAYMENT_ROUTER_CONSUMER, (json) => {
      const v = validators.businessEvent(json);
      return v.ok && 'paymentId' in v.value ? toAccountPayment(v.value) : null;
    }),
    route(ADJUSTMENT_ROUTER_CONSUMER, adjustmentToPayment),
  ]);
}
