/** Pure order rules: business acceptance state machine, plan comparison, reservations, unsubscribe review. */
export {
  acceptanceSteps,
  newAcceptanceOrder,
  nextStep,
  completeStep,
  failStep,
  cancelOrder,
  OrderRuleError,
  type AcceptanceOrder,
  type AcceptanceStep,
  type StepState,
  type StepStatus,
  type OrderStatus,
  type OrderErrorCode,
} from './acceptance.ts';
export {
  comparePlans,
  suggestPlan,
  planSummaries,
  type PlanSummary,
  type ExpectedUsage,
  type PlanComparison,
} from './plan.ts';
export {
  checkSlot,
  compatible,
  takeStock,
  returnStock,
  cancellationFeeFen,
  SLOT_MS,
  SLOT_HOURS_LOCAL,
  type DeviceKind,
  type SlotError,
  type Stock,
} from './reservation.ts';
export {
  afterLostWrite,
  applyHeld,
  dropHold,
  holdOf,
  settleHold,
  undoHold,
  type AfterLostWrite,
  type HeldReservation,
  type HeldStock,
  type Settlement,
  type StockHold,
} from './stock-holds.ts';
export {
  reviewUnsubscribe,
  type ReviewInput,
  type Review,
  type ReviewReason,
  type IneligibleCode,
} from './unsubscribe.ts';
export {
  planChangeChoices,
  type PlanChangeInput,
  type PlanChoice,
  type PlanChangeRefusal,
  type PlanChangeRefusalCode,
} from './plan-change.ts';
export {
  applySimSwap,
  issueStock,
  simSwapRefusal,
  CHINA_ICCID,
  ISSUED_KEPT,
  SIM_HISTORY,
  SIM_SWAP_CAUSES,
  type IssuedStock,
  type SimCard,
  type SimSwapCause,
  type SimSwapInput,
  type SimSwapRefusal,
  type SimSwapRefusalCode,
} from './sim-swap.ts';
export {
  transferRefusal,
  type TransferInput,
  type TransferRefusal,
  type TransferRefusalCode,
} from './transfer.ts';
export {
  suspensionRefusal,
  plannedResumeMs,
  suspensionEndMs,
  DEFAULT_SUSPENSION_MAX_DAYS,
  type SuspensionInput,
  type SuspensionRefusal,
  type SuspensionRefusalCode,
} from './suspension.ts';
export {
  portOutBlocks,
  portCodeExpiresAtMs,
  PORT_OUT_MIN_DAYS,
  PORT_CODE_VALID_DAYS,
  type PortOutBlock,
  type PortOutBlockCode,
  type PortOutInput,
} from './port-out.ts';
export {
  abandonedAtMs,
  isAbandoned,
  lastProgressMs,
  DEFAULT_ORDER_IDLE_DAYS,
  type OrderProgress,
} from './abandon.ts';
