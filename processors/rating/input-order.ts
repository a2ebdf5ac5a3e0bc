import type { JetStreamClient, JsMsg } from '@nats-io/jetstream';
import { subjects } from '../../infra/nats/index.ts';
import { firstSeqFrom } from './recovery.ts';

/**
 * Thrown before applying an input when an earlier input of the partition was never applied:
 * it was delivered, but not to this worker (a pull answer lost with its connection when a node
 * died, or served to a pull of a consumer already closed). JetStream sends it again only after
 * the ack wait, when later inputs are applied; taken then for one already applied, it would be
 * acked without a charge. The partition rebuilds from its checkpoint instead, in stream order.
 */
export class InputGapError extends Error {
  readonly code = 'INPUT_GAP';
}

/** What the order check needs of a delivery. */
export interface Delivery {
  seq: number;
  redelivered: boolean;
  info: { deliverySequence: number };
}

/**
 * Whether a delivery is known, without asking the stream, to be the input right after the
 * previous one applied: both first deliveries, one right after the other on the consumer. A
 * first delivery is always the consumer's next message in stream order, so nothing can lie
 * between them; any other delivery (the first one, a redelivery, a skipped delivery in
 * between) needs the stream asked.
 */
export function followsDirectly(lastFirstDelivery: number, m: Delivery): boolean {
  return !m.redelivered && lastFirstDelivery > 0 && m.info.deliverySequence === lastFirstDelivery + 1;
}

/** Checks that each input a partition is about to apply is the next one of its subjects. */
export class InputOrder {
  /** Consumer sequence of the last first delivery checked, or 0 when the next must be asked. */
  private last = 0;

  constructor(
    private readonly js: JetStreamClient,
    private readonly partition: number,
  ) {}

  /** Throws InputGapError when an input between `appliedThrough` and `m` was never applied. */
  async assertNext(m: Delivery | JsMsg, appliedThrough: number): Promise<void> {
    const direct = followsDirectly(this.last, m);
    this.last = m.redelivered ? 0 : m.info.deliverySequence;
    if (direct) return;
    const first = await firstSeqFrom(this.js, 'CDR', subjects.charging(this.partition), appliedThrough + 1);
    if (first !== null && first < m.seq) {
      this.last = 0;
      throw new InputGapError(
        `rating partition ${this.partition}: input ${first} was delivered but never reached this worker, ` +
          `and ${m.seq} came after it (an input gap); rebuilding from the checkpoint in stream order`,
      );
    }
  }
}
