import { encodeBatch, partitionOf } from '../../domain/index.ts';
import { subjects, type PipelinedPublisher } from '../../infra/nats/index.ts';
import type { AccountAddOn, AccountLineLoss, AccountPayment, AccountPlanChange } from './contracts.ts';

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

/**
 * Sends a plan change (套餐变更) to the subscriber's charging partition, which takes it in order
 * with the line's usage and payments. The change id is the message id: sending it twice applies once.
 */
export async function sendPlanChange(
  publisher: PipelinedPublisher,
  partitions: number,
  c: AccountPlanChange,
): Promise<void> {
  const id = `plan-${c.changeId}`;
  await publisher.publish({
    subject: subjects.planChange(partitionOf(c.msisdn, partitions)),
    data: encodeBatch(id, [c]),
    msgId: id,
  });
  await publisher.flush();
}

/** Sends an add-on pack bought for a line to its charging partition: the purchase id is the message id. */
export async function sendAddOn(
  publisher: PipelinedPublisher,
  partitions: number,
  a: AccountAddOn,
): Promise<void> {
  const id = `addon-${a.purchaseId}`;
  await publisher.publish({
    subject: subjects.addOn(partitionOf(a.msisdn, partitions)),
    data: encodeBatch(id, [a]),
    msgId: id,
  });
  await publisher.flush();
}

/** Sends a loss report (挂失) or a restoration (解挂) to the line's charging partition. */
export async function sendLineLoss(
  publisher: PipelinedPublisher,
  partitions: number,
  x: AccountLineLoss,
): Promise<void> {
  const id = `loss-${x.lossId}`;
  await publisher.publish({
    subject: subjects.lineLoss(partitionOf(x.msisdn, partitions)),
    data: encodeBatch(id, [x]),
    msgId: id,
  });
  await publisher.flush();
}
