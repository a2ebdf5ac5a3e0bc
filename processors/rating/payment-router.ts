import { encodeBatch, partitionOf, validators, type BusinessEvent, type Clock } from '../../domain/index.ts';
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

type PaymentEvent = Extract<BusinessEvent, { paymentId: string }>;

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
  await runConsumer({
    js: deps.nats.js,
    stream: PAYMENT_ROUTER_CONSUMER.stream,
    durable: PAYMENT_ROUTER_CONSUMER.durable,
    maxBatch: 100,
    log: deps.log,
    signal,
    handle: async (msgs) => {
      for (const m of msgs) {
        let json: unknown;
        try {
          json = m.json();
        } catch {
          deps.log.warn({ seq: m.seq }, 'payment event is not JSON; skipped');
          continue;
        }
        const v = validators.businessEvent(json);
        const p = v.ok && 'paymentId' in v.value ? toAccountPayment(v.value) : null;
        if (!p) {
          deps.log.warn(
            { seq: m.seq, error: v.ok ? 'not a payment' : v.error },
            'payment event not applicable; skipped',
          );
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
}
