export { rate, type RateResult, type RateOptions } from './rate.ts';
export { applyPayment, type Payment, type PaymentResult } from './payment.ts';
export {
  closeBill,
  billLines,
  type Bill,
  type BillLine,
  type BillLineCode,
  type BillResult,
} from './bill.ts';
export {
  newSubscriber,
  openingStateAt,
  periodEndMs,
  feeFor,
  type Provisioning,
  type Effects,
} from './period.ts';
export { sentences, bytesText, type SentenceFacts } from './explain.ts';
export {
  reasonCode,
  parseReasonCode,
  storedSentences,
  reasonNames,
  type ReasonCode,
  type ReasonNames,
  type StoredUsage,
} from './reason.ts';
export { splitByWindow, applyIncrements, shareByTime, roundHalfUpDiv, type WindowRun } from './split.ts';
export { RatingError, type RatingErrorCode } from './errors.ts';
export { toRatedCdr } from './wire.ts';
export * from './types.ts';
export { applyAdjustment, type BalanceAdjustment } from './adjust.ts';
export {
  applyPlanChange,
  planTermsAt,
  type PlanTerms,
  planChangeKey,
  type PlanChange,
  type PlanChangeResult,
} from './plan-change.ts';
export { applyAddOn, type AddOnPurchase, type AddOnResult } from './add-on.ts';
export { notice } from './thresholds.ts';
export { applyLineLoss, lineLossKey, type LineLoss } from './line-loss.ts';
export { applyLineSuspension, lineSuspensionKey, type LineSuspension } from './suspension.ts';
export { applyLineClosure, assertLineOpen, lineClosureKey, type LineClosure } from './closure.ts';
