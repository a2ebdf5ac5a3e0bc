import { encodeBatch, partitionOf } from '../../domain/index.ts';
import { subjects, type PipelinedPublisher } from '../../infra/nats/index.ts';
import type {
  AccountAddOn,
  AccountLineLoss,
  AccountLineSuspension,
  AccountLineClosure,
  AccountPayment,
  AccountPlanChange,
} from './contracts.ts';

/**
 * Sends one input to its subscriber's charging partition, which applies it in order with the
 * line's usage. `id` is the message id (and names the ledger or notice key): sending it twice
 * applies it once.
 */
async function sendToPartition(
  publisher: PipelinedPublisher,
  partitions: number,
  subject: (partition: number) => string,
  id: string,
  item: { msisdn: string },
): Promise<void> {
  await publisher.publish({
    subject: subject(partitionOf(item.msisdn, partitions)),
    data: encodeBatch(id, [item]),
    msgId: id,
  });
  await publisher.flush();
}

/** A payment (top-up, renewal, bill payment, goodwill credit): the payment id is the ledger key. */
export const sendPayment = (publisher: PipelinedPublisher, partitions: number, p: AccountPayment) =>
  sendToPartition(publisher, partitions, subjects.payment, `pay-${p.paymentId}`, p);

/** A plan change (套餐变更), keyed by its change id. */
export const sendPlanChange = (publisher: PipelinedPublisher, partitions: number, c: AccountPlanChange) =>
  sendToPartition(publisher, partitions, subjects.planChange, `plan-${c.changeId}`, c);

/** An add-on pack bought for a line, keyed by its purchase id. */
export const sendAddOn = (publisher: PipelinedPublisher, partitions: number, a: AccountAddOn) =>
  sendToPartition(publisher, partitions, subjects.addOn, `addon-${a.purchaseId}`, a);

/** A loss report (挂失) or a restoration (解挂), keyed by its id. */
export const sendLineLoss = (publisher: PipelinedPublisher, partitions: number, x: AccountLineLoss) =>
  sendToPartition(publisher, partitions, subjects.lineLoss, `loss-${x.lossId}`, x);

/** 停机保号 or 复机, keyed by its id. */
export const sendLineSuspension = (
  publisher: PipelinedPublisher,
  partitions: number,
  x: AccountLineSuspension,
) => sendToPartition(publisher, partitions, subjects.lineSuspension, `suspend-${x.suspensionId}`, x);

/** A line closed for good (销户, 携出), keyed by its number: a line closes once. */
export const sendLineClosure = (publisher: PipelinedPublisher, partitions: number, x: AccountLineClosure) =>
  sendToPartition(publisher, partitions, subjects.lineClosure, `close-${x.msisdn}`, x);
