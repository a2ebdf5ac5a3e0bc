export type RatingErrorCode =
  | 'UNKNOWN_PLAN'
  | 'NO_PLAN_VERSION'
  | 'WRONG_SUBSCRIBER'
  | 'BAD_PAYMENT'
  | 'PERIOD_OPEN'
  | 'BILL_NOT_FOUND'
  | 'NOT_POSTPAID'
  | 'UNPRICED'
  | 'SAME_PLAN'
  | 'PAYMENT_TYPE_CHANGE'
  | 'PAID_AHEAD'
  | 'NO_PERIOD'
  | 'INSUFFICIENT_BALANCE'
  | 'CREDIT_LIMIT'
  | 'LINE_LOST'
  | 'LINE_CLOSED';

/**
 * A CDR, payment or bill request the rules cannot apply to. Never retryable: the same input on the
 * same catalog fails the same way, so the runner dead-letters it with `code` and `message`.
 */
export class RatingError extends Error {
  readonly retryable = false;
  constructor(
    readonly code: RatingErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'RatingError';
  }
}
