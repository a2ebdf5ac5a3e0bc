/** A NOC business rule refused an action (stable code; a retry cannot help). */
export class NocRuleError extends Error {
  readonly retryable = false;
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'NocRuleError';
  }
}
