import { encodeBatch, partitionOf } from '../../domain/index.ts';
import { subjects, type PipelinedPublisher } from '../../infra/nats/index.ts';
import type { AccountPayment } from './contracts.ts';

/**
 * Sends a payment (top-up, renewal, bill payment, goodwill credit) to the subscriber's charging
 * partition. The payment id is the message id and the ledger key: sending it twice credits once.
 */
export async function sendPayment(
  publisher: PipelinedPublisher,
  partitions: number,
  p: AccountPayment,
): Promise<void> {
  const id = `pay-${p.paymentId}`;
  await publisher.publish({
    subject: subjects.payment(partitionOf(p.msisdn, partitions)),
    data: encodeBatch(id, [p]),
    msgId: id,
  });
  await publisher.flush();
}
