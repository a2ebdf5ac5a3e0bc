/** One problem in a catalog, naming the JSON-pointer path at fault. */
export interface CatalogIssue {
  /** Stable code: SCHEMA, DUPLICATE_ID, UNKNOWN_REF, WINDOW_GAP, WINDOW_OVERLAP, WINDOW_EMPTY, UNPRICED, UNKNOWN_KEY, VERSION_ORDER, NO_CATCH_ALL, DUPLICATE_PREFIX, MISSING_FIELD, DUPLICATE_PROMOTION. */
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
  | 'DUPLICATE_PROMOTION';

/** Thrown by code that needs a catalog and got an invalid one; never retryable. */
export class CatalogError extends Error {
  readonly code = 'CATALOG_INVALID';
  readonly retryable = false;
  constructor(readonly issues: CatalogIssue[]) {
    super(`invalid catalog: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
    this.name = 'CatalogError';
  }
}
