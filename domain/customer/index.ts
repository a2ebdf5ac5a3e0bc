/** Pure customer rules: identity numbers, password strength, masking, profile diffs, level and points. */
export {
  checkResidentId,
  residentIdCheckChar,
  normaliseIdNumber,
  type ResidentIdCheck,
  type ResidentIdErrorCode,
} from './identity.ts';
export { checkPassword, passwordRuleText, type PasswordRule } from './password.ts';
export { maskIdNumber, maskPhone, maskEmail, maskAddress, type Address } from './mask.ts';
export { diffProfile, needsApproval, approvalFields, type FieldChange } from './diff.ts';
export { levelOf, levels, YEAR_MS, type LevelId, type LevelResult } from './level.ts';
export { CareAuditEvent } from './audit.ts';
export {
  afterDeliveryAttempt,
  nextAttemptAtMs,
  DEFAULT_RETRY_POLICY,
  MAX_DELIVERY_ATTEMPTS,
  PERMANENT_DELIVERY_FAILURES,
  type DeliveryState,
  type RetryPolicy,
} from './delivery.ts';
