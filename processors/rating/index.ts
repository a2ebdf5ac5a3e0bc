export { runRating, ratingConsumers, type RatingDeps } from './runner.ts';
export { packRated, RATED_ITEM_FIELDS } from './rated-items.ts';
export { PartitionWorker, type Applied, type InputMessage, type ReplayFilter } from './worker.ts';
export {
  sendAddOn,
  sendLineClosure,
  sendLineLoss,
  sendLineSuspension,
  sendPayment,
  sendPlanChange,
} from './payments.ts';
export {
  AccountPayment,
  AccountPlanChange,
  AccountAddOn,
  validateAddOn,
  validatePayment,
  validatePlanChange,
  INPUT_SEQ_HEADER,
  NOTICES_HEADER,
  ITEMS_HEADER,
  appendRated,
  encodeRatingOutput,
  outputId,
  outputParts,
  readOutputParts,
  usageEntryOf,
  type RatingOutput,
} from './contracts.ts';
export {
  openChargingStores,
  provisionLines,
  provisioningLookup,
  lineKey,
  balanceKey,
  readCheckpoint,
  type ChargingStores,
  type Checkpoint,
} from './store.ts';
export { ProvisioningCache, readProvisioning } from './provisioning.ts';
export {
  runPaymentRouter,
  toAccountPayment,
  adjustmentToPayment,
  PAYMENT_ROUTER_CONSUMER,
  ADJUSTMENT_ROUTER_CONSUMER,
} from './payment-router.ts';
export {
  explainCharge,
  shownBreakdown,
  ShownBreakdown,
  storedFromRow,
  explanationText,
  rowExplanationText,
  STORED_RATED_COLUMNS,
  type StoredRatedCdr,
  type Explanation,
} from './explain.ts';
export { RATED_SINK, reconcile, sinkWatermark, type Reconciliation } from './reconcile.ts';
export { allStates, readBalance } from './store.ts';
export { runReconciler, RECONCILIATION_SUBJECT } from './reconciler.ts';
export {
  planRerate,
  applyRerate,
  type RerateRequest,
  type RerateResult,
  type RerateLine,
  type AppliedRerate,
} from './rerate.ts';
export {
  CatalogConflictError,
  CatalogWatch,
  fileCatalog,
  openCatalogBucket,
  saveCatalogVersion,
  listCatalogVersions,
  CATALOG_BUCKET,
  type CatalogInForce,
  type StoredCatalog,
} from './catalog-watch.ts';
