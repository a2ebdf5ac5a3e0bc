/** One problem in a catalog, naming the JSON-pointer path at fault. */
export interface CatalogIssue {
  /** Stable code: SCHEMA, DUPLICATE_ID, UNKNOWN_REF, WINDOW_GAP, WINDOW_OVERLAP, WINDOW_EMPTY, UNPRICED, UNKNOWN_KEY, VERSION_ORDER, NO_CATCH_ALL, DUPLICATE_PREFIX, MISSING_FIELD, DUPLICATE_PROMOTION; for a change (validate.ts): UNPRICEABLE_PLAN, RETROACTIVE_VERSION, ACTIVE_VERSION_CHANGED, PLAN_REMOVED, ACTIVE_RATES_CHANGED, CATALOG_VERSION_REUSED. */
  code: CatalogIssueCode;
  path: string;
  message: string;
}

export type CatalogIssueCode =
  | 'SCHEMA'
  | 'DUPLICATE_ID'
  | 'UNKNOWN_REF'
  | 'WINDOW_GAP'
  | 'WINDOW_OVERLAP'
  | 'WINDOW_EMPTY'
  | 'UNPRICED'
  | 'UNKNOWN_KEY'
  | 'VERSION_ORDER'
  | 'NO_CATCH_ALL'
  | 'DUPLICATE_PREFIX'
  | 'MISSING_FIELD'
  | 'DUPLICATE_PROMOTION'
  // checks of a change against the catalog already in force (validate.ts)
  | 'UNPRICEABLE_PLAN'
  | 'RETROACTIVE_VERSION'
  | 'ACTIVE_VERSION_CHANGED'
  | 'PLAN_REMOVED'
  | 'ACTIVE_RATES_CHANGED'
  | 'CATALOG_VERSION_REUSED';

/** Thrown by code that needs a catalog and got an invalid one; never retryable. */
export class CatalogError extends Error {
  readonly code = 'CATALOG_INVALID';
  readonly retryable = false;
  constructor(readonly issues: CatalogIssue[]) {
    super(`invalid catalog: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
    this.name = 'CatalogError';
  }
}
